"""Opening a project whose autosaved copy is newer: the user chooses restore / saved / cancel in a real dialog
(clicked by a timer, as a user would), and restoring never touches the project file until the user saves."""

import os

import pytest
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QMessageBox

from layers import Project
from workbench.dialogs import autosave_recovery
from workbench.dialogs.autosave_recovery import OPEN_SAVED_TEXT, RECOVERY_BOX_NAME, RESTORE_TEXT

from .conftest import offices_layer, roads_layer, schools_layer


@pytest.fixture
def crashed_session(tmp_path):
    """district.lamp (roads, schools) and its autosave, written later, with offices added and roads renamed."""
    project = Project(32649, title="district")
    project.add_layers([roads_layer(), schools_layer()])
    saved = project.save(tmp_path / "district.lamp")
    project.layer("roads").name = "main roads"
    project.add_layer(offices_layer())
    autosave = tmp_path / "district.lamp.autosave"
    project.save(autosave)
    older = saved.stat().st_mtime - 60  # the autosave came after the last save
    os.utime(saved, (older, older))
    return saved, autosave


def answer_recovery(button_text: str, seen: list, tries: int = 300) -> None:
    """Click ``button_text`` in the recovery box as soon as it is up (its exec() runs a nested event loop)."""

    def click(left: int = tries) -> None:
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.objectName() == RECOVERY_BOX_NAME and w.isVisible()]
        if not boxes:
            if left > 0:  # give up after about 3 s: no box came
                QTimer.singleShot(10, lambda: click(left - 1))
            return
        seen.append(boxes[0].text() + "\n" + boxes[0].informativeText())
        if button_text == "Cancel":
            boxes[0].button(QMessageBox.StandardButton.Cancel).click()
        else:
            next(b for b in boxes[0].buttons() if b.text() == button_text).click()

    QTimer.singleShot(0, click)


def layer_names(project) -> list[str]:
    return [layer.name for layer in project]


def test_restoring_opens_the_copy_as_unsaved_changes_and_the_file_changes_only_on_save(qtbot, window,
                                                                                          crashed_session):
    saved, autosave = crashed_session
    original = saved.read_bytes()
    seen = []
    answer_recovery(RESTORE_TEXT, seen)
    assert window.files.open_project(saved)
    assert seen and "district.lamp" in seen[0] and str(autosave) in seen[0]
    assert layer_names(window.project) == ["main roads", "schools", "office_listings"]
    assert window.project.path == saved  # Save goes to the project, not to the copy
    assert window.files.session.dirty and window.isWindowModified()
    assert saved.read_bytes() == original and autosave.is_file()  # nothing overwritten yet
    assert window.files.save()
    assert layer_names(Project.load(saved)) == ["main roads", "schools", "office_listings"]
    assert not autosave.exists() and not window.files.session.dirty


def test_opening_the_saved_project_ignores_the_copy_and_keeps_it(qtbot, window, crashed_session):
    saved, autosave = crashed_session
    seen = []
    answer_recovery(OPEN_SAVED_TEXT, seen)
    assert window.files.open_project(saved)
    assert seen
    assert layer_names(window.project) == ["roads", "schools"]
    assert not window.files.session.dirty and autosave.is_file()


def test_cancel_keeps_the_current_project(qtbot, window, crashed_session):
    saved, _ = crashed_session
    current = window.project
    seen = []
    answer_recovery("Cancel", seen)
    assert not window.files.open_project(saved)
    assert seen and window.project is current


def test_no_question_when_the_copy_is_older_than_the_project(qtbot, window, crashed_session, monkeypatch):
    saved, autosave = crashed_session
    older = saved.stat().st_mtime - 60
    os.utime(autosave, (older, older))
    asked = []
    monkeypatch.setattr(autosave_recovery, "ask_recovery", lambda *args: asked.append(args))
    assert window.files.open_project(saved)
    assert not asked and layer_names(window.project) == ["roads", "schools"]


def test_save_as_removes_the_old_files_copy_too(qtbot, window, crashed_session, tmp_path):
    """After Save As, reopening the old file must not offer a stale copy ("recover?") that Save As made obsolete."""
    saved, autosave = crashed_session
    answer_recovery(OPEN_SAVED_TEXT, [])
    assert window.files.open_project(saved)
    window.files.session.autosave()  # unsaved edits: a fresh copy of the old file's project
    window.project.layer("roads").name = "ring roads"
    assert window.files.session.autosave() == autosave and autosave.is_file()
    assert window.files.save_to(tmp_path / "renamed.lamp")
    assert not autosave.exists()
    assert not (tmp_path / "renamed.lamp.autosave").exists()
