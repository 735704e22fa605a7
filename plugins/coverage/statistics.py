"""What a coverage map means for the city: shares of area, residents, workers, buildings and schools covered,
and per site the demand it serves as best server.

Counting rules (also in docs/coverage_model.md):
- a grid cell is covered when its best-server RSRP, less the shadow-fading margin of the location probability,
  reaches the threshold (``outputs.covered_mask``);
- people are residents + workers (``plugins.figures``, the definition every view shows);
- a demand polygon spreads its residents/workers evenly over the grid cells whose centre it contains (a
  polygon smaller than a cell puts all of it in the cell of its representative point); a demand point puts
  its value in its cell;
- a building or school is covered when the cell of its representative point (``point_on_surface``) is;
- with the default extent (the transmitters' reach, ``beyond_grid``) every feature counts in the totals: one
  beyond the grid is beyond every transmitter's reach, so not covered, and a polygon crossing the grid's edge
  spreads over all its cells of the grid's lattice; with an explicit extent (the study area) only features
  inside it count, in the covered figures and in the totals.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from rasterio.features import rasterize

from layers.layer import VectorLayer
from plugins.coverage.engine import CoverageResult
from plugins.coverage.grid import Grid
from plugins.coverage.outputs import covered_mask
from plugins.coverage.transmitters import Transmitters
from plugins.figures import people_figures

DEMAND_FIELDS = ("residents", "workers")
#: Per demand field, its values per grid cell and its total (``demand_weights``).
DemandWeights = dict[str, tuple[np.ndarray, float]]


def _feature_cells(result: CoverageResult, layer: VectorLayer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, col, inside) of each feature's representative point."""
    geoms = layer.gdf.geometry.to_numpy()
    points = shapely.point_on_surface(geoms)
    return result.grid.cell_of(shapely.get_x(points), shapely.get_y(points))


def demand_per_cell(result: CoverageResult, layer: VectorLayer, field: str, *,
                    beyond_grid: bool = False) -> tuple[np.ndarray, float]:
    """The ``field`` values spread over the grid cells, and their total: of the features inside the grid, or,
    with ``beyond_grid``, of every feature, a polygon spread over all its cells of the grid's lattice (those
    beyond the grid hold demand no cell of the run covers)."""
    grid = result.grid
    values = pd.to_numeric(layer.gdf[field], errors="coerce").fillna(0.0).to_numpy(float)
    geoms = layer.gdf.geometry.to_numpy()
    per_cell = np.zeros((grid.rows, grid.cols))
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
    placed = np.zeros(len(values), bool)
    if polygonal.any():
        index = np.flatnonzero(polygonal)
        lattice, (row0, col0) = (_lattice(grid, geoms[index]) if beyond_grid else (grid, (0, 0)))
        owner = rasterize(zip(geoms[index], index.astype(np.int32), strict=True),
                          out_shape=(lattice.rows, lattice.cols), transform=lattice.transform, fill=-1,
                          dtype="int32")
        counts = np.bincount(owner[owner >= 0], minlength=len(values))
        owner = owner[row0:row0 + grid.rows, col0:col0 + grid.cols]
        inside = owner >= 0
        has_cells = counts > 0
        share = np.divide(values, counts, out=np.zeros_like(values), where=has_cells)
        per_cell[inside] = share[owner[inside]]
        placed = has_cells
    rows, cols, inside = _feature_cells(result, layer)
    leftover = ~placed & inside
    np.add.at(per_cell, (rows[leftover], cols[leftover]), values[leftover])
    counted = _present(geoms) if beyond_grid else placed | inside
    return per_cell, float(values[counted].sum())


def _present(geoms: np.ndarray) -> np.ndarray:
    """Features with a geometry: what the totals count beyond the grid (a feature without one is nowhere)."""
    return ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)


def _lattice(grid: Grid, polygons: np.ndarray) -> tuple[Grid, tuple[int, int]]:
    """The grid grown, on its own lattice, over the polygons that reach into it, and the (row, col) of the grid's
    first cell in it: a polygon crossing the grid's edge is spread over all its cells, not over its part inside."""
    left, bottom, right, top = grid.bounds
    bounds = shapely.bounds(polygons)
    reach = (bounds[:, 0] < right) & (bounds[:, 2] > left) & (bounds[:, 1] < top) & (bounds[:, 3] > bottom)
    if not reach.any():
        return grid, (0, 0)
    grow_left = max(0, math.ceil((left - bounds[reach, 0].min()) / grid.res))
    grow_top = max(0, math.ceil((bounds[reach, 3].max() - top) / grid.res))
    grow_right = max(0, math.ceil((bounds[reach, 2].max() - right) / grid.res))
    grow_bottom = max(0, math.ceil((bottom - bounds[reach, 1].min()) / grid.res))
    return (Grid(grid.x0 - grow_left * grid.res, grid.y0 + grow_top * grid.res, grid.res,
                 grid.rows + grow_top + grow_bottom, grid.cols + grow_left + grow_right, grid.crs),
            (grow_top, grow_left))


def coverage_statistics(result: CoverageResult, *, demand: VectorLayer | None = None,
                        buildings: VectorLayer | None = None, schools: VectorLayer | None = None,
                        beyond_grid: bool = False, weights: DemandWeights | None = None
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary table, per-site table). The summary has one row per measure with covered, total and share;
    ``beyond_grid`` counts the features beyond the grid in the totals (as not covered). ``weights``: the
    ``demand_weights`` of ``demand`` already spread (by a caller that needs them too), else spread here."""
    covered = covered_mask(result)
    cells = result.transmitters
    n_cells = len(cells)
    served = np.where(covered, result.server, -1)
    area = result.grid.cell_area_m2
    rows = [_row("area", covered.sum() * area / 1e6, covered.size * area / 1e6, "km²")]
    per_cell: dict[str, np.ndarray] = {"served_area_m2": np.bincount(served[covered], minlength=n_cells) * area}
    if weights is None:
        weights = demand_weights(result, demand, beyond_grid=beyond_grid)
    for field, (values, total) in weights.items():
        rows.append(_row(field, covered_sum(values, covered), total, "people"))
        per_cell[field] = np.bincount(served[covered], weights=values[covered], minlength=n_cells)
    for label, layer in (("buildings", buildings), ("schools", schools)):
        if layer is None:
            continue
        r, c, inside = _feature_cells(result, layer)
        hit = inside & covered[r, c]
        total = int(_present(layer.gdf.geometry.to_numpy()).sum()) if beyond_grid else int(inside.sum())
        rows.append(_row(label, int(hit.sum()), total, "features"))
        per_cell[label] = np.bincount(served[r[hit], c[hit]], minlength=n_cells).astype(float)
    summary = pd.DataFrame(rows)
    per_site = _per_site(cells, per_cell)
    return summary, per_site


def demand_weights(result: CoverageResult, demand: VectorLayer | None, *,
                   beyond_grid: bool = False) -> DemandWeights:
    """Per demand field present (``DEMAND_FIELDS``), its values per grid cell and its total."""
    if demand is None:
        return {}
    return {field: demand_per_cell(result, demand, field, beyond_grid=beyond_grid) for field in DEMAND_FIELDS
            if field in demand.gdf.columns}


def covered_sum(weights: np.ndarray, covered: np.ndarray) -> float:
    """The demand of the covered cells (the statistics' "covered", summed the same way wherever it is needed)."""
    return float(weights[covered].sum())


def coverage_people(summary: pd.DataFrame) -> dict:
    """People (residents + workers) covered, from the summary table, as ``plugins.figures`` defines them."""
    rows = summary[summary["measure"].isin(DEMAND_FIELDS)]
    if rows.empty:
        return {}
    return {**people_figures(float(rows["covered"].sum()), float(rows["total"].sum())),
            "demand_measure": "+".join(rows["measure"])}


def _row(measure: str, covered: float, total: float, unit: str) -> dict:
    share = 100.0 * covered / total if total else float("nan")
    return {"measure": measure, "covered": covered, "total": total, "share_pct": share, "unit": unit}


def _per_site(cells: Transmitters, per_cell: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per site: its cells summed, largest served area first."""
    frame = pd.DataFrame({"site_id": cells.site_id, "cells": 1, **per_cell})
    table = frame.groupby("site_id", sort=False, as_index=False).sum()
    cell_ids = pd.Series(cells.cell_id).groupby(pd.Series(cells.site_id), sort=False).agg(", ".join)
    table.insert(2, "cell_ids", table["site_id"].map(cell_ids))
    return table.sort_values("served_area_m2", ascending=False, kind="stable").reset_index(drop=True)


__all__ = ["DEMAND_FIELDS", "DemandWeights", "coverage_people", "coverage_statistics", "covered_sum", "demand_per_cell",
           "demand_weights"]
