"""The numbers a briefing report shows, gathered from a project's last planning runs (no drawing here).

A report describes the latest siting run (which poles, in what order and phase, what each adds, at what cost,
how close to optimal) and the latest coverage run (shares of residents, workers and schools covered, the RSRP
distribution). Both are read from the project: the run records in ``project.history`` and the output layers that
carry ``metadata["provenance"]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import Layer, RasterLayer, VectorLayer
from plugins.figures import covered_rows

#: Columns of the siting plugin's selected-sites layer (``plugins/siting/outputs.py``) the report reads.
SITE_COLUMNS = {
    "rank": "rank",
    "phase": "phase",
    "cumulative": "cumulative_share_pct",  # weighted demand covered after this site is built, in rank order (%)
    "people": "cumulative_people_pct",  # people (residents + workers) covered after this site is built (%)
    "new_demand": "new_demand",  # demand this site adds when built in order
    "cost": "cost",
}
#: The coverage run's shares (``<measure>_covered_pct``) and their labels, translated where shown; a figure's key
#: is ``<measure>_covered``.
COVERED_MEASURES = (("residents", QT_TRANSLATE_NOOP("ReportData", "Residents covered")),
                    ("workers", QT_TRANSLATE_NOOP("ReportData", "Workers covered")),
                    ("schools", QT_TRANSLATE_NOOP("ReportData", "Schools covered")),
                    ("buildings", QT_TRANSLATE_NOOP("ReportData", "Buildings covered")),
                    ("area", QT_TRANSLATE_NOOP("ReportData", "Area covered")))


@dataclass
class KeyFigure:
    """A headline number. ``key`` names it for code (the dashboard, the command line's JSON) and is the same in
    every interface language; ``label`` is what a reader sees, translated."""

    key: str
    label: str
    value: str
    note: str = ""


@dataclass
class ReportData:
    title: str
    date: str
    figures: list[KeyFigure]
    sites: pd.DataFrame | None = None  # attribute table of the selected sites, by rank
    curve: pd.DataFrame | None = None  # columns: sites, covered_pct (coverage after the first n sites)
    phases: pd.DataFrame | None = None  # columns: phase, sites, cost
    rsrp: np.ndarray | None = None  # valid RSRP values in dBm, one per grid cell
    rsrp_threshold: float | None = None
    notes: list[str] = field(default_factory=list)
    siting_run: dict | None = None
    coverage_run: dict | None = None


def last_run(project, prefix: str) -> dict | None:
    """The most recent successful run record whose algorithm id starts with ``prefix`` (e.g. "siting.")."""
    for record in reversed(project.history):
        if str(record.get("algorithm", "")).startswith(prefix) and record.get("status", "ok") == "ok":
            return record
    return None


def run_layers(project, record: dict | None) -> list[Layer]:
    """The project layers a run produced (matched by the run id in their provenance, else by output name)."""
    if record is None:
        return []
    run_id = record.get("run_id")
    found = [layer for layer in project.layers
             if run_id and (layer.metadata.get("provenance") or {}).get("run_id") == run_id]
    if found:
        return found
    names = {entry.get("layer") for entry in (record.get("outputs") or {}).values() if isinstance(entry, dict)}
    return [layer for layer in project.layers if layer.name in names]


def column(frame: pd.DataFrame, role: str) -> str | None:
    name = SITE_COLUMNS[role]
    return name if name in frame.columns else None


def added_share(frame: pd.DataFrame) -> pd.Series | None:
    """Percentage points each site adds when built in rank order (steps of the cumulative share: of people when
    the plan recorded them, else of weighted demand)."""
    cumulative = column(frame, "people") or column(frame, "cumulative")
    if cumulative is None:
        return None
    values = pd.to_numeric(frame[cumulative], errors="coerce")
    return values.diff().fillna(values)


def sites_layer(project, record: dict | None) -> VectorLayer | None:
    for layer in run_layers(project, record):
        if isinstance(layer, VectorLayer) and "rank" in layer.gdf.columns:
            return layer
    candidates = [layer for layer in project.layers if isinstance(layer, VectorLayer)
                  and {"rank", "phase"} <= set(layer.gdf.columns)]
    return candidates[-1] if candidates else None


def rsrp_layer(project, record: dict | None) -> RasterLayer | None:
    produced = [layer for layer in run_layers(project, record) if isinstance(layer, RasterLayer)]
    pool = produced or [layer for layer in project.layers if isinstance(layer, RasterLayer)]
    rsrp = [layer for layer in pool if str(layer.metadata.get("quantity", "")).lower() == "rsrp"]
    return rsrp[-1] if rsrp else None


def site_table(layer: VectorLayer) -> pd.DataFrame:
    table = pd.DataFrame(layer.gdf.drop(columns=layer.gdf.geometry.name))
    rank = column(table, "rank")
    return table.sort_values(rank, kind="stable").reset_index(drop=True) if rank else table


def coverage_curve(table: pd.DataFrame) -> pd.DataFrame | None:
    """People covered after the first n sites (weighted demand for plans made before people were recorded)."""
    cumulative = column(table, "people") or column(table, "cumulative")
    if cumulative is None:
        return None
    covered = pd.to_numeric(table[cumulative], errors="coerce").to_numpy(float)
    return pd.DataFrame({"sites": np.arange(0, len(table) + 1), "covered_pct": np.concatenate([[0.0], covered])})


def phase_table(table: pd.DataFrame) -> pd.DataFrame | None:
    phase = column(table, "phase")
    if phase is None:
        return None
    cost = column(table, "cost")
    grouped = table.groupby(phase, sort=True)
    result = pd.DataFrame({"phase": list(grouped.groups), "sites": grouped.size().to_numpy()})
    result["cost"] = grouped[cost].sum().to_numpy(float) if cost else np.nan
    return result


def _number(value: float, digits: int = 1) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def coverage_scope(coverage: dict | None) -> str:
    """Which transmitters a coverage run's shares are of ("RSRP of 3,101 sites"): a reader must not take the
    coverage of every pole for the coverage of the plan."""
    summary = (coverage or {}).get("summary") or {}
    count = summary.get("sites", summary.get("cells"))
    return translate("ReportData", "RSRP of {count} sites").format(count=f"{int(count):,}") if count is not None \
        else translate("ReportData", "RSRP coverage")


def coverage_of_other_sites(project, siting: dict | None, coverage: dict | None) -> str | None:
    """A note when the coverage run was not made on the siting run's selected sites, so its shares describe a
    different set of transmitters than the plan the report is about; None when they match or one is missing."""
    if siting is None or coverage is None:
        return None
    layer = sites_layer(project, siting)
    transmitters = (coverage.get("parameters") or {}).get("transmitters")
    if layer is None or not transmitters or transmitters == layer.name:
        return None
    count = ((coverage.get("summary") or {}).get("sites"))
    of = translate("ReportData", " ({count} sites)").format(count=f"{int(count):,}") if count is not None else ""
    return translate("ReportData", "The RSRP coverage figures are of the coverage run on '{transmitters}'{of}, not "
                                   "of the {count} sites in '{layer}'; run the coverage on '{layer}' for the coverage "
                                   "of this plan.").format(transmitters=transmitters, of=of, count=len(layer),
                                                           layer=layer.name)


def key_figures(sites: pd.DataFrame | None, siting: dict | None, coverage: dict | None) -> list[KeyFigure]:
    """Headline numbers: the siting run's summary (``plugins/siting/outputs.summary``) and the coverage run's
    shares (``coverage.rsrp``: ``<measure>_covered_pct``)."""
    summary = (siting or {}).get("summary") or {}
    figures: list[KeyFigure] = []
    k = summary.get("sites", len(sites) if sites is not None else None)
    if k is not None:
        figures.append(KeyFigure("sites_selected", translate("ReportData", "Sites selected"), f"{int(k):,}"))
    shares = (coverage or {}).get("summary") or {}
    scope = coverage_scope(coverage)
    # people covered (and weighted demand, named as such) from the one definition in plugins/figures.py: the
    # plan's when there is a siting run, else the coverage run's
    rows = covered_rows(summary) or [(key, label, value, f"{note}; {scope}") for key, label, value, note in
                                     covered_rows(shares)]
    figures.extend(KeyFigure(*row) for row in rows)
    for measure, label in COVERED_MEASURES:
        value = shares.get(f"{measure}_covered_pct")
        if value is not None:
            figures.append(KeyFigure(f"{measure}_covered", translate("ReportData", label),
                                     f"{_number(float(value))} %", scope))
    if summary.get("gap_pct") is not None:
        figures.append(KeyFigure("optimality_gap", translate("ReportData", "Optimality gap"),
                                 f"{_number(float(summary['gap_pct']), 2)} %", str(summary.get("solver") or "")))
    cost = summary.get("total_cost")
    if cost is None and sites is not None and column(sites, "cost"):
        cost = float(pd.to_numeric(sites[column(sites, "cost")]).sum())
    if cost is not None:
        figures.append(KeyFigure("total_cost", translate("ReportData", "Total cost"),
                                 _number(float(cost), 1 if float(cost) < 100 else 0)))
    return figures


def figure_values(figures: list[KeyFigure]) -> dict[str, str]:
    """Values by key: what code looks figures up by, whatever the interface language."""
    return {figure.key: figure.value for figure in figures}


def collect_report_data(project, *, title: str | None = None) -> ReportData:
    """Everything the report draws, from the project's latest siting and coverage runs."""
    siting = last_run(project, "siting.")
    coverage = last_run(project, "coverage.")
    layer = sites_layer(project, siting)
    sites = site_table(layer) if layer is not None else None
    raster = rsrp_layer(project, coverage)
    rsrp = raster.band(1).compressed().astype(float) if raster is not None else None
    threshold = ((coverage or {}).get("parameters") or {}).get("threshold_dbm")
    notes = []
    if siting is None and sites is None:
        notes.append(translate("ReportData", "No siting run in this project: run a siting algorithm to fill the site "
                                             "table and charts."))
    if raster is None:
        notes.append(translate("ReportData", "No RSRP raster in this project: run the coverage analysis for the RSRP "
                                             "distribution."))
    other = coverage_of_other_sites(project, siting, coverage)
    if other:
        notes.append(other)
    return ReportData(
        title=title or project.title, date=date.today().isoformat(),
        figures=key_figures(sites, siting, coverage), sites=sites,
        curve=coverage_curve(sites) if sites is not None else None,
        phases=phase_table(sites) if sites is not None else None,
        rsrp=rsrp, rsrp_threshold=float(threshold) if threshold is not None else None, notes=notes,
        siting_run=siting, coverage_run=coverage,
    )
