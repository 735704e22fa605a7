"""Where the interface translations live and which language a start asks for; Qt-free, the command line uses it.

``lamplight_<language>.ts`` is the catalogue source (``scripts/update_translations.sh`` extracts the strings of
workbench/, layers/, plugins/ and lamplight/ into it with PyQt6's ``pylupdate6``, keeping existing
translations); ``lamplight_<language>.qm`` is compiled from it by Qt's ``lrelease`` (scripts/bootstrap.sh does
that, so the ``.qm`` is not committed). Without a ``.qm`` the ``.ts`` is read directly, so a checkout or a wheel
built without ``lrelease`` still shows the translation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

CATALOGUE_DIR = Path(__file__).resolve().parent
#: The language of the source strings, and the languages a catalogue exists for, with their own names.
SOURCE_LANGUAGE = "en"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


def normalise(name: str | None) -> str | None:
    """A catalogue language for a locale name (``zh_CN.UTF-8``, ``zh-Hans``, ``zh`` -> ``zh_CN``; ``en_US`` ->
    ``en``), or None when ``name`` is empty or ``C``/``POSIX`` (no preference)."""
    if not name:
        return None
    base = name.split(".")[0].split("@")[0].replace("-", "_")
    if base in ("", "C", "POSIX"):
        return None
    if base in LANGUAGES:
        return base
    language = base.split("_")[0].lower()
    if language == "zh":
        return "zh_CN"
    return SOURCE_LANGUAGE


def environment_language(environ: Mapping[str, str] = os.environ) -> str | None:
    """The language the POSIX locale variables ask for (``LC_ALL`` > ``LC_MESSAGES`` > ``LANG``), or None."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        language = normalise(environ.get(variable))
        if language is not None:
            return language
    return None


def catalogue(language: str, suffix: str) -> Path | None:
    """The ``.ts`` or ``.qm`` file of ``language``, or None when there is none (English needs none)."""
    path = CATALOGUE_DIR / f"lamplight_{language}{suffix}"
    return path if language != SOURCE_LANGUAGE and path.is_file() else None
