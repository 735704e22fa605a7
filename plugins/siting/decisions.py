"""The planner's decisions: poles that must be built (locked) and poles never to be built (excluded).

Decisions come from a field of the poles layer (``decision`` = approved / rejected; 批准 / 否决 are aliases),
from the poles of another layer (matched by pole id or by location: e.g. the first phases of an earlier plan,
frozen), or from a list of pole ids (the GUI's selection; ``--locked P1,P2`` or ``--locked decision=approved``
on the command line). ``resolve`` turns them into candidate positions and refuses what cannot be meant: an
unknown id, a missing field, a pole both locked and excluded, a locked pole that is not eligible.

Locked poles are in every plan, count toward k and the budget, and the demand they cover is not counted again
for the other sites (spopt's ``predefined_facility_col``); excluded poles are never chosen. ``solve_decided``
solves the rest as an ordinary problem (see ``problem.SitingProblem.residual``) with the usual exact or fast
method and adds the locked poles back, so every method's optimality proof and bound carry over.

Example::

    decisions = resolve(candidates, locked=[FieldRule("locked", "decision", ("approved",))],
                        excluded=[IdList("excluded", ("TH-000007",))])
    plan = solve_decided(problem, decisions, "mclp", k=20, method="exact")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, TypeVar

import numpy as np
import pandas as pd
import shapely

from layers.i18n import translate
from layers.layer import VectorLayer
from plugins.api import AlgorithmError, Context, Feedback, Parameter, ParameterError
from plugins.siting.candidates import Candidates, pole_ids
from plugins.siting.wording import amount

if TYPE_CHECKING:  # the solvers import numba: loaded when a plan is solved, not with the pole rules the GUI uses
    from plugins.siting.problem import SitingProblem
    from plugins.siting.solve import Plan

#: Values of a decision field that mean the same; a value given in any language matches all of its group.
ALIASES = (
    ("approved", "approve", "locked", "批准", "已批准", "通过"),
    ("rejected", "reject", "excluded", "否决", "已否决", "驳回", "拒绝"),
)
#: How many pole ids an error message lists before "and N more".
LISTED = 8


def _norm(value: Any) -> str:
    return str(value).strip().casefold()


def with_aliases(values: Sequence[str]) -> set[str]:
    """The normalised values and every alias of each (``approved`` also matches ``批准``)."""
    wanted = {_norm(v) for v in values if _norm(v)}
    for group in ALIASES:
        if wanted & {_norm(a) for a in group}:
            wanted |= {_norm(a) for a in group}
    return wanted


def listed(ids: Sequence[str]) -> str:
    ids = [str(i) for i in ids]
    more = len(ids) - LISTED
    text = ", ".join(ids[:LISTED])
    return text + (translate("decisions", " and {n} more").format(n=more) if more > 0 else "")


# -- where decisions come from -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdList:
    """Poles named by id (``pole_id``, or ``#n`` for a layer without one)."""

    parameter: str
    ids: tuple[str, ...]

    def rows(self, poles: VectorLayer) -> tuple[np.ndarray, str]:
        known = pole_ids(poles.gdf)
        position = {str(pid): i for i, pid in enumerate(known)}
        unknown = [i for i in self.ids if i not in position]
        if unknown:
            raise ParameterError(self.parameter, translate(
                "decisions", "layer '{layer}' has no pole with id {ids}").format(layer=poles.name, ids=listed(unknown)))
        return np.array(sorted({position[i] for i in self.ids}), np.int64), translate(
            "decisions", "{n} listed by id").format(n=len(set(self.ids)))


@dataclass(frozen=True)
class FieldRule:
    """Poles whose ``field`` holds one of ``values`` (or an alias of one)."""

    parameter: str
    field: str
    values: tuple[str, ...]
    required: bool = True      # a rule typed by the planner must match something; a dialog's default need not

    def rows(self, poles: VectorLayer) -> tuple[np.ndarray, str]:
        if self.field not in poles.gdf.columns:
            raise ParameterError(self.parameter, translate(
                "decisions", "layer '{layer}' has no field '{field}' (fields: {fields})").format(
                layer=poles.name, field=self.field, fields=", ".join(map(str, poles.fields))))
        column = poles.gdf[self.field]
        text = column.where(column.notna(), "").map(_norm).to_numpy()
        rows = np.flatnonzero(np.isin(text, list(with_aliases(self.values))))
        if self.required and rows.size == 0:
            found = sorted({str(v) for v in column.dropna().unique()})[:LISTED]
            raise ParameterError(self.parameter, translate(
                "decisions", "no pole of '{layer}' has {field} = {values} (values found: {found})").format(
                layer=poles.name, field=self.field, values=" | ".join(self.values),
                found=", ".join(found) or translate("decisions", "none")))
        return rows, translate("decisions", "{n} with {field} = {values}").format(
            n=rows.size, field=self.field, values=" | ".join(self.values))


@dataclass(frozen=True)
class LayerMatch:
    """The poles of another layer, matched by pole id or by location (within ``distance`` metres). With
    ``phases`` only features whose ``phase_field`` is at most that are taken: an earlier plan's first phases."""

    parameter: str
    layer: VectorLayer
    by: str = "id"
    distance: float = 1.0
    phases: int | None = None
    phase_field: str = "phase"

    def features(self) -> tuple[pd.DataFrame, np.ndarray | None]:
        gdf = self.layer.gdf
        if self.phases is None:
            return gdf, None
        if self.phase_field not in gdf.columns:
            raise ParameterError(self.parameter, translate(
                "decisions", "layer '{layer}' has no phase field '{field}': give the selected sites of an earlier "
                             "run").format(layer=self.layer.name, field=self.phase_field))
        phase = pd.to_numeric(gdf[self.phase_field], errors="coerce").to_numpy(float)
        keep = np.isfinite(phase) & (phase <= self.phases)
        return gdf[keep], phase[keep].astype(np.int64)

    def rows(self, poles: VectorLayer) -> tuple[np.ndarray, str, np.ndarray | None]:
        gdf, phase = self.features()
        if self.by == "id":
            if "pole_id" not in gdf.columns:
                raise ParameterError(self.parameter, translate(
                    "decisions", "layer '{layer}' has no field 'pole_id' to match poles by id; match by location "
                                 "instead").format(layer=self.layer.name))
            wanted = gdf["pole_id"].astype(str).to_numpy()
            IdList(self.parameter, tuple(wanted)).rows(poles)          # refuses unknown ids, naming them
            position = {pid: i for i, pid in enumerate(pole_ids(poles.gdf))}
            hits = np.array([position[i] for i in wanted], np.int64)
        else:
            hits = self._nearest(gdf, poles)
        rows = np.unique(hits)
        how = translate("decisions", "by id") if self.by == "id" else translate("decisions", "by location")
        what = translate("decisions", "{n} from layer '{layer}' ({how})").format(n=rows.size, layer=self.layer.name,
                                                                                how=how)
        if phase is not None:
            what = translate("decisions", "{n} of phases 1-{phases} of '{layer}' ({how})").format(
                n=rows.size, phases=self.phases, layer=self.layer.name, how=how)
            best = np.full(len(poles.gdf), np.iinfo(np.int64).max)
            np.minimum.at(best, hits, phase)
            return rows, what, best[rows]
        return rows, what, None

    def _nearest(self, gdf: pd.DataFrame, poles: VectorLayer) -> np.ndarray:
        tree = shapely.STRtree(poles.gdf.geometry.to_numpy())
        geoms = gdf.geometry.to_numpy()
        nearest, gaps = tree.query_nearest(geoms, max_distance=float(self.distance), return_distance=True,
                                           all_matches=False)
        feature, pole = nearest
        missing = np.setdiff1d(np.arange(len(geoms)), feature)
        if missing.size:
            raise ParameterError(self.parameter, translate(
                "decisions", "{n} features of '{layer}' have no pole of '{poles}' within {d:g} m (features {rows})"
            ).format(n=missing.size, layer=self.layer.name, poles=poles.name, d=self.distance,
                     rows=listed([f"#{i + 1}" for i in missing])))
        hits = np.empty(len(geoms), np.int64)
        hits[feature] = pole
        return hits


Source = IdList | FieldRule | LayerMatch
_T = TypeVar("_T")


@dataclass(kw_only=True)
class PoleSpecParameter(Parameter):
    """Poles to lock or exclude: ids (``TH-000012, TH-000044``, or a list of ids: the GUI's selection) or
    ``FIELD=VALUE`` (``decision=approved``; several values as ``decision=approved|批准``). Converts to a
    ``Source`` read from the layer in parameter ``parent`` when the run starts."""

    parent: str

    type_name: ClassVar[str] = "poles"

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> Source:
        source = self._source(value)
        poles = values.get(self.parent)
        if isinstance(poles, VectorLayer):
            source.rows(poles)           # an unknown id or field is refused now, naming this parameter
        return source

    def _source(self, value: Any) -> IdList | FieldRule:
        if isinstance(value, list | tuple | set | np.ndarray | pd.Series):
            ids = tuple(str(v).strip() for v in value if str(v).strip())
            if not ids:
                raise self.error(translate("decisions", "the list of pole ids is empty"))
            return IdList(self.name, ids)
        text = str(value).strip()
        if "=" in text:
            name, _, wanted = text.partition("=")
            values_given = tuple(v.strip() for v in wanted.split("|") if v.strip())
            if not name.strip() or not values_given:
                raise self.error(translate("decisions", "write FIELD=VALUE (e.g. decision=approved), got '{text}'")
                                 .format(text=text))
            return FieldRule(self.name, name.strip(), values_given)
        # brackets and quotes are dropped: a list pasted as text ("['P1', 'P2']") names the same poles
        ids = tuple(i for i in re.split(r"[,;\s]+", re.sub(r"[\[\]()'\"]", " ", text)) if i)
        if not ids:
            raise self.error(translate("decisions", "no pole id in '{text}'").format(text=text))
        return IdList(self.name, ids)

    def serialize(self, value: Any, context: Context | None = None) -> Any:
        if isinstance(value, list | tuple | set | np.ndarray | pd.Series):
            return ", ".join(str(v) for v in value)
        return super().serialize(value, context)

    def describe(self) -> str:
        return translate("decisions", "pole ids (P1, P2) or FIELD=VALUE")


# -- resolved decisions ---------------------------------------------------------------------------------------


@dataclass
class Decisions:
    """Locked and excluded poles as candidate positions; ``locked_phase`` their phase in a frozen plan (0: not
    frozen); ``notes`` where each came from."""

    locked: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    excluded: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    locked_phase: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    locked_from: list[str] = field(default_factory=list)
    excluded_from: list[str] = field(default_factory=list)
    ineligible_excluded: int = 0

    def __bool__(self) -> bool:
        return bool(self.locked.size or self.excluded.size)

    @property
    def frozen(self) -> bool:
        return bool(np.any(self.locked_phase > 0))

    def notes(self) -> list[str]:
        out = []
        if self.locked.size:
            out.append(translate("decisions", "{n} poles locked ({sources}): built in every plan, counted in k "
                                              "and the budget").format(n=self.locked.size,
                                                                       sources="; ".join(self.locked_from)))
        if self.excluded.size or self.excluded_from:
            text = translate("decisions", "{n} poles excluded ({sources})").format(
                n=self.excluded.size, sources="; ".join(self.excluded_from))
            if self.ineligible_excluded:
                text += translate("decisions", "; {n} more were not eligible anyway").format(n=self.ineligible_excluded)
            out.append(text)
        return out

    def summary(self) -> dict[str, Any]:
        return {"locked_poles": int(self.locked.size), "excluded_poles": int(self.excluded.size),
                "locked_from": list(self.locked_from), "excluded_from": list(self.excluded_from)}


def _rows_of(sources: Sequence[Source], poles: VectorLayer) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Layer rows named by ``sources``, what each source named, and the frozen phase of each row (0: none)."""
    phase = np.zeros(len(poles.gdf), np.int64)
    rows, described = [], []
    for source in sources:
        if isinstance(source, LayerMatch):
            found, what, phases = source.rows(poles)
            if phases is not None:
                current = phase[found]
                phase[found] = np.where(current > 0, np.minimum(current, phases), phases)
        else:
            found, what = source.rows(poles)
        rows.append(found)
        described.append(what)
    taken = np.unique(np.concatenate(rows)) if rows else np.zeros(0, np.int64)
    return taken, described, phase


def resolve(candidates: Candidates, *, locked: Sequence[Source] = (), excluded: Sequence[Source] = ()) -> Decisions:
    """Candidate positions of the locked and excluded poles; raises naming the poles that cannot be decided so."""
    poles = candidates.layer
    ids = pole_ids(poles.gdf)
    lock_rows, lock_from, lock_phase = _rows_of(locked, poles)
    out_rows, out_from, _ = _rows_of(excluded, poles)
    both = np.intersect1d(lock_rows, out_rows)
    if both.size:
        raise AlgorithmError(translate("decisions", "poles both locked and excluded: {ids}; decide one way").format(
            ids=listed(ids[both])))
    position = np.full(len(poles.gdf), -1, np.int64)
    position[candidates.rows] = np.arange(len(candidates))
    ineligible = lock_rows[position[lock_rows] < 0]
    if ineligible.size:
        why = [f"{ids[r]} ({candidates.reasons[r]})" for r in ineligible]
        raise AlgorithmError(translate(
            "decisions", "{n} locked poles are not eligible: {poles}; unlock them or relax the rules").format(
            n=ineligible.size, poles=listed(why)))
    kept_out = out_rows[position[out_rows] >= 0]
    return Decisions(locked=position[lock_rows], excluded=position[kept_out], locked_phase=lock_phase[lock_rows],
                     locked_from=lock_from, excluded_from=out_from,
                     ineligible_excluded=int(out_rows.size - kept_out.size))


# -- solving with decisions ----------------------------------------------------------------------------------


def _decided_plan(problem: SitingProblem, allowed: SitingProblem, decisions: Decisions, model: str, method: str,
                  selected: np.ndarray, objective: float, bound: float, sub: Plan | None, maximise: bool,
                  notes: Sequence[str] = ()) -> Plan:
    """The plan of the full problem: locked poles plus the residual plan ``sub`` (None: nothing left to choose)."""
    from plugins.siting.solve import Plan

    selected = np.sort(np.asarray(selected, np.int64))
    notes = decisions.notes() + list(notes) + (list(sub.notes) if sub is not None else [
        translate("decisions", "the locked poles leave nothing to choose: the plan is the locked poles")])
    return Plan(model=model, method=method, selected=selected, objective=float(objective),
                bound=max(bound, objective) if maximise else min(bound, objective),
                status=sub.status if sub is not None else "optimal",
                solver=sub.solver if sub is not None else translate("decisions", "locked poles only"),
                seconds=sub.seconds if sub is not None else 0.0, covered_weight=problem.covered_weight(selected),
                total_weight=problem.total_weight, coverable_weight=allowed.coverable_weight,
                cost=problem.cost(selected), maximise=maximise,
                reductions=dict(sub.reductions) if sub is not None else {},
                timings=dict(sub.timings) if sub is not None else {}, notes=notes,
                work=sub.work if sub is not None else "", bound_from=sub.bound_from if sub is not None else "")


class _Limits(TypedDict):
    """The solvers' work limit (0: automatic) and safety time limit, passed on as they are."""

    time_limit: float
    work_limit: int


def _given(value: _T | None, name: str, model: str) -> _T:
    """``value``, which ``model`` needs: a ValueError naming it when it is missing."""
    if value is None:
        raise ValueError(f"the {model} model needs {name}")
    return value


def solve_decided(problem: SitingProblem, decisions: Decisions, model: str, *, k: int | None = None,
                  budget: float | None = None, target_share: float = 1.0, minimise: str = "sites",
                  method: str = "exact", time_limit: float = 0.0, work_limit: int = 0,
                  feedback: Feedback | None = None) -> Plan:
    """Solve ``model`` ("mclp", "budget_mclp" or "lscp") honouring ``decisions``; without any, the plain solve.
    ``work_limit`` decides where the solver stops (0: automatic); ``time_limit`` is only a safety (0: automatic)."""
    from plugins.siting.solve import solve_budget_mclp, solve_lscp, solve_mclp

    limits: _Limits = {"time_limit": time_limit, "work_limit": work_limit}
    if not decisions:
        if model == "mclp":
            plan = solve_mclp(problem, _given(k, "k", model), method=method, **limits, feedback=feedback)
        elif model == "budget_mclp":
            plan = solve_budget_mclp(problem, _given(budget, "budget", model), method=method, **limits,
                                     feedback=feedback)
        else:
            plan = solve_lscp(problem, target_share=target_share, minimise=minimise, method=method, **limits,
                              feedback=feedback)
        plan.notes[:0] = decisions.notes()          # e.g. excluded poles that were not eligible anyway
        return plan
    locked = decisions.locked
    allowed = problem.without(decisions.excluded)
    rest = problem.residual(decisions.locked, decisions.excluded)
    if model == "mclp":
        k = _given(k, "k", model)
        if k < locked.size:
            raise AlgorithmError(translate("decisions", "{n} poles are locked but only {k} sites are asked for; "
                                                        "raise the number of sites or unlock poles").format(
                n=locked.size, k=k))
        room = k - locked.size
        sub = None
        if room and rest.free.size:
            sub = solve_mclp(rest.problem, room + rest.extra_sites, method=method, **limits, feedback=feedback)
        return _maximised(problem, allowed, decisions, model, method, rest, sub)
    if model == "budget_mclp":
        budget = _given(budget, "budget", model)
        spent = problem.cost(locked)
        if spent > budget * (1 + 1e-12):
            raise AlgorithmError(translate("decisions", "the {n} locked poles cost {cost:g}, over the budget of "
                                                        "{budget:g}; raise the budget or unlock poles").format(
                n=locked.size, cost=spent, budget=budget))
        money = budget - spent
        sub = None
        if rest.free.size and problem.costs[rest.free].min() <= money:
            sub = solve_budget_mclp(rest.problem, money + rest.extra_cost, method=method, **limits,
                                    feedback=feedback)
        return _maximised(problem, allowed, decisions, model, method, rest, sub)
    return _covering(problem, allowed, decisions, method, rest, target_share, minimise, limits, feedback)


def _maximised(problem: SitingProblem, allowed: SitingProblem, decisions: Decisions, model: str, method: str,
               rest, sub: Plan | None) -> Plan:
    selected = rest.plan(decisions.locked, sub.selected if sub is not None else np.zeros(0, np.int64))
    objective = problem.value(selected)
    bound = sub.bound + rest.shift if sub is not None else objective
    return _decided_plan(problem, allowed, decisions, model, method, selected, objective, bound, sub, True)


def _covering(problem: SitingProblem, allowed: SitingProblem, decisions: Decisions, method: str, rest,
              target_share: float, minimise: str, limits: _Limits, feedback: Feedback | None) -> Plan:
    from plugins.siting.solve import solve_lscp

    locked = decisions.locked
    unit = minimise == "sites"
    fixed = float(locked.size) if unit else problem.cost(locked)
    reachable = allowed.coverable_weight
    if reachable <= 0:
        raise AlgorithmError(translate("decisions", "no pole left after the exclusions covers any demand"))
    need = target_share * reachable - problem.covered_weight(locked)
    left = rest.problem.coverable_weight
    sub = None
    if need > 1e-9 * max(1.0, reachable) and left > 0:
        share = 1.0 if target_share >= 1.0 else min(1.0, need / left)
        sub = solve_lscp(rest.problem, target_share=share, minimise=minimise, method=method, **limits,
                         feedback=feedback)
    notes = []
    if reachable < problem.total_weight:
        notes.append(translate("decisions", "{out} of {total} demand is out of reach of every pole that is not "
                                            "excluded and is not counted in the target").format(
            out=amount(problem.total_weight - reachable), total=amount(problem.total_weight)))
    if sub is not None:      # the residual's own note counts only the demand the locked poles leave
        sub.notes = [note for note in sub.notes if "out of reach of every candidate" not in note]
    selected = rest.plan(locked, sub.selected if sub is not None else np.zeros(0, np.int64))
    objective = fixed + (sub.objective if sub is not None else 0.0)
    bound = fixed + sub.bound if sub is not None else objective
    return _decided_plan(problem, allowed, decisions, "lscp", method, selected, objective, bound, sub, False,
                         notes)


__all__ = ["ALIASES", "Decisions", "FieldRule", "IdList", "LayerMatch", "PoleSpecParameter", "resolve",
           "solve_decided", "with_aliases"]
