"""Which CRS measures true distances near the data, and which local metric CRS to use when the given one does not.

A planner's files arrive in WGS84 (degrees), Web Mercator (its "metres" are 1/cos(latitude) too long: +8.7 % in
Guangzhou, +55 % at 50° N) or a local grid. Distances are only true in a projection whose scale is close to 1
where the data lies, so this module checks the scale of a CRS at the data (projected distances of short
geodesic steps against their true length) and, when a CRS fails, estimates a local one: the CGCS2000 3-degree
Gauss-Krüger zone with its central meridian in China (EPSG:4534-4554, false easting 500 km, no zone prefix), the
WGS84 UTM zone elsewhere. Never a geographic CRS and never a Mercator.

Example::

    crs = local_metric_crs(113.32, 23.13)          # EPSG:4547, CGCS2000 / 3-degree Gauss-Kruger CM 114E
    distance_problem(pyproj.CRS(3857), [(113.32, 23.13)])   # "... scale error 8.7 % ..."
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pyproj

from layers.i18n import translate

#: Largest relative error of a measured distance that still counts as true (0.5 %).
MAX_SCALE_ERROR = 0.005
#: Roughly mainland China and its coast, where CGCS2000 Gauss-Krüger grids are the local norm.
CHINA_BOX = (73.0, 18.0, 135.0, 54.0)
#: EPSG codes of "CGCS2000 / 3-degree Gauss-Kruger CM 75E" ... "CM 135E", one per 3 degrees.
_CGCS2000_CM_FIRST, _CGCS2000_CM_LAST = 4534, 4554
_FIRST_CM = 75
#: Length of the geodesic steps whose projected length is compared with the truth (metres).
_STEP_M = 100.0
_WGS84 = pyproj.CRS.from_epsg(4326)
_GEOD = pyproj.Geod(ellps="WGS84")


def describe_crs(crs: pyproj.CRS) -> str:
    """'EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)': the code a planner types and the name they read."""
    code = crs.to_epsg()
    return f"EPSG:{code} ({crs.name})" if code is not None else crs.name


def local_metric_crs(lon: float, lat: float) -> pyproj.CRS:
    """The local metric CRS around (lon, lat): CGCS2000 3-degree Gauss-Krüger in China, else the UTM zone."""
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lat) > 90:
        raise ValueError(translate("layers.crs", "({lon}, {lat}) is not a longitude/latitude").format(lon=lon, lat=lat))
    lon = (lon + 180.0) % 360.0 - 180.0
    west, south, east, north = CHINA_BOX
    if west <= lon <= east and south <= lat <= north:
        crs = _cgcs2000_zone(lon, lat)
        if crs is not None:
            return crs
    zone = min(60, int((lon + 180.0) // 6.0) + 1)
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def _cgcs2000_zone(lon: float, lat: float) -> pyproj.CRS | None:
    code = _CGCS2000_CM_FIRST + round((lon - _FIRST_CM) / 3.0)
    if not _CGCS2000_CM_FIRST <= code <= _CGCS2000_CM_LAST:
        return None
    crs = pyproj.CRS.from_epsg(code)
    area = crs.area_of_use
    # The zone's area of use is China's part of the strip; outside it (Korea, Mongolia, the sea) UTM is the norm.
    margin = 0.5
    if area is not None and not (area.west - margin <= lon <= area.east + margin
                                 and area.south - margin <= lat <= area.north + margin):
        return None
    return crs


def lonlat_points(extent: Sequence[float], crs: pyproj.CRS) -> list[tuple[float, float]]:
    """The centre and the four corners of ``extent`` (in ``crs``) as longitude/latitude, where the scale is checked."""
    minx, miny, maxx, maxy = (float(v) for v in extent)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        return []
    xs = np.array([(minx + maxx) / 2, minx, maxx, minx, maxx])
    ys = np.array([(miny + maxy) / 2, miny, miny, maxy, maxy])
    if crs != _WGS84:
        transformer = pyproj.Transformer.from_crs(crs, _WGS84, always_xy=True)
        xs, ys = transformer.transform(xs, ys)
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True) if math.isfinite(x) and math.isfinite(y)]


def scale_error(crs: pyproj.CRS, lon: float, lat: float) -> float:
    """The largest relative error of a short distance measured in ``crs`` at (lon, lat), in any of four directions.

    Each step of ``_STEP_M`` metres along the ellipsoid (pyproj.Geod) is projected and its length in the CRS,
    converted to metres with the axis unit, compared with the true length. ``inf`` for a geographic CRS.
    """
    if not crs.is_projected:
        return math.inf
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    to_crs = pyproj.Transformer.from_crs(_WGS84, crs, always_xy=True)
    azimuths = np.array([0.0, 45.0, 90.0, 135.0])
    lons, lats, _ = _GEOD.fwd(np.full(4, lon), np.full(4, lat), azimuths, np.full(4, _STEP_M))
    x0, y0 = to_crs.transform(lon, lat)
    xs, ys = to_crs.transform(lons, lats)
    measured = np.hypot(np.asarray(xs) - x0, np.asarray(ys) - y0) * unit
    if not np.all(np.isfinite(measured)):
        return math.inf
    return float(np.max(np.abs(measured / _STEP_M - 1.0)))


def is_mercator(crs: pyproj.CRS) -> bool:
    """Web Mercator and the normal Mercators: conformal, but their scale grows as 1/cos(latitude)."""
    operation = crs.coordinate_operation
    method = (operation.method_name if operation is not None else "").lower()
    return "mercator" in method and "transverse" not in method and "oblique" not in method


def distance_problem(crs: pyproj.CRS | None, points: Iterable[tuple[float, float]]) -> str | None:
    """Why distances measured in ``crs`` at ``points`` (lon, lat) are not true, or None when they are (≤ 0.5 %)."""
    if crs is None:
        return translate("layers.crs", "no CRS is set")
    if not crs.is_projected:
        return translate("layers.crs", "{crs} is geographic: its units are degrees, not metres").format(
            crs=describe_crs(crs))
    unit = crs.axis_info[0] if crs.axis_info else None
    if unit is not None and abs(unit.unit_conversion_factor - 1.0) > 1e-9:
        return translate("layers.crs", "{crs} counts in {unit}, not metres").format(crs=describe_crs(crs),
                                                                                   unit=unit.unit_name)
    worst = max((scale_error(crs, lon, lat) for lon, lat in points), default=0.0)
    if is_mercator(crs):
        # Refused even near the equator: a Mercator's scale changes with latitude across any sizeable area.
        return translate("layers.crs", "{crs} is a Mercator projection: distances in it are off by {error:.1f} % "
                                       "here").format(crs=describe_crs(crs), error=100 * worst)
    if worst > MAX_SCALE_ERROR:
        return translate("layers.crs", "{crs} distorts distances by up to {error:.2f} % here (more than "
                                       "{limit:g} %)").format(crs=describe_crs(crs), error=100 * worst,
                                                              limit=100 * MAX_SCALE_ERROR)
    return None


def measures_true_distances(crs: pyproj.CRS | None, points: Iterable[tuple[float, float]]) -> bool:
    return distance_problem(crs, points) is None


def estimate_local_crs(extent: Sequence[float], crs: pyproj.CRS) -> pyproj.CRS | None:
    """The local metric CRS for data covering ``extent`` (in ``crs``); None when the extent is empty or unknown."""
    points = lonlat_points(extent, crs)
    if not points:
        return None
    lon, lat = points[0]
    return local_metric_crs(lon, lat)


def metric_crs_for(extent: Sequence[float], crs: pyproj.CRS | None) -> pyproj.CRS | None:
    """``crs`` itself when it measures true distances over ``extent``, else the local metric CRS estimated there.

    This is how a new project picks its CRS from its first data: a local grid the data came in is kept, WGS84 and
    Web Mercator are replaced. None when nothing is known (no CRS or no extent).
    """
    if crs is None:
        return None
    points = lonlat_points(extent, crs)
    if not points:
        return None if not crs.is_projected or is_mercator(crs) else crs
    return metric_crs_at(crs, points)


def metric_crs_at(crs: pyproj.CRS, points: list[tuple[float, float]]) -> pyproj.CRS:
    """``crs`` when it measures true distances at ``points`` ((lon, lat), at least one), else the local metric CRS
    at the first point (``metric_crs_for`` once the data's points are known)."""
    return crs if measures_true_distances(crs, points) else local_metric_crs(*points[0])


@dataclass(frozen=True)
class CrsEntry:
    """One CRS a planner can pick: 'EPSG:4547', its name and whether it is projected."""

    code: str
    name: str
    projected: bool

    @property
    def label(self) -> str:
        return f"{self.code} \u2014 {self.name}"


@functools.cache
def crs_catalogue() -> tuple[CrsEntry, ...]:
    """Every non-deprecated projected and 2-D geographic CRS in pyproj's database (about 10,000; 0.3 s once)."""
    from pyproj.database import query_crs_info
    from pyproj.enums import PJType

    infos = query_crs_info(pj_types=[PJType.PROJECTED_CRS, PJType.GEOGRAPHIC_2D_CRS], allow_deprecated=False)
    entries = (CrsEntry(f"{info.auth_name}:{info.code}", info.name, info.type == PJType.PROJECTED_CRS)
               for info in infos)
    return tuple(sorted(entries, key=lambda e: (e.code.split(":")[0] != "EPSG", _code_number(e.code), e.code)))


def _code_number(code: str) -> int:
    number = code.partition(":")[2]
    return int(number) if number.isdigit() else 1 << 40


__all__ = [
    "CHINA_BOX", "MAX_SCALE_ERROR", "CrsEntry", "crs_catalogue", "describe_crs", "distance_problem",
    "estimate_local_crs", "is_mercator", "local_metric_crs", "lonlat_points", "measures_true_distances",
    "metric_crs_at", "metric_crs_for", "scale_error",
]
