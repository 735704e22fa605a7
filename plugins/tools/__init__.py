"""General GIS tools shipped as plugins: buffer, clip, spatial join, count points in polygons, nearest
neighbour distance, attribute filter and conversion of points from GCJ-02. Each is an ordinary
``plugins.api.Algorithm``."""

from __future__ import annotations

from plugins.api import Algorithm


def algorithms() -> list[Algorithm]:
    from plugins.tools.buffer import Buffer
    from plugins.tools.clip import Clip
    from plugins.tools.count_points import CountPointsInPolygons
    from plugins.tools.filter import AttributeFilter
    from plugins.tools.gcj02 import Gcj02ToWgs84
    from plugins.tools.join import JoinByLocation
    from plugins.tools.nearest import NearestDistance

    return [Buffer(), Clip(), JoinByLocation(), CountPointsInPolygons(), NearestDistance(), AttributeFilter(),
            Gcj02ToWgs84()]
