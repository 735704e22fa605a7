"""Join attributes by location: give each feature the attributes of the features of another layer it touches."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import VectorLayer
from plugins.api import (
    Algorithm,
    BoolParameter,
    ChoiceParameter,
    Context,
    Feedback,
    LayerParameter,
    OutputLayer,
    Parameter,
)
from plugins.tools.common import GROUP, chunks

PREDICATES = ("intersects", "within", "contains", "touches")
FIRST, ALL = "first match", "all matches"


class JoinByLocation(Algorithm):
    id = "tools.join_by_location"
    name = QT_TRANSLATE_NOOP("Algorithm", "Join attributes by location")
    group = GROUP
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "Copies onto each input feature the attributes of the join-layer features that satisfy the spatial "
        "relation (e.g. the district each lamp pole lies 'within'). 'first match' keeps one row per input "
        "feature (the first matching join feature in layer order) and adds 'join_count', the number of "
        "matches; 'all matches' gives one row per matching pair. Join fields whose names are already taken "
        "get the suffix '_join'."
    ))

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("input", self.tr("Input layer")),
            LayerParameter("join", self.tr("Join layer")),
            ChoiceParameter("predicate", self.tr("Input feature ... join feature"), options=PREDICATES,
                            default="intersects",
                            labels={"intersects": self.tr("intersects"), "within": self.tr("is within"),
                                    "contains": self.tr("contains"), "touches": self.tr("touches")}),
            ChoiceParameter("mode", self.tr("Matches"), options=(FIRST, ALL), default=FIRST,
                            labels={FIRST: self.tr("First match"), ALL: self.tr("All matches")}),
            BoolParameter("keep_unmatched", self.tr("Keep features without a match"), default=True),
        ]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", self.tr("Joined features"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        layer: VectorLayer = params["input"]
        join: VectorLayer = params["join"]
        if join.crs != layer.crs:
            join = join.to_crs(layer.crs)
        left_idx, right_idx = self._pairs(layer, join, params["predicate"], feedback)
        table = _renamed(join, set(layer.gdf.columns))
        if params["mode"] == FIRST:
            gdf = self._first(layer, table, left_idx, right_idx)
        else:
            gdf = self._all(layer, table, left_idx, right_idx)
        if not params["keep_unmatched"]:
            gdf = gdf[gdf["join_count"] > 0] if params["mode"] == FIRST else gdf[gdf["_matched"]]
        gdf = gdf.drop(columns=[c for c in ("_matched",) if c in gdf.columns]).reset_index(drop=True)
        matched = int(np.unique(left_idx).size)
        feedback.log(translate("Tools", "{matched} of {total} features have at least one match").format(
            matched=matched, total=len(layer)))
        return {"output": VectorLayer(gpd.GeoDataFrame(gdf, geometry=layer.gdf.geometry.name, crs=layer.crs),
                                      translate("Tools", "{layer} joined with {join}").format(layer=layer.name,
                                                                                              join=join.name)),
                "matched_features": matched, "pairs": int(len(left_idx))}

    def _pairs(self, layer: VectorLayer, join: VectorLayer, predicate: str,
               feedback: Feedback) -> tuple[np.ndarray, np.ndarray]:
        tree = shapely.STRtree(join.gdf.geometry.to_numpy())
        geometries = layer.gdf.geometry.to_numpy()
        lefts, rights = [], []
        for part in chunks(len(geometries), feedback):
            pairs = tree.query(geometries[part], predicate=predicate)
            lefts.append(pairs[0] + part.start)
            rights.append(pairs[1])
        if not lefts:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        left, right = np.concatenate(lefts), np.concatenate(rights)
        order = np.lexsort((right, left))
        return left[order], right[order]

    def _first(self, layer: VectorLayer, table: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> pd.DataFrame:
        count = np.bincount(left, minlength=len(layer))
        first = np.full(len(layer), -1)
        starts = np.flatnonzero(np.r_[True, left[1:] != left[:-1]]) if len(left) else np.empty(0, int)
        first[left[starts]] = right[starts]
        joined = table.reindex(first).reset_index(drop=True)
        base = layer.gdf.reset_index(drop=True)
        out = pd.concat([base, joined], axis=1)
        out["join_count"] = count
        return out

    def _all(self, layer: VectorLayer, table: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> pd.DataFrame:
        unmatched = np.setdiff1d(np.arange(len(layer)), left)
        rows = np.concatenate([left, unmatched])
        partners = np.concatenate([right, np.full(len(unmatched), -1)])
        order = np.lexsort((partners, rows))
        rows, partners = rows[order], partners[order]
        base = layer.gdf.reset_index(drop=True).iloc[rows].reset_index(drop=True)
        joined = table.reindex(partners).reset_index(drop=True)
        out = pd.concat([base, joined], axis=1)
        out["_matched"] = partners >= 0
        return out


def _renamed(join: VectorLayer, taken: set[str]) -> pd.DataFrame:
    """The join layer's attributes (no geometry), names already used by the input suffixed with '_join'."""
    table = pd.DataFrame(join.gdf.drop(columns=join.gdf.geometry.name)).reset_index(drop=True)
    return table.rename(columns={c: f"{c}_join" for c in table.columns if c in taken or c == "join_count"})
