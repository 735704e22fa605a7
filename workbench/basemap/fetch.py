"""Download tiles over HTTP, politely: a proper User-Agent (required by the OpenStreetMap tile policy),
short timeouts so an offline laptop gives up quickly, and the disk cache first."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from PyQt6.QtCore import QCoreApplication

from layers.errors import LamplightError
from workbench.basemap.sources import BasemapSource, WmtsSource
from workbench.basemap.tile_cache import TileCache

USER_AGENT = "Lamplight/0.1 (desktop GIS planning workbench; https://github.com/lamplight-gis)"
TIMEOUT_SECONDS = 4.0
#: A tile is a few tens of kilobytes; a server that sends more is broken or hostile, and is not read further.
MAX_TILE_BYTES = 4 * 1024 * 1024
PARALLEL_DOWNLOADS = 4
#: After a batch of downloads all failed, stay off the network this long (an offline laptop must not stall).
BACKOFF_SECONDS = 30.0

_offline_until: dict[str, float] = {}
_offline_lock = threading.Lock()


def _tr(text: str) -> str:
    return QCoreApplication.translate("BasemapFetch", text)


class BasemapUnavailable(LamplightError):
    """No tile could be had (offline, server down, bad URL); the message says why in a few words."""


def download(url: str, timeout: float = TIMEOUT_SECONDS, limit: int = MAX_TILE_BYTES) -> bytes:
    """The body at ``url``; an address that is not http(s), more than ``limit`` bytes or a network error raises."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise BasemapUnavailable(_tr("not a web address: {url}").format(url=url[:80]))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(limit + 1)
            if len(data) > limit:
                raise BasemapUnavailable(_tr("the server's answer is larger than the {limit:,} bytes accepted").format(
                    limit=limit))
            return data
    except urllib.error.HTTPError as exc:
        raise BasemapUnavailable(_tr("the tile server answered {code} {reason}").format(
            code=exc.code, reason=exc.reason)) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BasemapUnavailable(_tr("cannot reach the tile server ({reason})").format(reason=reason)) from exc


def fetch_tiles(source: BasemapSource | WmtsSource, zoom: int, tiles: list[tuple[int, int]], cache: TileCache,
                cancelled=lambda: False) -> tuple[dict[tuple[int, int], bytes], str | None]:
    """Tile bytes by (x, y), from the cache or the network, and the first network problem met (or None).

    A stale cached tile is used when the download fails, so a map once seen keeps working offline.
    """
    found: dict[tuple[int, int], bytes] = {}
    missing: list[tuple[int, int]] = []
    stale: dict[tuple[int, int], bytes] = {}
    for x, y in tiles:
        data, fresh = cache.get(source.cache_key, zoom, x, y)
        if data is not None and fresh:
            found[(x, y)] = data
        else:
            missing.append((x, y))
            if data is not None:
                stale[(x, y)] = data
    if not missing:
        return found, None
    problem = backoff_reason(source)
    if problem is None:
        problem = _download_missing(source, zoom, missing, cache, found, cancelled)
    for tile in missing:
        if tile not in found and tile in stale:
            found[tile] = stale[tile]
    return found, problem


def note_unreachable(source) -> None:
    """Keep off ``source``'s server for a while: every request to it has just failed."""
    with _offline_lock:
        _offline_until[source.url] = time.monotonic() + BACKOFF_SECONDS


def backoff_reason(source) -> str | None:
    """Why not to try ``source``'s server now (it failed a moment ago), or None."""
    with _offline_lock:
        until = _offline_until.get(source.url, 0.0)
    if time.monotonic() < until:
        return _tr("the tile server could not be reached a moment ago; retrying shortly")
    return None


def _download_missing(source: BasemapSource | WmtsSource, zoom: int, missing: list[tuple[int, int]], cache: TileCache,
                      found: dict[tuple[int, int], bytes], cancelled) -> str | None:
    """Download in batches; when a whole batch fails, stop and back off instead of timing out tile by tile."""
    problem: str | None = None

    def one(tile: tuple[int, int]) -> tuple[tuple[int, int], bytes | None, str | None]:
        if cancelled():
            return tile, None, None
        try:
            return tile, download(source.tile_url(zoom, *tile)), None
        except BasemapUnavailable as exc:
            return tile, None, str(exc)

    with ThreadPoolExecutor(max_workers=PARALLEL_DOWNLOADS) as pool:
        for start in range(0, len(missing), PARALLEL_DOWNLOADS):
            if cancelled():
                break
            batch = list(pool.map(one, missing[start:start + PARALLEL_DOWNLOADS]))
            for tile, data, error in batch:
                if data is not None:
                    cache.put(source.cache_key, zoom, *tile, data)
                    found[tile] = data
                problem = problem or error
            if all(data is None for _, data, _ in batch) and not cancelled():
                note_unreachable(source)
                break
    return problem
