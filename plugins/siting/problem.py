"""A site-selection instance in numbers: the coverage relation, demand weights, site costs.

Example::

    problem = SitingProblem(coverage, weights=population, costs=np.where(has_power, 1.0, 1.5))
    problem.value(np.array([3, 17]))     # demand covered by sites 3 and 17
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from plugins.siting import kernels
from plugins.siting.matrix import CoverageMatrix


@dataclass
class SitingProblem:
    """``weights`` per demand point (people, priority-weighted), ``costs`` per candidate (> 0),
    ``beta`` in [0, 1]: the extra value of a second site covering a point (0 = plain coverage)."""

    coverage: CoverageMatrix
    weights: np.ndarray
    costs: np.ndarray | None = None
    beta: float = 0.0
    _degree: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.weights = np.ascontiguousarray(self.weights, dtype=np.float64)
        if self.weights.shape != (self.coverage.n_demand,):
            raise ValueError(f"demand weights: expected {self.coverage.n_demand} values, got {self.weights.shape}")
        if not np.all(np.isfinite(self.weights)) or np.any(self.weights < 0):
            raise ValueError("demand weights must be finite and not negative")
        n = self.coverage.n_candidates
        costs = np.ones(n) if self.costs is None else np.ascontiguousarray(self.costs, dtype=np.float64)
        if costs.shape != (n,):
            raise ValueError(f"site costs: expected {n} values, got {costs.shape}")
        if not np.all(np.isfinite(costs)) or np.any(costs <= 0):
            raise ValueError("site costs must be finite and positive")
        self.costs = costs
        if not 0.0 <= float(self.beta) <= 1.0:
            raise ValueError(f"double-coverage weight must lie in [0, 1], got {self.beta}")
        self.beta = float(self.beta)

    @property
    def n_candidates(self) -> int:
        return self.coverage.n_candidates

    @property
    def n_demand(self) -> int:
        return self.coverage.n_demand

    @property
    def demand_degree(self) -> np.ndarray:
        if self._degree is None:
            self._degree = self.coverage.demand_degree()
        return self._degree

    @property
    def total_weight(self) -> float:
        return float(self.weights.sum())

    @property
    def coverable_weight(self) -> float:
        """Demand that at least one candidate can reach: the most any plan can cover."""
        return float(self.weights[self.demand_degree > 0].sum())

    @property
    def max_value(self) -> float:
        """The value of building every candidate (an upper bound on every plan)."""
        degree = self.demand_degree
        return float(self.weights[degree > 0].sum() + self.beta * self.weights[degree > 1].sum())

    def counts(self, selected: np.ndarray) -> np.ndarray:
        """How many chosen sites cover each demand point."""
        return kernels.counts_of(np.asarray(selected, np.int64), self.coverage.indptr, self.coverage.indices,
                                 self.n_demand)

    def value(self, selected: np.ndarray) -> float:
        """Objective of a plan: covered weight plus ``beta`` times the weight covered twice."""
        return float(kernels.value_of(self.counts(selected), self.weights, self.beta))

    def covered_weight(self, selected: np.ndarray) -> float:
        return float(self.weights[self.counts(selected) > 0].sum())

    def cost(self, selected: np.ndarray) -> float:
        return float(self.costs[np.asarray(selected, np.int64)].sum())


__all__ = ["SitingProblem"]
