"""The report's scenario comparison: every scenario of the project beside the first, from their run records.

One row per scenario: sites, cost, people covered, the cost per additional 1,000 people covered relative to the
first scenario (``layers.scenarios.marginal_cost``), how many of its sites the first scenario's plan shares and the
planner's note. The report's layout (``report_layout``) shows it as a table block in both formats; a project with
fewer than two scenarios has no comparison to show.
"""

from __future__ import annotations

import math

from layers.i18n import translate
from layers.scenarios import compare, marginal_cost, metrics
from workbench.export.report_table import Table


def _number(value: float | None, digits: int = 0, suffix: str = "") -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:,.{digits}f}{suffix}"


def scenario_title(project) -> str:
    first = next(iter(project.scenarios))
    return translate("ReportScenarios", "Scenarios compared with \u201c{name}\u201d").format(name=first.name)


def scenario_table(project) -> Table | None:
    """The comparison table, or None when the project has fewer than two scenarios."""
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
                     "" if is_base else f"{shared:,}", scenario.note])
    headings = [translate("ReportScenarios", "Scenario"), translate("ReportScenarios", "Sites"),
                translate("ReportScenarios", "Cost"), translate("ReportScenarios", "People covered"),
                translate("ReportScenarios", "People (%)"), translate("ReportScenarios", "Cost per 1,000 more"),
                translate("ReportScenarios", "Shared sites"), translate("ReportScenarios", "Note")]
    return Table(headings, rows, [False, True, True, True, True, True, True, False])


__all__ = ["scenario_table", "scenario_title"]
