"""Which lamp poles may carry a micro-station, and what each would cost.

A pole is eligible when it is in service (active; planned too if asked), has power (if required), stands
within the height range, still has a free attachment slot and carries no 5G equipment yet, and lies outside
every keep-out buffer (e.g. 100 m around schools). Each exclusion reason is counted separately so the
planner sees why poles dropped out. Cost is a field of the layer, or a base cost plus a surcharge for poles
without power (a new feed has to be dug).

Example::

    rules = CandidateRules(min_height_m=8, keepout=schools, keepout_distance_m=100)
    candidates = eligible_candidates(poles_layer, rules)
    candidates.xy, candidates.cost, candidates.excluded
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from layers.errors import LayerError
from layers.layer import VectorLayer


@dataclass
class CandidateRules:
    """Eligibility and cost rules for candidate poles."""

    min_height_m: float = 6.0
    max_height_m: float = 30.0
    include_planned: bool = False
    require_power: bool = False
    keepout: VectorLayer | None = None
    keepout_distance_m: float = 50.0
    base_cost: float = 1.0
    no_power_cost: float = 0.5
    cost_field: str | None = None


@dataclass
class Candidates:
    """The eligible poles: their rows in the input layer, locations, heights, costs and ids."""

    layer: VectorLayer
    rows: np.ndarray
    xy: np.ndarray
    height_m: np.ndarray
    cost: np.ndarray
    ids: np.ndarray
    excluded: dict[str, int] = field(default_factory=dict)

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
        raise LayerError(layer.source, f"has no cost field '{rules.cost_field}'", layer=layer.name)
    cost = pd.to_numeric(layer.gdf[rules.cost_field], errors="coerce").to_numpy(float)
    bad = ~(np.isfinite(cost) & (cost > 0))
    if bad.any():
        rows = ", ".join(f"#{i + 1}" for i in np.flatnonzero(bad)[:8])
        raise LayerError(layer.source, f"cost field '{rules.cost_field}': {int(bad.sum())} poles have no positive "
                                       f"cost (features {rows})", layer=layer.name)
    return cost


def eligible_candidates(layer: VectorLayer, rules: CandidateRules) -> Candidates:
    """Apply ``rules`` to a lamp_poles layer (point geometries in a metric CRS)."""
    gdf = layer.gdf
    if rules.min_height_m > rules.max_height_m:
        raise ValueError(f"minimum pole height {rules.min_height_m:g} m is above the maximum "
                         f"{rules.max_height_m:g} m")
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
    checks = {
        "no location": ~(np.isfinite(xs) & np.isfinite(ys)),
        "out of service": ~np.isin(status, list(allowed_status)),
        "no power": ~powered if rules.require_power else np.zeros(len(gdf), bool),
        "too low": ~(height >= rules.min_height_m),
        "too high": height > rules.max_height_m,
        "carries 5G already": has_5g,
        "no free attachment slot": in_use >= capacity,
    }
    if rules.keepout is not None and len(rules.keepout.gdf):
        near = np.zeros(len(gdf), bool)
        ok = ~checks["no location"]
        tree = shapely.STRtree(rules.keepout.gdf.geometry.to_numpy())
        hits, _ = tree.query(shapely.points(xs[ok], ys[ok]), predicate="dwithin",
                             distance=float(rules.keepout_distance_m))
        near[np.flatnonzero(ok)[np.unique(hits)]] = True
        checks[f"within {rules.keepout_distance_m:g} m of {rules.keepout.name}"] = near
    bad = np.zeros(len(gdf), bool)
    for mask in checks.values():
        bad |= mask
    rows = np.flatnonzero(~bad)
    cost = _costs(layer, rules, powered)
    id_column = "pole_id" if "pole_id" in gdf.columns else None
    ids = gdf[id_column].astype(str).to_numpy() if id_column else np.array([f"#{i + 1}" for i in range(len(gdf))])
    return Candidates(layer=layer, rows=rows, xy=np.column_stack([xs[rows], ys[rows]]),
                      height_m=np.nan_to_num(height[rows], nan=10.0), cost=np.asarray(cost, float)[rows],
                      ids=ids[rows].astype(object), excluded={k: int(v.sum()) for k, v in checks.items() if v.any()})


__all__ = ["CandidateRules", "Candidates", "eligible_candidates"]
