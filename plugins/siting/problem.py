"""A site-selection instance in numbers: the coverage relation, demand weights, site costs.

Example::

    problem = SitingProblem(coverage, weights=population, costs=np.where(has_power, 1.0, 1.5))
    problem.value(np.array([3, 17]))     # demand covered by sites 3 and 17
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from plugins.siting import kernels
from plugins.siting.matrix import CoverageMatrix


@dataclass(init=False)
class SitingProblem:
    """``weights`` per demand point (people, priority-weighted), ``costs`` per candidate (> 0; None: 1 each),
    ``beta`` in [0, 1]: the extra value of a second site covering a point (0 = plain coverage)."""

    coverage: CoverageMatrix
    weights: np.ndarray
    costs: np.ndarray
    beta: float
    _degree: np.ndarray | None = field(default=None, init=False, repr=False)

    def __init__(self, coverage: CoverageMatrix, weights: np.ndarray, costs: np.ndarray | None = None,
                 beta: float = 0.0) -> None:
        """Written out (not generated) so ``costs`` is always an array once built, whatever was passed."""
        self.coverage = coverage
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        if self.weights.shape != (coverage.n_demand,):
            raise ValueError(f"demand weights: expected {coverage.n_demand} values, got {self.weights.shape}")
        if not np.all(np.isfinite(self.weights)) or np.any(self.weights < 0):
            raise ValueError("demand weights must be finite and not negative")
        n = coverage.n_candidates
        self.costs = np.ones(n) if costs is None else np.ascontiguousarray(costs, dtype=np.float64)
        if self.costs.shape != (n,):
            raise ValueError(f"site costs: expected {n} values, got {self.costs.shape}")
        if not np.all(np.isfinite(self.costs)) or np.any(self.costs <= 0):
            raise ValueError("site costs must be finite and positive")
        if not 0.0 <= float(beta) <= 1.0:
            raise ValueError(f"double-coverage weight must lie in [0, 1], got {beta}")
        self.beta = float(beta)
        self._degree = None

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

    def without(self, excluded: np.ndarray) -> SitingProblem:
        """The same problem with the ``excluded`` candidates' coverage removed (they cover nothing), so
        ``coverable_weight`` is the demand the other candidates reach."""
        keep = np.ones(self.n_candidates, bool)
        keep[np.asarray(excluded, np.int64)] = False
        matrix = self.coverage.to_scipy()
        matrix = sp.diags(keep.astype(np.int8), dtype=np.int8) @ matrix
        matrix.eliminate_zeros()
        return SitingProblem(CoverageMatrix(matrix.indptr, matrix.indices, self.n_demand), self.weights, self.costs,
                             self.beta)

    def residual(self, locked: np.ndarray, excluded: np.ndarray) -> Residual:
        """What is left to choose once ``locked`` are built and ``excluded`` are out: the other candidates, with
        the demand the locked sites cover taken out (see ``Residual``)."""
        locked = np.unique(np.asarray(locked, np.int64))
        free = np.ones(self.n_candidates, bool)
        free[locked] = False
        free[np.asarray(excluded, np.int64)] = False
        free = np.flatnonzero(free)
        counts = self.counts(locked)
        rows = self.coverage.to_scipy()[free]
        if self.beta == 0.0:
            weights = np.where(counts > 0, 0.0, self.weights)
            return Residual(self._sub(rows, weights, self.costs[free], 0.0), free, self.value(locked))
        once = (counts == 1) & (self.weights > 0)
        weights = np.where(counts >= 2, 0.0, self.weights)
        if not once.any():
            return Residual(self._sub(rows, weights, self.costs[free], self.beta), free, self.value(locked))
        # Demand covered once by the locked sites is worth beta x weight more when a chosen site covers it too,
        # not weight + beta x weight: one virtual site covers it (so a chosen site makes it a second cover), and
        # its private point of weight M above any plan's value makes every good plan take it.
        big = float(math.ceil((1.0 + self.beta) * self.weights.sum())) + 1.0
        virtual = sp.csr_matrix((np.ones(int(once.sum()) + 1, np.int8),
                                 (np.zeros(int(once.sum()) + 1, np.int64),
                                  np.concatenate([np.flatnonzero(once), [self.n_demand]]))),
                                shape=(1, self.n_demand + 1))
        rows = sp.vstack([sp.hstack([rows, sp.csr_matrix((free.size, 1), dtype=np.int8)]), virtual], format="csr")
        epsilon = 2.0 ** (math.floor(math.log2(self.costs.min())) - 20)
        sub = self._sub(rows, np.concatenate([weights, [big]]), np.concatenate([self.costs[free], [epsilon]]),
                        self.beta)
        shift = self.value(locked) - float(self.weights[once].sum()) - big
        return Residual(sub, free, shift, extra_sites=1, extra_cost=epsilon)

    @staticmethod
    def _sub(rows: sp.csr_matrix, weights: np.ndarray, costs: np.ndarray, beta: float) -> SitingProblem:
        rows = rows.tocsr()
        rows.sort_indices()
        return SitingProblem(CoverageMatrix(rows.indptr, rows.indices, rows.shape[1]), weights, costs, beta)


@dataclass
class Residual:
    """The problem left once some sites are built (locked) and some are out: ``problem`` over the ``free``
    candidates, in which a plan S is worth ``value(locked + S) - shift``, so its optimum and every bound on it
    shift by ``shift``. With the double-coverage reward a virtual site (the last column) stands for the locked
    sites' single cover: it takes ``extra_sites`` of k and ``extra_cost`` of the budget."""

    problem: SitingProblem
    free: np.ndarray
    shift: float
    extra_sites: int = 0
    extra_cost: float = 0.0

    def plan(self, locked: np.ndarray, selected: np.ndarray) -> np.ndarray:
        """The full plan: the locked sites and the residual plan's real sites."""
        selected = np.asarray(selected, np.int64)
        return np.unique(np.concatenate([np.asarray(locked, np.int64), self.free[selected[selected < self.free.size]]]))


__all__ = ["Residual", "SitingProblem"]
