"""Demand as weighted points: residents and workers of a demand layer, building occupants, or raster cells.

Coverage is decided per point, so a demand polygon (a 100 m grid cell, a census block) is sampled on a
regular grid of points inside it, each carrying an equal share of its people: a 150 m radius then covers
part of a cell, not all or nothing of it. Points of interest raise the weight of demand near them (schools,
office clusters); demand already served by existing 5G sites can be left out or discounted.

Example::

    demand = vector_demand(demand_layer, spacing_m=25)
    demand = demand.with_factor(near_features(demand.xy, schools, 100.0), 2.0, "demand near schools x 2")
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import shapely

from layers.building_heights import STOREY_HEIGHT_M
from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import RasterLayer, VectorLayer

#: Most sample points drawn from polygons; beyond it the spacing grows (and a note says so).
MAX_POLYGON_POINTS = 5_000_000


@dataclass
class Demand:
    """``xy`` of each demand point, its ``weight`` (people x priority x existing-coverage factor), the
    ``feature`` (row of the source layer, or raster cell) it belongs to and its unweighted ``people``."""

    xy: np.ndarray
    weight: np.ndarray
    people: np.ndarray
    feature: np.ndarray
    measure: str
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.weight.size)

    def with_factor(self, mask: np.ndarray, factor: float, note: str) -> Demand:
        """Multiply the weight of the points in ``mask`` by ``factor``."""
        weight = self.weight.copy()
        weight[mask] *= factor
        return replace(self, weight=weight, notes=self.notes + [note])


def _layer_weights(layer: VectorLayer, weight_field: str | None) -> tuple[np.ndarray, str]:
    gdf = layer.gdf
    if weight_field:
        if weight_field not in gdf.columns:
            raise LayerError(layer.source, translate("SitingDemand", "has no field '{field}'").format(
                field=weight_field), layer=layer.name)
        values = pd.to_numeric(gdf[weight_field], errors="coerce").to_numpy(float)
        measure = weight_field
    elif {"residents", "workers"} & set(gdf.columns):
        parts = [pd.to_numeric(gdf[c], errors="coerce").fillna(0.0).to_numpy(float)
                 for c in ("residents", "workers") if c in gdf.columns]
        values = np.sum(parts, axis=0)
        measure = "+".join(c for c in ("residents", "workers") if c in gdf.columns)
    elif layer.kind == "buildings" and "height_m" in gdf.columns:
        storeys = np.maximum(np.round(pd.to_numeric(gdf["height_m"], errors="coerce").fillna(0).to_numpy(float)
                                      / STOREY_HEIGHT_M), 1.0)
        if "levels" in gdf.columns:
            levels = pd.to_numeric(gdf["levels"], errors="coerce").to_numpy(float)
            storeys = np.where(np.isfinite(levels) & (levels > 0), levels, storeys)
        values = shapely.area(gdf.geometry.to_numpy()) * storeys
        measure = "floor area (m²)"
    else:
        values = np.ones(len(gdf))
        measure = "features"
    missing = ~np.isfinite(values)
    if (values[~missing] < 0).any():
        rows = ", ".join(f"#{i + 1}" for i in np.flatnonzero(values < 0)[:8])
        raise LayerError(layer.source, translate("SitingDemand", "demand weight '{field}' is negative in features "
                                                                 "{rows}").format(field=measure, rows=rows),
                         layer=layer.name)
    return np.where(missing, 0.0, values), measure


def _sample_polygons(geoms: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid points (aligned to multiples of ``spacing``) inside each polygon: x, y, owner index."""
    bounds = shapely.bounds(geoms)
    x0 = np.floor(bounds[:, 0] / spacing) * spacing + spacing / 2
    y0 = np.floor(bounds[:, 1] / spacing) * spacing + spacing / 2
    nx = np.maximum(np.floor((bounds[:, 2] - x0) / spacing).astype(np.int64) + 1, 0)
    ny = np.maximum(np.floor((bounds[:, 3] - y0) / spacing).astype(np.int64) + 1, 0)
    per = nx * ny
    owner = np.repeat(np.arange(geoms.size), per)
    local = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
    xs = x0[owner] + (local % np.maximum(nx[owner], 1)) * spacing
    ys = y0[owner] + (local // np.maximum(nx[owner], 1)) * spacing
    inside = shapely.contains_xy(geoms[owner], xs, ys)
    return xs[inside], ys[inside], owner[inside]


def vector_demand(layer: VectorLayer, *, weight_field: str | None = None, spacing_m: float = 25.0) -> Demand:
    """Demand points of a point or polygon layer; polygons are sampled every ``spacing_m`` metres."""
    if not spacing_m > 0:
        raise ValueError(f"demand sampling spacing must be positive, got {spacing_m!r}")
    values, measure = _layer_weights(layer, weight_field)
    geoms = layer.gdf.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6)) & present
    notes: list[str] = []
    xs, ys, owner = np.zeros(0), np.zeros(0), np.zeros(0, np.int64)
    if polygonal.any():
        index = np.flatnonzero(polygonal)
        area = float(shapely.area(geoms[index]).sum())
        spacing = max(spacing_m, np.sqrt(area / MAX_POLYGON_POINTS))
        if spacing > spacing_m:
            notes.append(translate("SitingDemand", "polygons sampled every {spacing:.0f} m instead of {asked:g} m "
                                                   "to stay under {limit:,} points").format(
                spacing=spacing, asked=spacing_m, limit=MAX_POLYGON_POINTS))
        xs, ys, local = _sample_polygons(geoms[index], spacing)
        owner = index[local]
    sampled = np.zeros(len(geoms), bool)
    sampled[owner] = True
    single = present & ~sampled
    reps = shapely.point_on_surface(geoms[single])
    xs = np.concatenate([xs, shapely.get_x(reps)])
    ys = np.concatenate([ys, shapely.get_y(reps)])
    owner = np.concatenate([owner, np.flatnonzero(single)])
    points_per_feature = np.bincount(owner, minlength=len(geoms))
    people = values[owner] / points_per_feature[owner]
    dropped = int((~present & (values > 0)).sum())
    if dropped:
        notes.append(translate("SitingDemand", "{count} demand features without geometry left out").format(
            count=dropped))
    return Demand(xy=np.column_stack([xs, ys]), weight=people.copy(), people=people, feature=owner,
                  measure=measure, notes=notes)


def raster_demand(layer: RasterLayer, band: int = 1) -> Demand:
    """One demand point per raster cell with a positive value, at the cell centre, weighted by the value."""
    values = layer.band(band)
    data = np.ma.filled(values.astype(float), 0.0)
    data = np.where(np.isfinite(data), data, 0.0)
    rows, cols = np.nonzero(data > 0)
    t = layer.transform
    xs = t.c + (cols + 0.5) * t.a + (rows + 0.5) * t.b
    ys = t.f + (cols + 0.5) * t.d + (rows + 0.5) * t.e
    weight = data[rows, cols]
    return Demand(xy=np.column_stack([xs, ys]), weight=weight.copy(), people=weight,
                  feature=rows.astype(np.int64) * data.shape[1] + cols, measure=f"raster '{layer.name}'")


def near_features(xy: np.ndarray, layer: VectorLayer, distance_m: float) -> np.ndarray:
    """Which points lie within ``distance_m`` of any feature of ``layer`` (inside polygons counts as 0 m)."""
    mask = np.zeros(xy.shape[0], bool)
    if len(layer.gdf) == 0 or xy.shape[0] == 0:
        return mask
    tree = shapely.STRtree(layer.gdf.geometry.to_numpy())
    hits, _ = tree.query(shapely.points(xy), predicate="dwithin", distance=float(distance_m))
    mask[np.unique(hits)] = True
    return mask


__all__ = ["Demand", "near_features", "raster_demand", "vector_demand"]
