"""Coordinates a layer can be used with: finite numbers, and longitudes/latitudes where the CRS says degrees.

Every vector reader ends in ``layers.io.finish``, which calls ``check_coordinates``:

- features with a NaN, infinite or absurd coordinate (beyond ±1e10, which no CRS on Earth reaches, e.g. 1e300)
  are dropped with a note naming them; when every feature is broken the layer is refused;
- in a CRS in degrees, latitude/longitude stored in the wrong order (Guangzhou as x=23, y=113) is swapped back
  with a note when every coordinate fits only the swapped order;
- in a CRS in degrees, numbers outside longitude -180..360 (Pacific-centred data counts 0..360) / latitude ±90
  that are not simply swapped (UTM metres declared as WGS84, a coordinate order mixed between features) are
  refused with the values seen: which CRS they really are in cannot be known, so nothing is guessed.

The plugins ask ``coordinate_problem`` about their inputs, so a layer built in memory gets the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from layers.errors import LayerError
from layers.i18n import translate

#: No coordinate of any CRS on Earth reaches this (metres, feet or degrees): beyond it a value is damage.
ABSURD = 1e10
#: Features per ``shapely.get_coordinates`` call, so a big layer is scanned without copying all its vertices.
_CHUNK = 100_000
#: Longitudes run from -180 to 180, or 0 to 360 in Pacific-centred data; latitudes from -90 to 90.
_LON, _LAT = (-180.0, 360.0), 90.0
#: Rounding room at the edges (world layers written by other tools reach 180.00000000000003), about 0.1 m.
_SLACK = 1e-6


@dataclass
class _Scan:
    """Per-feature flags and the extent of the usable coordinates of one layer."""

    broken: np.ndarray  # a coordinate is NaN, infinite or beyond ±ABSURD
    outside: np.ndarray  # (usable features, CRS in degrees) a coordinate is not a longitude/latitude
    unswappable: np.ndarray  # (usable features, CRS in degrees) a coordinate is not a latitude/longitude pair either
    low: np.ndarray  # min x, min y of the usable coordinates
    high: np.ndarray  # max x, max y of the usable coordinates


def in_degrees(crs: pyproj.CRS | None) -> bool:
    """True for a geographic CRS whose axes count degrees (where longitude/latitude bounds hold)."""
    if crs is None or not crs.is_geographic:
        return False
    return all("degree" in axis.unit_name for axis in crs.axis_info[:2])


def _extent(coordinates: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``low``/``high`` widened by ``coordinates`` (column by column: numpy's axis=0 reduction is far slower)."""
    xs, ys = coordinates[:, 0], coordinates[:, 1]
    return np.minimum(low, [xs.min(), ys.min()]), np.maximum(high, [xs.max(), ys.max()])


def _not_lonlat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Where (x, y) cannot be (longitude, latitude)."""
    return (x < _LON[0] - _SLACK) | (x > _LON[1] + _SLACK) | (np.abs(y) > _LAT + _SLACK)


def _scan(geometries: np.ndarray, degrees: bool) -> _Scan:
    """One pass over the coordinates, chunk by chunk; only a chunk with a problem is looked at feature by feature."""
    count = len(geometries)
    broken, outside, unswappable = (np.zeros(count, dtype=bool) for _ in range(3))
    low, high = np.full(2, np.inf), np.full(2, -np.inf)
    for start in range(0, count, _CHUNK):
        part = geometries[start:start + _CHUNK]
        coordinates = shapely.get_coordinates(part)
        if not len(coordinates):
            continue
        part_low, part_high = _extent(coordinates, np.full(2, np.inf), np.full(2, -np.inf))
        clean = bool((np.abs(part_low) < ABSURD).all() and (np.abs(part_high) < ABSURD).all())  # False for NaN
        if clean and not (degrees and _not_lonlat(np.array([part_low[0], part_high[0]]),
                                                  np.array([part_low[1], part_high[1]])).any()):
            low, high = np.minimum(low, part_low), np.maximum(high, part_high)
            continue
        coordinates, index = shapely.get_coordinates(part, return_index=True)
        index += start
        with np.errstate(invalid="ignore"):
            damaged = ~((np.abs(coordinates[:, 0]) < ABSURD) & (np.abs(coordinates[:, 1]) < ABSURD))
        broken[index[damaged]] = True
        keep = ~broken[index]
        coordinates, index = coordinates[keep], index[keep]
        if not len(coordinates):
            continue
        low, high = _extent(coordinates, low, high)
        if degrees:
            x, y = coordinates[:, 0], coordinates[:, 1]
            outside[index[_not_lonlat(x, y)]] = True
            unswappable[index[_not_lonlat(y, x)]] = True
    return _Scan(broken, outside, unswappable, low, high)


def _features(mask: np.ndarray, limit: int = 8) -> str:
    """1-based feature numbers of the True entries, shortened: '#2, #5 and 12 more'."""
    numbers = np.flatnonzero(mask) + 1
    shown = ", ".join(f"#{n}" for n in numbers[:limit])
    return shown + (translate("layers.io.coordinates", " and {count} more").format(count=len(numbers) - limit)
                    if len(numbers) > limit else "")


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"


def _swapped_text(scan: _Scan, columns: tuple[str, str] | None) -> str:
    if columns is not None:
        return translate(
            "layers.io.coordinates", "columns '{x}' and '{y}' look swapped (values in '{y}' exceed 90°, so they "
                                     "cannot be latitudes)").format(x=columns[0], y=columns[1])
    return translate(
        "layers.io.coordinates", "longitude and latitude look swapped (y reaches {y}, which cannot be a latitude, "
                                 "and every x fits as one)").format(y=_number(max(abs(scan.low[1]), abs(scan.high[1]))))


class NotDegreesError(LayerError):
    """Coordinates that cannot be the degrees the layer's CRS says. ``looks_projected``: every feature is out of
    range, so the numbers are metres and only the CRS is missing or wrong (the workbench then offers to read the
    file in the project's CRS; the message itself is in the interface's language, so it cannot be matched)."""

    def __init__(self, source: str | None, problem: str, layer: str | None = None, *, looks_projected: bool):
        self.looks_projected = looks_projected
        super().__init__(source, problem, layer)


def _usable(scan: _Scan, geometries: np.ndarray) -> int:
    """Features with coordinates to judge: not broken, missing or empty."""
    return int((~scan.broken & ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)).sum())


def _all_outside(scan: _Scan, geometries: np.ndarray) -> bool:
    """Every usable feature is outside the degree range (not a few strays)."""
    return int(scan.outside.sum()) >= _usable(scan, geometries)


def _not_degrees_text(scan: _Scan, geometries: np.ndarray, crs: pyproj.CRS, columns: tuple[str, str] | None,
                      assumed: bool) -> str:
    """Why the coordinates cannot be the degrees the CRS says, with the values seen and what to do."""
    largest = float(np.max(np.abs(np.concatenate([scan.low, scan.high]))))
    where = translate("layers.io.coordinates", " in '{x}'/'{y}'").format(x=columns[0], y=columns[1]) if columns else ""
    if assumed:
        how = translate("layers.io.coordinates", "no CRS was given, so WGS84 longitude/latitude was assumed")
    else:
        how = translate(
            "layers.io.coordinates", "the layer declares {crs}, which counts in degrees").format(crs=crs.to_string())
    text = translate(
        "layers.io.coordinates", "coordinates{where} reach {largest} (x {x0} to {x1}, y {y0} to {y1}), which is not "
                                 "a longitude/latitude; {how}.").format(
        where=where, largest=_number(largest), x0=_number(scan.low[0]), x1=_number(scan.high[0]),
        y0=_number(scan.low[1]), y1=_number(scan.high[1]), how=how)
    usable = _usable(scan, geometries)
    out = int(scan.outside.sum())
    if out < usable:
        text += " " + translate(
            "layers.io.coordinates", "{out} of {usable} features are out of range ({features})").format(
            out=out, usable=usable, features=_features(scan.outside))
        if not (scan.outside & scan.unswappable).any():
            return text + translate(
                "layers.io.coordinates", " and would fit with x and y exchanged while the others fit as they "
                                         "are: the coordinate order is mixed between features; fix those "
                                         "features in the source")
        return text + translate(
            "layers.io.coordinates", ": fix those features in the source, or give the layer's real CRS")
    return text + " " + translate(
        "layers.io.coordinates", "They look projected (metres or feet), so the CRS is wrong: give their "
                                 "CRS (e.g. crs='EPSG:4547' for a CGCS2000 Gauss-Krüger grid or "
                                 "crs='EPSG:32649' for UTM zone 49N) or correct it in the file")


def _swap_axes(geometries: np.ndarray) -> np.ndarray:
    return shapely.transform(geometries, lambda xy: xy[:, [1, 0] + list(range(2, xy.shape[1]))], include_z=None)


def check_coordinates(gdf: gpd.GeoDataFrame, *, source: str, layer: str, notes: list[str],
                      columns: tuple[str, str] | None = None, assumed: bool = False) -> gpd.GeoDataFrame:
    """``gdf`` without broken features and with swapped lat/lon fixed (noted), or a LayerError naming the layer.

    ``columns`` names the coordinate columns of a table (the messages then speak of them); ``assumed`` says the
    CRS was assumed (a table without one), not declared.
    """
    geometries = gdf.geometry.to_numpy()
    degrees = in_degrees(gdf.crs)
    scan = _scan(geometries, degrees)
    broken = int(scan.broken.sum())
    if broken:
        with_geometry = int((~shapely.is_missing(geometries)).sum())
        if broken == with_geometry:
            raise LayerError(source, translate(
                "layers.io.coordinates", "all {count} features have coordinates that are NaN, "
                                         "infinite or beyond ±1e10: nothing in it can be placed on "
                                         "a map").format(count=broken), layer=layer)
        notes.append(translate(
            "layers.io.coordinates", "dropped {count} features whose coordinates are NaN, infinite or beyond "
                                     "±1e10 (features {features})").format(count=broken,
                                                                               features=_features(scan.broken)))
    swap = False
    if degrees and scan.outside.any():
        if scan.unswappable.any():
            raise NotDegreesError(source, _not_degrees_text(scan, geometries, gdf.crs, columns, assumed), layer=layer,
                                  looks_projected=_all_outside(scan, geometries))
        swap = True
        notes.append(translate(
            "layers.io.coordinates", "{text}; swapped back").format(text=_swapped_text(scan, columns)))
    if broken:
        gdf = gdf.loc[~scan.broken].reset_index(drop=True)
    if swap:
        fixed = _swap_axes(gdf.geometry.to_numpy())
        gdf = gdf.set_geometry(gpd.GeoSeries(fixed, index=gdf.index, crs=gdf.crs, name=gdf.geometry.name))
    return gdf


def coordinate_problem(gdf: gpd.GeoDataFrame) -> str | None:
    """Why ``gdf``'s coordinates cannot be measured or reprojected (broken, swapped, not degrees), or None."""
    geometries = gdf.geometry.to_numpy()
    degrees = in_degrees(gdf.crs)
    scan = _scan(geometries, degrees)
    if scan.broken.any():
        return translate(
            "layers.io.coordinates", "{count} features have coordinates that are NaN, infinite or beyond ±1e10 "
                                     "(features {features})").format(count=int(scan.broken.sum()),
                                                                   features=_features(scan.broken))
    if degrees and scan.outside.any():
        if scan.unswappable.any():
            return _not_degrees_text(scan, geometries, gdf.crs, None, False)
        return translate(
            "layers.io.coordinates", "{text}: reopen the file (the readers swap them back) or fix the source").format(
            text=_swapped_text(scan, None))
    return None


__all__ = ["ABSURD", "NotDegreesError", "check_coordinates", "coordinate_problem", "in_degrees"]
