"""Scenarios: figures from two recorded MCLP runs against hand-computed values, the marginal cost formula, the
comparison against set operations, undoable changes, and the project file round trip with its schema."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import shapely

from layers import LayerError, Project
from layers.scenarios import (
    BOTH,
    ONLY_A,
    ONLY_B,
    AddScenario,
    AttachRun,
    RemoveScenario,
    RenameScenario,
    Scenario,
    ScenarioMetrics,
    compare,
    comparison_layer,
    marginal_cost,
    metrics,
    plan_layers,
    scenario_from_run,
)
from plugins.runner import add_to_project, run_algorithm
from tests.gui.siting_city import RADIUS, city_layers


@pytest.fixture(scope="module")
def planned() -> tuple[Project, dict, dict]:
    """The city with poles P01, P07 and P13 unpowered (cost 1.5 instead of 1) and two MCLP runs recorded: A with
    4 sites, B with 7 sites and P07 excluded."""
    poles, demand = city_layers()
    poles.gdf.loc[poles.gdf["pole_id"].isin(["P01", "P07", "P13"]), "has_power"] = False
    project = Project(32649, title="Scenarios")
    project.add_layers([poles, demand])
    records = []
    for sites, excluded in ((4, None), (7, "P07")):
        result = run_algorithm("siting.mclp", {"candidates": "city_poles", "demand": "city_demand", "sites": sites,
                                               "radius": RADIUS, "excluded": excluded},
                               context=_context(project))
        add_to_project(result, project)
        records.append(result.record)
    return project, records[0], records[1]


def _context(project):
    from plugins.api import Context

    return Context(project=project)


def hand_figures(project: Project, ids: list[str]) -> tuple[float, float]:
    """(cost, residents within RADIUS of any of ``ids``) from the input layers, not from the run."""
    poles, demand = project.layer("city_poles").gdf, project.layer("city_demand").gdf
    chosen = poles[poles["pole_id"].isin(ids)]
    cost = float(np.where(chosen["has_power"].astype(bool), 1.0, 1.5).sum())
    pole_xy = shapely.get_coordinates(chosen.geometry.to_numpy())
    people_xy = shapely.get_coordinates(demand.geometry.to_numpy())
    near = (np.linalg.norm(pole_xy[:, None] - people_xy[None], axis=2) <= RADIUS).any(axis=0)
    return cost, float(demand["residents"].to_numpy()[near].sum())


def test_figures_of_two_recorded_runs_match_hand_computed_values(planned):
    project, run_a, run_b = planned
    a = scenario_from_run(project, run_a, "A: 4 sites")
    b = scenario_from_run(project, run_b, "B: 7 sites", excluded=["P07"])
    assert len(a.sites) == 4 and len(b.sites) == 7 and "P07" not in b.sites
    assert a.runs == [run_a["run_id"]] and b.excluded == ["P07"] and a.locked == []
    ma, mb = metrics(a, project.history), metrics(b, project.history)
    for scenario, figures in ((a, ma), (b, mb)):
        cost, people = hand_figures(project, scenario.sites)
        assert figures.sites == len(scenario.sites)
        assert figures.cost == pytest.approx(cost)
        assert figures.people_covered == pytest.approx(people, abs=0.05)
        assert figures.people_total == pytest.approx(project.layer("city_demand").gdf["residents"].sum())
    (cost_a, people_a), (cost_b, people_b) = (hand_figures(project, s.sites) for s in (a, b))
    assert people_b > people_a
    assert marginal_cost(mb, ma) == pytest.approx((cost_b - cost_a) / ((people_b - people_a) / 1000), rel=1e-4)


def test_marginal_cost_formula_and_when_it_has_no_value():
    base = ScenarioMetrics(sites=40, cost=4_000_000.0, people_covered=120_000.0, people_total=300_000.0)
    more = ScenarioMetrics(sites=60, cost=6_500_000.0, people_covered=145_000.0, people_total=300_000.0)
    assert marginal_cost(more, base) == pytest.approx(2_500_000.0 / 25.0)      # 100,000 per 1,000 more people
    assert marginal_cost(base, more) == pytest.approx(100_000.0)                # the same slope read backwards
    assert marginal_cost(more, ScenarioMetrics(cost=1.0, people_covered=145_000.0)) is None   # no more people
    assert marginal_cost(more, ScenarioMetrics(people_covered=1.0)) is None                   # cost unknown
    assert more.people_covered_pct == pytest.approx(100 * 145 / 300)


def test_comparison_layer_counts_are_the_set_operations_of_the_plans(planned):
    project, run_a, run_b = planned
    a, b = scenario_from_run(project, run_a, "A"), scenario_from_run(project, run_b, "B")
    layer = comparison_layer(a, b, plan_layers(project, a) + plan_layers(project, b))
    sa, sb = set(a.sites), set(b.sites)
    by = layer.gdf.groupby("in")["pole_id"].apply(set).to_dict()
    assert by.get(ONLY_A, set()) == sa - sb and by.get(ONLY_B, set()) == sb - sa and by.get(BOTH, set()) == sa & sb
    poles = project.layer("city_poles").gdf.set_index("pole_id").geometry
    assert all(geometry.equals(poles[pid]) for pid, geometry in zip(layer.gdf["pole_id"], layer.gdf.geometry,
                                                                      strict=True))
    assert [c.value for c in layer.style.categories] == [ONLY_A, ONLY_B, BOTH]
    ghost = Scenario("ghost", sites=["P99"])
    with pytest.raises(LayerError, match="P99"):
        comparison_layer(a, ghost, plan_layers(project, a))


def test_scenario_changes_undo_exactly():
    project = Project(32649)
    events = []
    project.events.connect(lambda event: events.append(event.extra.get("action")) if event.type == "scenarios"
                           else None)
    first, second = Scenario("A", sites=["P01"]), Scenario("A", sites=["P02"])
    steps = [AddScenario(project, first), AddScenario(project, second)]
    for step in steps:
        step.apply()
    assert [s.name for s in project.scenarios] == ["A", "A (2)"]
    rename = RenameScenario(project, first, "Base plan")
    rename.apply()
    remove = RemoveScenario(project, first)
    remove.apply()
    assert [s.name for s in project.scenarios] == ["A (2)"]
    remove.revert()
    rename.revert()
    assert [s.name for s in project.scenarios] == ["A", "A (2)"] and project.scenarios[0] is first
    with pytest.raises(LayerError, match="needs a name"):
        RenameScenario(project, first, "  ")
    assert events == ["added", "added", "renamed", "removed", "added", "renamed"]


def test_scenarios_survive_save_and_reopen(planned, tmp_path):
    project, run_a, run_b = planned
    a = scenario_from_run(project, run_a, "A: 4 sites", note="first phase")
    b = scenario_from_run(project, run_b, "B: 7 sites", excluded=["P07"], note="没有 P07")
    project.scenarios.replace([a, b])
    try:
        path = project.save(tmp_path / "plan.lamp")
        reopened = Project.load(path)
    finally:
        project.scenarios.clear()
    assert [s.to_dict() for s in reopened.scenarios] == [a.to_dict(), b.to_dict()]
    again = reopened.scenarios.get("B: 7 sites")
    assert metrics(again, reopened.history) == metrics(b, project.history)
    split = compare(reopened.scenarios[0], again)
    assert split.only_b == sorted(set(b.sites) - set(a.sites))


def _with_scenarios(path, scenarios) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["project.json"])
    manifest["scenarios"] = scenarios
    members["project.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize(("entry", "where"), [
    ({"name": 12}, "scenarios[0].name"),
    ({"name": "A", "sites": ["P01", 3]}, "scenarios[0].sites"),
    ({"name": "A", "note": "x" * 100_001}, "scenarios[0].note"),
    ({"name": "A", "colour": "red"}, "'colour'"),
    ({"runs": []}, "lacks 'name'"),
])
def test_a_damaged_scenario_entry_is_refused_naming_its_place(tmp_path, entry, where):
    path = Project(32649).save(tmp_path / "bad.lamp")
    _with_scenarios(path, [entry])
    with pytest.raises(LayerError, match=f"project.json cannot be used: .*{where}".replace("[", r"\[").replace(
            "]", r"\]")):
        Project.load(path)


def test_a_coverage_run_attached_gives_the_shares_and_undoes(planned):
    project, run_a, _ = planned
    a = scenario_from_run(project, run_a, "A")
    project.scenarios.add(a)
    coverage = {"algorithm": "coverage.rsrp", "run_id": "cov-a", "status": "ok",
                "summary": {"residents_covered_pct": 83.4, "workers_covered_pct": 91.0, "schools_covered_pct": 100.0}}
    try:
        project.history.append(coverage)
        assert metrics(a, project.history).shares == {}
        attach = AttachRun(project, a, coverage)
        attach.apply()
        figures = metrics(a, project.history)
        assert figures.shares == {"residents": 83.4, "workers": 91.0, "schools": 100.0}
        assert figures.sites == 4 and figures.cost == run_a["summary"]["total_cost"]   # still the siting run's
        with pytest.raises(LayerError, match="already in scenario 'A'"):
            AttachRun(project, a, coverage)
        attach.revert()
        assert a.runs == [run_a["run_id"]] and metrics(a, project.history).shares == {}
    finally:
        project.history.remove(coverage)
        project.scenarios.clear()


def test_a_run_record_without_run_id_never_takes_a_layer_the_planner_loaded():
    """A layer with ``rank`` and ``pole_id`` fields that no run produced (no provenance) is not the selected sites
    of a record that names no run: the plan is reported gone instead of being read from the wrong layer."""
    import geopandas as gpd

    from layers import VectorLayer
    from layers.scenarios import sites_of

    mine = gpd.GeoDataFrame({"pole_id": ["P01", "P02"], "rank": [1, 2]},
                            geometry=shapely.points([[0.0, 0.0], [10.0, 0.0]]), crs=32649)
    project = Project(32649)
    project.add_layer(VectorLayer(mine, "my ranking"))
    record = {"algorithm": "siting.mclp", "started": "2026-12-07 09:00"}
    with pytest.raises(LayerError, match="no longer in the project"):
        sites_of(project, record)
    with pytest.raises(LayerError, match="no longer in the project"):
        scenario_from_run(project, record, "A")
