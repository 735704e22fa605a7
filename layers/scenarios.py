"""Scenarios: named sets of siting runs and the decisions in force, saved in the project and compared.

A scenario ("A: 40 sites, 4 M CNY", "B: 60 sites, exclude Tianhe Rd") names runs of ``project.history`` by run id,
keeps the pole ids locked and excluded when it was made and the pole ids of its plan (the selected sites of its
last siting run), and a note. Its figures come from the run records, so the scenario panel, the report and the
command line show the numbers the runs reported: sites, cost and people covered from the last siting run's
summary; residents, workers and schools covered (shares) from the last coverage run, when the scenario has one.
The marginal cost of a scenario over another is what each additional 1,000 people covered costs.

Scenario changes are undoable commands (``AddScenario``, ``RemoveScenario``, ``RenameScenario``).

Example::

    a = scenario_from_run(project, project.history[-2], "A: 40 sites")
    b = scenario_from_run(project, project.history[-1], "B: 60 sites")
    AddScenario(project, a).apply(); AddScenario(project, b).apply()
    marginal_cost(metrics(b, project.history), metrics(a, project.history))   # cost per 1,000 more people
    comparison_layer(a, b, plan_layers(project, a) + plan_layers(project, b))  # sites only in A, only in B, both
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np

from layers.edits import EditCommand
from layers.errors import LayerError
from layers.events import Event, EventEmitter
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import Layer, VectorLayer
from layers.names import numbered_name
from layers.styles import Categorized, Category, Symbol

#: Bounds of the project.json entry: far beyond any real project, they keep a hostile file cheap to refuse.
MAX_SCENARIOS = 1_000
MAX_SCENARIO_RUNS = 1_000
MAX_POLES = 1_000_000
MAX_NOTE = 100_000
MAX_NAME = 1_000
#: Summary keys of the people covered and in total: ``plugins/figures.py`` names first, the older siting names after.
PEOPLE_COVERED_KEYS = ("people_covered", "covered_people")
PEOPLE_TOTAL_KEYS = ("people_total", "total_people")
#: Coverage run shares a scenario shows, by the measure of ``coverage.statistics``.
COVERAGE_SHARES = ("residents", "workers", "schools")
#: Categories of the comparison layer and their colours: A only (orange), B only (blue), in both (grey).
ONLY_A, ONLY_B, BOTH = "A only", "B only", "both"
COMPARISON_COLOURS = {ONLY_A: "#e66101", ONLY_B: "#5e3c99", BOTH: "#9e9e9e"}


@dataclass
class Scenario:
    """A named set of runs (ids from ``project.history``), the decisions in force and the plan's pole ids."""

    name: str
    runs: list[str] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    note: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "runs": list(self.runs), "locked": list(self.locked),
                "excluded": list(self.excluded), "sites": list(self.sites), "note": self.note}

    @classmethod
    def from_dict(cls, entry: dict[str, Any]) -> Scenario:
        """A scenario from its project.json entry (checked by ``schema`` before)."""
        return cls(name=entry["name"], runs=list(entry.get("runs") or []), locked=list(entry.get("locked") or []),
                   excluded=list(entry.get("excluded") or []), sites=list(entry.get("sites") or []),
                   note=entry.get("note") or "", id=entry.get("id") or uuid.uuid4().hex)


class Scenarios:
    """The project's scenarios in order; every change emits a ``scenarios`` event on the project's emitter."""

    def __init__(self, events: EventEmitter) -> None:
        self.events = events
        self._items: list[Scenario] = []

    def __iter__(self) -> Iterator[Scenario]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Scenario:
        return self._items[index]

    def get(self, name_or_id: str) -> Scenario:
        for scenario in self._items:
            if name_or_id in (scenario.id, scenario.name):
                return scenario
        names = ", ".join(repr(s.name) for s in self._items) or translate("Scenarios", "none")
        raise KeyError(translate("Scenarios", "no scenario named {name!r} in the project (scenarios: {names})").format(
            name=name_or_id, names=names))

    def index_of(self, scenario: Scenario) -> int:
        for i, item in enumerate(self._items):
            if item is scenario:
                return i
        raise KeyError(translate("Scenarios", "scenario {name!r} is not in the project").format(name=scenario.name))

    def unique_name(self, name: str, ignore: Scenario | None = None) -> str:
        taken = {s.name for s in self._items if s is not ignore}
        return numbered_name(name.strip() or translate("Scenarios", "Scenario"), taken)

    def add(self, scenario: Scenario, index: int | None = None) -> Scenario:
        """Add at the end (or at ``index``); a taken name gets ' (2)'."""
        if len(self._items) >= MAX_SCENARIOS:
            raise LayerError(None, translate("Scenarios", "a project holds at most {limit:,} scenarios").format(
                limit=MAX_SCENARIOS))
        scenario.name = self.unique_name(scenario.name)
        position = len(self._items) if index is None else max(0, min(index, len(self._items)))
        self._items.insert(position, scenario)
        self._emit("added", scenario, position)
        return scenario

    def remove(self, scenario: Scenario) -> int:
        index = self.index_of(scenario)
        del self._items[index]
        self._emit("removed", scenario, index)
        return index

    def rename(self, scenario: Scenario, name: str) -> None:
        scenario.name = self.unique_name(name, ignore=scenario)
        self._emit("renamed", scenario, self.index_of(scenario))

    def set_runs(self, scenario: Scenario, runs: Sequence[str]) -> None:
        scenario.runs = list(runs)
        self._emit("changed", scenario, self.index_of(scenario))

    def replace(self, scenarios: Sequence[Scenario]) -> None:
        """All scenarios at once (a project being opened), one event."""
        self._items = list(scenarios)[:MAX_SCENARIOS]
        self._emit("reset", None, None)

    def clear(self) -> None:
        self.replace([])

    def _emit(self, action: str, scenario: Scenario | None, index: int | None) -> None:
        self.events.emit(Event("scenarios", index=index, extra={"action": action, "scenario": scenario}))


# -- undoable changes --------------------------------------------------------------------------------------
class AddScenario(EditCommand):
    def __init__(self, project: Any, scenario: Scenario, index: int | None = None) -> None:
        self.project, self.scenario, self.index = project, scenario, index
        self.description = translate("Scenarios", "Add scenario '{name}'").format(name=scenario.name)

    def apply(self) -> None:
        self.project.scenarios.add(self.scenario, self.index)

    def revert(self) -> None:
        self.index = self.project.scenarios.remove(self.scenario)


class RemoveScenario(EditCommand):
    def __init__(self, project: Any, scenario: Scenario) -> None:
        self.project, self.scenario, self.index = project, scenario, None
        self.description = translate("Scenarios", "Delete scenario '{name}'").format(name=scenario.name)

    def apply(self) -> None:
        self.index = self.project.scenarios.remove(self.scenario)

    def revert(self) -> None:
        self.project.scenarios.add(self.scenario, self.index)


class RenameScenario(EditCommand):
    def __init__(self, project: Any, scenario: Scenario, new_name: str) -> None:
        if not new_name.strip():
            raise LayerError(None, translate("Scenarios", "a scenario needs a name"))
        self.project, self.scenario = project, scenario
        self.old_name, self.new_name = scenario.name, new_name.strip()
        self.description = translate("Scenarios", "Rename scenario '{old}' to '{new}'").format(old=self.old_name,
                                                                                            new=self.new_name)

    def apply(self) -> None:
        self.project.scenarios.rename(self.scenario, self.new_name)

    def revert(self) -> None:
        self.project.scenarios.rename(self.scenario, self.old_name)


class AttachRun(EditCommand):
    """Another run joins a scenario, e.g. the coverage run of its sites, whose shares the scenario then shows."""

    def __init__(self, project: Any, scenario: Scenario, record: dict) -> None:
        run_id = record.get("run_id")
        if not run_id:
            raise LayerError(None, translate("Scenarios", "run '{run}' has no run id; run it again").format(
                run=record.get("algorithm")))
        if run_id in scenario.runs:
            raise LayerError(None, translate("Scenarios", "run '{run}' ({started}) is already in scenario '{name}'")
                             .format(run=record.get("algorithm_name") or record.get("algorithm"),
                                     started=record.get("started", "?"), name=scenario.name))
        if len(scenario.runs) >= MAX_SCENARIO_RUNS:
            raise LayerError(None, translate("Scenarios", "a scenario holds at most {limit:,} runs").format(
                limit=MAX_SCENARIO_RUNS))
        self.project, self.scenario, self.run_id = project, scenario, run_id
        self.description = translate("Scenarios", "Add run '{run}' to scenario '{name}'").format(
            run=record.get("algorithm_name") or record.get("algorithm"), name=scenario.name)

    def apply(self) -> None:
        self.project.scenarios.set_runs(self.scenario, [*self.scenario.runs, self.run_id])

    def revert(self) -> None:
        self.project.scenarios.set_runs(self.scenario, [r for r in self.scenario.runs if r != self.run_id])


# -- from runs ---------------------------------------------------------------------------------------------
def run_record(history: Sequence[dict], run_id: str) -> dict | None:
    for record in history:
        if record.get("run_id") == run_id:
            return record
    return None


def _last_run(scenario: Scenario, history: Sequence[dict], prefix: str) -> dict | None:
    for run_id in reversed(scenario.runs):
        record = run_record(history, run_id)
        if record is not None and str(record.get("algorithm", "")).startswith(prefix):
            return record
    return None


def run_layers(project: Any, run_id: str) -> list[Layer]:
    """The project layers a run produced (their provenance names the run)."""
    return [layer for layer in project.layers if (layer.metadata.get("provenance") or {}).get("run_id") == run_id]


def sites_of(project: Any, record: dict) -> VectorLayer:
    """The selected-sites layer of a siting run (its output with a build ``rank``); LayerError when it is gone."""
    for layer in run_layers(project, record.get("run_id", "")):
        if isinstance(layer, VectorLayer) and {"rank", "pole_id"} <= set(layer.fields):
            return layer
    raise LayerError(None, translate("Scenarios", "the selected sites of run '{run}' ({started}) are no longer in the "
                                                  "project; run it again").format(
        run=record.get("algorithm_name") or record.get("algorithm"), started=record.get("started", "?")))


def scenario_from_run(project: Any, record: dict, name: str, *, note: str = "",
                      excluded: Sequence[str] = ()) -> Scenario:
    """A scenario of one siting run: its plan's pole ids, its locked sites (the plan's ``locked`` column) and the
    ``excluded`` pole ids that were in force (the caller resolves them from the run's parameters)."""
    if not str(record.get("algorithm", "")).startswith("siting."):
        raise LayerError(None, translate("Scenarios", "run '{run}' is not a siting run; a scenario starts from a "
                                                      "siting plan").format(run=record.get("algorithm")))
    gdf = sites_of(project, record).gdf
    ids = gdf["pole_id"].astype(str)
    locked = ids[gdf["locked"].astype(bool)] if "locked" in gdf.columns else ids.iloc[:0]
    return Scenario(name=name, runs=[record["run_id"]], locked=sorted(locked), excluded=sorted(map(str, excluded)),
                    sites=ids.tolist(), note=note)


# -- figures -----------------------------------------------------------------------------------------------
@dataclass
class ScenarioMetrics:
    """What a scenario's runs reported; None where no run of the scenario reports it."""

    sites: int | None = None
    cost: float | None = None
    people_covered: float | None = None
    people_total: float | None = None
    shares: dict[str, float] = field(default_factory=dict)   # coverage run: residents/workers/schools covered %

    @property
    def people_covered_pct(self) -> float | None:
        if self.people_covered is None or not self.people_total:
            return None
        return 100.0 * self.people_covered / self.people_total


def _number(summary: dict, keys: Sequence[str]) -> float | None:
    for key in keys:
        value = summary.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None


def metrics(scenario: Scenario, history: Sequence[dict]) -> ScenarioMetrics:
    """Sites, cost and people covered from the scenario's last siting run, shares from its last coverage run."""
    found = ScenarioMetrics()
    siting = _last_run(scenario, history, "siting.")
    if siting is not None:
        summary = siting.get("summary") or {}
        sites = _number(summary, ("sites",))
        found.sites = int(sites) if sites is not None else len(scenario.sites)
        found.cost = _number(summary, ("total_cost",))
        found.people_covered = _number(summary, PEOPLE_COVERED_KEYS)
        found.people_total = _number(summary, PEOPLE_TOTAL_KEYS)
    elif scenario.sites:
        found.sites = len(scenario.sites)
    coverage = _last_run(scenario, history, "coverage.")
    if coverage is not None:
        summary = coverage.get("summary") or {}
        for measure in COVERAGE_SHARES:
            value = _number(summary, (f"{measure}_covered_pct",))
            if value is not None:
                found.shares[measure] = value
    return found


def marginal_cost(scenario: ScenarioMetrics, base: ScenarioMetrics) -> float | None:
    """What each additional 1,000 people covered costs in ``scenario`` over ``base``:
    (cost - base cost) / ((people covered - base people covered) / 1,000). None when a figure is missing or both
    cover the same number of people (no additional people to price)."""
    cost, base_cost, people, base_people = scenario.cost, base.cost, scenario.people_covered, base.people_covered
    if cost is None or base_cost is None or people is None or base_people is None:
        return None
    more_people = people - base_people
    if abs(more_people) < 1e-9:
        return None
    return (cost - base_cost) / (more_people / 1000.0)


# -- comparison --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    only_a: list[str]
    only_b: list[str]
    both: list[str]


def compare(a: Scenario, b: Scenario) -> Comparison:
    """Pole ids of the sites only in A's plan, only in B's, and in both."""
    sa, sb = set(a.sites), set(b.sites)
    return Comparison(sorted(sa - sb), sorted(sb - sa), sorted(sa & sb))


def plan_layers(project: Any, scenario: Scenario) -> list[VectorLayer]:
    """Layers that can place the scenario's poles: its runs' outputs with pole ids, then the candidate layers its
    siting runs read (by the name the run recorded)."""
    found: list[VectorLayer] = []
    for run_id in scenario.runs:
        found += [layer for layer in run_layers(project, run_id)
                  if isinstance(layer, VectorLayer) and "pole_id" in layer.fields]
    for run_id in scenario.runs:
        name = ((run_record(project.history, run_id) or {}).get("parameters") or {}).get("candidates")
        try:
            layer = project.layer(name) if isinstance(name, str) else None
        except KeyError:
            layer = None
        if isinstance(layer, VectorLayer) and "pole_id" in layer.fields:
            found.append(layer)
    return found


def comparison_layer(a: Scenario, b: Scenario, sources: Sequence[VectorLayer]) -> VectorLayer:
    """Points of the sites only in A, only in B and in both (field ``in``, three colours), placed from the first of
    ``sources`` that has each pole id; LayerError naming the poles no source places."""
    if not sources:
        raise LayerError(None, translate("Scenarios", "no layer of the project places the poles of '{a}' and '{b}'; "
                                                      "their sites layers were removed").format(a=a.name, b=b.name))
    crs = sources[0].crs
    where: dict[str, Any] = {}
    for layer in sources:
        frame = layer.gdf if layer.crs == crs or layer.crs is None else layer.gdf.to_crs(crs)
        for pid, geometry in zip(frame["pole_id"].astype(str), frame.geometry, strict=True):
            where.setdefault(pid, geometry)
    split = compare(a, b)
    rows = [(pid, label) for label, ids in ((ONLY_A, split.only_a), (ONLY_B, split.only_b), (BOTH, split.both))
            for pid in ids]
    missing = [pid for pid, _ in rows if pid not in where]
    if missing:
        raise LayerError(None, translate("Scenarios", "{n} sites of '{a}' / '{b}' are in no layer of the project "
                                                      "(e.g. {ids}); add their poles layer back").format(
            n=len(missing), a=a.name, b=b.name, ids=", ".join(missing[:5])))
    gdf = gpd.GeoDataFrame({"pole_id": [pid for pid, _ in rows], "in": [label for _, label in rows],
                            "scenario_a": a.name, "scenario_b": b.name},
                           geometry=[where[pid] for pid, _ in rows] if rows else np.zeros(0, object), crs=crs)
    labels = {ONLY_A: translate("Scenarios", "only in {name}").format(name=a.name),
              ONLY_B: translate("Scenarios", "only in {name}").format(name=b.name),
              BOTH: translate("Scenarios", "in both")}
    style = Categorized(field="in", categories=[
        Category(value, Symbol(fill=colour, stroke="#000000", size=11.0, marker="diamond"), label=labels[value])
        for value, colour in COMPARISON_COLOURS.items()])
    name = translate("Scenarios", "Compare {a} / {b}").format(a=a.name, b=b.name)
    return VectorLayer(gdf, name, style=style, metadata={"quantity": "scenario_comparison",
                                                        "scenarios": [a.id, b.id], "notes": []})


def side_layer(comparison: VectorLayer, side: str) -> VectorLayer:
    """One scenario's sites from a comparison layer, in its colours: side "a" (A only and both) or "b" (B only and
    both). The two halves of a swipe."""
    keep = (ONLY_A, BOTH) if side == "a" else (ONLY_B, BOTH)
    gdf = comparison.gdf[comparison.gdf["in"].isin(keep)].reset_index(drop=True)
    names = comparison.gdf["scenario_a" if side == "a" else "scenario_b"]
    name = str(names.iloc[0]) if len(names) else side.upper()
    return VectorLayer(gdf, name, style=comparison.style, metadata={"quantity": "scenario_sites", "notes": []})


# -- project.json ------------------------------------------------------------------------------------------
_A_TEXT = QT_TRANSLATE_NOOP("ProjectSchema", "a text of at most {limit} characters")
_IDS = QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} pole ids (texts)")


def schema() -> dict[str, Any]:
    """The jsonschema of the ``scenarios`` entry of project.json (``texts`` is project_schema's list-of-texts
    keyword: one check per list of pole ids)."""
    ids = {"type": "array", "maxItems": MAX_POLES, "texts": MAX_NAME, "description": _IDS}
    scenario = {
        "type": "object",
        "description": QT_TRANSLATE_NOOP("ProjectSchema", "a scenario (a group of settings)"),
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": 200,
                   "description": QT_TRANSLATE_NOOP("ProjectSchema", "a scenario id (a short text)")},
            "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME, "description": _A_TEXT},
            "runs": {"type": "array", "maxItems": MAX_SCENARIO_RUNS, "texts": 200,
                     "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} run ids")},
            "locked": ids,
            "excluded": ids,
            "sites": ids,
            "note": {"type": "string", "maxLength": MAX_NOTE, "description": _A_TEXT},
        },
    }
    return {"type": "array", "maxItems": MAX_SCENARIOS, "items": scenario,
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} scenarios")}


__all__ = ["AddScenario", "AttachRun", "Comparison", "RemoveScenario", "RenameScenario", "Scenario", "ScenarioMetrics",
           "Scenarios", "compare", "comparison_layer", "marginal_cost", "metrics", "plan_layers", "run_layers",
           "scenario_from_run", "schema", "side_layer", "sites_of"]
