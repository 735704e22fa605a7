"""The comparison maths of bench_fidelity.py: grid alignment, walking distance from line of sight, error figures.

Errors are Lamplight's path loss minus the ray tracer's (dB): positive = Lamplight pessimistic (predicts more
loss than the ray tracer finds), negative = optimistic.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

#: Walking-distance bins (m) of NLOS cells from the nearest LOS cell: 0–10, 10–25, 25–50, 50–100, > 100.
WALK_EDGES_M = (0.0, 10.0, 25.0, 50.0, 100.0, math.inf)


def align(cell_x: np.ndarray, cell_y: np.ndarray, values: np.ndarray, x0: float, y0: float, res: float, rows: int,
          cols: int, fill: float = np.nan) -> np.ndarray:
    """``values[..., i, j]`` at centres (``cell_x[j]``, ``cell_y[i]``) placed on a north-up grid whose top-left
    corner is ``x0, y0`` (row 0 = highest y, as Lamplight's rasters); target cells with no source get ``fill``.

    The centres must fall on the target's cell centres (same resolution, offsets a whole number of cells):
    resampling would blur the comparison, so a misaligned grid is an error."""
    cell_x, cell_y = np.asarray(cell_x, float), np.asarray(cell_y, float)
    col_f = (cell_x - x0) / res - 0.5
    row_f = (y0 - cell_y) / res - 0.5
    col, row = np.rint(col_f).astype(np.int64), np.rint(row_f).astype(np.int64)
    if np.abs(col_f - col).max(initial=0) > 1e-3 or np.abs(row_f - row).max(initial=0) > 1e-3:
        raise ValueError(f"source cell centres are not on the {res:g} m grid from ({x0:g}, {y0:g})")
    values = np.asarray(values)
    out = np.full((*values.shape[:-2], rows, cols), fill, dtype=np.result_type(values.dtype, np.asarray(fill)))
    keep_c, keep_r = (col >= 0) & (col < cols), (row >= 0) & (row < rows)
    out[..., row[keep_r][:, None], col[keep_c][None, :]] = values[..., np.flatnonzero(keep_r)[:, None],
                                                                  np.flatnonzero(keep_c)[None, :]]
    return out


def _moves(open_cells: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(from, to, length in cells) of every allowed step between open cells: the 4 axis neighbours, and the
    diagonals whose two axis neighbours are open too (no squeezing between two buildings touching at a corner)."""
    rows, cols = open_cells.shape
    index = np.arange(rows * cols).reshape(rows, cols)
    found = []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        r0, r1 = slice(0, rows - dr), slice(dr, rows)
        c0, c1 = (slice(0, cols - dc), slice(dc, cols)) if dc >= 0 else (slice(-dc, cols), slice(0, cols + dc))
        ok = open_cells[r0, c0] & open_cells[r1, c1]
        if dr and dc:
            ok &= open_cells[r1, c0] & open_cells[r0, c1]
        found.append((index[r0, c0][ok], index[r1, c1][ok], math.hypot(dr, dc)))
    return found


def walking_distance(open_cells: np.ndarray, sources: np.ndarray, res: float) -> np.ndarray:
    """Shortest walk (m) through open cells from each cell to the nearest source cell (8-neighbour moves, see
    ``_moves``); 0 on sources, inf where no source can be reached and on closed cells."""
    open_cells = np.asarray(open_cells, bool)
    starts = np.flatnonzero(np.asarray(sources, bool) & open_cells)
    out = np.full(open_cells.shape, np.inf)
    if starts.size == 0:
        return out
    a, b, w = [], [], []
    for src, dst, length in _moves(open_cells):
        a += [src, dst]
        b += [dst, src]
        w += [np.full(src.size, length * res)] * 2
    n = open_cells.size
    graph = coo_matrix((np.concatenate(w), (np.concatenate(a), np.concatenate(b))), shape=(n, n)).tocsr()
    dist = dijkstra(graph, directed=True, indices=starts, min_only=True)
    out.ravel()[:] = np.where(open_cells.ravel(), dist, np.inf)
    return out


def error_figures(error: np.ndarray) -> dict[str, float | int]:
    """n, mean error and RMSE (dB) of the finite errors (NaN figures when there are none)."""
    e = np.asarray(error, float)
    e = e[np.isfinite(e)]
    if e.size == 0:
        return {"n": 0, "me_db": math.nan, "rmse_db": math.nan}
    return {"n": int(e.size), "me_db": float(e.mean()), "rmse_db": float(np.sqrt(np.mean(e * e)))}


def by_walking_distance(error: np.ndarray, distance: np.ndarray, edges: tuple[float, ...] = WALK_EDGES_M
                        ) -> dict[str, dict[str, float | int]]:
    """``error_figures`` per walking-distance bin (lo, hi]: each NLOS cell falls in the bin holding its distance
    (distance 0, a LOS cell, and inf, unreachable, fall in none)."""
    error, distance = np.asarray(error, float).ravel(), np.asarray(distance, float).ravel()
    out = {}
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (distance > lo) & (distance <= hi) & np.isfinite(distance)
        label = f">{lo:g}" if math.isinf(hi) else f"{lo:g}-{hi:g}"
        out[label] = error_figures(error[inside])
    return out


def scene_figures(path_loss: np.ndarray, los: np.ndarray, indoor: np.ndarray, within: np.ndarray,
                  path_gain: np.ndarray, los_ref: np.ndarray, under_roof: np.ndarray, res: float) -> dict:
    """The figures of one scene, all transmitters pooled (arrays [tx, row, col] on one grid; ``indoor`` and
    ``under_roof`` [row, col]).

    Compared are outdoor cells (neither side puts them indoors) within the coverage radius (``within``): line-of-
    sight agreement over all of them, errors where the ray tracer delivers energy (``path_gain`` > 0), split by
    the ray tracer's line of sight and, for NLOS cells, by walking distance through outdoor cells from the
    transmitter's nearest LOS cell."""
    outdoor = ~np.asarray(indoor, bool) & ~np.asarray(under_roof, bool)
    pl_ref = -10.0 * np.log10(np.where(path_gain > 0, path_gain, np.nan))
    error = path_loss - pl_ref
    los_ref = np.asarray(los_ref, bool)
    compared = within & outdoor[None]
    walk = np.stack([walking_distance(outdoor, los_ref[k] & outdoor, res) for k in range(len(path_gain))])
    reached = compared & np.isfinite(error)
    nlos = reached & ~los_ref
    return {
        "cells_compared": int(compared.sum()),
        "los_agreement_pct": float(100.0 * np.mean(los[compared] == los_ref[compared])),
        "los_cells_ref_pct": float(100.0 * np.mean(los_ref[compared])),
        "reached_pct": float(100.0 * reached.sum() / max(int(compared.sum()), 1)),
        "los": error_figures(error[reached & los_ref]),
        "nlos": error_figures(error[nlos]),
        "corner_0_25m": error_figures(error[nlos & (walk <= 25.0)]),
        "nlos_by_walk_m": by_walking_distance(error[nlos], walk[nlos]),
    }


def _pool_errors(parts: list[dict]) -> dict[str, float | int]:
    """ME and RMSE of the union of several cell sets from their n, ME and RMSE (n-weighted mean and mean square)."""
    n = sum(p["n"] for p in parts)
    if n == 0:
        return {"n": 0, "me_db": math.nan, "rmse_db": math.nan}
    return {"n": n, "me_db": sum(p["n"] * p["me_db"] for p in parts if p["n"]) / n,
            "rmse_db": math.sqrt(sum(p["n"] * p["rmse_db"] ** 2 for p in parts if p["n"]) / n)}


def pool(scenes: list[dict]) -> dict:
    """``scene_figures`` of several scenes pooled as if their cells were one set."""
    cells = sum(s["cells_compared"] for s in scenes)
    reached = sum(s["reached_pct"] * s["cells_compared"] for s in scenes) / max(cells, 1)
    return {
        "cells_compared": cells,
        "los_agreement_pct": sum(s["los_agreement_pct"] * s["cells_compared"] for s in scenes) / max(cells, 1),
        "los_cells_ref_pct": sum(s["los_cells_ref_pct"] * s["cells_compared"] for s in scenes) / max(cells, 1),
        "los_disagree_by_scene_pct": sum(s.get("los_disagree_by_scene_pct", math.nan) * s["cells_compared"]
                                         for s in scenes) / max(cells, 1),
        "reached_pct": reached,
        **{key: _pool_errors([s[key] for s in scenes]) for key in ("los", "nlos", "corner_0_25m")},
        "nlos_by_walk_m": {label: _pool_errors([s["nlos_by_walk_m"][label] for s in scenes])
                           for label in scenes[0]["nlos_by_walk_m"]},
    }


__all__ = ["WALK_EDGES_M", "align", "by_walking_distance", "error_figures", "pool", "scene_figures",
           "walking_distance"]
