"""Which lamp poles may carry a micro-station, and what each would cost.

A pole is eligible when it is in service (active; planned too if asked), has power (if required), stands
within the height range, still has a free attachment slot and carries no 5G equipment yet, and lies outside
every keep-out buffer, each layer with its own distance (e.g. 50 m around schools, 100 m around existing
sites). Each exclusion reason is counted separately so the planner sees why poles dropped out, and each
pole keeps its first reason (``reasons``) so a decision about an ineligible pole can say why. Cost is a field
of the layer, or a base cost plus a surcharge for poles without power (a new feed has to be dug).

Example::

    rules = CandidateRules(min_height_m=8, keepouts=((schools, 50.0), (existing_sites, 100.0)))
    candidates = eligible_candidates(poles_layer, rules)
    candidates.xy, candidates.cost, candidates.excluded
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import VectorLayer


@dataclass
class CandidateRules:
    """Eligibility and cost rules for candidate poles."""

    min_height_m: float = 6.0
    max_height_m: float = 30.0
    include_planned: bool = False
    require_power: bool = False
    keepouts: tuple[tuple[VectorLayer, float], ...] = ()
    base_cost: float = 1.0
    no_power_cost: float = 0.5
    cost_field: str | None = None


@dataclass
class Candidates:
    """The eligible poles: their rows in the input layer, locations, heights, costs and ids. ``reasons`` has
    one entry per row of the layer: why that pole is not eligible ("" when it is)."""

    layer: VectorLayer
    rows: np.ndarray
    xy: np.ndarray
    height_m: np.ndarray
    cost: np.ndarray
    ids: np.ndarray
    excluded: dict[str, int] = field(default_factory=dict)
    reasons: np.ndarray = field(default_factory=lambda: np.zeros(0, object))

    def __len__(self) -> int:
        return int(self.rows.size)


def _column(gdf: pd.DataFrame, name: str, default) -> pd.Series:
    return gdf[name] if name in gdf.columns else pd.Series([default] * len(gdf), index=gdf.index)


def _attachment_items(value) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [item.strip().lower() for item in str(value).replace(";", ",").split(",") if item.strip()]


def _costs(layer: VectorLayer, rules: CandidateRules, powered: np.ndarray) -> np.ndarray:
    if rules.cost_field is None:
        return rules.base_cost + rules.no_power_cost * (~powered)
    if rules.cost_field not in layer.gdf.columns:
        raise LayerError(layer.source, translate("SitingCandidates", "has no cost field '{field}'").format(
            field=rules.cost_field), layer=layer.name)
    cost = pd.to_numeric(layer.gdf[rules.cost_field], errors="coerce").to_numpy(float)
    bad = ~(np.isfinite(cost) & (cost > 0))
    if bad.any():
        rows = ", ".join(f"#{i + 1}" for i in np.flatnonzero(bad)[:8])
        raise LayerError(layer.source, translate("SitingCandidates", "cost field '{field}': {count} poles have no "
                                                                     "positive cost (features {rows})").format(
            field=rules.cost_field, count=int(bad.sum()), rows=rows), layer=layer.name)
    return cost


def pole_ids(gdf: pd.DataFrame) -> np.ndarray:
    """The id of every pole as text: its ``pole_id``, else ``#n`` (1-based row number)."""
    if "pole_id" in gdf.columns:
        return gdf["pole_id"].astype(str).to_numpy().astype(object)
    return np.array([f"#{i + 1}" for i in range(len(gdf))], object)


def _keepout_checks(rules: CandidateRules, xs: np.ndarray, ys: np.ndarray,
                    located: np.ndarray) -> dict[str, np.ndarray]:
    """One check per keep-out layer: poles within its distance of any of its features."""
    checks: dict[str, np.ndarray] = {}
    for layer, distance in rules.keepouts:
        near = np.zeros(xs.size, bool)
        if len(layer.gdf):
            tree = shapely.STRtree(layer.gdf.geometry.to_numpy())
            hits, _ = tree.query(shapely.points(xs[located], ys[located]), predicate="dwithin",
                                 distance=float(distance))
            near[np.flatnonzero(located)[np.unique(hits)]] = True
        key = translate("SitingCandidates", "within {distance:g} m of {layer}").format(distance=distance,
                                                                                       layer=layer.name)
        checks[key] = checks[key] | near if key in checks else near
    return checks


def eligible_candidates(layer: VectorLayer, rules: CandidateRules) -> Candidates:
    """Apply ``rules`` to a lamp_poles layer (point geometries in a metric CRS)."""
    gdf = layer.gdf
    if rules.min_height_m > rules.max_height_m:
        problem = translate("Candidates", "minimum pole height {low:g} m is above the maximum {high:g} m")
        raise ValueError(problem.format(low=rules.min_height_m, high=rules.max_height_m))
    geoms = gdf.geometry.to_numpy()
    points = shapely.get_type_id(geoms) == 0
    xs = np.where(points, shapely.get_x(geoms), np.nan)
    ys = np.where(points, shapely.get_y(geoms), np.nan)
    status = _column(gdf, "status", "active").fillna("active").astype(str).str.strip().str.lower().to_numpy()
    powered = _column(gdf, "has_power", True).fillna(True).astype(bool).to_numpy()
    height = pd.to_numeric(_column(gdf, "height_m", np.nan), errors="coerce").to_numpy(float)
    capacity = pd.to_numeric(_column(gdf, "capacity", np.inf), errors="coerce").fillna(np.inf).to_numpy(float)
    items = [_attachment_items(v) for v in _column(gdf, "attachments", "").to_numpy()]
    in_use = np.array([len(i) for i in items], float)
    has_5g = np.array(["5g" in i for i in items], bool)
    allowed_status = {"active", "planned"} if rules.include_planned else {"active"}
    # these reasons are keys of the run summary's excluded_candidates, the same in every language: marked here,
    # translated where the run log shows them (a keep-out reason names its layer, in the interface language)
    checks = {
        QT_TRANSLATE_NOOP("SitingCandidates", "no location"): ~(np.isfinite(xs) & np.isfinite(ys)),
        QT_TRANSLATE_NOOP("SitingCandidates", "out of service"): ~np.isin(status, list(allowed_status)),
        QT_TRANSLATE_NOOP("SitingCandidates", "no power"): ~powered if rules.require_power else np.zeros(len(gdf),
                                                                                                          bool),
        QT_TRANSLATE_NOOP("SitingCandidates", "too low"): ~(height >= rules.min_height_m),
        QT_TRANSLATE_NOOP("SitingCandidates", "too high"): height > rules.max_height_m,
        QT_TRANSLATE_NOOP("SitingCandidates", "carries 5G already"): has_5g,
        QT_TRANSLATE_NOOP("SitingCandidates", "no free attachment slot"): in_use >= capacity,
    }
    checks.update(_keepout_checks(rules, xs, ys, ~checks["no location"]))
    reasons = np.full(len(gdf), "", object)
    for why, mask in reversed(checks.items()):     # the first failing check is the one named
        reasons[mask] = why
    rows = np.flatnonzero(reasons == "")
    cost = _costs(layer, rules, powered)
    ids = pole_ids(gdf)
    return Candidates(layer=layer, rows=rows, xy=np.column_stack([xs[rows], ys[rows]]),
                      height_m=np.nan_to_num(height[rows], nan=10.0), cost=np.asarray(cost, float)[rows],
                      ids=ids[rows], excluded={k: int(v.sum()) for k, v in checks.items() if v.any()},
                      reasons=reasons)


__all__ = ["CandidateRules", "Candidates", "eligible_candidates", "pole_ids"]
