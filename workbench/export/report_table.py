"""The site table of a report: which columns, in what order, with readable headings and formatted values.

The HTML and the PDF report show the same table, so both read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from layers.i18n import QT_TRANSLATE_NOOP, translate
from workbench.export.report_data import SITE_COLUMNS, added_share, column
from workbench.export.values import display_value, field_heading

#: Leading columns, in briefing order; other attributes follow until ``MAX_COLUMNS``.
LEADING = ("rank", "pole_id", "phase", "added", "cumulative", "new_demand", "cost")
#: Headings of the leading columns (translated where shown); "people" heads the cumulative column when the plan
#: recorded people covered.
HEADINGS = {"rank": QT_TRANSLATE_NOOP("ReportTable", "Rank"), "pole_id": QT_TRANSLATE_NOOP("ReportTable", "Pole"),
            "phase": QT_TRANSLATE_NOOP("ReportTable", "Phase"), "added": QT_TRANSLATE_NOOP("ReportTable", "Adds (%)"),
            "cumulative": QT_TRANSLATE_NOOP("ReportTable", "Covered (%)"),
            "people": QT_TRANSLATE_NOOP("ReportTable", "People covered (%)"),
            "new_demand": QT_TRANSLATE_NOOP("ReportTable", "Adds (demand)"),
            "cost": QT_TRANSLATE_NOOP("ReportTable", "Cost")}
MAX_COLUMNS = 9
SKIPPED = {"geometry", "provenance", "notes", "cumulative_demand"}


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # right-align numbers


def _number(value: float, digits: int) -> str:
    return "" if pd.isna(value) else f"{value:,.{digits}f}"


def site_table_rows(sites: pd.DataFrame) -> Table:
    """The selected sites by rank: who, when, what each adds, where coverage stands, cost; then other fields."""
    columns: list[tuple[str, pd.Series, bool]] = []  # heading, display values, numeric
    used: set[str] = set()
    for key in LEADING:
        if key == "added":
            added = added_share(sites)
            if added is not None:
                columns.append((translate("ReportTable", HEADINGS[key]), added.map(lambda v: _number(v, 1)), True))
            continue
        name = column(sites, key) if key in SITE_COLUMNS else (key if key in sites.columns else None)
        if key == "cumulative" and column(sites, "people"):  # people covered, as every other view shows it
            name = column(sites, "people")
        if name is None:
            continue
        used.add(name)
        values = pd.to_numeric(sites[name], errors="coerce") if key in ("cumulative", "new_demand", "cost") else None
        if key == "cumulative":
            shown = values.map(lambda v: _number(v, 1))
        elif key in ("new_demand", "cost"):
            digits = 0 if values.abs().max() >= 100 else 2
            shown = values.map(lambda v, digits=digits: _number(v, digits))
        else:
            shown = sites[name].map(display_value)
        heading = translate("ReportTable", HEADINGS["people" if name == column(sites, "people") else key])
        columns.append((heading, shown, key not in ("pole_id", "phase")))
    for name in sites.columns:
        if len(columns) >= MAX_COLUMNS:
            break
        if name in used or name in SKIPPED or str(name).startswith("_"):
            continue
        columns.append((field_heading(str(name)), sites[name].map(display_value),
                        pd.api.types.is_numeric_dtype(sites[name]) and not pd.api.types.is_bool_dtype(sites[name])))
    rows = [list(row) for row in zip(*(values.astype(str).tolist() for _, values, _ in columns), strict=True)]
    return Table([h for h, _, _ in columns], rows, [n for _, _, n in columns])
