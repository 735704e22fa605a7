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
- only features inside the study grid count, in the covered figures and in the totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from rasterio.features import rasterize

from layers.layer import VectorLayer
from plugins.coverage.engine import CoverageResult
from plugins.coverage.outputs import covered_mask
from plugins.coverage.transmitters import Transmitters
from plugins.figures import people_figures

DEMAND_FIELDS = ("residents", "workers")


def _feature_cells(result: CoverageResult, layer: VectorLayer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, col, inside) of each feature's representative point."""
    geoms = layer.gdf.geometry.to_numpy()
    points = shapely.point_on_surface(geoms)
    return result.grid.cell_of(shapely.get_x(points), shapely.get_y(points))


def demand_per_cell(result: CoverageResult, layer: VectorLayer, field: str) -> tuple[np.ndarray, float]:
    """The ``field`` values spread over the grid cells, and the total of the features inside the grid."""
    grid = result.grid
    values = pd.to_numeric(layer.gdf[field], errors="coerce").fillna(0.0).to_numpy(float)
    geoms = layer.gdf.geometry.to_numpy()
    per_cell = np.zeros((grid.rows, grid.cols))
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
    placed = np.zeros(len(values), bool)
    if polygonal.any():
        index = np.flatnonzero(polygonal)
        owner = rasterize(zip(geoms[index], index.astype(np.int32), strict=True), out_shape=(grid.rows, grid.cols),
                          transform=grid.transform, fill=-1, dtype="int32")
        inside = owner >= 0
        counts = np.bincount(owner[inside], minlength=len(values))
        has_cells = counts > 0
        share = np.divide(values, counts, out=np.zeros_like(values), where=has_cells)
        per_cell[inside] = share[owner[inside]]
        placed = has_cells
    rows, cols, inside = _feature_cells(result, layer)
    leftover = ~placed & inside
    np.add.at(per_cell, (rows[leftover], cols[leftover]), values[leftover])
    return per_cell, float(values[placed | inside].sum())


def coverage_statistics(result: CoverageResult, *, demand: VectorLayer | None = None,
                        buildings: VectorLayer | None = None, schools: VectorLayer | None = None
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary table, per-site table). The summary has one row per measure with covered, total and share."""
    covered = covered_mask(result)
    cells = result.transmitters
    n_cells = len(cells)
    served = np.where(covered, result.server, -1)
    area = result.grid.cell_area_m2
    rows = [_row("area", covered.sum() * area / 1e6, covered.size * area / 1e6, "km²")]
    per_cell: dict[str, np.ndarray] = {"served_area_m2": np.bincount(served[covered], minlength=n_cells) * area}
    if demand is not None:
        for field in DEMAND_FIELDS:
            if field not in demand.gdf.columns:
                continue
            weights, total = demand_per_cell(result, demand, field)
            rows.append(_row(field, float(weights[covered].sum()), total, "people"))
            per_cell[field] = np.bincount(served[covered], weights=weights[covered], minlength=n_cells)
    for label, layer in (("buildings", buildings), ("schools", schools)):
        if layer is None:
            continue
        r, c, inside = _feature_cells(result, layer)
        hit = inside & covered[r, c]
        rows.append(_row(label, int(hit.sum()), int(inside.sum()), "features"))
        per_cell[label] = np.bincount(served[r[hit], c[hit]], minlength=n_cells).astype(float)
    summary = pd.DataFrame(rows)
    per_site = _per_site(cells, per_cell)
    return summary, per_site


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


__all__ = ["DEMAND_FIELDS", "coverage_people", "coverage_statistics", "demand_per_cell"]
