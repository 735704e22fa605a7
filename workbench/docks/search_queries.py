"""The questions of the search panel as plain masks over a layer's table (testable without Qt).

"Office space under 150 CNY/m² a month, leases of at least 12 months, for a finance firm" is the London
Datastore's classic; "every primary school" is the one a planner asks before siting near children.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ANY = None


def _numbers(frame: pd.DataFrame, field: str) -> np.ndarray:
    return pd.to_numeric(frame[field], errors="coerce").to_numpy(dtype=float)


def _text(frame: pd.DataFrame, field: str) -> pd.Series:
    return frame[field].astype("string").str.strip().str.casefold()


def office_mask(frame: pd.DataFrame, *, max_price: float | None = ANY, min_lease: float | None = ANY,
                max_lease: float | None = ANY, industry: str | None = ANY) -> np.ndarray:
    """Listings within the price cap, lease range and industry; a listing missing a asked-for value is out."""
    keep = np.ones(len(frame), dtype=bool)
    if max_price is not None:
        keep &= _numbers(frame, "price_m2") <= max_price  # NaN compares false: unknown price is out
    if min_lease is not None:
        keep &= _numbers(frame, "lease_term_months") >= min_lease
    if max_lease is not None:
        keep &= _numbers(frame, "lease_term_months") <= max_lease
    if industry:
        keep &= (_text(frame, "industry") == industry.strip().casefold()).fillna(False).to_numpy(dtype=bool)
    return keep


def school_mask(frame: pd.DataFrame, *, level: str | None = ANY) -> np.ndarray:
    """Schools of one level (kindergarten, primary, middle, high, university), or all."""
    if not level:
        return np.ones(len(frame), dtype=bool)
    return (_text(frame, "level") == level.strip().casefold()).fillna(False).to_numpy(dtype=bool)


def distinct_values(frame: pd.DataFrame, field: str, limit: int = 100) -> list[str]:
    """Sorted distinct non-empty values of a text field, for a drop-down."""
    if field not in frame.columns:
        return []
    distinct = pd.Series(frame[field].dropna().unique())  # a city's 16,000 offices name a few dozen industries
    return sorted({v for v in distinct.astype(str).str.strip() if v})[:limit]
