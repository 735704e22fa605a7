"""Tiles kept on disk, so a basemap seen once is there again offline and tile servers are not hammered.

Files live under ``<root>/<service>/<z>/<x>/<y>.tile``; writes go through a temporary file and a rename so a
crash never leaves half a tile. Tiles older than ``max_age_days`` are fetched again when the network is up.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

DEFAULT_MAX_AGE_DAYS = 30.0


def default_cache_root() -> Path:
    """``$LAMPLIGHT_TILE_CACHE``, else the user's cache folder (``~/.cache/lamplight/tiles``)."""
    override = os.environ.get("LAMPLIGHT_TILE_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lamplight" / "tiles"


class TileCache:
    def __init__(self, root: Path | None = None, max_age_days: float = DEFAULT_MAX_AGE_DAYS) -> None:
        self.root = Path(root) if root is not None else default_cache_root()
        self.max_age_seconds = max_age_days * 86400.0

    def path(self, service: str, zoom: int, x: int, y: int) -> Path:
        return self.root / service / str(zoom) / str(x) / f"{y}.tile"

    def get(self, service: str, zoom: int, x: int, y: int) -> tuple[bytes | None, bool]:
        """(tile bytes or None, whether they are fresh); stale bytes still serve when offline."""
        return self._read(self.path(service, zoom, x, y))

    def named_path(self, service: str, name: str) -> Path:
        """Where an answer that is not a tile (a WMS GetMap image, keyed by a hash of the request) is kept."""
        return self.root / service / "requests" / f"{name}.img"

    def get_named(self, service: str, name: str) -> tuple[bytes | None, bool]:
        return self._read(self.named_path(service, name))

    def put_named(self, service: str, name: str, data: bytes) -> None:
        self._write(self.named_path(service, name), data)

    def _read(self, path: Path) -> tuple[bytes | None, bool]:
        try:
            data = path.read_bytes()
            age = time.time() - path.stat().st_mtime
        except OSError:
            return None, False
        return data, age <= self.max_age_seconds

    def put(self, service: str, zoom: int, x: int, y: int, data: bytes) -> None:
        """Store a tile; a full or read-only disk only costs the cache, never the map."""
        self._write(self.path(service, zoom, x, y), data)

    def _write(self, path: Path, data: bytes) -> None:
        temp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except OSError:
            if temp is not None:  # a half-written temporary file must not pile up in the cache folder
                with contextlib.suppress(OSError):
                    os.unlink(temp)
