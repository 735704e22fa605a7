"""``main.py map-fields`` and a layer spec with ``|mapping=FILE`` in ``main.py run``, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from layers.io import open_layers
from tests.cli.test_cli import cli
from tests.model.test_field_mapping import EXPECTED_STATUS, STATUS, municipal_poles


def test_suggested_mapping_written_then_used_by_a_run(tmp_path: Path):
    municipal_poles().to_file(tmp_path / "poles.gpkg", layer="export_202611", driver="GPKG")
    suggested = cli("map-fields", "poles.gpkg", "--write-mapping", "poles_map.json", cwd=tmp_path)
    assert suggested.returncode == 0, suggested.stderr
    printed = json.loads(suggested.stdout)
    assert printed["kind"] == "lamp_poles" and printed["fields"]["pole_id"] == {"field": "杆号"}
    assert json.loads((tmp_path / "poles_map.json").read_text(encoding="utf-8"))["fields"] == printed["fields"]

    checked = cli("map-fields", "poles.gpkg", "--mapping", "poles_map.json", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["kind"] == "lamp_poles"

    run = cli("run", "tools.buffer", "--input", "poles.gpkg|mapping=poles_map.json", "--distance", "10",
              "--output", "buffers.gpkg", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    buffers, = open_layers(tmp_path / "buffers.gpkg")
    assert list(buffers.gdf["pole_id"]) == list(municipal_poles()["杆号"])
    assert list(buffers.gdf["status"]) == [EXPECTED_STATUS[v] for v in STATUS]
    assert np.allclose(buffers.gdf.to_crs(32649).geometry.area, np.pi * 100, rtol=0.02)   # 10 m in metres


def test_broken_mapping_in_a_layer_spec_names_the_field(tmp_path: Path):
    municipal_poles().to_file(tmp_path / "poles.gpkg", layer="export_202611", driver="GPKG")
    (tmp_path / "m.json").write_text(json.dumps({"format": "lamplight-field-mapping", "version": 1,
                                                 "kind": "lamp_poles", "fields": {"pole_id": {"field": "编号"}}}),
                                     encoding="utf-8")
    run = cli("run", "tools.buffer", "--input", "poles.gpkg|mapping=m.json", "--distance", "10",
              "--output", "b.gpkg", cwd=tmp_path)
    assert run.returncode == 2
    assert "mapping m.json: pole_id <- field '编号': the layer has no such field" in run.stderr
    unknown = cli("map-fields", "poles.gpkg", "--mapping", "m.json", cwd=tmp_path)
    assert unknown.returncode == 1 and "pole_id <- field '编号'" in unknown.stderr
