"""Issue 12's first hour in the workbench, driven with pytest-qt as a planner clicks it: the city's files added
to an empty window, the import assistant accepted for each layer of the municipal GeoPackage, the project CRS
read in Project > Properties, demand from buildings, coverage over terrain and MCLP from the Processing dialogs,
a PDF page and a web map from File > Export, save, reopen. The plan is checked against the brute force of
``test_own_city``; the reopened project against the saved one."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers import Project
from tests.e2e.city import POLES, City, write_city
from tests.e2e.test_own_city import (
    EXCLUDED,
    LOCKED,
    RADIUS_M,
    SITES,
    SPACING_M,
    assert_same_layers,
    brute_force_mclp,
)

pytest.importorskip("pytestqt")


@pytest.fixture
def city(tmp_path: Path) -> City:
    return write_city(tmp_path / "downloads")


@pytest.fixture
def window(qtbot):
    """A new, empty workbench window (no project CRS yet), closed without the unsaved prompt."""
    from workbench.main_window import MainWindow

    win = MainWindow()
    win.files.session.mark_clean()
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.files.session.mark_clean()
    win.close()
    win.deleteLater()


def add_and_wait(qtbot, window, paths: list[Path]) -> None:
    window.add_files([str(p) for p in paths])
    qtbot.waitUntil(lambda: window.files.loader.pending == 0, timeout=60_000)


def accept_assistants(qtbot, window) -> list[str]:
    """Click OK in each import assistant that opens (one per layer that looks like a kind but does not fit);
    returns the kinds they suggested."""
    kinds = []
    qtbot.waitUntil(lambda: window.files.assistant is not None, timeout=30_000)
    while window.files.assistant is not None:
        dialog = window.files.assistant
        qtbot.waitUntil(lambda d=dialog: d.busy == 0, timeout=20_000)
        assert dialog.isVisible()
        kinds.append(dialog.chosen_kind())
        dialog.ok_button.click()
        qtbot.waitUntil(lambda d=dialog: window.files.assistant is not d, timeout=30_000)
    return kinds


def run_dialog(qtbot, window, algorithm_id: str, **values) -> dict:
    """Open the algorithm from the Processing controller, set ``values`` (None clears a picker), click Run."""
    dialog = window.processing.controller.open_dialog(algorithm_id)
    for name, value in values.items():
        dialog.widgets[name].set_value(value)
    records = []
    dialog.run_finished.connect(records.append)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=180_000)
    assert records, f"{algorithm_id}: {dialog.status.text()}\n{dialog.log.toPlainText()}"
    dialog.close()
    return records[0]


def test_own_city_in_the_workbench(qtbot, window, city: City, tmp_path: Path):
    from workbench.dialogs.project_properties import ProjectPropertiesDialog
    from workbench.export.dialogs import LayoutDialog, WebMapDialog

    assert window.project.crs is None
    window.add_files([str(city.gpkg)])
    assert sorted(accept_assistants(qtbot, window)) == ["lamp_poles", "schools"]
    qtbot.waitUntil(lambda: window.files.loader.pending == 0, timeout=60_000)
    project = window.project
    poles = project.layer("路灯")
    assert poles.kind == "lamp_poles" and list(poles.gdf["pole_id"]) == [f"TH-{i:03d}" for i in range(POLES)]
    assert project.layer("学校").kind == "schools"

    # Project > Properties shows the CRS the project took from its first (WGS84) data: Guangzhou's GK zone.
    properties = ProjectPropertiesDialog(project, window)
    qtbot.addWidget(properties)
    qtbot.waitUntil(lambda: properties.picker.is_loaded, timeout=20_000)
    assert properties.selected_crs.to_epsg() == 4547 == project.crs.to_epsg()
    properties.reject()

    add_and_wait(qtbot, window, [city.osm, city.dem])
    # OSM offices carry no rent, so the reader loads them as plain points and says why: no assistant is pushed on
    # the planner for them (Map Fields stays available from the layer tree).
    assert window.files.assistant is None
    assert project.layer("offices").kind is None
    kinds = {layer.name: layer.kind for layer in project}
    assert kinds["buildings"] == "buildings" and kinds["dem"] == "terrain" and kinds["sites_5g"] == "sites_5g"

    demand_run = run_dialog(qtbot, window, "demand.from_buildings", buildings="buildings")
    demand_name = demand_run["outputs"]["output"]["layer"]
    coverage_run = run_dialog(qtbot, window, "coverage.rsrp", transmitters="路灯", buildings="buildings",
                              terrain="dem", demand=demand_name, resolution=20.0, obstruction_resolution=5.0)
    assert coverage_run["summary"]["sites"] == POLES
    assert any(line.startswith("terrain 'dem'") for line in coverage_run["log"])
    siting_run = run_dialog(qtbot, window, "siting.mclp", candidates="路灯", demand=demand_name,
                            weight_field="residents", sites=SITES, radius=RADIUS_M, sample_spacing=SPACING_M,
                            method="exact", locked=LOCKED, excluded=EXCLUDED, schools=None, offices=None,
                            existing_sites=None)
    demand = project.layer(demand_name)
    assert siting_run["summary"]["objective"] == pytest.approx(brute_force_mclp(poles, demand, project.crs),
                                                               rel=1e-6)
    assert [r["algorithm"] for r in project.history] == ["demand.from_buildings", "coverage.rsrp", "siting.mclp"]

    # File > Export > Print Layout… and Web Map… (the dialogs' export after the file was chosen).
    for action, dialog_class, name in (("export_layout", LayoutDialog, "map.pdf"), ("export_web", WebMapDialog,
                                                                                     "map.html")):
        window.actions[action].trigger()
        (dialog,) = window.findChildren(dialog_class)
        assert dialog.export_to(tmp_path / name) is not None
        dialog.close()
        dialog.deleteLater()
        qtbot.waitUntil(lambda cls=dialog_class: not window.findChildren(cls), timeout=10_000)
    assert (tmp_path / "map.pdf").read_bytes().startswith(b"%PDF")
    assert "天河小学" in (tmp_path / "map.html").read_text(encoding="utf-8")

    path = tmp_path / "tianhe.lamp"
    assert window.files.save_to(path)
    saved = project
    assert window.files.open_project(path, ask=False)
    qtbot.waitUntil(lambda: window.project is not saved and len(window.project) == len(saved), timeout=60_000)
    reopened = window.project
    assert reopened.crs == saved.crs
    assert_same_layers(saved, reopened)
    assert reopened.history == saved.history
    assert_same_layers(saved, Project.load(path))
