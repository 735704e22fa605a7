"""Cancel during site selection's reduction and exact run: the run stops at the next poll (the saturation
test's first-order LP, which polls nothing, runs in a child process: test_first_order_child)."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.api import Cancelled
from plugins.siting import reduce
from plugins.siting.matrix import CoverageMatrix
from plugins.siting.problem import SitingProblem
from plugins.siting.radius import radius_coverage
from plugins.siting.reduce import reduce_model
from plugins.siting.solve import solve_mclp
from tests.cancelling import CancelAfter, CancellingFeedback


def _coverage(seed: int = 3, candidates: int = 600, points: int = 8000) -> tuple[CoverageMatrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    coverage = radius_coverage(rng.uniform(0, 3000, (candidates, 2)), rng.uniform(0, 3000, (points, 2)), 150.0)
    return coverage, rng.integers(1, 50, points).astype(float)


@pytest.mark.parametrize("after", [1, 2, 3, 5])
def test_reduction_stops_at_the_poll_that_sees_cancel(after):
    coverage, weights = _coverage()
    cancel = CancelAfter(after)
    with pytest.raises(Cancelled):
        reduce_model(coverage, weights, cancelled=cancel)
    assert cancel.polls == after  # nothing more was asked, so no step ran after it


def test_dominance_in_blocks_reduces_exactly_as_in_one(monkeypatch):
    coverage, weights = _coverage(seed=8)
    costs = np.random.default_rng(8).choice([1.0, 1.5], coverage.n_candidates)
    whole = reduce_model(coverage, weights, costs=costs)
    cancel = CancelAfter(10**9)
    monkeypatch.setattr(reduce, "OVERLAP_BLOCK", 500)  # dozens of blocks instead of one
    blocked = reduce_model(coverage, weights, costs=costs, cancelled=cancel)
    assert cancel.polls > 20
    assert whole.stats["dominated_candidates"] > 0
    assert np.array_equal(whole.candidates, blocked.candidates)
    assert np.array_equal(whole.dominator, blocked.dominator)
    assert (whole.rows != blocked.rows).nnz == 0 and np.array_equal(whole.row_weight, blocked.row_weight)


def test_exact_mclp_stops_soon_after_cancel():
    coverage, weights = _coverage(seed=5, candidates=800, points=20000)
    problem = SitingProblem(coverage, weights)
    for after in (2, 6, 12):
        feedback = CancellingFeedback(after)
        with pytest.raises(Cancelled):
            solve_mclp(problem, 60, method="exact", feedback=feedback)
        assert feedback.flag.polls - after <= 2
