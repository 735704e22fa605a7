"""Optional online basemaps (XYZ tiles such as OpenStreetMap), cached on disk; off by default so the workbench
runs fully offline. Failures are quiet: the canvas shows a status message and carries on without tiles."""

from workbench.basemap.compose import render_basemap
from workbench.basemap.fetch import BasemapUnavailable
from workbench.basemap.sources import BasemapSource, available_basemaps
from workbench.basemap.tile_cache import TileCache

__all__ = ["BasemapSource", "BasemapUnavailable", "TileCache", "available_basemaps", "render_basemap"]
