"""How demand values read in a run's notes: whole numbers with thousands separators from 1,000 up (``,.6g`` wrote
9,366,470 people as 9.36647e+06), six significant digits below that (weights may be fractions)."""

from __future__ import annotations


def amount(value: float) -> str:
    """``9366470.4`` -> ``9,366,470``; ``447.25`` -> ``447.25``."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.6g}"


__all__ = ["amount"]
