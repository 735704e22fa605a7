"""Undoable edits without a display: every command reverts to the exact frame, bad values are refused by field,
and undo memory grows with the edits, not with the layer."""

from __future__ import annotations

import gc
import tracemalloc

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal

from layers import LayerError, Project, VectorLayer
from layers.edit_values import new_feature_values, next_id
from layers.edits import (
    AddFeature,
    AddField,
    AddLayers,
    CalculateField,
    ChangeStyle,
    CommandGroup,
    DeleteFeatures,
    DeleteField,
    MoveFeature,
    MoveLayer,
    RemoveLayer,
    RenameField,
    RenameLayer,
    SetAttributeValues,
)
from layers.kinds import validate
from layers.styles import SingleSymbol, Symbol

STATUSES = ["active", "planned", "faulty", "removed"]


def poles(n: int = 12, seed: int = 1) -> VectorLayer:
    """Lamp poles validated against the kind, as the readers deliver them (object ids, bool, int64 capacity)."""
    rng = np.random.default_rng(seed)
    gdf = gpd.GeoDataFrame({
        "pole_id": [f"TH-{i + 1:06d}" for i in range(n)],
        "height_m": rng.uniform(8, 16, n).round(1),
        "has_power": rng.random(n) > 0.3,
        "capacity": rng.integers(2, 6, n),
        "status": [STATUSES[i % 4] for i in range(n)],
        "note": [f"n{i}" for i in range(n)],
    }, geometry=shapely.points(760_000 + 25.0 * np.arange(n), 2_560_000 + 10.0 * (np.arange(n) % 3)), crs=32649)
    gdf, _ = validate(gdf, "lamp_poles")
    return VectorLayer(gdf, "lamp_poles", kind="lamp_poles")


COMMANDS = {
    "one cell": lambda layer: SetAttributeValues(layer, [3], "status", ["planned"]),
    "many cells": lambda layer: SetAttributeValues(layer, [0, 4, 7], "height_m", ["9.5", 11, 12.25]),
    "empty int cell": lambda layer: SetAttributeValues(layer, [2], "capacity", [None]),
    "empty bool cell": lambda layer: SetAttributeValues(layer, [2, 5], "has_power", [None, "yes"]),
    "add feature": lambda layer: AddFeature(layer, shapely.Point(760_100, 2_560_050), {"status": "planned"}),
    "move": lambda layer: MoveFeature(layer, 5, shapely.Point(760_333, 2_560_444)),
    "delete": lambda layer: DeleteFeatures(layer, [0, 5, 6, 11]),
    "add field": lambda layer: AddField(layer, "survey", "integer"),
    "delete field": lambda layer: DeleteField(layer, "note"),
    "rename field": lambda layer: RenameField(layer, "note", "remark"),
    "calculate": lambda layer: CalculateField(layer, "height_m", [1, 2], [3.5, 4.5]),
    "calculate new field": lambda layer: CalculateField(layer, "double", range(12), list(range(12)), "integer"),
    "group": lambda layer: CommandGroup("two", [SetAttributeValues(layer, [1], "status", "faulty"),
                                                SetAttributeValues(layer, [1], "capacity", 5)]),
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_apply_then_revert_restores_the_exact_frame_and_redo_repeats_the_change(name):
    layer = poles()
    layer.selection = {1, 6, 8}
    original, selection = layer.gdf.copy(deep=True), layer.selection
    command = COMMANDS[name](layer)
    command.apply()
    changed = layer.gdf.copy(deep=True)
    with pytest.raises(AssertionError):
        assert_frame_equal(changed, original)
    command.revert()
    assert_frame_equal(layer.gdf, original)
    assert layer.selection == selection
    command.apply()
    assert_frame_equal(layer.gdf, changed)
    command.revert()
    assert_frame_equal(layer.gdf, original)


def test_a_new_value_in_a_categorical_field_is_taken_and_undone_exactly():
    layer = poles()
    layer.gdf["note"] = layer.gdf["note"].astype("category")
    original = layer.gdf.copy(deep=True)
    command = SetAttributeValues(layer, [0, 1], "note", ["brand new", "n5"])
    command.apply()
    assert list(layer.gdf["note"].iloc[:2]) == ["brand new", "n5"]
    command.revert()
    assert_frame_equal(layer.gdf, original)


def test_each_command_changes_what_it_says():
    layer = poles()
    SetAttributeValues(layer, [3], "status", "Planned").apply()
    assert layer.gdf["status"].iloc[3] == "planned"  # allowed values are case-insensitive, stored lower-case
    added = AddFeature(layer, shapely.Point(1, 2))
    added.apply()
    row = layer.gdf.iloc[-1]
    assert len(layer) == 13 and row.geometry.equals(shapely.Point(1, 2))
    assert row["pole_id"] == "TH-000013" and row["height_m"] == 10.0 and row["status"] == "active"
    MoveFeature(layer, 12, shapely.Point(5, 6)).apply()
    assert layer.gdf.geometry.iloc[12].equals(shapely.Point(5, 6))
    assert list(layer.gdf.sindex.query(shapely.box(4, 5, 6, 7))) == [12]  # the spatial index follows the move
    ids = list(layer.gdf["pole_id"])
    layer.selection = {0, 2, 9}
    DeleteFeatures(layer, [1, 2]).apply()
    assert list(layer.gdf["pole_id"]) == [ids[0]] + ids[3:]
    assert layer.selection == {0, 7}  # feature 9 moved up two rows, feature 2 is gone


def test_undoing_an_added_feature_drops_it_from_the_selection():
    layer = poles()
    command = AddFeature(layer, shapely.Point(0, 0))
    command.apply()
    layer.selection = {0, 12}
    command.revert()
    assert layer.selection == {0}


def test_every_edit_emits_a_data_change_event():
    layer = poles()
    seen = []
    layer.events.connect(lambda event: seen.append(event.attribute))
    command = SetAttributeValues(layer, [0], "height_m", 12)
    command.apply()
    command.revert()
    assert seen.count("data") == 2 and layer.data_version == 2


@pytest.mark.parametrize(("field", "value", "words"), [
    ("height_m", "abc", ["height_m", "'abc'", "not a number"]),
    ("height_m", -3, ["height_m", "-3", "below 0 m"]),
    ("capacity", 2.5, ["capacity", "2.5", "whole number"]),
    ("capacity", -1, ["capacity", "-1", "below 0"]),
    ("status", "broken", ["status", "'broken'", "active"]),
    ("has_power", "maybe", ["has_power", "'maybe'", "yes or no"]),
    ("pole_id", "", ["pole_id", "needs a value"]),
    ("attachments", "cctv,laser", ["attachments", "laser", "allowed"]),
    ("missing", 1, ["missing", "no field"]),
])
def test_bad_values_are_refused_naming_the_field_and_value_and_nothing_changes(field, value, words):
    layer = poles()
    original = layer.gdf.copy(deep=True)
    with pytest.raises(LayerError) as info:
        SetAttributeValues(layer, [0], field, [value]).apply()
    message = str(info.value)
    assert "lamp_poles" in message and all(word in message for word in words), message
    assert_frame_equal(layer.gdf, original)


def test_a_new_feature_with_a_bad_value_is_refused():
    layer = poles()
    with pytest.raises(LayerError, match="height_m"):
        AddFeature(layer, shapely.Point(0, 0), {"height_m": "tall"})
    assert len(layer) == 12


def test_schema_fields_cannot_be_deleted_or_renamed_and_names_are_checked():
    layer = poles()
    with pytest.raises(LayerError, match="height_m.*lamp_poles"):
        DeleteField(layer, "height_m")
    with pytest.raises(LayerError, match="status"):
        RenameField(layer, "status", "state")
    with pytest.raises(LayerError, match="already has a field 'status'"):
        AddField(layer, "status")
    with pytest.raises(LayerError, match="already has a field 'note'"):
        RenameField(layer, "note", "note")


def test_next_id_continues_the_layers_own_pattern():
    assert next_id(pd.Series(["TH-000009", "TH-000010", None]), "poles") == "TH-000011"
    assert next_id(pd.Series(["a", "b"]), "poles") == "poles-1"
    assert new_feature_values(poles(3))["pole_id"] == "TH-000004"


def test_project_commands_revert_order_names_styles_and_history():
    project = Project(32649)
    a, b, c = poles(3), poles(3, seed=2), poles(3, seed=3)
    a.name, b.name, c.name = "a", "b", "c"
    project.add_layers([a, b])

    def state():
        return [(layer.name, id(layer.style)) for layer in project], len(project.history)

    before = state()
    record = {"algorithm": "siting:mclp", "outputs": {}}
    commands = [AddLayers(project, [c]), RemoveLayer(project, a), MoveLayer(project, b, 0),
                RenameLayer(project, b, "bee"), ChangeStyle(b, SingleSymbol(Symbol())),
                AddLayers(project, [poles(2, seed=4)], record)]
    for command in commands:
        command.apply()
    assert [layer.name for layer in project] == ["bee", "c", "lamp_poles"] and project.history == [record]
    for command in reversed(commands):
        command.revert()
    assert state() == before and project.history == []
    for command in commands:  # redo
        command.apply()
    assert [layer.name for layer in project] == ["bee", "c", "lamp_poles"] and project.history == [record]


def _retained_bytes(layer: VectorLayer, edits: int) -> tuple[int, list]:
    """Bytes still allocated after ``edits`` single-cell edits whose commands are kept (as an undo stack keeps them)."""
    rng = np.random.default_rng(7)
    rows = rng.integers(0, len(layer), edits)
    values = rng.uniform(5, 20, edits).round(2)
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    stack = []
    for row, value in zip(rows, values, strict=True):
        command = SetAttributeValues(layer, [int(row)], "height_m", [float(value)])
        command.apply()
        stack.append(command)
    gc.collect()
    retained = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    return retained, stack


def test_undo_memory_of_10000_edits_grows_with_the_edits_not_the_layer():
    small, large = poles(5_000), poles(50_000)
    layer_bytes = int(large.gdf.memory_usage(deep=True).sum())
    original = large.gdf.copy(deep=True)
    retained_small, _ = _retained_bytes(small, 1_000)
    retained_large, stack = _retained_bytes(large, 10_000)
    per_edit_small, per_edit_large = retained_small / 1_000, retained_large / 10_000
    # A copy per edit would keep 10,000 layers; the deltas of 10,000 edits stay below even one copy of the layer,
    # and an edit costs the same on a layer ten times larger.
    assert retained_large < layer_bytes, (retained_large, layer_bytes)
    assert per_edit_large < 2 * per_edit_small + 200, (per_edit_small, per_edit_large)
    for command in reversed(stack):
        command.revert()
    assert_frame_equal(large.gdf, original)


def test_save_layer_edits_replaces_only_that_layer_of_the_geopackage(tmp_path):
    from layers.edit_save import snapshot, write_back
    from layers.io import open_layers, write_layer

    path = tmp_path / "city.gpkg"
    write_layer(poles(), path, layer_name="lamp_poles")
    other = poles(4, seed=9)
    other.name = "spare"
    write_layer(other, path, layer_name="spare")
    layer = next(item for item in open_layers(path) if item.name == "lamp_poles")
    SetAttributeValues(layer, [2], "status", "faulty").apply()
    AddFeature(layer, shapely.Point(760_010, 2_560_020), {"height_m": 7}).apply()
    DeleteFeatures(layer, [0]).apply()
    write_back(snapshot(layer))
    reread = {item.name: item for item in open_layers(path)}
    assert list(reread["lamp_poles"].gdf["pole_id"]) == list(layer.gdf["pole_id"])
    assert list(reread["lamp_poles"].gdf["status"]) == list(layer.gdf["status"])
    assert reread["lamp_poles"].gdf.geometry.iloc[-1].equals(shapely.Point(760_010, 2_560_020))
    assert list(reread["spare"].gdf["pole_id"]) == list(other.gdf["pole_id"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_save_layer_edits_refuses_formats_it_cannot_replace_whole_and_leaves_them_alone(tmp_path):
    from layers.edit_save import write_back

    path = tmp_path / "poles.shp"
    layer = poles()
    layer.gdf[["pole_id", "geometry"]].to_file(path)
    before = path.read_bytes()
    layer.source = str(path)
    with pytest.raises(LayerError, match=r"poles\.shp.*Save Features As"):
        write_back(layer)
    assert path.read_bytes() == before
    layer.source = None
    with pytest.raises(LayerError, match="saved with the project"):
        write_back(layer)
