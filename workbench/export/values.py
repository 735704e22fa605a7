"""How attributes read in popups and tables: numbers rounded, flags as yes/no, missing values blank, and field
names turned into headings with their units ("height_m" -> "Height (m)")."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def display_value(value: object) -> str:
    """A short human reading of one attribute value (numbers rounded, missing values blank)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return ""
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return f"{number:.6g}" if abs(number) < 1 else f"{number:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(display_value(v) for v in value)
    return str(value)


#: Headings of the fields Lamplight's own analyses write, as the report's site table names them.
KNOWN_HEADINGS = {"pole_id": "Pole", "site_id": "Site", "cell_id": "Cell",
                  "cumulative_people_pct": "People covered (%)",
                  "cumulative_share_pct": "Weighted demand covered (%)",
                  "new_demand": "Adds (weighted demand)", "mean_rsrp_dbm": "Mean RSRP (dBm)"}
#: Unit suffixes of field names and how a heading writes them.
UNIT_SUFFIXES = {"m": "m", "m2": "m²", "km2": "km²", "pct": "%", "dbm": "dBm", "db": "dB", "mhz": "MHz", "w": "W",
                 "deg": "°", "months": "months", "s": "s"}
ACRONYMS = {"id": "ID", "rsrp": "RSRP", "sinr": "SINR", "eirp": "EIRP", "cctv": "CCTV"}


def field_heading(name: str, unit: str = "") -> str:
    """A readable heading for a field: words capitalised, a unit suffix in brackets; ``unit`` (from the layer
    kind's schema, e.g. "CNY/m²/month") replaces the suffix when given."""
    if name in KNOWN_HEADINGS and not unit:
        return KNOWN_HEADINGS[name]
    words = [w for w in str(name).split("_") if w]
    suffix = ""
    if len(words) > 1 and words[-1].lower() in UNIT_SUFFIXES:
        suffix = UNIT_SUFFIXES[words.pop().lower()]
    suffix = unit or suffix
    text = " ".join(ACRONYMS.get(w.lower(), w) for w in words) or str(name)
    text = text[0].upper() + text[1:]
    return f"{text} ({suffix})" if suffix else text
