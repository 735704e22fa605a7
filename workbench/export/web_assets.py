"""The JavaScript and CSS a web map page needs, inlined (works offline) or linked from a CDN (smaller file).

Leaflet is shipped in ``assets/`` at a pinned version with its licence (see ``assets/README.md``); its CSS refers to
a few PNG icons, which become ``data:`` URIs when inlined so that nothing is fetched when the file is opened.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

ASSETS = Path(__file__).with_name("assets")
LEAFLET_VERSION = "1.9.4"
LEAFLET_DIR = ASSETS / f"leaflet-{LEAFLET_VERSION}"
LEAFLET_CDN = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist"

_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((images/[A-Za-z0-9_.-]+\.png)\)")


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _inline_css_images(css: str, folder: Path) -> str:
    def data_uri(match: re.Match) -> str:
        payload = base64.b64encode((folder / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{payload})"

    return _CSS_URL.sub(data_uri, css)


def leaflet_head(self_contained: bool) -> str:
    """``<head>`` markup that loads Leaflet: inlined from the shipped copy, or linked from the CDN."""
    if not self_contained:
        return (f'<link rel="stylesheet" href="{LEAFLET_CDN}/leaflet.css"/>\n'
                f'<script src="{LEAFLET_CDN}/leaflet.js"></script>')
    css = _inline_css_images(_read(LEAFLET_DIR / "leaflet.css"), LEAFLET_DIR)
    script = _SOURCE_MAP.sub("", _read(LEAFLET_DIR / "leaflet.js"))
    return f"<style>\n{css}\n</style>\n<script>\n{script}\n</script>"


def lamplight_head() -> str:
    """Our own page helpers (popups, ordering) and styles; always inlined, they are small."""
    return (f"<style>\n{_read(ASSETS / 'lamplight-webmap.css')}\n</style>\n"
            f"<script>\n{_read(ASSETS / 'lamplight-webmap.js')}\n</script>")
