"""The decision command: written as one undoable step, adding the text field when missing; a decision field that
cannot hold text is refused naming the field; the siting algorithm reads what it wrote."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import LayerError, VectorLayer
from layers.pole_decisions import APPROVED, REJECTED, DecidePoles
from plugins.siting.algorithm import SitingAlgorithm
from plugins.siting.candidates import CandidateRules, eligible_candidates


def poles(**extra) -> VectorLayer:
    gdf = gpd.GeoDataFrame({"pole_id": [f"P{i}" for i in range(6)], "height_m": 10.0, **extra},
                           geometry=shapely.points(np.arange(6) * 100.0, np.zeros(6)), crs=32649)
    return VectorLayer(gdf, "poles", kind="lamp_poles")


def test_lock_then_exclude_then_undo_restores_the_layer_exactly():
    layer = poles()
    before = layer.gdf.copy()
    lock = DecidePoles(layer, [0, 2], APPROVED)
    lock.apply()
    exclude = DecidePoles(layer, [2, 5], REJECTED)
    exclude.apply()
    assert layer.gdf["decision"].tolist() == ["approved", None, "rejected", None, None, "rejected"]
    assert exclude.description == "Exclude 2 pole(s) in 'poles'"
    exclude.revert()
    assert layer.gdf["decision"].tolist() == ["approved", None, "approved", None, None, None]
    lock.revert()
    assert list(layer.gdf.columns) == list(before.columns) and layer.gdf.equals(before)


def test_the_siting_algorithm_reads_the_written_decisions():
    layer = poles(decision=["", "批准", "", "", "", ""])
    DecidePoles(layer, [3], APPROVED).apply()
    DecidePoles(layer, [1], None).apply()          # cleared: no longer locked
    DecidePoles(layer, [4], REJECTED).apply()
    candidates = eligible_candidates(layer, CandidateRules())
    params = {"locked": None, "excluded": None, "decision_field": "decision", "locked_values": "approved",
              "excluded_values": "rejected", "locked_layer": None, "excluded_layer": None, "frozen_plan": None,
              "match_by": "id", "match_distance": 1.0, "frozen_phases": 1}
    decided = SitingAlgorithm.decisions(params, candidates)
    assert candidates.ids[decided.locked].tolist() == ["P3"] and candidates.ids[decided.excluded].tolist() == ["P4"]


def test_a_numeric_decision_field_is_refused_naming_it():
    layer = poles(decision=np.zeros(6))
    with pytest.raises(LayerError, match="decision"):
        DecidePoles(layer, [1], APPROVED)
    assert (layer.gdf["decision"] == 0).all()
