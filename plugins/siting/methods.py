"""The methods a siting model is solved by, named apart from the solvers: the toolbox lists them as a parameter's
choices without importing the solvers (which import numba)."""

METHODS = ("exact", "greedy")
