"""Which runs a report describes and with what settings: algorithm, start, duration, solver, the inputs given and
the assumptions behind the figures, labelled and with units ("EIRP per cell 43 dBm").

The HTML and the PDF report list the same lines, so both read them from here.
"""

from __future__ import annotations

from layers.i18n import translate
from plugins.api import ALGORITHM_CONTEXT
from workbench.export.report_data import ReportData

#: Parameters a reader of a run needs even when they keep their default (what was assumed), by algorithm group.
RF_PARAMETERS = ("model", "frequency_mhz", "eirp_dbm", "threshold_dbm", "max_radius")
KEY_PARAMETERS = {"coverage.": (*RF_PARAMETERS, "resolution"), "siting.": ("method", "sites", "coverage_mode")}
MAX_PARAMETER_LINES = 14


def key_parameters(run: dict) -> tuple[str, ...]:
    """The always-shown parameters of a run; a siting run's link settings only in the mode that uses them."""
    algorithm = str(run.get("algorithm") or "")
    keys = next((names for prefix, names in KEY_PARAMETERS.items() if algorithm.startswith(prefix)), ())
    if algorithm.startswith("siting."):
        mode = (run.get("parameters") or {}).get("coverage_mode")
        keys += RF_PARAMETERS if mode == "rf" else ("radius",)
    return keys


def _declared_parameters(algorithm_id: str | None) -> dict:
    """The algorithm's parameter declarations by name (labels, units, defaults); empty when it is not installed."""
    from plugins.runner import resolve_algorithm

    try:
        return {p.name: p for p in resolve_algorithm(str(algorithm_id)).parameters()}
    except (KeyError, ValueError):
        return {}


def _parameter_value(value: object, unit: str) -> str:
    try:
        number = float(value) if isinstance(value, str) and unit else value
    except ValueError:
        number = value
    if isinstance(number, float):
        return f"{number:g} {unit}".strip()
    return f"{number} {unit}".strip() if isinstance(number, int) and not isinstance(number, bool) else str(number)


def parameter_lines(run: dict) -> list[tuple[str, str]]:
    """The inputs a run was given and the key radio/plan settings, labelled and with units: layer inputs and
    parameters changed from their defaults, plus ``key_parameters`` (the assumptions behind the figures)."""
    declared = _declared_parameters(run.get("algorithm"))
    keys = key_parameters(run)
    unused = RF_PARAMETERS if str(run.get("algorithm") or "").startswith("siting.") and "radius" in keys else ()
    lines = []
    for name, value in (run.get("parameters") or {}).items():
        if not isinstance(value, str | int | float | bool) or value == "" or name in unused:
            continue
        parameter = declared.get(name)
        if parameter is not None and name not in keys and _parameter_value(value, "") == \
                _parameter_value(parameter.default, ""):
            continue
        label = parameter.description.split(" (")[0] if parameter is not None else name
        lines.append((f"  {label}", _parameter_value(value, getattr(parameter, "unit", ""))))
    return lines[:MAX_PARAMETER_LINES]


def run_details(data: ReportData) -> list[tuple[str, str]]:
    """Which runs the report describes: algorithm, when, how long, solver and the parameters that matter."""
    details: list[tuple[str, str]] = []
    for label, run in ((translate("ReportRuns", "Siting run"), data.siting_run),
                       (translate("ReportRuns", "Coverage run"), data.coverage_run)):
        if not run:
            continue
        duration = run.get("duration_s")
        started = str(run.get("started") or "").replace("T", " ")[:16]  # 2025-03-01 10:00
        parts = [translate(ALGORITHM_CONTEXT, str(run.get("algorithm_name") or run.get("algorithm"))), started]
        if duration is not None:
            parts.append(f"{float(duration):.1f} s")
        details.append((label, " · ".join(p for p in parts if p)))
        summary = run.get("summary") or {}
        if summary.get("solver"):
            details.append((translate("ReportRuns", "Solved by"), str(summary["solver"])))
        details.extend(parameter_lines(run))
    return details
