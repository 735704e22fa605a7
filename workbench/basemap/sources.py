"""The online basemaps offered in View > Basemap, taken from xyzservices (so URLs and attributions stay current)."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass


@dataclass(frozen=True)
class BasemapSource:
    """An XYZ tile service: ``url`` has {z}, {x}, {y} placeholders; ``attribution`` is drawn on the map."""

    name: str
    url: str
    attribution: str
    max_zoom: int = 19

    @property
    def cache_key(self) -> str:
        """A folder name for this service's tiles in the disk cache."""
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name).strip("_") or "tiles"

    def tile_url(self, zoom: int, x: int, y: int) -> str:
        return self.url.format(z=zoom, x=x, y=y, s="a", r="")


#: xyzservices provider paths offered to the user (CARTO now needs an API key, so it is not offered).
OFFERED = {
    "OpenStreetMap": ("OpenStreetMap", "Mapnik"),
    "Esri World Imagery": ("Esri", "WorldImagery"),
    "Esri World Gray Canvas": ("Esri", "WorldGrayCanvas"),
}


def available_basemaps() -> dict[str, BasemapSource]:
    """Name -> source for the menu, in the order offered."""
    import xyzservices.providers as providers

    out = {}
    for name, path in OFFERED.items():
        provider = providers
        for key in path:
            provider = provider[key]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            url = provider.build_url(scale_factor="")
        out[name] = BasemapSource(name, url, str(provider.get("attribution", "")),
                                  int(provider.get("max_zoom") or 19))
    return out
