"""The coverage relation as a sparse matrix: which demand points each candidate site covers.

It is held candidate-major (CSR: ``indptr``/``indices``), the layout the greedy needs (a candidate's gain is a
sum over its own demand points), and turned demand-major on request for the MILP rows and the reductions.
Never dense: 100,000 candidates x 1,000,000 points at 150 m is 280 million pairs, 1.1 GB as int32 indices,
where a dense boolean matrix would be 100 GB.

Example::

    coverage = CoverageMatrix.from_pairs(candidate_index, demand_index, n_candidates=3, n_demand=10)
    coverage.covers(0)            # demand points of candidate 0
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
import scipy.sparse as sp


@nb.njit(cache=True)
def _count(indices: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, np.int64)
    for i in indices:
        out[i] += 1
    return out


@dataclass(frozen=True)
class CoverageMatrix:
    """Candidate-major CSR of the "candidate covers demand point" relation (no values: coverage is yes/no)."""

    indptr: np.ndarray
    indices: np.ndarray
    n_demand: int

    def __post_init__(self) -> None:
        indptr = np.ascontiguousarray(self.indptr, dtype=np.int64)
        indices = np.ascontiguousarray(self.indices, dtype=np.int32)
        if indptr.ndim != 1 or indptr.size == 0 or indptr[0] != 0 or indptr[-1] != indices.size:
            raise ValueError("coverage matrix: indptr must start at 0 and end at the number of pairs")
        if np.any(np.diff(indptr) < 0):
            raise ValueError("coverage matrix: indptr must not decrease")
        if indices.size and (indices.min() < 0 or indices.max() >= self.n_demand):
            raise ValueError(f"coverage matrix: demand indices must lie in 0..{self.n_demand - 1}")
        object.__setattr__(self, "indptr", indptr)
        object.__setattr__(self, "indices", indices)

    @property
    def n_candidates(self) -> int:
        return int(self.indptr.size - 1)

    @property
    def nnz(self) -> int:
        return int(self.indices.size)

    def covers(self, candidate: int) -> np.ndarray:
        """Demand points covered by one candidate."""
        return self.indices[self.indptr[candidate]:self.indptr[candidate + 1]]

    def demand_degree(self) -> np.ndarray:
        """How many candidates cover each demand point (0 = no candidate can reach it)."""
        return _count(self.indices, self.n_demand)

    def to_scipy(self) -> sp.csr_matrix:
        """Candidates x demand as a scipy CSR of ones (int8)."""
        data = np.ones(self.nnz, np.int8)
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(self.n_candidates, self.n_demand))

    def by_demand(self) -> sp.csr_matrix:
        """Demand x candidates CSR with sorted column indices: the rows of the covering constraints."""
        matrix = self.to_scipy().T.tocsr()
        matrix.sort_indices()
        return matrix

    @classmethod
    def from_pairs(cls, candidate_index: np.ndarray, demand_index: np.ndarray, n_candidates: int,
                   n_demand: int) -> CoverageMatrix:
        """From parallel arrays of (candidate, demand point) pairs in any order; duplicates are merged."""
        candidate_index = np.asarray(candidate_index, np.int64)
        demand_index = np.asarray(demand_index, np.int64)
        if candidate_index.shape != demand_index.shape:
            raise ValueError("coverage pairs: candidate and demand index arrays differ in length")
        if candidate_index.size and (candidate_index.min() < 0 or candidate_index.max() >= n_candidates):
            raise ValueError(f"coverage pairs: candidate indices must lie in 0..{n_candidates - 1}")
        data = np.ones(candidate_index.size, np.int8)
        matrix = sp.coo_matrix((data, (candidate_index, demand_index)), shape=(n_candidates, n_demand)).tocsr()
        matrix.sum_duplicates()
        return cls(matrix.indptr, matrix.indices, n_demand)

    @classmethod
    def from_dense(cls, covers: np.ndarray) -> CoverageMatrix:
        """From a boolean array of shape (candidates, demand points); for small instances and tests."""
        covers = np.asarray(covers, bool)
        if covers.ndim != 2:
            raise ValueError("coverage: a dense relation must be a 2-D array (candidates x demand points)")
        matrix = sp.csr_matrix(covers)
        return cls(matrix.indptr, matrix.indices, covers.shape[1])


__all__ = ["CoverageMatrix"]
