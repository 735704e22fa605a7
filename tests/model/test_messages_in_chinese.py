"""Messages of layers/ and plugins/ read in Chinese once the zh_CN catalogue is installed (issue 17).

Each test raises or produces a real message and compares it with the catalogue's own entry for the English
template, formatted with the same values, so a message that is built before translating (an f-string) or
whose template is missing from the catalogue fails here. Names the planner must recognise (files, fields,
parameters) stay as they are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.i18n import catalogue_translator, install_translator, read_catalogue

CATALOGUE = Path(__file__).resolve().parents[2] / "workbench" / "i18n" / "lamplight_zh_CN.ts"
ENTRIES = read_catalogue(CATALOGUE)


def chinese(context: str, source: str) -> str:
    """The catalogue's translation of ``source`` (a KeyError when the template was never extracted)."""
    return ENTRIES[(context, source)]


@pytest.fixture(autouse=True)
def in_chinese():
    install_translator(catalogue_translator(CATALOGUE))
    yield
    install_translator(None)


def test_a_gbk_shapefile_note_reads_in_chinese_and_names_the_encoding():
    from layers.io.encoding import choose_encoding

    records = "天河路灯杆".encode("gbk")        # not valid UTF-8, so the reader falls back to GBK
    encoding, note = choose_encoding(records, None)
    assert encoding == "GBK"
    assert note == chinese("LayerEncoding", "no .cpg file says how attribute text is encoded; it was read as "
                                            "{encoding}").format(encoding="GBK")
    assert "GBK" in note and "cpg" in note


def test_a_bad_coverage_setting_reads_in_chinese_and_still_names_the_parameter():
    from plugins.coverage.config import CoverageConfig, CoverageConfigError

    with pytest.raises(CoverageConfigError) as raised:
        CoverageConfig(rx_height_m=1.0)
    assert raised.value.parameter == "rx_height_m"     # the dialog marks this field: the prefix is not translated
    assert raised.value.problem == chinese(
        "CoverageConfig", "{height:g} m is outside 1.5-22.5 m, the UE heights for which TR 38.901 UMi/UMa are "
                          "valid (below 1.5 m the breakpoint distance collapses and line-of-sight loss is "
                          "overstated)").format(height=1.0)


def test_a_bad_rf_profile_in_project_json_reads_in_chinese_with_its_limits(tmp_path):
    import zipfile

    from layers.errors import LayerError
    from layers.project import Project

    path = Project("EPSG:32649").save(tmp_path / "plan.lamp")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["project.json"])
    manifest["rf_profile"] = {"rx_height_m": 1.0, "indoor_loss": "none"}
    members["project.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with pytest.raises(LayerError) as raised:
        Project.load(path)
    expected = chinese("ProjectSchema", "a number from {minimum} to {maximum} {unit}").format(
        minimum="1.5", maximum="22.5", unit="m")
    assert chinese("ProjectSchema", "{where} should be {expected}, not {found}").format(
        where="rf_profile.rx_height_m", expected=expected, found="1.0") in str(raised.value)


def test_kind_titles_and_field_help_read_in_chinese():
    from layers.building_heights import STOREY_HEIGHT_M
    from layers.kinds import KINDS

    assert KINDS["lamp_poles"].label == chinese("kinds", "Smart lamp poles")
    levels = KINDS["buildings"].field("levels")
    assert levels.help == chinese("kinds", "storeys; height_m = levels × {storey:g} m where it has no height").format(
        storey=STOREY_HEIGHT_M)
    assert f"{STOREY_HEIGHT_M:g}" in levels.help
    assert KINDS["lamp_poles"].field("pole_id").help == ""     # no description: nothing to show


def test_an_unknown_algorithm_reads_in_chinese_with_the_close_names():
    from plugins.registry import Registry

    registry = Registry()
    registry.load_builtins()
    with pytest.raises(KeyError) as raised:
        registry.get("coverage.rsrpp")
    message = raised.value.args[0]
    assert message.startswith(chinese("PluginRegistry", "no algorithm '{id}'{hint}").format(id="coverage.rsrpp",
                                                                                            hint=""))
    assert "coverage.rsrp" in message


def test_without_a_translator_the_messages_stay_english():
    from plugins.coverage.config import CoverageConfig, CoverageConfigError

    install_translator(None)
    with pytest.raises(CoverageConfigError, match=r"^rx_height_m: 1 m is outside 1\.5-22\.5 m"):
        CoverageConfig(rx_height_m=1.0)


def test_a_layer_of_the_wrong_geometry_names_the_families_in_chinese():
    import geopandas as gpd
    import shapely

    from layers.errors import LayerError
    from layers.kinds import validate

    gdf = gpd.GeoDataFrame({"pole_id": ["P1"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])], crs="EPSG:32649")
    with pytest.raises(LayerError) as raised:
        validate(gdf, "lamp_poles", source="poles.gpkg", layer="poles")
    found = chinese("KindCheck", "{count} {family} features").format(count=1, family=chinese("Geometry", "line"))
    problem = chinese("KindCheck", "has {found}; a '{kind}' layer must hold {want} (features {rows})").format(
        found=found, kind="lamp_poles", want=chinese("Geometry", "points"), rows="#1")
    assert problem in str(raised.value)
    assert "line" not in problem and "point" not in problem     # no English family names left in the sentence
