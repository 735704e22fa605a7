"""Locked and excluded poles, frozen phases and several keep-out layers, checked against brute force.

Every feasible plan of a 12-candidate instance is enumerated: the plans that keep the locked poles, avoid the
excluded ones and respect k, the budget or the coverage target. The exact method must reach the best of them;
the fast method must return one of them, no better than the best, with a bound the best respects.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.layer import VectorLayer
from plugins.api import AlgorithmError, ParameterError
from plugins.runner import run_algorithm
from plugins.siting.candidates import CandidateRules, eligible_candidates
from plugins.siting.decisions import Decisions, FieldRule, IdList, LayerMatch, resolve, solve_decided
from plugins.siting.matrix import CoverageMatrix
from plugins.siting.problem import SitingProblem

CRS = "EPSG:32649"
REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data" / "tianhe" / "tianhe.gpkg"
N_CANDIDATES, N_DEMAND = 12, 60


def instance(seed: int, beta: float = 0.0) -> tuple[SitingProblem, Decisions]:
    """12 candidates x 60 demand points with integer weights and costs; 2 or 3 locked, 2 or 3 excluded."""
    rng = np.random.default_rng(seed)
    dense = rng.random((N_CANDIDATES, N_DEMAND)) < rng.uniform(0.08, 0.25)
    weights = rng.integers(0, 40, N_DEMAND).astype(float)
    costs = rng.integers(1, 5, N_CANDIDATES).astype(float)
    picked = rng.permutation(N_CANDIDATES)
    n_locked, n_excluded = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    decisions = Decisions(locked=np.sort(picked[:n_locked]),
                          excluded=np.sort(picked[n_locked:n_locked + n_excluded]))
    return SitingProblem(CoverageMatrix.from_dense(dense), weights, costs, beta), decisions


def feasible_plans(problem: SitingProblem, decisions: Decisions):
    """Every plan that keeps the locked candidates and none of the excluded ones."""
    free = np.setdiff1d(np.arange(problem.n_candidates), np.concatenate([decisions.locked, decisions.excluded]))
    for size in range(free.size + 1):
        for extra in itertools.combinations(free.tolist(), size):
            yield np.sort(np.concatenate([decisions.locked, np.array(extra, np.int64)]))


def reachable(problem: SitingProblem, decisions: Decisions) -> float:
    allowed = np.setdiff1d(np.arange(problem.n_candidates), decisions.excluded)
    return problem.covered_weight(allowed)


def respects(plan, decisions: Decisions) -> bool:
    chosen = set(plan.selected.tolist())
    return set(decisions.locked.tolist()) <= chosen and not chosen & set(decisions.excluded.tolist())


SEEDS = range(8)


@pytest.mark.parametrize("method", ["exact", "greedy"])
@pytest.mark.parametrize("beta", [0.0, 0.4])
@pytest.mark.parametrize("seed", SEEDS)
def test_mclp_with_decisions_against_brute_force(seed, beta, method):
    problem, decisions = instance(seed, beta)
    k = decisions.locked.size + 3
    best = max(problem.value(p) for p in feasible_plans(problem, decisions) if p.size <= k)
    plan = solve_decided(problem, decisions, "mclp", k=k, method=method, time_limit=20)
    assert respects(plan, decisions) and plan.sites <= k
    assert plan.objective == pytest.approx(problem.value(plan.selected))
    assert plan.objective <= best + 1e-6 and plan.bound >= best - 1e-6
    if method == "exact":
        assert plan.status == "optimal" and plan.objective == pytest.approx(best)


@pytest.mark.parametrize("method", ["exact", "greedy"])
@pytest.mark.parametrize("beta", [0.0, 0.4])
@pytest.mark.parametrize("seed", SEEDS)
def test_budget_mclp_with_decisions_against_brute_force(seed, beta, method):
    problem, decisions = instance(seed, beta)
    budget = problem.cost(decisions.locked) + 5.0
    best = max(problem.value(p) for p in feasible_plans(problem, decisions) if problem.cost(p) <= budget + 1e-9)
    plan = solve_decided(problem, decisions, "budget_mclp", budget=budget, method=method, time_limit=20)
    assert respects(plan, decisions) and plan.cost <= budget + 1e-9
    assert plan.objective <= best + 1e-6 and plan.bound >= best - 1e-6
    if method == "exact":
        assert plan.status == "optimal" and plan.objective == pytest.approx(best)


@pytest.mark.parametrize("method", ["exact", "greedy"])
@pytest.mark.parametrize(("share", "minimise"), [(1.0, "sites"), (0.8, "sites"), (1.0, "cost"), (0.7, "cost")])
@pytest.mark.parametrize("seed", SEEDS)
def test_lscp_with_decisions_against_brute_force(seed, share, minimise, method):
    problem, decisions = instance(seed)
    goal = share * reachable(problem, decisions) - 1e-9
    size = (lambda p: float(p.size)) if minimise == "sites" else problem.cost
    best = min(size(p) for p in feasible_plans(problem, decisions) if problem.covered_weight(p) >= goal)
    plan = solve_decided(problem, decisions, "lscp", target_share=share, minimise=minimise, method=method,
                         time_limit=20)
    assert respects(plan, decisions) and problem.covered_weight(plan.selected) >= goal
    assert plan.objective == pytest.approx(size(plan.selected))
    assert plan.objective >= best - 1e-6 and plan.bound <= best + 1e-6
    if method == "exact":
        assert plan.status == "optimal" and plan.objective == pytest.approx(best)
    out_of_reach = [note for note in plan.notes if "out of reach" in note]
    if reachable(problem, decisions) < problem.total_weight:
        assert len(out_of_reach) == 1 and f"of {problem.total_weight:,.0f} demand" in out_of_reach[0]


def test_locked_poles_only_when_they_use_up_k_or_the_budget():
    problem, decisions = instance(3)
    plan = solve_decided(problem, decisions, "mclp", k=decisions.locked.size)
    assert plan.selected.tolist() == decisions.locked.tolist() and plan.status == "optimal"
    plan = solve_decided(problem, decisions, "budget_mclp", budget=problem.cost(decisions.locked) + 0.5)
    assert plan.selected.tolist() == decisions.locked.tolist()


def test_infeasible_decisions_say_why():
    problem, decisions = instance(4)
    with pytest.raises(AlgorithmError, match=f"{decisions.locked.size} poles are locked but only 1 sites"):
        solve_decided(problem, decisions, "mclp", k=1)
    with pytest.raises(AlgorithmError, match="over the budget of 0.5"):
        solve_decided(problem, decisions, "budget_mclp", budget=0.5)


def test_a_model_without_its_size_is_refused_naming_what_is_missing():
    """k for the MCLP and the budget for the budget MCLP, with decisions and without (before: a TypeError from
    comparing None)."""
    problem, decisions = instance(5)
    for given in (decisions, Decisions()):
        with pytest.raises(ValueError, match="the mclp model needs k"):
            solve_decided(problem, given, "mclp", budget=10.0)
        with pytest.raises(ValueError, match="the budget_mclp model needs budget"):
            solve_decided(problem, given, "budget_mclp", k=3)


# -- where decisions come from ------------------------------------------------------------------------------


@pytest.fixture
def poles() -> VectorLayer:
    gdf = gpd.GeoDataFrame({
        "pole_id": [f"P{i}" for i in range(8)], "height_m": [10.0, 10, 10, 10, 10, 10, 10, 3.0],
        "decision": ["approved", "批准", "否决", None, "rejected", "", "Approved ", "approved"][:8],
        "status": "active"}, geometry=shapely.points(np.arange(8) * 100.0, np.zeros(8)), crs=CRS)
    gdf.loc[7, "decision"] = None
    return VectorLayer(gdf, "poles", kind="lamp_poles")


def ids_of(candidates, positions) -> list[str]:
    return sorted(candidates.ids[positions].tolist())


def test_decision_field_with_chinese_aliases(poles):
    candidates = eligible_candidates(poles, CandidateRules())
    decided = resolve(candidates, locked=[FieldRule("decision_field", "decision", ("approved",))],
                      excluded=[FieldRule("decision_field", "decision", ("否决",))])
    assert ids_of(candidates, decided.locked) == ["P0", "P1", "P6"]
    assert ids_of(candidates, decided.excluded) == ["P2", "P4"]
    assert decided.summary()["locked_poles"] == 3 and "decision = approved" in decided.notes()[0]


def test_decisions_refused_with_the_poles_named(poles):
    candidates = eligible_candidates(poles, CandidateRules())
    with pytest.raises(ParameterError, match="no pole with id P9, X1"):
        resolve(candidates, locked=[IdList("locked", ("P1", "P9", "X1"))])
    with pytest.raises(ParameterError, match="layer 'poles' has no field 'verdict'"):
        resolve(candidates, locked=[FieldRule("locked", "verdict", ("approved",))])
    with pytest.raises(ParameterError, match=r"no pole of 'poles' has decision = yes \(values found: "):
        resolve(candidates, locked=[FieldRule("locked", "decision", ("yes",))])
    with pytest.raises(AlgorithmError, match="both locked and excluded: P1"):
        resolve(candidates, locked=[IdList("locked", ("P1", "P2"))], excluded=[IdList("excluded", ("P1",))])
    with pytest.raises(AlgorithmError, match=r"1 locked poles are not eligible: P7 \(too low\)"):
        resolve(candidates, locked=[IdList("locked", ("P7",))])
    decided = resolve(candidates, excluded=[IdList("excluded", ("P7", "P3"))])
    assert ids_of(candidates, decided.excluded) == ["P3"] and decided.ineligible_excluded == 1


def test_decisions_from_a_layer_by_id_and_by_location(poles):
    candidates = eligible_candidates(poles, CandidateRules())
    other = VectorLayer(gpd.GeoDataFrame({"pole_id": ["P5", "P3"]}, geometry=shapely.points([0.4, 200.5], [0, 0]),
                                         crs=CRS), "approved")
    by_id = resolve(candidates, locked=[LayerMatch("locked_layer", other, by="id")])
    assert ids_of(candidates, by_id.locked) == ["P3", "P5"]
    by_place = resolve(candidates, locked=[LayerMatch("locked_layer", other, by="location", distance=1.0)])
    assert ids_of(candidates, by_place.locked) == ["P0", "P2"]
    with pytest.raises(ParameterError, match=r"1 features of 'approved' have no pole of 'poles' within 0.45 m "
                                             r"\(features #2\)"):
        resolve(candidates, locked=[LayerMatch("locked_layer", other, by="location", distance=0.45)])


# -- through the algorithms -----------------------------------------------------------------------------------


@pytest.fixture
def city(rng):
    xs, ys = np.meshgrid(np.arange(5) * 200.0, np.arange(4) * 200.0)
    poles = gpd.GeoDataFrame({
        "pole_id": [f"P{i:02d}" for i in range(20)], "height_m": 10.0, "attachments": "", "capacity": 4,
        "status": "active", "decision": ""}, geometry=shapely.points(xs.ravel(), ys.ravel()), crs=CRS)
    poles.loc[[3, 17], "decision"] = "批准"
    poles.loc[[6, 12], "decision"] = "rejected"
    people = rng.uniform(-100, 900, (300, 2))
    demand = gpd.GeoDataFrame({"residents": rng.integers(1, 50, 300).astype(float), "workers": 0.0},
                              geometry=shapely.points(people), crs=CRS)
    return VectorLayer(poles, "poles", kind="lamp_poles"), VectorLayer(demand, "demand", kind="demand")


def brute_force_mclp(poles, demand, k, radius, locked, excluded):
    pole_xy = shapely.get_coordinates(poles.gdf.geometry.to_numpy())
    people_xy = shapely.get_coordinates(demand.gdf.geometry.to_numpy())
    weight = demand.gdf["residents"].to_numpy()
    covers = np.linalg.norm(pole_xy[:, None] - people_xy[None], axis=2) <= radius
    ids = poles.gdf["pole_id"].tolist()
    fixed = [ids.index(i) for i in locked]
    free = [j for j, i in enumerate(ids) if i not in locked and i not in excluded]
    return max(weight[covers[fixed + list(extra)].any(axis=0)].sum()
               for extra in itertools.combinations(free, k - len(fixed)))


def test_mclp_run_with_decision_field_and_several_keepouts(city):
    poles, demand = city
    school = VectorLayer(gpd.GeoDataFrame({"name": ["S"]}, geometry=[shapely.Point(405.0, 0.0)], crs=CRS), "schools")
    site = VectorLayer(gpd.GeoDataFrame({"name": ["E"]}, geometry=[shapely.Point(0.0, 590.0)], crs=CRS), "sites")
    result = run_algorithm("siting.mclp", {
        "candidates": poles, "demand": demand, "sites": 5, "radius": 150, "decision_field": "decision",
        "keepouts": [(school, 50.0), (site, 20.0)], "curve_sites": 10})
    s = result.summary
    sites = result.outputs["selected_sites"].gdf
    chosen = set(sites["pole_id"])
    # the school keeps out P02 (5 m away); the existing site (10 m from P15) at 20 m keeps out P15 only
    out = {"P06", "P12", "P02", "P15"}
    assert {"P03", "P17"} <= chosen and not chosen & out
    assert s["covered_demand"] == pytest.approx(brute_force_mclp(poles, demand, 5, 150.0, ["P03", "P17"], out))
    assert s["locked_poles"] == 2 and s["excluded_poles"] == 2
    assert s["excluded_candidates"] == {"within 50 m of schools": 1, "within 20 m of sites": 1}
    assert sites.loc[sites["locked"], "pole_id"].tolist() == sites["pole_id"].iloc[:2].tolist()
    assert set(sites.loc[sites["locked"], "pole_id"]) == {"P03", "P17"}
    assert not set(result.outputs["curve"]["pole_id"]) & out
    assert any("2 poles locked" in line for line in result.record["log"])


def test_keepouts_parameter_takes_layer_distance_text(city, tmp_path):
    poles, demand = city
    path = tmp_path / "schools.gpkg"
    gpd.GeoDataFrame({"name": ["S"]}, geometry=[shapely.Point(405.0, 0.0)], crs=CRS).to_file(path)
    result = run_algorithm("siting.lscp", {"candidates": poles, "demand": demand, "radius": 150,
                                           "keepouts": f"{path}:0.1 km", "method": "greedy"})
    assert result.summary["excluded_candidates"] == {"within 100 m of schools": 1}
    assert result.record["parameters"]["keepouts"] == f"{path}:0.1 km"
    with pytest.raises(ParameterError, match="keepouts"):
        run_algorithm("siting.lscp", {"candidates": poles, "demand": demand, "keepouts": "nowhere.gpkg:50"})


def test_lscp_and_budget_runs_keep_locked_ids(city):
    poles, demand = city
    for algorithm, extra in (("siting.lscp", {"target_pct": 90}), ("siting.budget_mclp", {"budget": 6})):
        result = run_algorithm(algorithm, {"candidates": poles, "demand": demand, "radius": 150,
                                           "locked": ["P00", "P19"], "excluded": "decision=rejected", **extra})
        chosen = set(result.outputs["selected_sites"].gdf["pole_id"])
        assert {"P00", "P19"} <= chosen and not chosen & {"P06", "P12"}
        assert result.record["parameters"]["locked"] == "P00, P19"


def test_freeze_phase_one_and_replan_the_rest(city):
    poles, demand = city
    first = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 6, "radius": 150,
                                          "phases": 3})
    earlier = first.outputs["selected_sites"]
    phase_one = earlier.gdf.loc[earlier.gdf["phase"] == 1, "pole_id"].tolist()
    dropped = earlier.gdf["pole_id"].iloc[-1]          # a phase-3 site, now refused
    again = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 8, "radius": 150,
                                          "phases": 3, "frozen_plan": earlier, "frozen_phases": 1,
                                          "excluded": dropped})
    sites = again.outputs["selected_sites"].gdf
    assert sites.loc[sites["phase"] == 1, "pole_id"].tolist() == phase_one
    assert set(sites["phase"]) == {1, 2, 3} and sites["locked"].sum() == len(phase_one)
    assert dropped not in set(sites["pole_id"])
    best = brute_force_mclp(poles, demand, 8, 150.0, phase_one, {dropped})
    assert again.summary["status"] == "optimal" and again.summary["covered_demand"] == pytest.approx(best)
    assert any("phases 1-1 of" in note for note in again.summary["notes"])


@pytest.mark.skipif(not SAMPLE.exists(), reason="the Tianhe sample has not been generated")
def test_command_line_locked_and_excluded_on_the_sample(tmp_path):
    layer = f"{SAMPLE}|"
    words = [sys.executable, "main.py", "run", "siting.mclp", "--candidates", layer + "lamp_poles",
             "--demand", layer + "demand", "--sites", "10", "--method", "greedy", "--curve_sites", "12",
             "--locked", "TH-000001,TH-000002", "--excluded", "TH-000003", "--output-dir", str(tmp_path)]
    done = subprocess.run(words, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    sites = gpd.read_file(tmp_path / "selected_sites.gpkg")
    assert {"TH-000001", "TH-000002"} <= set(sites["pole_id"]) and "TH-000003" not in set(sites["pole_id"])
    assert len(sites) == 10 and sites["locked"].sum() == 2
    found = json.dumps(summary, ensure_ascii=False)
    assert '"locked_poles": 2' in found and '"excluded_poles": 1' in found
    bad = subprocess.run(words[:-2] + ["--locked", "TH-999999", "--output-dir", str(tmp_path / "bad")], cwd=REPO,
                         capture_output=True, text=True, timeout=600)  # never into the checkout
    assert bad.returncode != 0 and "TH-999999" in bad.stderr


def test_pole_ids_pasted_as_a_list_text_name_the_same_poles(city):
    poles, demand = city
    for text in ("['P00', 'P19']", "P00; P19", "P00 P19"):
        result = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 2, "radius": 150,
                                               "locked": text, "method": "greedy"})
        assert sorted(result.outputs["selected_sites"].gdf["pole_id"]) == ["P00", "P19"]
    with pytest.raises(ParameterError, match="parameter 'excluded'.*no pole with id P77"):
        run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "excluded": "P01, P77"})
    with pytest.raises(ParameterError, match="parameter 'locked'.*has no field 'verdict'"):
        run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "locked": "verdict=approved"})


def test_keepout_widget_gives_what_the_parameter_takes(qtbot, city):
    from plugins.api import Context, LayerDistancesParameter
    from workbench.processing.widgets import LayerDistancesInput, create_widget

    poles, demand = city
    parameter = LayerDistancesParameter("keepouts", "Keep-out layers", optional=True)
    widget = create_widget(parameter, [poles, demand], {})
    qtbot.addWidget(widget)
    assert isinstance(widget, LayerDistancesInput) and widget.value() is None
    widget.set_value("poles:50; demand:0.1 km")
    assert [(layer.name, metres) for layer, metres in widget.value()] == [("poles", 50.0), ("demand", 100.0)]
    widget._remove(widget.rows[0])
    widget.add_row(poles, 25.0)
    converted = parameter.validate(widget.value(), Context(), {})
    assert [(layer.name, metres) for layer, metres in converted] == [("demand", 100.0), ("poles", 25.0)]
    outside = VectorLayer(poles.gdf.iloc[:2].copy(), "not in the project")
    widget.set_value([(outside, 30.0)])
    assert widget.value() == [(outside, 30.0)]


@pytest.mark.parametrize("beta", [0.0, 0.4])
def test_build_order_keeps_frozen_phases_then_locked_then_the_rest(beta):
    from plugins.siting.rollout import build_order

    problem, _ = instance(5, beta)
    selected = np.array([0, 2, 4, 6, 8, 9, 11])
    first, first_phase = np.array([8, 2, 6]), np.array([2, 1, 0])       # 8 frozen in phase 2, 2 in phase 1
    rollout = build_order(problem, selected, phases=4, first=first, first_phase=first_phase)
    assert rollout.order[:3].tolist() == [2, 8, 6] and sorted(rollout.order.tolist()) == selected.tolist()
    assert rollout.phase.tolist()[:2] == [1, 2] and set(rollout.phase[2:].tolist()) == {3, 4}
    assert rollout.phase[2] == 3 and np.all(np.diff(rollout.phase) >= 0)
    # what each site adds, in this order, sums to the plan's value; each is its value over the sites before it
    assert rollout.new_value.sum() == pytest.approx(problem.value(selected))
    for t in range(1, rollout.order.size + 1):
        assert rollout.new_value[:t].sum() == pytest.approx(problem.value(rollout.order[:t]))
