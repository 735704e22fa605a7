"""Project: ordered layers with events, and the one-file workspace that survives failed saves."""

import json
import os
import zipfile

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from layers import LayerError, Project, RasterLayer, VectorLayer


def _layer(name="poles", n=3, crs=32649):
    gdf = gpd.GeoDataFrame({"pole_id": [f"P{i}" for i in range(n)], "height_m": np.arange(n, dtype=float) + 8},
                           geometry=[shapely.Point(760000 + 10 * i, 2560000) for i in range(n)], crs=crs)
    return VectorLayer(gdf, name, kind="lamp_poles")


def test_add_move_remove_emit_events_in_order():
    project = Project()
    events = []
    project.events.connect(lambda e: events.append((e.type, e.index)))
    a = project.add_layer(_layer("a"))
    b = project.add_layer(_layer("b"))
    project.move_layer(b, 0)
    a.visible = False
    project.remove_layer("a")
    assert events == [("crs", None), ("added", 0), ("added", 1), ("moved", 0), ("changed", None), ("removed", 1)]
    assert [layer.name for layer in project] == ["b"]


def test_first_layer_sets_project_crs_and_duplicate_names_are_suffixed():
    project = Project()
    project.add_layer(_layer("poles"))
    second = project.add_layer(_layer("poles", crs=4326))
    assert project.crs.to_epsg() == 32649
    assert second.name == "poles (2)"


def test_full_extent_is_in_project_crs():
    project = Project(32649)
    project.add_layer(_layer("utm"))
    wgs = _layer("wgs").to_crs(4326)
    project.add_layer(wgs)
    minx, miny, maxx, maxy = project.full_extent()
    # The WGS84 box transformed back covers the points (a rotated box grows a little, never shrinks).
    assert minx <= 760000 <= minx + 1 and maxx - 1 <= 760020 <= maxx
    assert miny <= 2560000 <= miny + 1 and maxy - 1 <= 2560000 <= maxy


def test_save_and_reload_keeps_order_state_history_and_data(tmp_path):
    source = tmp_path / "poles.gpkg"
    pyogrio.write_dataframe(_layer().gdf, source, layer="poles")
    project = Project(32649, title="Tianhe rollout")
    linked = VectorLayer(pyogrio.read_dataframe(source), "linked", source=str(source), kind="lamp_poles")
    linked.metadata["source_layer"] = "poles"
    project.add_layer(linked)
    result = project.add_layer(_layer("mclp result"))
    result.opacity = 0.5
    raster = project.add_layer(RasterLayer(np.full((4, 4), 2.5, "float32"), (5, 0, 760000, 0, -5, 2560020), 32649,
                                           name="rsrp", nodata=-999))
    raster.visible = False
    project.view_extent = (760000, 2559990, 760030, 2560030)
    project.record_run({"algorithm": "siting.mclp", "parameters": {"k": 5}})
    path = project.save(tmp_path / "rollout.lamp")

    reopened = Project.load(path)
    assert reopened.title == "Tianhe rollout"
    assert [layer.name for layer in reopened] == ["linked", "mclp result", "rsrp"]
    assert reopened.layer("mclp result").opacity == 0.5
    assert reopened.layer("rsrp").visible is False
    np.testing.assert_array_equal(reopened.layer("rsrp").data, raster.data)
    assert list(reopened.layer("mclp result").gdf["pole_id"]) == ["P0", "P1", "P2"]
    assert reopened.view_extent == (760000, 2559990, 760030, 2560030)
    assert reopened.history == [{"algorithm": "siting.mclp", "parameters": {"k": 5}}]
    with zipfile.ZipFile(path) as archive:  # the linked layer is referenced, not copied
        members = archive.namelist()
    assert len([m for m in members if m.startswith("data/")]) == 2


def test_failed_save_leaves_previous_file_intact(tmp_path):
    project = Project(32649)
    project.add_layer(_layer("good"))
    path = project.save(tmp_path / "p.lamp")
    before = path.read_bytes()

    class Unsavable:
        def to_dict(self):
            raise RuntimeError("disk full")

    project.layer("good").style = Unsavable()
    with pytest.raises(LayerError, match="previous file is unchanged"):
        project.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.lamp"]  # no temp file left behind


def test_missing_linked_file_is_reported_and_other_layers_still_load(tmp_path):
    source = tmp_path / "poles.gpkg"
    pyogrio.write_dataframe(_layer().gdf, source, layer="poles")
    project = Project(32649)
    linked = project.add_layer(VectorLayer(pyogrio.read_dataframe(source), "linked", source=str(source)))
    linked.metadata["source_layer"] = "poles"
    project.add_layer(_layer("embedded"))
    path = project.save(tmp_path / "p.lamp")
    source.unlink()
    reopened = Project.load(path)
    assert [layer.name for layer in reopened] == ["embedded"]
    assert len(reopened.load_problems) == 1 and "poles.gpkg" in reopened.load_problems[0]


def _linked(project: Project, source, name: str = "linked") -> VectorLayer:
    layer = project.add_layer(VectorLayer(pyogrio.read_dataframe(source), name, source=str(source)))
    layer.metadata["source_layer"] = "poles"
    return layer


def test_a_layer_whose_file_is_missing_survives_a_save_and_returns_with_its_file(tmp_path):
    """A moved data folder or an unmounted drive must not cost the user the layer when they save meanwhile."""
    data = tmp_path / "data"
    data.mkdir()
    source = data / "poles.gpkg"
    pyogrio.write_dataframe(_layer().gdf, source, layer="poles")
    project = Project(32649)
    project.add_layer(_layer("bottom"))
    linked = _linked(project, source)
    linked.opacity, linked.visible = 0.4, False
    project.add_layer(_layer("top"))
    path = project.save(tmp_path / "p.lamp")
    parked = tmp_path / "parked.gpkg"
    source.rename(parked)

    opened = Project.load(path)
    assert [layer.name for layer in opened] == ["bottom", "top"]
    assert len(opened.unavailable) == 1 and "poles.gpkg: layer 'linked': linked data file is missing" in \
        opened.load_problems[0]
    opened.remove_layer("top")
    opened.add_layer(_layer("new"))
    (tmp_path / "elsewhere").mkdir()
    moved = opened.save(tmp_path / "elsewhere" / "p2.lamp")     # Save As into another folder
    stored = json.loads(zipfile.ZipFile(moved).read("project.json"))["layers"]
    assert [entry["name"] for entry in stored] == ["bottom", "linked", "new"]
    assert stored[1]["data"]["path"] == "../data/poles.gpkg"     # relative to the new project file

    parked.rename(source)
    back = Project.load(moved)
    assert [layer.name for layer in back] == ["bottom", "linked", "new"] and back.load_problems == []
    restored = back.layer("linked")
    assert (restored.opacity, restored.visible, len(restored.gdf)) == (0.4, False, 3)


def test_a_layer_gone_from_its_file_is_kept_too(tmp_path):
    """Someone renamed the layer inside the shared GeoPackage: the project keeps the link until it is fixed."""
    source = tmp_path / "poles.gpkg"
    pyogrio.write_dataframe(_layer().gdf, source, layer="poles")
    pyogrio.write_dataframe(_layer().gdf, source, layer="other")
    project = Project(32649)
    _linked(project, source)
    path = project.save(tmp_path / "p.lamp")
    source.unlink()
    pyogrio.write_dataframe(_layer().gdf, source, layer="renamed")
    pyogrio.write_dataframe(_layer().gdf, source, layer="other")
    opened = Project.load(path)
    assert len(opened) == 0 and "no layer named 'poles'" in opened.load_problems[0]
    opened.save()
    pyogrio.write_dataframe(_layer().gdf, source, layer="poles")
    assert [layer.name for layer in Project.load(path)] == ["linked"]


def test_relink_finds_moved_files_by_name_and_restores_the_layers_in_place(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new" / "gis"
    old.mkdir()
    new.mkdir(parents=True)
    for name in ("poles", "masts"):
        pyogrio.write_dataframe(_layer().gdf, old / f"{name}.gpkg", layer="poles")
    project = Project(32649)
    project.add_layer(_layer("bottom"))
    _linked(project, old / "poles.gpkg", "poles").opacity = 0.3
    _linked(project, old / "masts.gpkg", "masts")
    project.add_layer(_layer("top"))
    path = project.save(tmp_path / "p.lamp")
    (old / "poles.gpkg").rename(new / "poles.gpkg")      # moved; masts.gpkg is gone
    (old / "masts.gpkg").unlink()

    opened = Project.load(path)
    restored, problems = opened.relink(tmp_path / "new")  # found one folder down
    assert [layer.name for layer in restored] == ["poles"] and restored[0].opacity == 0.3
    assert [layer.name for layer in opened] == ["bottom", "poles", "top"]
    assert problems == [f"masts.gpkg: layer 'masts': not found in {tmp_path / 'new'}"]
    opened.save()
    stored = json.loads(zipfile.ZipFile(path).read("project.json"))["layers"]
    assert [(entry["name"], entry["data"].get("path")) for entry in stored] == [
        ("bottom", None), ("poles", "new/gis/poles.gpkg"), ("masts", "old/masts.gpkg"), ("top", None)]


def test_a_missing_layer_added_again_by_hand_is_not_saved_twice(tmp_path):
    source = tmp_path / "poles.gpkg"
    pyogrio.write_dataframe(_layer().gdf, source, layer="poles")
    project = Project(32649)
    _linked(project, source)
    path = project.save(tmp_path / "p.lamp")
    source.rename(tmp_path / "parked.gpkg")
    opened = Project.load(path)
    (tmp_path / "parked.gpkg").rename(source)
    _linked(opened, source, "added again")
    opened.save()
    assert [layer.name for layer in Project.load(path)] == ["added again"]


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_opening_a_damaged_project_names_the_file(tmp_path, content):
    path = tmp_path / "damaged.lamp"
    path.write_bytes(content)
    with pytest.raises(LayerError, match="damaged.lamp"):
        Project.load(path)


def test_saved_project_keeps_the_permissions_colleagues_need(tmp_path):
    project = Project(32649)
    project.add_layer(_layer("poles"))
    path = project.save(tmp_path / "shared.lamp")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o640)
    project.save(path)
    assert path.stat().st_mode & 0o777 == 0o640


def _rewrite_manifest(path, change):
    """Edit project.json inside a saved project, as a colleague editing it by hand would."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["project.json"])
    change(manifest)
    members["project.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def test_a_hand_damaged_layer_entry_is_skipped_with_its_name(tmp_path):
    project = Project(32649)
    project.add_layer(_layer("good"))
    project.add_layer(_layer("bad style"))
    path = project.save(tmp_path / "p.lamp")

    def damage(manifest):
        manifest["layers"][1]["style"] = {"type": "SingleSymbol", "symbol": {"fill": "#ff0000", "glow": 3}}

    _rewrite_manifest(path, damage)
    reopened = Project.load(path)
    assert [layer.name for layer in reopened] == ["good"]
    assert len(reopened.load_problems) == 1
    assert reopened.load_problems[0].startswith(f"{path}: layer 'bad style': could not be restored from project.json")


def test_a_damaged_project_crs_names_the_file(tmp_path):
    project = Project(32649)
    project.add_layer(_layer("poles"))
    path = project.save(tmp_path / "p.lamp")
    _rewrite_manifest(path, lambda manifest: manifest.update(crs="EPSG:nonsense"))
    with pytest.raises(LayerError, match=r"p\.lamp: the project CRS in project.json is damaged: unknown coordinate"):
        Project.load(path)
