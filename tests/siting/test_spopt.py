"""Cross-check against PySAL spopt (PuLP + CBC, an independent formulation and solver): the optimal MCLP and
LSCP objective values must be equal, on random instances and on spopt's bundled San Francisco data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plugins.siting.matrix import CoverageMatrix
from plugins.siting.problem import SitingProblem
from plugins.siting.solve import solve_lscp, solve_mclp

spopt_locate = pytest.importorskip("spopt.locate", reason="spopt is a test-only dependency")
pulp = pytest.importorskip("pulp")

RADIUS = 150.0
#: spopt 0.7 builds its models with PuLP calls that PuLP 3.3 marks as deprecated; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp.*")


def _cbc():
    solver = pulp.PULP_CBC_CMD(msg=False)
    if not solver.available():
        pytest.skip("PuLP's bundled CBC solver cannot run here")
    return solver


def _random_instance(rng, n_candidates: int, n_demand: int, side: float):
    candidates = rng.uniform(0, side, (n_candidates, 2))
    demand = rng.uniform(0, side, (n_demand, 2))
    weights = rng.integers(1, 101, n_demand).astype(float)
    cost = np.linalg.norm(demand[:, None, :] - candidates[None, :, :], axis=2)   # clients x facilities
    return cost, weights


def _ours(cost: np.ndarray, weights: np.ndarray, radius: float) -> SitingProblem:
    return SitingProblem(CoverageMatrix.from_dense((cost <= radius).T), weights)


@pytest.mark.parametrize("seed", [1, 2])
def test_mclp_objective_equals_spopt(seed):
    cost, weights = _random_instance(np.random.default_rng(seed), 300, 600, 2000.0)
    k = 30
    reference = spopt_locate.MCLP.from_cost_matrix(cost, weights, RADIUS, k).solve(_cbc())
    assert reference.problem.status == pulp.LpStatusOptimal
    plan = solve_mclp(_ours(cost, weights, RADIUS), k)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(pulp.value(reference.problem.objective), abs=1e-6)


@pytest.mark.parametrize("seed", [3, 4])
def test_lscp_objective_equals_spopt(seed):
    cost, weights = _random_instance(np.random.default_rng(seed), 300, 600, 1500.0)
    reachable = (cost <= RADIUS).any(axis=1)        # spopt's LSCP requires every client to be coverable
    cost, weights = cost[reachable], weights[reachable]
    reference = spopt_locate.LSCP.from_cost_matrix(cost, RADIUS).solve(_cbc())
    assert reference.problem.status == pulp.LpStatusOptimal
    plan = solve_lscp(_ours(cost, np.ones(len(weights)), RADIUS))
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(pulp.value(reference.problem.objective))


def _san_francisco() -> tuple[np.ndarray, np.ndarray]:
    data = Path(spopt_locate.__file__).resolve().parents[1] / "tests" / "test_locate" / "data"
    distances = data / "SF_network_distance_candidateStore_16_censusTract_205_new.csv"
    tracts = data / "SF_demand_205_centroid_uniform_weight.csv"
    if not (distances.exists() and tracts.exists()):
        pytest.skip(f"spopt's San Francisco example data is not installed ({data})")
    table = pd.read_csv(distances).pivot_table(values="distance", index="DestinationName", columns="name")
    population = pd.read_csv(tracts).sort_values("NAME").set_index("NAME")["POP2000"]
    population.index = population.index.astype(str)
    table.index = table.index.astype(str)
    return table.to_numpy(), population.reindex(table.index).to_numpy(float)


@pytest.mark.parametrize("service", [3000.0, 5000.0])
@pytest.mark.parametrize("k", [2, 4])
def test_san_francisco_mclp_equals_spopt(service, k):
    cost, population = _san_francisco()
    reference = spopt_locate.MCLP.from_cost_matrix(cost, population, service, k).solve(_cbc())
    plan = solve_mclp(_ours(cost, population, service), k)
    assert plan.objective == pytest.approx(pulp.value(reference.problem.objective))
    assert plan.status == "optimal"


def test_san_francisco_lscp_equals_spopt():
    cost, population = _san_francisco()
    reference = spopt_locate.LSCP.from_cost_matrix(cost, 5000.0).solve(_cbc())
    plan = solve_lscp(_ours(cost, population, 5000.0))
    assert plan.objective == pytest.approx(pulp.value(reference.problem.objective))
