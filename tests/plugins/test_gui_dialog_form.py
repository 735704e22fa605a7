"""The generated dialog as a planner meets it: essentials first, advanced knobs folded away, required ones marked,
the project's own layers pre-filled by kind, the last values back, and a form that fits a 1366 x 768 laptop."""

from __future__ import annotations

import geopandas as gpd
import pytest

pytest.importorskip("pytestqt")

from PyQt6.QtCore import Qt  # noqa: E402
from PyQt6.QtWidgets import QLabel  # noqa: E402

from layers import Project, VectorLayer  # noqa: E402
from plugins.registry import Registry  # noqa: E402
from tests.plugins.conftest import CRS, points  # noqa: E402
from workbench.processing.dialog import AlgorithmDialog  # noqa: E402


@pytest.fixture(scope="module")
def registry() -> Registry:
    registry = Registry()
    registry.load_builtins(("plugins.tools", "plugins.siting"))
    return registry


def dialog_for(qtbot, registry, algorithm_id, project) -> AlgorithmDialog:
    dialog = AlgorithmDialog(registry.get(algorithm_id), project)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _demand() -> VectorLayer:
    return VectorLayer(gpd.GeoDataFrame({"residents": [100.0] * 20}, geometry=points(20, 7), crs=CRS), "census",
                       kind="demand")


def _sites() -> VectorLayer:
    return VectorLayer(gpd.GeoDataFrame({"site_id": ["S1", "S2"]}, geometry=points(2, 8), crs=CRS), "macro",
                       kind="sites_5g")


def _label(dialog: AlgorithmDialog, name: str) -> QLabel:
    return next(label for label in dialog.findChildren(QLabel) if label.buddy() is dialog.widgets[name])


def test_siting_shows_essentials_and_folds_the_advanced_knobs(qtbot, registry, project):
    dialog = dialog_for(qtbot, registry, "siting.mclp", project)
    algorithm = registry.get("siting.mclp")
    advanced = [p.name for p in algorithm.parameters() if p.advanced]
    assert len(advanced) > 20 and dialog.advanced_toggle.text() == f"Advanced parameters ({len(advanced)})"
    assert not dialog.advanced_host.isVisible()
    assert all(not dialog.widgets[name].isVisible() for name in advanced)
    assert dialog.widgets["candidates"].isVisible() and dialog.widgets["sites"].isVisible()
    qtbot.mouseClick(dialog.advanced_toggle, Qt.MouseButton.LeftButton)
    assert dialog.advanced_host.isVisible() and dialog.widgets["time_limit"].isVisible()
    # Required (no default, not optional) is marked; optional ones say so.
    assert _label(dialog, "candidates").text().endswith(" *") and _label(dialog, "candidates").font().bold()
    assert _label(dialog, "demand").text().endswith("(optional)")


def test_the_folded_form_fits_a_1366_by_768_laptop(qtbot, registry, project):
    dialog = dialog_for(qtbot, registry, "siting.mclp", project)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1366 * 0.9 and hint.height() <= 768 * 0.9


def test_layers_of_the_wanted_kind_are_pre_filled_when_the_project_has_exactly_one(qtbot, registry, project):
    project.add_layers([_demand(), _sites()])
    dialog = dialog_for(qtbot, registry, "siting.mclp", project)
    assert dialog.widgets["demand"].value().name == "census"
    assert dialog.widgets["schools"].value().name == "schools"
    assert dialog.widgets["existing_sites"].value().name == "macro"
    assert dialog.widgets["offices"].value().name == "offices"
    assert dialog.widgets["locked_layer"].value() is None  # decisions are never guessed
    project.add_layer(VectorLayer(project.layer("schools").gdf.copy(), "schools 2024", kind="schools"))
    again = dialog_for(qtbot, registry, "siting.mclp", project)
    assert again.widgets["schools"].value() is None  # two candidates: the planner chooses


def test_the_last_values_come_back_and_a_refused_advanced_value_opens_its_section(qtbot, registry, project):
    first = dialog_for(qtbot, registry, "tools.buffer", project)
    first.widgets["input"].set_value("schools")
    first.widgets["distance"].set_value(275)
    with qtbot.waitSignal(first.run_finished, timeout=30_000):
        qtbot.mouseClick(first.run_button, Qt.MouseButton.LeftButton)
    second = dialog_for(qtbot, registry, "tools.buffer", project)
    assert second.widgets["input"].value().name == "schools" and second.widgets["distance"].value() == 275
    siting = dialog_for(qtbot, registry, "siting.mclp", Project(CRS))
    siting._invalid("time_limit", "time limit: must be at least 0.1 s")
    assert siting.advanced_host.isVisible() and siting.widgets["time_limit"].property("invalid")
