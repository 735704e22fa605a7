"""How attributes read in popups and tables: numbers rounded, flags as yes/no, missing values blank, and field
names turned into headings with their units ("height_m" -> "Height (m)"), in the interface's language where the
catalogue has the heading (the municipal kinds' fields and Lamplight's own)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from layers.i18n import QT_TRANSLATE_NOOP, translate


def display_value(value: object) -> str:
    """A short human reading of one attribute value (numbers rounded, missing values blank)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return translate("FieldValue", "yes") if value else translate("FieldValue", "no")
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
KNOWN_HEADINGS = {"pole_id": QT_TRANSLATE_NOOP("FieldHeading", "Pole"),
                  "site_id": QT_TRANSLATE_NOOP("FieldHeading", "Site"),
                  "cell_id": QT_TRANSLATE_NOOP("FieldHeading", "Cell"),
                  "cumulative_people_pct": QT_TRANSLATE_NOOP("FieldHeading", "People covered (%)"),
                  "cumulative_share_pct": QT_TRANSLATE_NOOP("FieldHeading", "Weighted demand covered (%)"),
                  "new_demand": QT_TRANSLATE_NOOP("FieldHeading", "Adds (weighted demand)"),
                  "mean_rsrp_dbm": QT_TRANSLATE_NOOP("FieldHeading", "Mean RSRP (dBm)")}
#: The headings ``field_heading`` makes of the municipal kinds' fields (``layers.kinds``), listed so that the
#: catalogue holds them: a Chinese popup or table reads 高度 (m), not Height (m). A test keeps the list complete.
KIND_FIELD_HEADINGS = (
    QT_TRANSLATE_NOOP("FieldHeading", "Area (m²)"), QT_TRANSLATE_NOOP("FieldHeading", "Attachments"),
    QT_TRANSLATE_NOOP("FieldHeading", "Azimuths (°)"), QT_TRANSLATE_NOOP("FieldHeading", "Band (MHz)"),
    QT_TRANSLATE_NOOP("FieldHeading", "Beamwidth (°)"), QT_TRANSLATE_NOOP("FieldHeading", "Capacity"),
    QT_TRANSLATE_NOOP("FieldHeading", "EIRP (dBm)"), QT_TRANSLATE_NOOP("FieldHeading", "Floor"),
    QT_TRANSLATE_NOOP("FieldHeading", "Has power"), QT_TRANSLATE_NOOP("FieldHeading", "Height (m)"),
    QT_TRANSLATE_NOOP("FieldHeading", "Industry"), QT_TRANSLATE_NOOP("FieldHeading", "Lease term (months)"),
    QT_TRANSLATE_NOOP("FieldHeading", "Level"), QT_TRANSLATE_NOOP("FieldHeading", "Levels"),
    QT_TRANSLATE_NOOP("FieldHeading", "Listing ID"), QT_TRANSLATE_NOOP("FieldHeading", "Name"),
    QT_TRANSLATE_NOOP("FieldHeading", "Operator"), QT_TRANSLATE_NOOP("FieldHeading", "Power (W)"),
    QT_TRANSLATE_NOOP("FieldHeading", "Price (CNY/m²/month)"), QT_TRANSLATE_NOOP("FieldHeading", "Residents"),
    QT_TRANSLATE_NOOP("FieldHeading", "Road ID"), QT_TRANSLATE_NOOP("FieldHeading", "Road class"),
    QT_TRANSLATE_NOOP("FieldHeading", "Status"), QT_TRANSLATE_NOOP("FieldHeading", "Students"),
    QT_TRANSLATE_NOOP("FieldHeading", "Tilt (°)"), QT_TRANSLATE_NOOP("FieldHeading", "Width (m)"),
    QT_TRANSLATE_NOOP("FieldHeading", "Workers"),
)
#: Headings of the columns Lamplight's run tables name in a way ``field_heading`` would not read well.
RESULT_KNOWN_HEADINGS = {
    "n": QT_TRANSLATE_NOOP("FieldHeading", "Measurements"),
    "cell_ids": QT_TRANSLATE_NOOP("FieldHeading", "Cells"),
    **{f"{figure}_{when}": heading for figure, when, heading in (
        ("me_db", "before", QT_TRANSLATE_NOOP("FieldHeading", "Mean error before (dB)")),
        ("me_db", "after", QT_TRANSLATE_NOOP("FieldHeading", "Mean error after (dB)")),
        ("rmse_db", "before", QT_TRANSLATE_NOOP("FieldHeading", "RMSE before (dB)")),
        ("rmse_db", "after", QT_TRANSLATE_NOOP("FieldHeading", "RMSE after (dB)")),
        ("sigma_db", "before", QT_TRANSLATE_NOOP("FieldHeading", "σ before (dB)")),
        ("sigma_db", "after", QT_TRANSLATE_NOOP("FieldHeading", "σ after (dB)")))},
}
#: The headings ``field_heading`` makes of the other columns of the run tables in the Results dock (siting's
#: curve, coverage's statistics and per site, calibration's errors). A test keeps the list complete.
RESULT_HEADINGS = (
    QT_TRANSLATE_NOOP("FieldHeading", "Sites"), QT_TRANSLATE_NOOP("FieldHeading", "Covered demand"),
    QT_TRANSLATE_NOOP("FieldHeading", "Covered share"), QT_TRANSLATE_NOOP("FieldHeading", "Marginal demand"),
    QT_TRANSLATE_NOOP("FieldHeading", "In plan"), QT_TRANSLATE_NOOP("FieldHeading", "Best possible at most"),
    QT_TRANSLATE_NOOP("FieldHeading", "Best possible share"), QT_TRANSLATE_NOOP("FieldHeading", "Measure"),
    QT_TRANSLATE_NOOP("FieldHeading", "Covered"), QT_TRANSLATE_NOOP("FieldHeading", "Total"),
    QT_TRANSLATE_NOOP("FieldHeading", "Share (%)"), QT_TRANSLATE_NOOP("FieldHeading", "Unit"),
    QT_TRANSLATE_NOOP("FieldHeading", "Served area (m²)"), QT_TRANSLATE_NOOP("FieldHeading", "Buildings"),
    QT_TRANSLATE_NOOP("FieldHeading", "Schools"), QT_TRANSLATE_NOOP("FieldHeading", "Scope"),
    QT_TRANSLATE_NOOP("FieldHeading", "Candidate"),
)
#: Words inside the run tables (a measure, its unit, a line-of-sight class), translated where they are shown.
RESULT_WORDS = (
    QT_TRANSLATE_NOOP("FieldValue", "area"), QT_TRANSLATE_NOOP("FieldValue", "residents"),
    QT_TRANSLATE_NOOP("FieldValue", "workers"), QT_TRANSLATE_NOOP("FieldValue", "buildings"),
    QT_TRANSLATE_NOOP("FieldValue", "schools"), QT_TRANSLATE_NOOP("FieldValue", "people"),
    QT_TRANSLATE_NOOP("FieldValue", "features"), QT_TRANSLATE_NOOP("FieldValue", "all"),
)
#: Unit suffixes of field names and how a heading writes them.
UNIT_SUFFIXES = {"m": "m", "m2": "m²", "km2": "km²", "pct": "%", "dbm": "dBm", "db": "dB", "mhz": "MHz", "w": "W",
                 "deg": "°", "months": "months", "s": "s"}
ACRONYMS = {"id": "ID", "rsrp": "RSRP", "sinr": "SINR", "eirp": "EIRP", "cctv": "CCTV"}


def field_heading(name: str, unit: str = "") -> str:
    """A readable heading for a field: words capitalised, a unit suffix in brackets; ``unit`` (from the layer
    kind's schema, e.g. "CNY/m²/month") replaces the suffix when given."""
    known = KNOWN_HEADINGS.get(name) or RESULT_KNOWN_HEADINGS.get(name)
    if known and not unit:
        return translate("FieldHeading", known)
    words = [w for w in str(name).split("_") if w]
    suffix = ""
    if len(words) > 1 and words[-1].lower() in UNIT_SUFFIXES:
        suffix = UNIT_SUFFIXES[words.pop().lower()]
    suffix = unit or suffix
    text = " ".join(ACRONYMS.get(w.lower(), w) for w in words) or str(name)
    text = text[0].upper() + text[1:]
    return translate("FieldHeading", f"{text} ({suffix})" if suffix else text)  # as is unless the catalogue has it


def result_word(text: str) -> str:
    """A word inside a run table ("residents", "people") in the interface's language; a city's own values (pole
    ids, names) are not in the catalogue and stay as they are."""
    return translate("FieldValue", text)
