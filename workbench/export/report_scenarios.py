"""The report's scenario comparison: every scenario of the project beside the first, from their run records.

One row per scenario: sites, cost, people covered, the cost per additional 1,000 people covered relative to the
first scenario (``layers.scenarios.marginal_cost``) and how many of its sites the first scenario's plan shares.
The HTML and the PDF report show the same table (``report_table.Table``); a project with fewer than two scenarios
has no comparison to show.
"""

from __future__ import annotations

import math

from PyQt6.QtCore import QCoreApplication

from layers.scenarios import compare, marginal_cost, metrics
from workbench.export.report_table import Table
from workbench.export.web_styles import text

#: Qt's translate (pylupdate6 reads ``translate("ReportScenarios", "text")``).
translate = QCoreApplication.translate


def _number(value: float | None, digits: int = 0, suffix: str = "") -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:,.{digits}f}{suffix}"


def scenario_title(project) -> str:
    first = next(iter(project.scenarios))
    return translate("ReportScenarios", "Scenarios compared with \u201c{name}\u201d").format(name=first.name)


def scenario_table(project, *, notes: bool = True) -> Table | None:
    """The comparison table, or None when the project has fewer than two scenarios; ``notes=False`` leaves the
    planner's notes out (an A4 page has no room for them beside the figures)."""
    scenarios = list(getattr(project, "scenarios", []))
    if len(scenarios) < 2:
        return None
    base = scenarios[0]
    base_figures = metrics(base, project.history)
    rows = []
    for scenario in scenarios:
        figures = metrics(scenario, project.history)
        is_base = scenario is base
        shared = len(compare(base, scenario).both)
        rows.append([scenario.name, _number(figures.sites), _number(figures.cost, 1),
                     _number(figures.people_covered), _number(figures.people_covered_pct, 1, " %"),
                     "" if is_base else _number(marginal_cost(figures, base_figures), 1),
                     "" if is_base else f"{shared:,}"] + ([scenario.note] if notes else []))
    headings = [translate("ReportScenarios", "Scenario"), translate("ReportScenarios", "Sites"),
                translate("ReportScenarios", "Cost"), translate("ReportScenarios", "People covered"),
                translate("ReportScenarios", "People (%)"), translate("ReportScenarios", "Cost per 1,000 more"),
                translate("ReportScenarios", "Shared sites")]
    headings += [translate("ReportScenarios", "Note")] if notes else []
    return Table(headings, rows, [False, True, True, True, True, True, True] + ([False] if notes else []))


def scenarios_html(project) -> str:
    """The report's scenario section (empty without two scenarios); every value escaped."""
    table = scenario_table(project)
    if table is None:
        return ""
    head = "".join(f"<th class='{'num' if n else ''}'>{text(h)}</th>" for h, n in
                   zip(table.headings, table.numeric, strict=True))
    body = "".join("<tr>" + "".join(f"<td class='{'num' if n else ''}'>{text(v)}</td>"
                                    for v, n in zip(row, table.numeric, strict=True)) + "</tr>" for row in table.rows)
    return (f"<section><h2>{text(scenario_title(project))}</h2>"
            f"<table class='sites'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>")


__all__ = ["scenario_table", "scenario_title", "scenarios_html"]
