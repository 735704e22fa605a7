"""The site table of a report: which columns, in what order, with readable headings and formatted values.

The HTML and the PDF report show the same table, so both read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.export.report_data import SITE_COLUMNS, as_percent, column
from workbench.export.values import display_value

#: Leading columns, in briefing order; other attributes follow until ``MAX_COLUMNS``.
LEADING = ("rank", "site_id", "pole_id", "phase", "marginal", "cumulative", "cost")
HEADINGS = {"rank": "Rank", "site_id": "Site", "pole_id": "Pole", "phase": "Phase", "marginal": "Adds (%)",
            "cumulative": "Cumulative (%)", "cost": "Cost"}
MAX_COLUMNS = 9
SKIPPED = {"geometry", "provenance", "notes"}


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # right-align numbers


def _role_of(name: str) -> str | None:
    for role, names in SITE_COLUMNS.items():
        if name in names:
            return role
    return None


def site_table_rows(sites: pd.DataFrame) -> Table:
    chosen: list[tuple[str, str]] = []  # (column, role-or-name)
    for key in LEADING:
        name = column(sites, key) if key in SITE_COLUMNS else (key if key in sites.columns else None)
        if name is not None:
            chosen.append((name, key))
    for name in sites.columns:
        if len(chosen) >= MAX_COLUMNS:
            break
        if name not in {c for c, _ in chosen} and name not in SKIPPED and not str(name).startswith("_"):
            chosen.append((name, str(name)))
    headings, cells, numeric = [], [], []
    for name, key in chosen:
        values = sites[name]
        if key in ("marginal", "cumulative"):
            values = as_percent(values, name).map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
        elif key == "cost":
            values = pd.to_numeric(values, errors="coerce").map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
        else:
            values = values.map(display_value)
        headings.append(HEADINGS.get(key, str(name).replace("_", " ").capitalize()))
        cells.append(values.astype(str).tolist())
        numeric.append(pd.api.types.is_numeric_dtype(sites[name]) and key not in ("phase",))
    rows = [list(row) for row in zip(*cells, strict=True)] if cells else []
    return Table(headings, rows, numeric)
