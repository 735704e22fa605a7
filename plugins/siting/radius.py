"""Quick-mode coverage: a candidate covers every demand point within a radius (straight-line distance).

The demand points are binned into a square grid of cells at least one radius wide and sorted by cell; each
candidate then scans only the cells around it, in compiled code, in two passes (count, then fill) so that the
result is written straight into CSR arrays. Measured on 100,000 candidates x 1,000,000 points at 150 m
(276 million pairs) this takes ~5 s on 2 cores, where ``cKDTree.sparse_distance_matrix`` takes ~21 s and
``query_ball_point`` (lists of Python ints) ~45 s and several GB: the output is the cost, so it is written
once, in place.

Example::

    coverage = radius_coverage(candidate_xy, demand_xy, radius_m=150.0)
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from plugins.api import Feedback
from plugins.siting.matrix import CoverageMatrix

#: Grid cells per axis at most; with a tiny radius over a wide area the cells grow and the scan widens.
MAX_CELLS_PER_AXIS = 4096
#: Candidates per compiled call, so that progress and cancel are polled every fraction of a second.
CANDIDATE_CHUNK = 20_000


@nb.njit(cache=True)
def _cell_of(xy: np.ndarray, x0: float, y0: float, cell: float, nx: int, ny: int) -> np.ndarray:
    out = np.empty(xy.shape[0], np.int64)
    for i in range(xy.shape[0]):
        cx = min(max(int((xy[i, 0] - x0) / cell), 0), nx - 1)
        cy = min(max(int((xy[i, 1] - y0) / cell), 0), ny - 1)
        out[i] = cy * nx + cx
    return out


@nb.njit(parallel=True, cache=True)
def _scan(cand: np.ndarray, pts: np.ndarray, ids: np.ndarray, starts: np.ndarray, x0: float, y0: float,
          cell: float, nx: int, ny: int, span: int, r2: float, indptr: np.ndarray, out: np.ndarray,
          fill: bool) -> np.ndarray:
    """Count (fill=False) or write (fill=True, at ``indptr``) the points within the radius of each candidate."""
    n = cand.shape[0]
    counts = np.zeros(n, np.int64)
    for j in nb.prange(n):
        x, y = cand[j, 0], cand[j, 1]
        cx, cy = int(math.floor((x - x0) / cell)), int(math.floor((y - y0) / cell))
        k = indptr[j] if fill else 0
        c = 0
        for gy in range(max(cy - span, 0), min(cy + span + 1, ny)):
            for gx in range(max(cx - span, 0), min(cx + span + 1, nx)):
                g = gy * nx + gx
                for p in range(starts[g], starts[g + 1]):
                    dx, dy = pts[p, 0] - x, pts[p, 1] - y
                    if dx * dx + dy * dy <= r2:
                        if fill:
                            out[k + c] = ids[p]
                        c += 1
        counts[j] = c
    return counts


def radius_coverage(candidate_xy: np.ndarray, demand_xy: np.ndarray, radius_m: float, *,
                    feedback: Feedback | None = None) -> CoverageMatrix:
    """Every (candidate, demand point) pair at most ``radius_m`` apart, as a candidate-major CSR.

    Coordinates are metres in one projected CRS. ``feedback`` gets progress and may cancel between chunks.
    """
    cand = np.ascontiguousarray(np.asarray(candidate_xy, float).reshape(-1, 2))
    pts = np.ascontiguousarray(np.asarray(demand_xy, float).reshape(-1, 2))
    if not (math.isfinite(radius_m) and radius_m > 0):
        raise ValueError(f"coverage radius must be a positive distance in metres, got {radius_m!r}")
    for name, xy in (("candidate", cand), ("demand", pts)):
        if not np.isfinite(xy).all():
            raise ValueError(f"{name} coordinates contain NaN or infinite values")
    if cand.shape[0] == 0 or pts.shape[0] == 0:
        return CoverageMatrix(np.zeros(cand.shape[0] + 1, np.int64), np.zeros(0, np.int32), pts.shape[0])
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    cell = max(float(radius_m), (x1 - x0) / MAX_CELLS_PER_AXIS, (y1 - y0) / MAX_CELLS_PER_AXIS, 1e-9)
    nx, ny = int((x1 - x0) / cell) + 1, int((y1 - y0) / cell) + 1
    span = int(math.ceil(radius_m / cell))
    cell_id = _cell_of(pts, x0, y0, cell, nx, ny)
    order = np.argsort(cell_id, kind="stable")
    starts = np.searchsorted(cell_id[order], np.arange(nx * ny + 1)).astype(np.int64)
    sorted_pts = np.ascontiguousarray(pts[order])
    ids = order.astype(np.int32)
    r2 = float(radius_m) ** 2
    chunks = range(0, cand.shape[0], CANDIDATE_CHUNK)
    total_steps = 2 * len(chunks)
    dummy_ptr, dummy_out = np.zeros(1, np.int64), np.zeros(0, np.int32)
    counts = np.empty(cand.shape[0], np.int64)
    for step, a in enumerate(chunks):
        part = cand[a:a + CANDIDATE_CHUNK]
        counts[a:a + part.shape[0]] = _scan(part, sorted_pts, ids, starts, x0, y0, cell, nx, ny, span, r2,
                                            dummy_ptr, dummy_out, False)
        _report(feedback, step + 1, total_steps)
    indptr = np.zeros(cand.shape[0] + 1, np.int64)
    np.cumsum(counts, out=indptr[1:])
    indices = np.empty(int(indptr[-1]), np.int32)
    for step, a in enumerate(chunks):
        part = cand[a:a + CANDIDATE_CHUNK]
        local = indptr[a:a + part.shape[0] + 1] - indptr[a]
        _scan(part, sorted_pts, ids, starts, x0, y0, cell, nx, ny, span, r2, local,
              indices[indptr[a]:indptr[a + part.shape[0]]], True)
        _report(feedback, len(chunks) + step + 1, total_steps)
    return CoverageMatrix(indptr, indices, pts.shape[0])


def _report(feedback: Feedback | None, done: int, total: int) -> None:
    if feedback is not None:
        feedback.set_progress(100.0 * done / total)
        feedback.raise_if_cancelled()


__all__ = ["radius_coverage"]
