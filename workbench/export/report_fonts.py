"""The CJK font of the briefing report: the installed font that draws Chinese, named in the charts and carried by
the HTML page.

The PDF's text is drawn by Qt, which falls back glyph by glyph from DejaVu Sans to the system's CJK font and
embeds the glyphs it used, so a Chinese PDF prints on a machine without that font. The charts are matplotlib
figures: matplotlib lays out text with the fonts it is given, and DejaVu Sans has no Han glyphs, so the charts
name the CJK font after it. The HTML page is opened on any machine: it carries the glyphs its text uses from
that same font file as an ``@font-face`` (a subset, a few kB per character), and its font stacks name it.
"""

from __future__ import annotations

import base64
import functools
import io
import logging
from dataclasses import dataclass

#: CJK families in the order fontconfig prefers them for Simplified Chinese (the one Qt's PDF text falls back to).
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN")
#: The first font of every text in the report (the PDF's ``paper.FONT_FAMILY`` and matplotlib's default).
LATIN_FAMILY = "DejaVu Sans"
HAN = "\u4e2d"  # a character every CJK font has


@dataclass(frozen=True)
class FontFile:
    family: str
    path: str
    index: int  # the face in a collection (.ttc)


def _covers_han(path: str, index: int) -> bool:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            return ord(HAN) in (font.getBestCmap() or {})
    except Exception:  # noqa: BLE001 - a font file fontTools cannot read is just not a candidate
        return False


@functools.cache
def cjk_font() -> FontFile | None:
    """The installed font that draws Chinese: a known CJK family first, else any font with Han glyphs; None when
    there is none (the report then shows boxes for Chinese text, as every program on that machine would)."""
    from matplotlib import font_manager

    rank = {name: i for i, name in enumerate(CJK_FAMILIES)}
    candidates = sorted((entry for entry in font_manager.fontManager.ttflist if entry.name != LATIN_FAMILY),
                        key=lambda entry: (rank.get(entry.name, len(rank)), entry.style != "normal",
                                           entry.weight not in (400, "normal", "regular")))
    for entry in candidates:
        if _covers_han(entry.fname, getattr(entry, "index", 0)):
            return FontFile(entry.name, entry.fname, getattr(entry, "index", 0))
    return None


def font_families() -> list[str]:
    """The family list for report text: DejaVu Sans, then the CJK font for what it lacks."""
    cjk = cjk_font()
    return [LATIN_FAMILY] + ([cjk.family] if cjk is not None else [])


def css_font_stack(*first: str, cjk_first: bool = False) -> str:
    """A CSS ``font-family`` value: ``first``, then the report's families, then the browser's sans-serif. With
    ``cjk_first`` the CJK font leads: the page carries it as a web font limited to the Han characters it uses
    (``cjk_font_face``), and Chromium only draws such a web font reliably when it is the first family, not a
    fallback after a Latin font that lacks the glyphs (tested: tofu boxes otherwise)."""
    families = font_families()
    names = [*families[1:], *first, *families[:1]] if cjk_first else [*first, *families]
    return ", ".join(f'"{name}"' for name in dict.fromkeys(names)) + ", sans-serif"


def cjk_font_face(text: str) -> str:
    """An ``@font-face`` rule carrying the glyphs of ``text`` that need the CJK font (as a base64 TrueType subset),
    or "" when ``text`` is all Latin or no CJK font is installed."""
    cjk = cjk_font()
    needed = "".join(sorted({char for char in text if ord(char) >= 0x2E80}))
    if cjk is None or not needed:
        return ""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    level = subset.log.level
    subset.log.setLevel(logging.ERROR)  # not the tables it drops: a report is no place for font internals
    try:
        with TTFont(cjk.path, fontNumber=cjk.index, lazy=False) as font:
            subsetter = subset.Subsetter(options)
            subsetter.populate(text=needed)
            subsetter.subset(font)
            buffer = io.BytesIO()
            font.save(buffer)
    finally:
        subset.log.setLevel(level)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    characters = ", ".join(f"U+{ord(char):X}" for char in needed)  # the browser uses it for these only
    return (f'@font-face {{ font-family: "{cjk.family}"; src: url(data:font/ttf;base64,{data}) format("truetype"); '
            f'unicode-range: {characters}; }}')
