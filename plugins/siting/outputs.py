"""What a planner gets back: the chosen sites in build order, covered and uncovered demand, and a summary.

Every chosen site says what it adds when built in order (``new_demand``), what the network covers after it
(``cumulative_share_pct``), all the demand in its reach (``reach_demand``) and the demand no other chosen
site covers (``sole_demand``: what would be lost without it), and whether the planner locked it
(``locked``). Demand features say how much of them is covered, by which site first and in which phase;
uncovered ones say why (no eligible pole reaches them, or none of the poles that could was chosen).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from layers.i18n import translate
from layers.layer import RasterLayer, VectorLayer
from layers.styles import Categorized, Category, Labels, SingleSymbol, Symbol
from plugins.figures import people_figures
from plugins.siting.candidates import Candidates
from plugins.siting.demand import Demand
from plugins.siting.problem import SitingProblem
from plugins.siting.rollout import Rollout
from plugins.siting.solve import Plan

PHASE_COLOURS = ("#d7191c", "#fdae61", "#2c7bb6", "#abd9e9", "#1a9641", "#a6d96a", "#7b3294", "#c2a5cf")


def _first_rank(problem: SitingProblem, rollout: Rollout) -> np.ndarray:
    """Per demand point, the build rank (1-based) of the first chosen site covering it (0 = none)."""
    big = np.iinfo(np.int64).max
    first = np.full(problem.n_demand, big, np.int64)
    cov = problem.coverage
    for rank, j in enumerate(rollout.order, start=1):
        points = cov.covers(int(j))
        first[points] = np.minimum(first[points], rank)
    return np.where(first == big, 0, first)


def sites_layer(candidates: Candidates, problem: SitingProblem, plan: Plan, rollout: Rollout,
                name: str | None = None, locked: np.ndarray | None = None,
                people: np.ndarray | None = None) -> VectorLayer:
    """The chosen sites in build order; with the demand points' ``people``, also the share of people covered
    after each site (``cumulative_people_pct``: the report's and web map's "People covered"), as the model counts
    it; rf mode replaces it with the coverage prediction's (``set_cumulative_people``)."""
    counts = problem.counts(plan.selected)
    cov, w = problem.coverage, problem.weights
    reach = np.array([w[cov.covers(int(j))].sum() for j in rollout.order])
    sole = np.array([w[cov.covers(int(j))][counts[cov.covers(int(j))] == 1].sum() for j in rollout.order])
    gdf = candidates.layer.gdf.iloc[candidates.rows[rollout.order]].copy()
    gdf.insert(0, "rank", np.arange(1, len(rollout) + 1))
    gdf.insert(1, "phase", rollout.phase)
    gdf["cost"] = candidates.cost[rollout.order]
    gdf["new_demand"] = np.round(rollout.new_demand, 3)
    gdf["cumulative_demand"] = np.round(rollout.cumulative_demand, 3)
    gdf["cumulative_share_pct"] = np.round(100.0 * rollout.cumulative_share, 3)
    if people is not None and people.sum() > 0:
        by_rank = np.bincount(_first_rank(problem, rollout), weights=people, minlength=len(rollout) + 1)
        gdf["cumulative_people_pct"] = np.round(100.0 * np.cumsum(by_rank[1:]) / people.sum(), 3)
    gdf["reach_demand"] = np.round(reach, 3)
    gdf["sole_demand"] = np.round(sole, 3)
    gdf["locked"] = np.isin(rollout.order, locked if locked is not None else np.zeros(0, np.int64))
    gdf = gdf.reset_index(drop=True)
    phases = sorted(set(rollout.phase.tolist()))
    style = Categorized(field="phase", categories=[
        # Diamonds: stars are schools and triangles existing 5G sites in the default styles.
        Category(p, Symbol(fill=PHASE_COLOURS[(p - 1) % len(PHASE_COLOURS)], stroke="#000000", size=10.0,
                           marker="diamond"), label=translate("SitingOutputs", "phase {p}").format(p=p))
        for p in phases],
        labels=Labels(field="rank", size=7.0, min_scale=20000.0))
    return VectorLayer(gpd.GeoDataFrame(gdf, geometry=gdf.geometry.name, crs=candidates.layer.crs),
                       name or translate("SitingOutputs", "Selected sites"),
                       style=style, metadata={"quantity": "selected_sites"})


def demand_layers(demand: Demand, source: VectorLayer | RasterLayer, candidates: Candidates,
                  problem: SitingProblem, plan: Plan, rollout: Rollout) -> tuple[VectorLayer, VectorLayer]:
    """(covered, uncovered) demand features with their covered / uncovered weight."""
    counts = problem.counts(plan.selected)
    covered_point = counts > 0
    reachable = problem.demand_degree > 0
    first = _first_rank(problem, rollout)
    feature, w = demand.feature, demand.weight
    keys, local = np.unique(feature, return_inverse=True)
    weight = np.bincount(local, weights=w, minlength=keys.size)
    people = np.bincount(local, weights=demand.people, minlength=keys.size)
    covered = np.bincount(local, weights=w * covered_point, minlength=keys.size)
    out_of_reach = np.bincount(local, weights=w * ~reachable, minlength=keys.size)
    first_rank = np.full(keys.size, np.iinfo(np.int64).max)
    has = first > 0
    np.minimum.at(first_rank, local[has], first[has])
    first_rank = np.where(first_rank == np.iinfo(np.int64).max, 0, first_rank)
    pole_ids = candidates.ids[rollout.order]
    phase_of_rank = np.concatenate([[0], rollout.phase])
    served_by = np.full(keys.size, None, object)  # an empty plan has no pole to name
    served_by[first_rank > 0] = pole_ids[first_rank[first_rank > 0] - 1]
    geometry, base = _feature_geometry(source, keys)
    share = np.divide(covered, weight, out=np.zeros_like(covered), where=weight > 0)
    table = gpd.GeoDataFrame({
        **base,
        "weight": np.round(weight, 3),
        "people": np.round(people, 3),
        "covered_weight": np.round(covered, 3),
        "covered_share_pct": np.round(100.0 * share, 2),
        "first_site": served_by,
        "first_phase": phase_of_rank[first_rank],
    }, geometry=geometry, crs=source.crs)
    uncovered_weight = weight - covered
    reason = np.where(out_of_reach >= uncovered_weight - 1e-9, translate("SitingOutputs", "no eligible pole in reach"),
                      np.where(out_of_reach > 0, translate("SitingOutputs", "partly out of reach, rest not chosen"),
                               translate("SitingOutputs", "reachable, not chosen")))
    missing = gpd.GeoDataFrame({
        **base,
        "weight": np.round(weight, 3),
        "uncovered_weight": np.round(uncovered_weight, 3),
        "uncovered_share_pct": np.round(100.0 * (1 - share), 2),
        "reason": reason,
    }, geometry=geometry, crs=source.crs)
    covered_layer = VectorLayer(table[covered > 0].reset_index(drop=True), "Covered demand",
                                style=SingleSymbol(symbol=Symbol(fill="#1a964199", stroke="#1a9641", size=3.0)),
                                metadata={"quantity": "covered_demand"})
    uncovered_layer = VectorLayer(missing[uncovered_weight > 1e-9].reset_index(drop=True), "Uncovered demand",
                                  style=SingleSymbol(symbol=Symbol(fill="#d7191c55", stroke="#d7191c88", size=3.0)),
                                  metadata={"quantity": "uncovered_demand"})
    return covered_layer, uncovered_layer


def _feature_geometry(source: VectorLayer | RasterLayer, keys: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """Geometry and identifying fields of the demand features (raster cells become their centre points)."""
    if isinstance(source, VectorLayer):
        gdf = source.gdf.iloc[keys]
        base = {c: gdf[c].to_numpy() for c in ("cell_id", "name", "building_id") if c in gdf.columns}
        return gdf.geometry.to_numpy(), base
    t = source.transform
    cols_per_row = source.data.shape[2]
    rows, cols = keys // cols_per_row, keys % cols_per_row
    xs = t.c + (cols + 0.5) * t.a + (rows + 0.5) * t.b
    ys = t.f + (cols + 0.5) * t.d + (rows + 0.5) * t.e
    return shapely.points(xs, ys), {"row": rows, "col": cols}


def model_people(problem: SitingProblem, plan: Plan, demand: Demand) -> tuple[float, float]:
    """(covered, total) people as the siting model counts them: the demand points any chosen site covers."""
    return float(demand.people[problem.counts(plan.selected) > 0].sum()), float(demand.people.sum())


def set_cumulative_people(sites: VectorLayer, cumulative_pct: np.ndarray) -> None:
    """Put the share of people covered after each site (rows in build order) as a coverage prediction gives it
    into ``cumulative_people_pct`` (rf mode: ``plugins.coverage.plan_figures``)."""
    sites.gdf["cumulative_people_pct"] = np.round(np.asarray(cumulative_pct, float), 3)


def summary(plan: Plan, problem: SitingProblem, candidates: Candidates, demand: Demand,
            extra: dict[str, Any], people: dict[str, Any] | None = None) -> dict[str, Any]:
    """Plain numbers for the run record, the command line and the dashboard. ``people``: the plan's people
    figures as the coverage prediction gives them (rf mode, ``plugins.coverage.plan_figures``), shown instead of
    the model's count; the model's weighted share stays what it optimises."""
    people_covered, total_people = model_people(problem, plan, demand)
    weighted = not np.allclose(problem.weights, demand.people, rtol=1e-9, atol=0.0)
    figures = people_figures(people_covered, total_people, plan.covered_weight, plan.total_weight, weighted=weighted)
    if people is not None:
        figures = {**figures, **people, "people_covered_by": "coverage.rsrp"}
        people_covered, total_people = figures["people_covered"], figures["people_total"]
    return {
        "model": plan.model,
        "method": plan.method,
        "status": plan.status,
        "solver": plan.solver,
        "sites": plan.sites,
        **extra,
        "objective": round(plan.objective, 6),
        "bound": round(plan.bound, 6),
        "gap_pct": round(100.0 * plan.gap, 4),
        "covered_demand": round(plan.covered_weight, 3),
        "total_demand": round(plan.total_weight, 3),
        "covered_share_pct": round(100.0 * plan.covered_share, 3),
        "reachable_share_pct": round(100.0 * plan.coverable_weight / plan.total_weight, 3)
        if plan.total_weight > 0 else 0.0,
        "covered_people": round(people_covered, 1),
        "total_people": round(total_people, 1),
        "demand_measure": demand.measure,
        **figures,
        "total_cost": round(plan.cost, 6),
        "candidates": int(len(candidates.layer.gdf)),
        "eligible_candidates": len(candidates),
        "excluded_candidates": dict(candidates.excluded),
        "demand_points": len(demand),
        "coverage_pairs": problem.coverage.nnz,
        "solve_seconds": round(plan.seconds, 3),
        "work_budget": plan.work,
        "bound_from": plan.bound_from,
        "timings": plan.timings,
        "reductions": plan.reductions,
        "notes": list(plan.notes),
    }


__all__ = ["demand_layers", "model_people", "set_cumulative_people", "sites_layer", "summary"]
