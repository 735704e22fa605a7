"""Project archives from others: every damaged, hostile or oversized .lamp is refused with a message naming the
file and what is wrong (a JSON path for a bad value), before anything is extracted or used; nothing else escapes.

The archives are real zips: saved by Lamplight and then edited as a hand or a tool would, or built byte by byte
where only a forged zip directory can say what is tested (a member claiming gigabytes).
"""

from __future__ import annotations

import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layers import LayerError, Project, RasterLayer, VectorLayer
from layers.project_archive import MAX_JSON_DEPTH, MAX_MANIFEST_BYTES, MAX_MEMBER_BYTES, too_deep

REPO = Path(__file__).resolve().parents[2]


def _poles(n: int = 3) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"pole_id": [f"P{i}" for i in range(n)], "height_m": np.arange(n, dtype=float) + 8},
                            geometry=[shapely.Point(760000 + 10 * i, 2560000) for i in range(n)], crs=32649)


@pytest.fixture
def saved(tmp_path) -> Path:
    """A project with a linked GeoPackage layer, an embedded vector layer and an embedded raster."""
    source = tmp_path / "poles.gpkg"
    pyogrio.write_dataframe(_poles(), source, layer="poles")
    project = Project(32649, title="Tianhe")
    linked = project.add_layer(VectorLayer(pyogrio.read_dataframe(source), "linked", source=str(source)))
    linked.metadata["source_layer"] = "poles"
    project.add_layer(VectorLayer(_poles(), "result", kind="lamp_poles"))
    project.add_layer(RasterLayer(np.full((4, 4), 2.5, "float32"), (5, 0, 760000, 0, -5, 2560020), 32649,
                                  name="rsrp"))
    project.record_run({"algorithm": "siting.mclp", "parameters": {"k": 5}})
    return project.save(tmp_path / "plan.lamp")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _edit(path: Path, change) -> Path:
    members = _members(path)
    manifest = json.loads(members["project.json"])
    change(manifest)
    members["project.json"] = json.dumps(manifest).encode()
    return _rewrite(path, members)


def _set(*keys, value):
    def change(manifest):
        target = manifest
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return change


# -- the whole file is refused --------------------------------------------------------------------------------
@pytest.mark.parametrize(("change", "expected"), [
    (_set("version", value="2"), "version should be a format version number such as 1, not \"2\""),
    (_set("version", value=0), "version should be a format version number such as 1, not 0"),
    (_set("layers", value=5), "layers should be a list of at most 10,000 layer entries, not 5"),
    (_set("layers", value=[5]), "layers[0] should be a layer entry"),
    (_set("history", value=5), "history should be a list of at most 20,000 run records, not 5"),
    (_set("history", value=[{"algorithm": "siting.mclp"}] * 20_001),
     "history should be a list of at most 20,000 run records, not a list of 20,001 values"),
    (_set("history", value=[{"parameters": {}}]), "history[0] lacks 'algorithm'"),
    (_set("history", value=[{"algorithm": "siting.mclp", "outputs": {"sites": "x"}}]),
     "history[0].outputs.sites should be a group of settings, not \"x\""),
    (_set("history", value=[{"algorithm": "siting.mclp", "started": 1733540000}]),
     "history[0].started should be a text of at most 1,000 characters, not 1733540000"),
    (_set("view_extent", value=[1, 2]), "view_extent should be 4 numbers: west, south, east, north, not [1, 2]"),
    (_set("view_extent", value=[0, 0, math.nan, 1]), "view_extent[2] should be a coordinate (a finite number), "
                                                      "not NaN"),
    (_set("view_extent", value=[0, 0, 1e300, 1]), "view_extent[2] should be a coordinate (a finite number)"),
    (_set("view_extent", value=[0, 0, "1", 1]), "view_extent[2] should be a coordinate (a finite number), not \"1\""),
    (_set("title", value=42), "title should be a text of at most 1,000 characters, not 42"),
    (_set("title", value="x" * 5000), "title should be a text of at most 1,000 characters, not a text of 5,000 "
                                      "characters"),
    (_set("crs", value=["EPSG", 32649]), "crs should be a text of at most 100,000 characters, not [\"EPSG\", 32649]"),
])
def test_a_bad_value_refuses_the_file_naming_where_it_is(saved, change, expected):
    _edit(saved, change)
    with pytest.raises(LayerError) as raised:
        Project.load(saved)
    assert str(raised.value).startswith(f"{saved}: project.json cannot be used: ")
    assert expected in str(raised.value)


@pytest.mark.parametrize("manifest", [b"[]", b"5", b"null", b'{"format": "qgis"}', b'{"version": 1}'])
def test_json_that_is_not_a_project_is_refused(saved, manifest):
    _rewrite(saved, {**_members(saved), "project.json": manifest})
    with pytest.raises(LayerError, match=r"plan\.lamp: is not a Lamplight project file \(unknown format\)"):
        Project.load(saved)


@pytest.mark.parametrize("manifest", [b"", b"{", b"\xff\xfe\x00garbage", b'{"format": "lamplight-project", "version": '
                                      + b"9" * 5000 + b"}"])
def test_unreadable_json_is_refused(saved, manifest):
    _rewrite(saved, {**_members(saved), "project.json": manifest})
    with pytest.raises(LayerError, match=r"plan\.lamp: project\.json is damaged"):
        Project.load(saved)


def test_a_project_from_a_newer_lamplight_says_so(saved):
    _edit(saved, _set("version", value=2))
    with pytest.raises(LayerError, match=r"plan\.lamp: was made by a newer Lamplight \(format version 2; this one "
                                         r"reads up to 1\); update Lamplight to open it"):
        Project.load(saved)


def test_deep_nesting_is_refused_before_parsing(saved):
    deep = b"[" * 100_000 + b"]" * 100_000
    text = _members(saved)["project.json"].replace(b'"history": [', b'"history": [' + deep + b", ", 1)
    _rewrite(saved, {**_members(saved), "project.json": text})
    with pytest.raises(LayerError, match=f"nests values more than {MAX_JSON_DEPTH} levels deep"):
        Project.load(saved)


def test_brackets_inside_texts_are_not_nesting(saved):
    note = "[{" * 20_000 + '\\"]' * 100     # 40,000 brackets and escaped quotes inside one string
    _edit(saved, lambda manifest: manifest["layers"][1]["metadata"]["notes"].append(note))
    assert Project.load(saved).layer("result").notes[-1] == note


def test_depth_count_matches_the_parsed_structure():
    """Against Python's own parser on nested values with brackets, quotes and backslashes inside strings."""
    def depth(value):
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        return 0 if children is None else 1 + max((depth(child) for child in children), default=0)

    texts = st.lists(st.sampled_from(["[", "]", "{", "}", '"', "\\", "x"]), max_size=6).map("".join)
    values = st.recursive(st.none() | st.integers() | texts,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                          max_leaves=30)

    @settings(max_examples=300, derandomize=True, deadline=None)
    @given(values, st.integers(0, 8))
    def check(value, limit):
        assert too_deep(json.dumps(value).encode(), limit) == (depth(value) > limit)

    check()


def test_an_oversized_project_json_is_refused_from_the_directory(saved):
    padding = b" " * (MAX_MANIFEST_BYTES + 1)
    _rewrite(saved, {**_members(saved), "project.json": b"{" + padding + b"}"})
    with pytest.raises(LayerError, match=r"plan\.lamp: project\.json is 32\.0 MiB; a project's settings take at "
                                         r"most 32\.0 MiB"):
        Project.load(saved)


# -- zip bombs and forged directories ----------------------------------------------------------------------------
def _forge_sizes(path: Path, member: str, *, compressed: int | None = None, uncompressed: int) -> None:
    """Make the central directory claim other sizes for ``member`` (what a crafted archive does)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == name:
            if compressed is not None:
                struct.pack_into("<I", data, at + 20, compressed)
            struct.pack_into("<I", data, at + 24, uncompressed)
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member} not in the central directory")


def test_a_zip_bomb_is_refused_before_anything_is_extracted(saved):
    zeros = bytes(24 * 2**20)      # 24 MiB of zeros deflate about 1,000 times
    members = _members(saved)
    embedded = next(name for name in members if name.endswith(".gpkg"))
    _rewrite(saved, {**members, embedded: zeros})
    with pytest.raises(LayerError, match=rf"plan\.lamp: '{embedded}' would unpack from [\d.]+ KiB to 24\.0 MiB "
                                         r"\(\d[\d,]* times\); real project data never compresses more than 200 "
                                         r"times, so the file was not opened"):
        Project.load(saved)


def test_a_member_claiming_gigabytes_is_refused(saved):
    embedded = next(name for name in _members(saved) if name.endswith(".tif"))
    _forge_sizes(saved, embedded, compressed=3 * 2**30, uncompressed=3 * 2**30)
    with pytest.raises(LayerError, match=rf"'{embedded}' would unpack to 3\.0 GiB, more than the 2\.0 GiB a project "
                                         "file may hold"):
        Project.load(saved)


def test_members_adding_up_to_too_much_are_refused(saved):
    members = _members(saved)
    names = [f"data/filler{i}.bin" for i in range(3)]
    _rewrite(saved, {**members, **{name: b"x" for name in names}})
    for name in names:
        _forge_sizes(saved, name, compressed=MAX_MEMBER_BYTES - 1, uncompressed=MAX_MEMBER_BYTES - 1)
    with pytest.raises(LayerError, match=r"would unpack to 6\.0 GiB in all, more than the 4\.0 GiB a project file "
                                         "may hold"):
        Project.load(saved)


def test_a_member_longer_than_its_directory_says_is_refused(saved):
    members = _members(saved)
    embedded = next(name for name in members if name.endswith(".gpkg"))
    _forge_sizes(saved, embedded, uncompressed=100)
    reopened = Project.load(saved)
    assert "result" not in [layer.name for layer in reopened]
    assert any(f"'{embedded}'" in problem and "damaged" in problem for problem in reopened.load_problems)


@pytest.mark.parametrize("name", ["../escaped.txt", "data/../../escaped.txt", "/tmp/escaped.txt", "C:/escaped.txt",
                                  "..\\escaped.txt"])
def test_member_names_pointing_outside_are_refused(saved, name):
    _rewrite(saved, {**_members(saved), name: b"owned"})
    with pytest.raises(LayerError, match=r"holds a file named '.*escaped\.txt', which points outside the project"):
        Project.load(saved)
    assert not (saved.parent.parent / "escaped.txt").exists()


def test_a_link_inside_the_archive_is_refused(saved):
    members = _members(saved)
    with zipfile.ZipFile(saved, "a") as archive:
        link = zipfile.ZipInfo("data/passwd.gpkg")
        link.external_attr = (0o120777 << 16)   # a symbolic link, as zip -y stores one
        archive.writestr(link, "/etc/passwd")
    assert len(_members(saved)) == len(members) + 1
    with pytest.raises(LayerError, match=r"holds a link 'data/passwd\.gpkg'; a project holds only files"):
        Project.load(saved)


def test_two_members_of_one_name_are_refused(saved):
    with zipfile.ZipFile(saved, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("project.json", b"{}")
    with pytest.raises(LayerError, match="holds two files named 'project.json'"):
        Project.load(saved)


def test_an_encrypted_member_is_refused(saved):
    data = bytearray(saved.read_bytes())
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, at + 8, struct.unpack_from("<H", data, at + 8)[0] | 0x1)
    saved.write_bytes(bytes(data))
    with pytest.raises(LayerError, match="is encrypted; Lamplight projects never are"):
        Project.load(saved)


# -- one bad layer entry costs only that layer -----------------------------------------------------------------------
@pytest.mark.parametrize(("key", "value", "expected"), [
    ("name", 42, "layers[1].name should be a text of at most 1,000 characters, not 42"),
    ("opacity", "high", "layers[1].opacity should be a number from 0 to 1, not \"high\""),
    ("opacity", 1.5, "layers[1].opacity should be a number from 0 to 1, not 1.5"),
    ("visible", "yes", "layers[1].visible should be true or false, not \"yes\""),
    ("kind", "pylons", "layers[1].kind should be empty or one of the layer kinds: lamp_poles,"),
    ("id", None, "layers[1].id should be a layer id (a short text), not null"),
    ("metadata", {"notes": "checked"}, "layers[1].metadata.notes should be a list of at most 10,000 texts"),
    ("data", {"type": "url", "path": "http://example.com/x.gpkg"}, "layers[1].data.type should be 'file' or "
                                                                    "'embedded', not \"url\""),
    ("data", {"type": "embedded", "member": "../../etc/passwd"}, "layers[1].data.member should be a data file of "
                                                                  "the project, such as data/roads.gpkg"),
    ("data", {"type": "embedded"}, "layers[1].data lacks 'member'"),
    ("data", {"type": "file", "path": "poles.gpkg", "options": {"kind": "roads"}},
     "layers[1].data.options has a setting Lamplight does not know: 'kind'"),
])
def test_a_bad_layer_entry_skips_that_layer_and_says_where(saved, key, value, expected):
    _edit(saved, _set("layers", 1, key, value=value))
    reopened = Project.load(saved)
    assert [layer.name for layer in reopened] == ["linked", "rsrp"]
    assert len(reopened.load_problems) == 1
    assert reopened.load_problems[0].startswith(f"{saved}: ")
    assert expected in reopened.load_problems[0] and reopened.load_problems[0].endswith("; the layer was skipped")


def test_a_missing_member_skips_that_layer(saved):
    members = _members(saved)
    embedded = next(name for name in members if name.endswith(".tif"))
    _rewrite(saved, {name: content for name, content in members.items() if name != embedded})
    reopened = Project.load(saved)
    assert [layer.name for layer in reopened] == ["linked", "result"]
    assert reopened.load_problems == [f"{saved}: layer 'rsrp': the data file '{embedded}' is missing from the project"]


# -- files that are not files ------------------------------------------------------------------------------------------
def _load_in_subprocess(path: Path) -> subprocess.CompletedProcess:
    """Open ``path`` in a fresh interpreter (a FIFO bug would block forever: the timeout turns it into a failure)."""
    code = textwrap.dedent(f"""
        import json, sys
        from layers import LayerError, Project
        try:
            project = Project.load({str(path)!r})
        except LayerError as exc:
            print(json.dumps({{"error": str(exc)}}))
        else:
            print(json.dumps({{"layers": [layer.name for layer in project], "problems": project.load_problems}}))
    """)
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_linked_file_replaced_by_a_pipe_is_refused_not_waited_for(saved):
    source = saved.parent / "poles.gpkg"
    source.unlink()
    os.mkfifo(source)
    result = json.loads(_load_in_subprocess(saved).stdout)
    assert result["layers"] == ["result", "rsrp"]
    assert result["problems"] == [f"{source}: layer 'linked': is not a regular file (a folder, device or pipe)"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_project_path_that_is_a_pipe_is_refused(tmp_path):
    pipe = tmp_path / "plan.lamp"
    os.mkfifo(pipe)
    result = json.loads(_load_in_subprocess(pipe).stdout)
    assert result == {"error": f"{pipe}: is not a regular file (a folder, device or pipe); choose a project file"}


# -- saves refuse what opening would refuse --------------------------------------------------------------------------
def test_a_project_that_could_not_be_opened_again_is_not_saved(saved):
    before = saved.read_bytes()
    project = Project.load(saved)
    project.layer("result").metadata["notes"].append("x" * 200_000)
    with pytest.raises(LayerError, match=r"plan\.lamp: cannot be saved, because Lamplight would not open the "
                                         r"result: layers\[1\]\.metadata\.notes\[\d+\] should be a text of at most "
                                         r"100,000 characters.*; the previous file is unchanged"):
        project.save()
    assert saved.read_bytes() == before
    assert sorted(p.name for p in saved.parent.iterdir()) == ["plan.lamp", "poles.gpkg"]


# -- leftovers of interrupted saves ----------------------------------------------------------------------------------
_SAVE_FOREVER = """
import sys
import numpy as np
from layers import Project, RasterLayer
project = Project(32649)
rng = np.random.default_rng(0)
for i in range(3):   # noise does not compress: each save takes a while
    project.add_layer(RasterLayer(rng.random((1500, 1500), dtype="float32"), (5, 0, 760000, 0, -5, 2560020), 32649,
                                  name=f"noise {i}"))
project.save(sys.argv[1])
print("saved", flush=True)
while True:
    project.save(sys.argv[1])
"""


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


def _scratch_folders(pid: int) -> list[Path]:
    return sorted(Path(tempfile.gettempdir()).glob(f"lamplight-save-{pid}-*"))


def test_a_save_killed_midway_leaves_at_most_a_temporary_that_the_next_save_removes(tmp_path):
    target = tmp_path / "plan.lamp"
    saver = subprocess.Popen([sys.executable, "-c", _SAVE_FOREVER, str(target)], cwd=REPO, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert saver.stdout.readline().strip() == "saved"
        while not _temporaries(tmp_path):   # wait until a save is under way, then cut it short
            assert saver.poll() is None, "the saving process ended by itself"
            time.sleep(0.005)
    finally:
        saver.kill()
        saver.wait()
    left = _temporaries(tmp_path)
    assert len(left) <= 1 and all(name.startswith(f".plan.{saver.pid}-") for name in left)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["plan.lamp", *left])
    assert [layer.name for layer in Project.load(target)] == ["noise 0", "noise 1", "noise 2"]  # the last good save

    # Decoys: names that are not ours, another project's leftover, a link, and one of a process still running.
    decoys = [".plan.notours.tmp.lamp", "plan.tmp.lamp", f".other.{saver.pid}-0123456789ab.tmp.lamp",
              f".plan.{os.getpid()}-0123456789ab.tmp.lamp"]
    for name in decoys:
        (tmp_path / name).write_bytes(b"keep")
        os.utime(tmp_path / name, (1, 1))
    (tmp_path / f".plan.{saver.pid}-aaaaaaaaaaaa.tmp.lamp").symlink_to(tmp_path / "plan.tmp.lamp")
    resave = textwrap.dedent(f"""
        from layers import Project
        Project.load({str(target)!r}).save()
    """)
    subprocess.run([sys.executable, "-c", resave], cwd=REPO, check=True, timeout=300)
    assert _temporaries(tmp_path) == sorted([*decoys, f".plan.{saver.pid}-aaaaaaaaaaaa.tmp.lamp"])
    assert _scratch_folders(saver.pid) == []
    assert len(Project.load(target)) == 3


# -- the property: whatever project.json holds, the loader answers with a project or a LayerError --------------------
_SCALARS = st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=True) | st.text(max_size=12)
_JSONISH = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=8), inner, max_size=4), max_leaves=20)
_KEYS = ["format", "version", "title", "crs", "crs_name", "view_extent", "layers", "history"]
_LAYER_KEYS = ["id", "name", "kind", "visible", "opacity", "style", "metadata", "data"]


@st.composite
def _manifests(draw, template: dict) -> dict:
    """The saved manifest with a few values replaced by random JSON, at the top or inside a layer entry."""
    manifest = json.loads(json.dumps(template))
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()) and isinstance(manifest.get("layers"), list) and manifest["layers"]:
            entry = manifest["layers"][draw(st.integers(0, len(manifest["layers"]) - 1))]
            if isinstance(entry, dict):
                key = draw(st.sampled_from([*_LAYER_KEYS, "data.type", "data.member", "data.path", "data.layer",
                                            "data.options"]))
                if key.startswith("data.") and isinstance(entry.get("data"), dict):
                    entry["data"][key[5:]] = draw(_JSONISH)
                else:
                    entry[key.split(".")[0]] = draw(_JSONISH)
        else:
            manifest[draw(st.sampled_from(_KEYS))] = draw(_JSONISH)
    return manifest


def test_any_manifest_gives_a_project_or_a_layer_error(saved):
    template = json.loads(_members(saved)["project.json"])
    members = _members(saved)

    @settings(max_examples=120, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_manifests(template))
    def check(manifest):
        _rewrite(saved, {**members, "project.json": json.dumps(manifest).encode()})
        try:
            project = Project.load(saved)
        except LayerError as exc:
            assert str(exc).startswith(str(saved))
            return
        if project.view_extent is not None:
            assert len(project.view_extent) == 4 and all(math.isfinite(v) for v in project.view_extent)
        for layer in project:
            assert isinstance(layer.name, str) and 0 <= layer.opacity <= 1

    check()
