"""The one definition of "covered" that the siting summary, the coverage summary, the dashboard and the report
show: people (residents + workers) covered, and weighted demand covered named as such.

Siting optimises weighted demand: people times the priority factors near schools and offices, and times the
existing-coverage factor (0 leaves demand that existing 5G sites already serve out of the objective). Its
weighted share can therefore read far above the share of people the plan covers (a report showed "84.1 % demand
covered (residents+workers)" beside "41.7 % people covered": the first was weighted, with served demand left out).
Every place now shows "People covered" from ``people_figures`` and, only where the weights differ from people,
"Weighted demand covered" under that name.

Example::

    summary.update(people_figures(covered_people, total_people, covered_weight, total_weight, weighted=True))
    for key, label, value, note in covered_rows(summary): ...
"""

from __future__ import annotations

import math
from typing import Any

from layers.i18n import QT_TRANSLATE_NOOP, translate

PEOPLE_COVERED = QT_TRANSLATE_NOOP("CoveredFigures", "People covered")
WEIGHTED_COVERED = QT_TRANSLATE_NOOP("CoveredFigures", "Weighted demand covered")


def _share(covered: float, total: float) -> float | None:
    return round(100.0 * covered / total, 3) if total and math.isfinite(total) and total > 0 else None


def people_figures(covered_people: float, total_people: float, covered_weight: float | None = None,
                   total_weight: float | None = None, *, weighted: bool = False) -> dict[str, Any]:
    """The summary keys of the covered figures: ``people_covered``, ``people_total``, ``people_covered_pct``
    and, when ``weighted`` (weights differ from people), ``weighted_demand_covered_pct``."""
    figures: dict[str, Any] = {"people_covered": round(float(covered_people), 1),
                               "people_total": round(float(total_people), 1),
                               "people_covered_pct": _share(covered_people, total_people)}
    if weighted and covered_weight is not None and total_weight is not None:
        figures["weighted_demand_covered_pct"] = _share(covered_weight, total_weight)
    return figures


def summary_figures(summary: dict[str, Any] | None) -> dict[str, Any]:
    """The covered figures of a run summary; a siting record saved before they existed is read from its
    ``covered_people`` / ``total_people`` and ``covered_share_pct`` (named weighted when it differs)."""
    summary = dict(summary or {})
    if summary.get("people_covered_pct") is None and summary.get("total_people"):
        share = summary.get("covered_share_pct")
        people = people_figures(float(summary.get("covered_people") or 0.0), float(summary["total_people"]))
        summary.update(people)
        if share is not None and abs(float(share) - (people["people_covered_pct"] or 0.0)) > 0.05:
            summary["weighted_demand_covered_pct"] = float(share)
    return summary


def covered_rows(summary: dict[str, Any] | None) -> list[tuple[str, str, str, str]]:
    """(key, label, value, note) rows of a run summary's covered figures, as every view shows them: the key
    (``people_covered``, ``weighted_demand_covered``) stays the same in every interface language, the label is
    translated."""
    summary = summary_figures(summary)
    rows = []
    share = summary.get("people_covered_pct")
    if share is not None:
        measure = summary.get("demand_measure") or "residents+workers"
        rows.append(("people_covered", translate("CoveredFigures", PEOPLE_COVERED), f"{float(share):,.1f} %",
                     translate("CoveredFigures", "{people:,.0f} of {total:,.0f} ({measure})").format(
                         people=float(summary.get("people_covered") or 0.0),
                         total=float(summary.get("people_total") or 0.0), measure=measure)))
    weighted = summary.get("weighted_demand_covered_pct")
    if weighted is not None:
        rows.append(("weighted_demand_covered", translate("CoveredFigures", WEIGHTED_COVERED),
                     f"{float(weighted):,.1f} %",
                     translate("CoveredFigures", "people x priority and existing-coverage weights: what siting "
                                                 "optimises")))
    return rows


__all__ = ["PEOPLE_COVERED", "WEIGHTED_COVERED", "covered_rows", "people_figures", "summary_figures"]
