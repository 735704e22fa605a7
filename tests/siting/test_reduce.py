"""The reductions keep the optimum: same best value on the reduced model as on the original, for every k."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from plugins.siting.matrix import CoverageMatrix
from plugins.siting.reduce import merge_identical_rows, reduce_model
from tests.siting.conftest import best_value, best_within_budget, random_problem


def reduced_value(reduced, chosen) -> float:
    x = np.zeros(reduced.n_candidates)
    x[list(chosen)] = 1
    return float(reduced.private @ x + reduced.row_weight @ np.minimum(reduced.rows @ x, 1))


def test_identical_rows_merge_with_summed_weight():
    import scipy.sparse as sp

    rows = sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1], [1, 1, 1]]))
    merged, weight = merge_identical_rows(rows, np.array([1.0, 2.0, 3.0, 4.0]))
    assert merged.toarray().tolist() == [[1, 0, 1], [0, 1, 0], [1, 1, 1]]
    assert weight.tolist() == [4.0, 2.0, 4.0]


@pytest.mark.parametrize("with_costs", [False, True])
def test_reduced_optimum_equals_the_original_for_every_k_and_budget(rng, with_costs):
    for _ in range(60):
        problem = random_problem(rng, candidates=(3, 8), demand=(4, 20))
        costs = problem.costs if with_costs else None
        reduced = reduce_model(problem.coverage, problem.weights, costs=costs)
        n = reduced.n_candidates
        subsets = [s for size in range(n + 1) for s in itertools.combinations(range(n), size)]
        if with_costs:
            kept_costs = problem.costs[reduced.candidates]
            for budget in range(int(problem.costs.min()), 10):
                best = max(reduced_value(reduced, s) for s in subsets if kept_costs[list(s)].sum() <= budget)
                assert best == pytest.approx(best_within_budget(problem, budget))
        else:
            for k in range(1, problem.n_candidates + 1):
                best = max(reduced_value(reduced, s) for s in subsets if len(s) <= k)
                assert best == pytest.approx(best_value(problem, k))
        for s in subsets[:20]:
            assert reduced_value(reduced, s) == pytest.approx(problem.value(reduced.candidates[list(s)]))


def test_dominated_and_twin_candidates_go_and_map_to_a_dominator():
    dense = np.array([[1, 1, 0, 0],     # 0: covers what 1 covers and more
                      [1, 0, 0, 0],     # 1: dominated by 0
                      [0, 0, 1, 1],     # 2
                      [0, 0, 1, 1],     # 3: twin of 2, the lower index stays
                      [0, 0, 0, 0]], bool)   # 4: covers nothing
    reduced = reduce_model(CoverageMatrix.from_dense(dense), np.ones(4))
    assert reduced.candidates.tolist() == [0, 2]
    assert reduced.local(np.array([1, 3])).tolist() == [0, 1]
    assert reduced.stats["dominated_candidates"] + reduced.stats["useless_candidates"] == 3


def test_double_coverage_keeps_twins():
    dense = np.array([[1, 1], [1, 1]], bool)
    reduced = reduce_model(CoverageMatrix.from_dense(dense), np.ones(2), beta=0.5)
    assert reduced.n_candidates == 2


def test_full_cover_forces_the_only_coverer():
    dense = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1]], bool)   # point 0 is reached by candidate 0 alone
    reduced = reduce_model(CoverageMatrix.from_dense(dense), np.ones(3), full_cover=True)
    # then 1 and 2 are twins for point 2: 2 goes, which leaves 1 as the only coverer of point 2
    assert reduced.forced.tolist() == [0, 1]
    assert reduced.n_candidates == 0 and reduced.n_rows == 0


def test_restricting_keeps_every_settled_plan_its_value_and_its_cuts(rng):
    """Every plan that respects the settled sites is worth the same in the restricted model (plus the built
    sites' offset), and cuts carried over stay valid for it."""
    from plugins.siting.cuts import Cut
    from plugins.siting.reduce import restrict

    for _ in range(40):
        problem = random_problem(rng, candidates=(4, 9), demand=(6, 25))
        reduced = reduce_model(problem.coverage, problem.weights)
        n = reduced.n_candidates
        if n < 2 or reduced.n_rows == 0:
            continue
        draw = rng.random(n)
        site_out, site_in = draw < 0.25, draw > 0.8
        rows = reduced.rows.tocsr()
        # a valid inequality on every plan: sum of some rows' y <= number of their distinct coverers chosen
        chosen_rows = np.flatnonzero(rng.random(reduced.n_rows) < 0.5)
        coverers = np.unique(rows[chosen_rows].indices)
        cut = Cut(chosen_rows, np.ones(chosen_rows.size), coverers,
                  np.asarray(rows[chosen_rows][:, coverers].sum(axis=0)).ravel().astype(float), 0.0)
        restricted = restrict(reduced, site_out, site_in, cuts=[cut])
        sub = restricted.model
        for plan in (np.array(s, np.int64) for size in range(n + 1) for s in itertools.combinations(range(n), size)):
            local = restricted.open_plan(plan)
            if site_out[plan].any() or not np.isin(np.flatnonzero(site_in), plan).all():
                assert local is None
                continue
            assert local is not None
            x = np.zeros(sub.n_candidates)
            x[local] = 1.0
            y = np.minimum(sub.rows @ x, 1.0) if sub.n_rows else np.zeros(0)
            value = restricted.offset + float(sub.private @ x + sub.row_weight @ y)
            assert value == pytest.approx(reduced_value(reduced, plan))
            for moved in restricted.cuts:
                assert moved.violation(x, y) <= 1e-9
