"""The site-selection algorithms of the toolbox and ``python main.py run siting.*``.

All three share one set-up: eligible lamp poles (eligibility, keep-out buffers, cost), weighted demand
(demand layer, buildings or a raster; school and office priorities; existing 5G coverage excluded or
discounted) and the coverage relation (radius, or RSRP from the coverage model with building line of sight).
They differ only in the model they solve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import RasterLayer, VectorLayer
from plugins.api import (
    Algorithm,
    AlgorithmError,
    BoolParameter,
    ChoiceParameter,
    Context,
    DistanceParameter,
    Feedback,
    FieldParameter,
    IntegerParameter,
    LayerDistancesParameter,
    LayerParameter,
    NumberParameter,
    Output,
    OutputLayer,
    OutputTable,
    Parameter,
    ParameterError,
    StringParameter,
)
from plugins.metric import require_true_distances
from plugins.siting.budget import check_siting
from plugins.siting.candidates import CandidateRules, Candidates, eligible_candidates
from plugins.siting.decisions import Decisions, FieldRule, LayerMatch, PoleSpecParameter, resolve, solve_decided
from plugins.siting.demand import Demand, near_features, raster_demand, vector_demand
from plugins.siting.highs_process import SolverProcessError
from plugins.siting.methods import METHODS

if TYPE_CHECKING:  # the numeric core imports numba: loaded by the run, not when the toolbox lists the algorithms
    from plugins.siting.matrix import CoverageMatrix
    from plugins.siting.problem import SitingProblem
    from plugins.siting.relation import RfSettings
    from plugins.siting.solve import Plan

COVERAGE_MODES = ("radius", "rf")
_FROM_PROFILE = QT_TRANSLATE_NOOP("SitingAlgorithm", "Empty: the project's RF profile.")
#: The statuses a plan can have, marked so the run log can name them in the interface language (the summary
#: keeps the English code).
PLAN_STATUSES = (QT_TRANSLATE_NOOP("SitingStatus", "optimal"), QT_TRANSLATE_NOOP("SitingStatus", "greedy"),
                 QT_TRANSLATE_NOOP("SitingStatus", "time limit"), QT_TRANSLATE_NOOP("SitingStatus", "work limit"),
                 QT_TRANSLATE_NOOP("SitingStatus", "infeasible"))


#: Fine-tuning parameters, shown in the dialog's collapsed "Advanced parameters" section: the planner's first
#: run needs poles, demand, the model's size (k, budget or target), the coverage relation, schools, existing
#: sites, keep-outs and decisions; these refine it.
ADVANCED = frozenset({
    "weight_field", "demand_raster", "sample_spacing", "time_limit", "work_limit", "curve_sites", "threshold_dbm",
    "max_radius", "frequency_mhz", "eirp_dbm", "location_probability", "buildings", "surface", "min_height",
    "max_height",
    "include_planned", "require_power", "base_cost", "no_power_cost", "cost_field", "school_weight", "offices",
    "office_weight", "priority_distance", "existing_radius", "existing_weight", "double_coverage", "decision_field",
    "locked_values", "excluded_values", "locked_layer", "excluded_layer", "frozen_plan", "frozen_phases",
    "match_by", "match_distance", "terrain"})


def _advanced_marked(parameters: list[Parameter]) -> list[Parameter]:
    for parameter in parameters:
        parameter.advanced = parameter.name in ADVANCED
    return parameters


@dataclass
class Study:
    """Everything a model needs, prepared from the parameters."""

    candidates: Candidates
    demand: Demand
    demand_source: VectorLayer | RasterLayer
    problem: SitingProblem


def _on_terrain(obstruction: Any, terrain: RasterLayer, xy: np.ndarray, margin: float) -> Any:
    """The line-of-sight grid put on the terrain under the demand and candidates grown by the longest link
    (``plugins.coverage.terrain``); without buildings, a 2 m grid of ground alone."""
    from plugins.coverage import Obstruction
    from plugins.coverage.terrain import with_terrain

    if obstruction.empty:
        obstruction = Obstruction(np.zeros((0, 0), np.float32), 0.0, 0.0, 2.0, obstruction.crs)
    bounds = (float(xy[:, 0].min()) - margin, float(xy[:, 1].min()) - margin, float(xy[:, 0].max()) + margin,
              float(xy[:, 1].max()) + margin)
    return with_terrain(obstruction, terrain, bounds)


class SitingAlgorithm(Algorithm):
    """Common parameters, preparation and outputs; subclasses add their model's parameters and ``solve``."""

    group = QT_TRANSLATE_NOOP("Algorithm", "Site selection")
    version = "1"

    def model_parameters(self) -> list[Parameter]:
        return []

    def solve(self, problem: SitingProblem, params: dict[str, Any], method: str, decisions: Decisions,
              feedback: Feedback) -> Plan:
        raise NotImplementedError

    def request(self, params: dict[str, Any]) -> dict[str, Any]:
        """What was asked (k, budget or target), for the summary."""
        return {}

    def parameters(self) -> list[Parameter]:
        return _advanced_marked([
            LayerParameter("candidates", self.tr("Candidate lamp poles"), kinds=("lamp_poles",), geometry=("point",)),
            LayerParameter("demand",
                           self.tr("Demand (points or polygons)"), geometry=("point", "polygon"), optional=True,
                           suggest=("demand",),
                           help=self.tr("A demand layer (residents + workers), buildings (floor area) or any layer "
                                        "with a weight field. Polygons are sampled on a grid of points.")),
            FieldParameter("weight_field", self.tr("Demand weight field"), parent="demand", numeric=True, optional=True,
                           help=self.tr("Default: residents + workers, building floor area, or 1 per feature.")),
            LayerParameter("demand_raster", self.tr("Demand raster (people per cell)"), raster=True, optional=True,
                           help=self.tr("Used instead of a demand layer: one point per cell with a positive value.")),
            DistanceParameter("sample_spacing", self.tr("Polygon sampling spacing"), default=25.0, minimum=1.0,
                              maximum=1000.0),
            ChoiceParameter("method", self.tr("Solver"), default="exact", options=METHODS,
                            labels={"exact": self.tr("Exact (MILP, proven gap)"),
                                    "greedy": self.tr("Greedy (very large instances)")},
                            help=self.tr("exact: MILP on HiGHS with a work limit, returning the optimality gap; "
                                         "greedy: lazy greedy (with swaps) and proven bounds, for very large "
                                         "instances.")),
            *self.model_parameters(),
            NumberParameter("time_limit", self.tr("Outer safety time limit"), default=0.0, unit="s", minimum=0.0,
                            maximum=86400.0,
                            help=self.tr("Only a safety: where the solver stops is decided by the work limit, so a "
                                         "re-run gives the same plan on any machine. A run stopped by this limit says "
                                         "so, and may differ on another machine. 0: automatic, five times what the "
                                         "run's work is estimated to take (at least 60 s), so that only a stuck "
                                         "solver meets it; a limit typed here is kept to within 10 %.")),
            IntegerParameter("work_limit",
                             self.tr("Work limit (simplex iterations; 0: automatic)"), default=0, minimum=0,
                             maximum=2_000_000_000,
                             help=self.tr("The solver's effort, counted in simplex iterations (a branch-and-bound node "
                                          "counts 200, a window of window search 2,000). 0: 20 per pole-point pair, "
                                          "between 1 and 200 million.")),
            IntegerParameter("phases", self.tr("Rollout phases"), default=3, minimum=1, maximum=50),
            IntegerParameter("curve_sites", self.tr("Coverage curve up to (sites)"), optional=True, minimum=1,
                             help=self.tr("Default: twice the number of chosen sites.")),
            ChoiceParameter("coverage_mode", self.tr("Coverage relation"), default="radius", options=COVERAGE_MODES,
                            labels={"radius": self.tr("Within a radius"), "rf": self.tr("Predicted RSRP (RF)")},
                            help=self.tr("radius: a pole covers demand within the radius; rf: predicted RSRP above the "
                                         "threshold with building line of sight (coverage model).")),
            DistanceParameter("radius", self.tr("Coverage radius (radius mode)"), default=150.0, minimum=1.0,
                              maximum=20000.0),
            NumberParameter("threshold_dbm", self.tr("RSRP threshold (rf mode)"), unit="dBm", optional=True,
                            minimum=-160.0, maximum=0.0, help=self.tr(_FROM_PROFILE)),
            DistanceParameter("max_radius", self.tr("Largest link length (rf mode)"), optional=True, minimum=10.0,
                              maximum=20000.0, help=self.tr(_FROM_PROFILE)),
            NumberParameter("frequency_mhz", self.tr("Carrier frequency (rf mode)"), unit="MHz", optional=True,
                            minimum=500.0, maximum=100000.0, help=self.tr(_FROM_PROFILE)),
            NumberParameter("eirp_dbm", self.tr("EIRP per micro-station (rf mode)"), unit="dBm", optional=True,
                            minimum=-30.0, maximum=90.0,
                            help=self.tr("Empty: the RF profile's micro EIRP (power + antenna gain).")),
            NumberParameter("location_probability", self.tr("Cell-edge location probability (rf mode)"), optional=True,
                            minimum=0.5, maximum=0.999,
                            help=self.tr("A pole covers a point when RSRP minus the shadow-fading margin reaches the "
                                         "threshold, as in the coverage analysis.") + " " + self.tr(_FROM_PROFILE)),
            LayerParameter("buildings", self.tr("Buildings (line of sight, rf mode)"), kinds=("buildings",),
                           geometry=("polygon",), optional=True),
            LayerParameter("surface", self.tr("Height raster (line of sight, rf mode)"), raster=True, optional=True),
            LayerParameter("terrain", self.tr("Terrain (line of sight, rf mode)"), raster=True, optional=True,
                           kinds=("terrain",), reproject=False,
                           help=self.tr("Ground elevation (DEM) in any CRS and resolution: line of sight over ground + "
                                        "buildings, pole and receiver heights above the local ground.")),
            NumberParameter("min_height",
                            self.tr("Lowest usable pole"), default=6.0, unit="m", minimum=0.0, maximum=100.0),
            NumberParameter("max_height", self.tr("Highest usable pole"), default=30.0, unit="m", minimum=0.0,
                            maximum=100.0),
            BoolParameter("include_planned", self.tr("Include planned poles"), default=False),
            BoolParameter("require_power", self.tr("Only poles with power"), default=False),
            LayerParameter("keepout", self.tr("Keep-out features (e.g. schools)"), optional=True),
            DistanceParameter("keepout_distance",
                              self.tr("Keep-out distance"), default=50.0, minimum=0.0, maximum=5000.0),
            LayerDistancesParameter("keepouts", self.tr("More keep-out layers, each with its distance"), optional=True,
                                    maximum=5000.0,
                                    help=self.tr("e.g. 'Schools:50; Existing 5G sites:100': no pole within the "
                                                 "distance of a feature of the layer is chosen.")),
            *self.decision_parameters(),
            NumberParameter("base_cost", self.tr("Cost per site"), default=1.0, minimum=1e-6),
            NumberParameter("no_power_cost", self.tr("Extra cost without power"), default=0.5, minimum=0.0),
            FieldParameter("cost_field", self.tr("Cost field (overrides the above)"), parent="candidates", numeric=True,
                           optional=True),
            LayerParameter("schools", self.tr("Schools (priority demand)"), kinds=("schools",), optional=True),
            NumberParameter("school_weight", self.tr("Weight of demand near schools"), default=2.0, minimum=0.0,
                            maximum=100.0),
            LayerParameter("offices", self.tr("Office clusters (priority demand)"), geometry=("point", "polygon"),
                           optional=True, suggest=("office_space",)),
            NumberParameter("office_weight", self.tr("Weight of demand near offices"), default=1.5, minimum=0.0,
                            maximum=100.0),
            DistanceParameter("priority_distance", self.tr("Priority distance"), default=100.0, minimum=0.0,
                              maximum=5000.0),
            LayerParameter("existing_sites", self.tr("Existing 5G sites"), kinds=("sites_5g",), geometry=("point",),
                           optional=True),
            DistanceParameter("existing_radius", self.tr("Existing sites' reach"), default=300.0, minimum=1.0,
                              maximum=20000.0,
                              help=self.tr("Radius mode: demand within it counts as "
                                           "served; rf mode: how far to look.")),
            NumberParameter("existing_weight", self.tr("Weight of demand already served"), default=0.0, minimum=0.0,
                            maximum=1.0, help=self.tr("0 leaves served demand out; 0.5 counts it half.")),
            NumberParameter("double_coverage", self.tr("Weight of a second covering site"), default=0.0, minimum=0.0,
                            maximum=1.0, help=self.tr("0: plain coverage; e.g. 0.3 rewards back-up coverage.")),
        ])

    def decision_parameters(self) -> list[Parameter]:
        """Locked (must-build) and excluded poles; see ``decisions``."""
        return [
            PoleSpecParameter("locked", self.tr("Locked poles (always built)"), parent="candidates", optional=True,
                              help=self.tr("Pole ids (TH-000012, TH-000044) or FIELD=VALUE (decision=approved). Locked "
                                           "poles count toward k and the budget; the demand they cover is not counted "
                                           "again.")),
            PoleSpecParameter("excluded", self.tr("Excluded poles (never built)"), parent="candidates", optional=True,
                              help=self.tr("Pole ids or FIELD=VALUE (decision=rejected).")),
            FieldParameter("decision_field", self.tr("Decision field of the poles"), parent="candidates", optional=True,
                           help=self.tr("Poles whose value is one of the locked values are locked, one of the excluded "
                                        "values excluded (批准 / 否决 are understood as approved / rejected).")),
            StringParameter("locked_values", self.tr("Decision values that lock a pole"), default="approved",
                            help=self.tr("Several values separated by |.")),
            StringParameter("excluded_values", self.tr("Decision values that exclude a pole"), default="rejected",
                            help=self.tr("Several values separated by |.")),
            LayerParameter("locked_layer", self.tr("Locked poles from a layer"), geometry=("point",), optional=True),
            LayerParameter("excluded_layer",
                           self.tr("Excluded poles from a layer"), geometry=("point",), optional=True),
            LayerParameter("frozen_plan", self.tr("Earlier plan whose first phases are kept"), geometry=("point",),
                           optional=True, help=self.tr("The selected sites of an earlier run: its first phases are "
                                                       "locked and keep their phase; the rest is planned again.")),
            IntegerParameter("frozen_phases", self.tr("Phases of the earlier plan to keep"), default=1, minimum=1,
                             maximum=50),
            ChoiceParameter("match_by", self.tr("Match layer poles by"), default="id", options=("id", "location"),
                            labels={"id": self.tr("Pole id"), "location": self.tr("Location")},
                            help=self.tr("id: the pole_id field; location: the "
                                         "nearest pole within the distance below.")),
            DistanceParameter("match_distance", self.tr("Largest distance to a matched pole"), default=1.0, minimum=0.0,
                              maximum=1000.0),
        ]

    def outputs(self) -> list[Output]:
        return [
            OutputLayer("selected_sites",
                        self.tr("Selected sites (rank, phase, marginal and cumulative coverage, cost)")),
            OutputLayer("covered", self.tr("Covered demand")),
            OutputLayer("uncovered", self.tr("Uncovered demand")),
            OutputTable("curve", self.tr("Coverage versus number of sites (the siting model's count)")),
        ]

    def check(self, params: dict[str, Any], context: Context) -> None:
        if (params["demand"] is None) == (params["demand_raster"] is None):
            raise ParameterError("demand", translate(
                "SitingAlgorithm", "give exactly one of a demand layer or a demand raster"))
        if params["min_height"] > params["max_height"]:
            problem = translate("SitingAlgorithm", "{low:g} m is above the highest usable pole ({high:g} m)")
            raise ParameterError("min_height", problem.format(low=params["min_height"], high=params["max_height"]))
        if params["weight_field"] and params["demand"] is None:
            raise ParameterError("weight_field", translate("SitingAlgorithm", "needs a demand layer"))

    # -- preparation ------------------------------------------------------------------------------------------

    def prepare(self, params: dict[str, Any], context: Context, feedback: Feedback) -> Study:
        from plugins.siting.problem import SitingProblem
        from plugins.siting.relation import existing_coverage

        if params["max_radius"] is None:     # rf mode's longest link: the project's RF profile unless given
            from plugins.coverage.algorithm import project_profile

            params["max_radius"] = project_profile(context).max_radius_m
        poles: VectorLayer = params["candidates"]
        _require_metric(poles)
        keepouts = [(params["keepout"], params["keepout_distance"])] if params["keepout"] is not None else []
        rules = CandidateRules(min_height_m=params["min_height"], max_height_m=params["max_height"],
                               include_planned=params["include_planned"], require_power=params["require_power"],
                               keepouts=tuple(keepouts + list(params["keepouts"] or [])),
                               base_cost=params["base_cost"], no_power_cost=params["no_power_cost"],
                               cost_field=params["cost_field"])
        candidates = eligible_candidates(poles, rules)
        if len(candidates) == 0:
            reasons = ", ".join(f"{n} {translate('SitingCandidates', why)}" for why, n in candidates.excluded.items())
            raise AlgorithmError(translate("SitingAlgorithm", "no lamp pole of '{layer}' is eligible ({reasons}); "
                                                              "relax the height range, status or keep-out "
                                                              "rules").format(layer=poles.name, reasons=reasons))
        feedback.log(translate("SitingAlgorithm", "{eligible:,} of {poles:,} poles eligible").format(
            eligible=len(candidates), poles=len(poles.gdf))
            + "".join(translate("SitingAlgorithm", "; {count:,} {why}").format(
                count=n, why=translate("SitingCandidates", why)) for why, n in candidates.excluded.items()))
        source = params["demand"] if params["demand"] is not None else params["demand_raster"]
        demand = (vector_demand(source, weight_field=params["weight_field"], spacing_m=params["sample_spacing"])
                  if isinstance(source, VectorLayer) else raster_demand(source))
        if len(demand) == 0 or demand.weight.sum() <= 0:
            raise AlgorithmError(translate("SitingAlgorithm", "demand '{layer}' holds no people to cover (all "
                                                              "weights are 0 or empty)").format(layer=source.name))
        demand = self._priorities(demand, params)
        feedback.raise_if_cancelled()
        check_siting(candidates.xy, demand.xy, params)
        rf = self._rf_settings(params, candidates, demand, context) if params["coverage_mode"] == "rf" else None
        if rf is not None:
            feedback.log(rf.profile)
        if params["existing_sites"] is not None:
            served, how = existing_coverage(params["existing_sites"], demand.xy, params["existing_radius"], rf=rf)
            factor = params["existing_weight"]
            effect = (translate("SitingAlgorithm", "not counted again") if factor == 0 else
                      translate("SitingAlgorithm", "counted at {factor:g} x their weight").format(factor=factor))
            demand = demand.with_factor(served, factor, translate(
                "SitingAlgorithm", "{how}: {share:.1%} of demand points, {effect}").format(
                how=how, share=served.mean(), effect=effect))
        feedback.set_progress(5)
        coverage = self._relation(params, candidates, demand, rf, feedback.step(5, 25))
        problem = SitingProblem(coverage, demand.weight, candidates.cost, params["double_coverage"])
        for note in demand.notes:
            feedback.log(note)
        feedback.log(translate("SitingAlgorithm", "{points:,} demand points ({measure}), {pairs:,} pole-point pairs; "
                                                  "{share:.1f}% of demand within reach").format(
            points=len(demand), measure=demand.measure, pairs=coverage.nnz,
            share=100 * problem.coverable_weight / problem.total_weight))
        return Study(candidates, demand, source, problem)

    @staticmethod
    def _priorities(demand: Demand, params: dict[str, Any]) -> Demand:
        distance = params["priority_distance"]
        for key, weight_key, label in (("schools", "school_weight", "schools"), ("offices", "office_weight",
                                                                                   "offices")):
            layer = params[key]
            if layer is not None and params[weight_key] != 1.0:
                near = near_features(demand.xy, layer, distance)
                demand = demand.with_factor(near, params[weight_key], f"demand within {distance:g} m of {label} "
                                                                      f"'{layer.name}' ({near.mean():.1%} of points) "
                                                                      f"weighted x {params[weight_key]:g}")
        return demand

    @staticmethod
    def _rf_settings(params: dict[str, Any], candidates: Candidates, demand: Demand,
                     context: Context) -> RfSettings:
        from plugins.coverage import CoverageConfigError, Obstruction
        from plugins.coverage.algorithm import project_profile
        from plugins.coverage.config import config_from_profile
        from plugins.siting.relation import RfSettings

        profile = project_profile(context)
        overrides = {"frequency_mhz": params["frequency_mhz"], "rsrp_threshold_dbm": params["threshold_dbm"],
                     "max_radius_m": params["max_radius"], "location_probability": params["location_probability"]}
        try:
            config = config_from_profile(profile, "micro", eirp_dbm=params["eirp_dbm"], **overrides)
            existing = config_from_profile(profile, "macro", **overrides)
        except CoverageConfigError as exc:
            raise AlgorithmError(f"radio settings: {exc}") from exc
        try:
            if params["surface"] is not None:
                obstruction = Obstruction.from_raster(params["surface"])
            elif params["buildings"] is not None:
                xy = demand.xy
                margin = max(config.max_radius_m, params["existing_radius"])
                extent = (min(xy[:, 0].min(), candidates.xy[:, 0].min()) - margin,
                          min(xy[:, 1].min(), candidates.xy[:, 1].min()) - margin,
                          max(xy[:, 0].max(), candidates.xy[:, 0].max()) + margin,
                          max(xy[:, 1].max(), candidates.xy[:, 1].max()) + margin)
                obstruction = Obstruction.from_buildings(params["buildings"], 2.0, extent=extent)
            else:
                obstruction = Obstruction.none(candidates.layer.crs)
        except LayerError as exc:
            raise AlgorithmError(str(exc)) from exc
        if params["terrain"] is not None:
            try:
                obstruction = _on_terrain(obstruction, params["terrain"], np.vstack([demand.xy, candidates.xy]),
                                          max(config.max_radius_m, params["existing_radius"]))
            except LayerError as exc:
                raise AlgorithmError(str(exc)) from exc
        return RfSettings(config, obstruction, workers=max(1, context.workers), existing_config=existing,
                          profile=profile.describe())

    @staticmethod
    def _relation(params: dict[str, Any], candidates: Candidates, demand: Demand, rf: RfSettings | None,
                  feedback: Feedback) -> CoverageMatrix:
        from plugins.siting.radius import radius_coverage
        from plugins.siting.relation import rf_relation

        if rf is None:
            return radius_coverage(candidates.xy, demand.xy, params["radius"], feedback=feedback)
        try:
            return rf_relation(candidates, demand.xy, rf, feedback=feedback)
        except (LayerError, ValueError) as exc:
            raise AlgorithmError(f"radio coverage: {exc}") from exc

    @staticmethod
    def _coverage_figures(params: dict[str, Any], study: Study, sites: VectorLayer, problem: SitingProblem,
                          plan: Plan, context: Context, feedback: Feedback) -> dict[str, Any] | None:
        """rf mode: the plan's people covered as a ``coverage.rsrp`` run of its selected sites with the same inputs
        reads them (``plugins.coverage.plan_figures``), after each site too (``cumulative_people_pct``); None
        (the model's count stays) when the demand is not residents / workers of a layer or the prediction
        refuses the plan. The model's own count is logged, named as such."""
        from plugins.coverage.plan_figures import plan_figures
        from plugins.coverage.statistics import DEMAND_FIELDS
        from plugins.siting.outputs import model_people, set_cumulative_people

        counted, total = model_people(problem, plan, study.demand)
        feedback.log(translate("SitingAlgorithm", "siting model's count (demand sampled at points, a point covered "
                                                  "when any chosen pole clears its margin, single links without the "
                                                  "street-canyon walk): {share:.2f}% of people").format(
            share=100.0 * counted / total if total > 0 else 0.0))
        source = study.demand_source
        if not len(sites.gdf):  # no site: the model's nothing covered is the prediction's too
            return None
        if not (isinstance(source, VectorLayer) and params["weight_field"] is None
                and set(DEMAND_FIELDS) & set(source.gdf.columns)):
            feedback.log(translate("SitingAlgorithm", "People covered is the siting model's count: the coverage "
                                                      "prediction counts the residents and workers of a demand "
                                                      "layer"))
            return None
        inputs = {name: params[name] for name in COVERAGE_INPUTS if params[name] is not None}
        try:
            figures = plan_figures(sites, source, context, feedback, **inputs)
        except (ParameterError, AlgorithmError) as exc:
            feedback.log(translate("SitingAlgorithm", "People covered is the siting model's count: the coverage "
                                                      "prediction of the plan failed: {problem}").format(problem=exc))
            return None
        set_cumulative_people(sites, figures.cumulative_pct)
        feedback.log(translate("SitingAlgorithm", "People covered (coverage prediction of the selected sites, "
                                                  "coverage.rsrp's default settings): {share:.2f}% ({people:,.0f} of "
                                                  "{total:,.0f})").format(
            share=figures.people["people_covered_pct"] or 0.0, people=figures.people["people_covered"],
            total=figures.people["people_total"]))
        return figures.people

    # -- run ----------------------------------------------------------------------------------------------------

    @staticmethod
    def decisions(params: dict[str, Any], candidates: Candidates) -> Decisions:
        """Locked and excluded poles from the ids or FIELD=VALUE given, the decision field, layers and a frozen
        earlier plan."""
        locked = [params["locked"]] if params["locked"] is not None else []
        excluded = [params["excluded"]] if params["excluded"] is not None else []
        if params["decision_field"] is not None:
            for values, into in ((params["locked_values"], locked), (params["excluded_values"], excluded)):
                wanted = tuple(v.strip() for v in (values or "").split("|") if v.strip())
                if wanted:
                    into.append(FieldRule("decision_field", params["decision_field"], wanted, required=False))
        match = {"by": params["match_by"], "distance": params["match_distance"]}
        if params["locked_layer"] is not None:
            locked.append(LayerMatch("locked_layer", params["locked_layer"], **match))
        if params["excluded_layer"] is not None:
            excluded.append(LayerMatch("excluded_layer", params["excluded_layer"], **match))
        if params["frozen_plan"] is not None:
            locked.append(LayerMatch("frozen_plan", params["frozen_plan"], **match, phases=params["frozen_phases"]))
        return resolve(candidates, locked=locked, excluded=excluded)

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        from plugins.siting.outputs import demand_layers, sites_layer, summary
        from plugins.siting.rollout import build_order, coverage_curve

        study = self.prepare(params, context, feedback.step(0, 30))
        problem = study.problem
        decisions = self.decisions(params, study.candidates)     # its notes come with the plan's
        try:
            plan = self.solve(problem, params, params["method"], decisions, feedback.step(30, 80))
        except ValueError as exc:
            raise AlgorithmError(str(exc)) from exc
        except SolverProcessError as exc:
            raise AlgorithmError(translate("SitingAlgorithm", "{problem}; the greedy method runs without this "
                                                              "process").format(problem=exc)) from exc
        feedback.log(translate("SitingAlgorithm", "{sites} sites, {share:.2f}% of the siting model's weighted demand "
                                                  "covered, {status}, within {gap:.3g}% of optimal ({solver}, "
                                                  "{seconds:.2f} s)").format(
            sites=plan.sites, share=100 * plan.covered_share, status=translate("SitingStatus", plan.status),
            gap=100 * plan.gap,
            solver=plan.solver, seconds=plan.seconds))
        for note in plan.notes:
            feedback.log(note)
        if plan.work:
            feedback.log(plan.work)
        if plan.bound_from:
            feedback.log(self.tr("bound from: {source}").format(source=plan.bound_from))
        rollout = build_order(problem, plan.selected, phases=params["phases"], first=decisions.locked,
                              first_phase=decisions.locked_phase if decisions.frozen else None,
                              feedback=feedback.step(80, 82))
        # with locked poles the plan's bound holds for plans that keep them, not for any plan of its size
        ceiling = plan.bound if plan.model == "mclp" and plan.status == "optimal" and not decisions.locked.size \
            else None
        available = np.ones(problem.n_candidates, bool)
        available[decisions.excluded] = False
        curve = coverage_curve(problem, rollout, max_sites=params["curve_sites"], known_ceiling=ceiling,
                               available=available, feedback=feedback.step(82, 85))
        curve.insert(2, "pole_id", study.candidates.ids[curve["candidate"].to_numpy()])
        curve = curve.drop(columns="candidate")
        # Named after the plan, so a greedy and an exact run side by side read apart in the layer tree.
        plan_name = translate("SitingOutputs", "{model} {method}, {sites} sites").format(
            model=plan.model.upper(), method=params["method"], sites=plan.sites)
        sites = sites_layer(study.candidates, problem, plan, rollout,
                            name=translate("SitingOutputs", "Selected sites ({plan})").format(plan=plan_name),
                            locked=decisions.locked, people=study.demand.people)
        sites.metadata["decisions"] = decisions.summary()
        people = None
        if params["coverage_mode"] == "rf":
            people = self._coverage_figures(params, study, sites, problem, plan, context, feedback.step(85, 99))
        covered, uncovered = demand_layers(study.demand, study.demand_source, study.candidates, problem, plan,
                                           rollout)
        covered.name = translate("SitingOutputs", "Covered demand ({plan})").format(plan=plan_name)
        uncovered.name = translate("SitingOutputs", "Uncovered demand ({plan})").format(plan=plan_name)
        feedback.set_progress(100)
        return {"selected_sites": sites, "covered": covered, "uncovered": uncovered, "curve": pd.DataFrame(curve),
                **summary(plan, problem, study.candidates, study.demand, self.request(params), people=people),
                **decisions.summary()}


#: The siting parameters a coverage run of the plan takes over (same name in ``coverage.rsrp``); the others stay
#: at the coverage run's defaults.
COVERAGE_INPUTS = ("buildings", "surface", "terrain", "threshold_dbm", "max_radius", "frequency_mhz", "eirp_dbm",
                   "location_probability")


def _require_metric(layer: VectorLayer) -> None:
    try:
        require_true_distances(layer)  # the runner's inputs pass; a direct call with Web Mercator does not
    except LayerError as exc:
        raise AlgorithmError(str(exc)) from exc


class MaximalCovering(SitingAlgorithm):
    id = "siting.mclp"
    name = QT_TRANSLATE_NOOP("Algorithm", "Site selection: k sites covering the most demand (MCLP)")
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "Chooses which k lamp poles should carry micro-stations to cover the most people, and in what order to "
        "build them. Candidates are the eligible poles (in service, height range, power, a free attachment slot, "
        "outside keep-out buffers); demand comes from a demand layer, buildings or a raster, weighted up near "
        "schools and office clusters and down where existing 5G sites already serve it. A pole covers a demand "
        "point within the radius, or where the coverage model predicts RSRP above the threshold.\n\n"
        "exact solves the maximal covering location problem as a MILP on HiGHS (after exact reductions) and "
        "reports the optimality gap. When k poles could nearly cover everything, proving the optimum can take "
        "hours; exact then spends its work limit improving the plan, re-solving the neighbourhoods of uncovered "
        "demand exactly, and states the gap to covering everything. greedy is the lazy greedy, guaranteed within "
        "63% of optimal and usually within 1-2%, with the proven gap stated. Outputs: the sites with rank, phase, "
        "marginal and cumulative coverage and cost; covered and uncovered demand; the coverage curve for 1..N "
        "sites with a proven ceiling for each N."
    ))

    def model_parameters(self) -> list[Parameter]:
        return [IntegerParameter("sites", self.tr("Number of sites (k)"), default=10, minimum=1, maximum=1_000_000)]

    def request(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"requested_sites": params["sites"]}

    def solve(self, problem, params, method, decisions, feedback):
        return solve_decided(problem, decisions, "mclp", k=params["sites"], method=method,
                             time_limit=params["time_limit"], work_limit=params["work_limit"], feedback=feedback)


class BudgetCovering(SitingAlgorithm):
    id = "siting.budget_mclp"
    name = QT_TRANSLATE_NOOP("Algorithm", "Site selection: most demand within a budget")
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "Like the k-site model, but the sites may cost different amounts (a base cost, a surcharge where a pole "
        "has no power, or a cost field) and their total must stay within the budget. Exact (HiGHS MILP with "
        "optimality gap) or greedy (best of gain-per-cost and gain, with a proven bound)."
    ))

    def model_parameters(self) -> list[Parameter]:
        return [NumberParameter("budget", self.tr("Budget (in site-cost units)"), default=10.0, minimum=1e-6)]

    def request(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"budget": params["budget"]}

    def solve(self, problem, params, method, decisions, feedback):
        return solve_decided(problem, decisions, "budget_mclp", budget=params["budget"], method=method,
                             time_limit=params["time_limit"], work_limit=params["work_limit"], feedback=feedback)


class SetCovering(SitingAlgorithm):
    id = "siting.lscp"
    name = QT_TRANSLATE_NOOP("Algorithm", "Site selection: fewest sites covering the demand (LSCP)")
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "The fewest sites (or the least total cost) that cover all the demand any eligible pole can reach, or "
        "a target share of it (e.g. 95%). Demand no pole reaches is reported, not required. Exact (HiGHS MILP "
        "with optimality gap) or greedy (cheapest per covered demand, or in the order of the LP relaxation when "
        "that is smaller, redundant sites pruned, with a proven lower bound). Counting sites, both then drop the "
        "least-needed poles one by one and move their neighbours to win the demand back (the exact solver does "
        "so when its MILP stops before proving the optimum)."
    ))

    def model_parameters(self) -> list[Parameter]:
        return [
            NumberParameter("target_pct", self.tr("Share of reachable demand to cover"), default=100.0, unit="%",
                            minimum=0.01, maximum=100.0),
            ChoiceParameter("minimise", self.tr("Minimise"), default="sites", options=("sites", "cost"),
                            labels={"sites": self.tr("Number of sites"), "cost": self.tr("Cost")}),
        ]

    def request(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"target_pct": params["target_pct"], "minimise": params["minimise"]}

    def solve(self, problem, params, method, decisions, feedback):
        plain = replace(problem, beta=0.0) if problem.beta else problem
        return solve_decided(plain, decisions, "lscp", target_share=params["target_pct"] / 100.0,
                             minimise=params["minimise"], method=method, time_limit=params["time_limit"],
                             work_limit=params["work_limit"], feedback=feedback)


__all__ = ["BudgetCovering", "MaximalCovering", "SetCovering", "SitingAlgorithm"]
