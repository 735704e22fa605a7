"""Odd-cycle cuts: every plan satisfies them (checked over all plans of small instances), the LP point they are
found at does not, and the textbook triangle is cut off."""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from plugins.siting.cuts import cut_from_rows, odd_cycle_cuts


def _lp_point(rows: sp.csr_matrix, weight: np.ndarray, costs: np.ndarray, budget: float):
    """max w.y s.t. y_r <= sum_{j covers r} x_j, costs.x <= budget, 0 <= x, y <= 1 (scipy's HiGHS, vertex)."""
    n_r, n_x = rows.shape
    a = sp.vstack([sp.hstack([-rows, sp.identity(n_r)]),
                   sp.hstack([sp.csr_matrix(costs[None, :]), sp.csr_matrix((1, n_r))])]).tocsr()
    result = linprog(np.concatenate([np.zeros(n_x), -weight]), A_ub=a, b_ub=np.concatenate([np.zeros(n_r), [budget]]),
                     bounds=(0, 1), method="highs-ds")
    return result.x[:n_x], result.x[n_x:]


def _every_plan_satisfies(rows: sp.csr_matrix, cut) -> bool:
    dense = rows.toarray().astype(bool)
    for size in range(dense.shape[1] + 1):
        for plan in itertools.combinations(range(dense.shape[1]), size):
            x = np.zeros(dense.shape[1])
            x[list(plan)] = 1.0
            y = dense[:, list(plan)].any(axis=1).astype(float)
            if cut.violation(x, y) > 1e-9:
                return False
    return True


def test_the_triangle_of_half_sites_is_cut_off():
    # sites A, B, C; rows covered by (A, B), (B, C), (C, A): half of each site "covers" all three rows
    rows = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1]], float))
    x, y = np.full(3, 0.5), np.ones(3)
    cuts = odd_cycle_cuts(rows, x, y)
    assert len(cuts) == 1
    cut = cuts[0]
    assert cut.rows.tolist() == [0, 1, 2] and cut.rhs == 1.0
    assert sorted(zip(cut.columns.tolist(), cut.coefficients.tolist(), strict=True)) == [(0, 1.0), (1, 1.0), (2, 1.0)]
    assert cut.violation(x, y) == 0.5
    assert _every_plan_satisfies(rows, cut)


def test_cuts_hold_for_every_plan_and_cut_the_lp_point():
    rng = np.random.default_rng(7)
    found = 0
    for _ in range(60):
        n_x, n_r = int(rng.integers(4, 9)), int(rng.integers(6, 20))
        dense = rng.random((n_r, n_x)) < 0.35
        dense[np.arange(n_r), rng.integers(0, n_x, n_r)] = True
        rows = sp.csr_matrix(dense.astype(float))
        costs = rng.integers(1, 4, n_x).astype(float)
        x, y = _lp_point(rows, rng.integers(1, 30, n_r).astype(float), costs, float(rng.integers(1, 6)) + 0.5)
        for cut in odd_cycle_cuts(rows, x, y):
            found += 1
            assert cut.violation(x, y) > 1e-4
            assert _every_plan_satisfies(rows, cut)
    assert found >= 5


def test_a_cut_from_any_row_set_is_valid():
    """cut_from_rows builds a valid inequality from any rows, whichever bound each odd site takes."""
    rng = np.random.default_rng(11)
    for _ in range(40):
        dense = rng.random((8, 6)) < 0.4
        rows = sp.csr_matrix(dense.astype(float))
        chosen = np.flatnonzero(rng.random(8) < 0.5)
        if chosen.size == 0:
            continue
        cut = cut_from_rows(rows, chosen, rng.random(6))
        if cut is not None:
            assert _every_plan_satisfies(rows, cut)
