"""What a site-selection run will take, from counts, before the coverage relation is built (``plugins.resources``).

Memory grows with the pole-point pairs within the radius (the relation, its demand-major copy, the reductions
and the MILP all hold them) and with the candidate pairs that share a demand point (the dominance test forms
them). Both are counted on a coarse grid: the demand points are binned, the candidates are binned and spread
over a disc of the radius (a convolution), and each demand cell multiplies its points by the candidates that
reach its centre. That is a few FFTs on at most 1,024 x 1,024 cells, whatever the number of pairs.

Example::

    need = siting_need(candidates.xy, demand.xy, 150.0)
    need.bytes, need.work        # bytes at the peak, pole-point pairs
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from layers.i18n import QT_TRANSLATE_NOOP, translate
from plugins.resources import Need, check_memory, count_text

#: Bytes per pole-point pair over a run, measured on the sample (tracemalloc peak / pairs): the exact method
#: holds the relation (4), its demand-major copies and the reductions' working copies (~27 in all at 14 million
#: pairs); the greedy only the relation and its gains (~4).
BYTES_PER_PAIR = {"exact": 30, "greedy": 6}
#: Extra bytes per pair while radio mode predicts RSRP (pair lists, RSRP values, kept pairs before the matrix).
RF_BYTES_PER_PAIR = 40
#: Bytes per entry of the candidate-candidate overlap the dominance test forms (row, column, count, sort).
BYTES_PER_OVERLAP = 24
#: Bytes per demand point (coordinates, weights, degrees, covered counts) and per candidate.
BYTES_PER_POINT = 200
BYTES_PER_CANDIDATE = 400
#: Bytes of any run whatever its size: the output layers, the coverage curve, the summary (measured: ~5 MB).
BASE_BYTES = 4_000_000
#: Cells per axis of the counting grid at most.
GRID_CELLS = 1024
#: Sub-samples per cell axis when the disc is laid on the grid.
SUPERSAMPLE = 8
CHANGE = QT_TRANSLATE_NOOP("SitingBudget", "use a smaller radius (or maximum radius in rf mode), a coarser demand "
                                           "sampling spacing or fewer poles")


def _disc(radius_cells: float) -> np.ndarray:
    """Share of each cell within ``radius_cells`` of the centre cell's centre (cells of size 1)."""
    span = int(math.ceil(radius_cells + 0.5))
    offsets = (np.arange(SUPERSAMPLE) + 0.5) / SUPERSAMPLE - 0.5
    axis = (np.arange(-span, span + 1)[:, None] + offsets[None, :]).ravel()
    inside = (axis[:, None] ** 2 + axis[None, :] ** 2) <= radius_cells ** 2
    size = 2 * span + 1
    return inside.reshape(size, SUPERSAMPLE, size, SUPERSAMPLE).mean(axis=(1, 3))


def _convolve(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``image`` convolved with the odd-sized ``kernel``, same shape as ``image`` (by FFT)."""
    k = kernel.shape[0]
    size = (image.shape[0] + k - 1, image.shape[1] + k - 1)
    full = np.fft.irfft2(np.fft.rfft2(image, size) * np.fft.rfft2(kernel, size), size)
    half = k // 2
    return full[half:half + image.shape[0], half:half + image.shape[1]]


def pair_counts(candidate_xy: np.ndarray, demand_xy: np.ndarray, radius_m: float) -> tuple[float, float]:
    """Estimated (pole-point pairs within ``radius_m``, pairs of poles that can share a demand point)."""
    cand = np.asarray(candidate_xy, float).reshape(-1, 2)
    pts = np.asarray(demand_xy, float).reshape(-1, 2)
    if cand.shape[0] == 0 or pts.shape[0] == 0:
        return 0.0, 0.0
    both = np.vstack([cand, pts])
    low = both.min(axis=0) - 2 * radius_m
    span = float((both.max(axis=0) + 2 * radius_m - low).max())
    cell = max(span / GRID_CELLS, radius_m / 8.0, 1e-6)
    n = int(span / cell) + 1

    def histogram(xy: np.ndarray) -> np.ndarray:
        ij = np.minimum(((xy - low) / cell).astype(np.int64), n - 1)
        return np.bincount(ij[:, 1] * n + ij[:, 0], minlength=n * n).reshape(n, n).astype(float)

    poles = histogram(cand)
    reach = np.maximum(_convolve(poles, _disc(radius_m / cell)), 0.0)
    near = np.maximum(_convolve(poles, _disc(2 * radius_m / cell)), 0.0)
    return float((histogram(pts) * reach).sum()), float((poles * near).sum())


def siting_need(candidate_xy: np.ndarray, demand_xy: np.ndarray, radius_m: float, *, method: str = "exact",
                rf: bool = False) -> Need:
    """Peak bytes and pole-point pairs of preparing and solving a covering model over these points."""
    n_candidates, n_demand = len(candidate_xy), len(demand_xy)
    pairs, neighbours = pair_counts(candidate_xy, demand_xy, radius_m)
    per_pair = BYTES_PER_PAIR.get(method, max(BYTES_PER_PAIR.values())) + (RF_BYTES_PER_PAIR if rf else 0)
    overlap = neighbours * BYTES_PER_OVERLAP if method == "exact" else 0.0
    total = (BASE_BYTES + pairs * per_pair + overlap + n_demand * BYTES_PER_POINT
             + n_candidates * BYTES_PER_CANDIDATE)
    what = translate("SitingBudget", "{poles:,} poles x {points:,} demand points within {radius:,.0f} m ({pairs} "
                                     "pole-point pairs)").format(poles=n_candidates, points=n_demand, radius=radius_m,
                                                                 pairs=count_text(pairs))
    return Need(bytes=total, work=pairs, what=what, change=translate("SitingBudget", CHANGE))


def check_siting(candidate_xy: np.ndarray, demand_xy: np.ndarray, params: dict[str, Any]) -> None:
    """Refuse, before the relation is built, a run of the siting algorithms whose pairs would not fit in memory."""
    rf = params["coverage_mode"] == "rf"
    radius = params["max_radius"] if rf else params["radius"]
    check_memory(siting_need(candidate_xy, demand_xy, radius, method=params["method"], rf=rf))


__all__ = ["check_siting", "pair_counts", "siting_need"]
