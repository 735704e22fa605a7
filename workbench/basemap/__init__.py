"""Optional online basemaps (XYZ templates, WMTS, WMS, and stacks of them), cached on disk; off by default so the
workbench runs fully offline. Failures are quiet: the canvas shows a status message and carries on without them."""

from workbench.basemap.compose import render_basemap
from workbench.basemap.fetch import BasemapUnavailable
from workbench.basemap.sources import (
    BasemapSource,
    BasemapStack,
    Source,
    WmsSource,
    WmtsSource,
    available_basemaps,
    looks_gcj02,
    source_from_definition,
)
from workbench.basemap.tile_cache import TileCache

__all__ = ["BasemapSource", "BasemapStack", "BasemapUnavailable", "Source", "TileCache", "WmsSource", "WmtsSource",
           "available_basemaps", "looks_gcj02", "render_basemap", "source_from_definition"]
