"""How attribute values read in popups and tables: numbers rounded, flags as yes/no, missing values blank."""

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
