"""Add Layer on a table in metres that names no CRS: the workbench offers the project's CRS, in any language."""

from __future__ import annotations

import pytest

from layers.i18n import catalogue_translator, install_translator
from workbench.i18n import CATALOGUE_DIR
from workbench.window.layer_loading import load_files

ROWS = "name,x,y\npole 1,{x0},2560000\npole 2,{x1},2561000\n"


@pytest.fixture(params=["en", "zh_CN"])
def language(request):
    if request.param == "zh_CN":
        install_translator(catalogue_translator(CATALOGUE_DIR / "lamplight_zh_CN.ts"))
    yield request.param
    install_translator(None)


def test_a_table_in_metres_without_a_crs_is_offered_the_projects_crs(tmp_path, language):
    """UTM metres in a CSV without .prj: refused as degrees, and flagged so the window can ask; the message
    itself is in the interface's language (the flag used to be found by matching its English words)."""
    path = tmp_path / "poles.csv"
    path.write_text(ROWS.format(x0=300000, x1=301000), encoding="utf-8")
    result = load_files([path])
    assert result.need_crs == [str(path)] and not result.layers
    assert ("看起来是投影坐标" if language == "zh_CN" else "They look projected") in result.errors[0]
    again = load_files([path], crs="EPSG:32649")
    assert not again.errors and len(again.layers[0].gdf) == 2


def test_a_few_stray_rows_are_not_taken_for_a_missing_crs(tmp_path, language):
    """One good longitude and one in metres: the file is wrong, not its CRS, so nothing is offered."""
    path = tmp_path / "mixed.csv"
    path.write_text("name,x,y\na,113.3,23.1\nb,300000,2560000\n", encoding="utf-8")
    result = load_files([path])
    assert not result.need_crs and not result.layers and result.errors
