"""Project files are written off the GUI thread, and an edit made while a save is being written is not lost."""

from __future__ import annotations

import threading

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QFileDialog

from layers import Project
from layers.edits import SetAttributeValues
from layers.io import open_layers, write_layer
from workbench.dialogs.errors import open_error_boxes
from workbench.window import file_commands, project_session
from workbench.window.project_io import snapshot

from .conftest import offices_layer, schools_layer


def _recording_writer(monkeypatch, threads: list[threading.Thread], *, hold: threading.Event | None = None,
                      started: threading.Event | None = None) -> None:
    """Wrap the real project writer (it still writes): record the thread it runs on, optionally wait for ``hold``."""
    real = project_session.write_project

    def write(project, target):
        threads.append(threading.current_thread())
        if started is not None:
            started.set()
        if hold is not None:
            assert hold.wait(10), "the test never released the save"
        return real(project, target)

    monkeypatch.setattr(project_session, "write_project", write)


def test_autosave_writes_in_a_worker_thread(qtbot, window, monkeypatch):
    threads: list[threading.Thread] = []
    _recording_writer(monkeypatch, threads)
    window.project.layer("roads").visible = False
    copy = window.files.session.autosave()
    assert copy is not None
    with qtbot.waitSignal(window.files.session.autosaved, timeout=20000) as told:
        pass
    assert "Autosaved" in told.args[0]
    assert threads and threads[0] is not threading.main_thread()
    assert Project.load(copy).layer("roads").visible is False


def test_an_edit_made_while_saving_stays_in_the_project_and_unsaved(qtbot, window, monkeypatch, tmp_path):
    threads: list[threading.Thread] = []
    started, hold = threading.Event(), threading.Event()
    _recording_writer(monkeypatch, threads, hold=hold, started=started)
    schools = window.project.layer("schools")
    edited: list[bool] = []

    def edit_during_save() -> None:
        assert started.wait(10)                     # the worker has the snapshot and is about to write it
        SetAttributeValues(schools, [0], "students", 999).apply()     # mutates schools.gdf in place
        window.project.layer("roads").name = "ring roads"
        edited.append(True)
        hold.set()

    QTimer.singleShot(0, edit_during_save)          # runs in the GUI thread while the save waits for the worker
    target = tmp_path / "district.lamp"
    assert window.files.save_to(target)
    assert edited and threads[0] is not threading.main_thread()
    saved = Project.load(target)
    assert saved.layer("schools").gdf["students"].iloc[0] == 400          # the file holds what was saved...
    assert "roads" in [layer.name for layer in saved]
    assert schools.gdf["students"].iloc[0] == 999                         # ...the project keeps the edit...
    assert window.files.session.dirty                                     # ...and says it is not saved yet
    monkeypatch.undo()
    assert window.files.save_to(target)
    again = Project.load(target)
    assert again.layer("schools").gdf["students"].iloc[0] == 999 and "ring roads" in [layer.name for layer in again]
    assert not window.files.session.dirty


def test_a_snapshot_is_detached_from_later_edits(window):
    schools = window.project.layer("schools")
    frozen = snapshot(window.project)
    SetAttributeValues(schools, [1], "students", 5).apply()
    frozen_schools = next(layer for layer in frozen if layer.name == "schools")
    assert frozen_schools.gdf["students"].iloc[1] == 900 and schools.gdf["students"].iloc[1] == 5
    assert [layer.name for layer in frozen] == [layer.name for layer in window.project]


def test_find_missing_data_files_searches_and_reads_in_the_worker(qtbot, window, monkeypatch, tmp_path):
    source = tmp_path / "schools.gpkg"
    write_layer(schools_layer(), source)
    project = Project(window.project.crs)
    project.add_layer(open_layers(source)[0])
    project.add_layer(offices_layer())
    target = project.save(tmp_path / "district.lamp")
    moved = tmp_path / "moved"
    moved.mkdir()
    source.rename(moved / "schools.gpkg")
    assert window.files.open_project(target, ask=False)
    for box in open_error_boxes():
        box.close()
    threads: list[threading.Thread] = []
    real = file_commands.relink_missing
    monkeypatch.setattr(file_commands, "relink_missing",
                        lambda plan, folder: threads.append(threading.current_thread()) or real(plan, folder))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(moved))
    window.actions["find_missing"].trigger()
    assert threads and threads[0] is not threading.main_thread()
    assert [layer.name for layer in window.project] == ["schools", "office_listings"]
    assert not window.project.unavailable and window.layer_tree.model.rowCount() == 2
