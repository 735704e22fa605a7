"""User settings live where ``$LAMPLIGHT_CONFIG_DIR`` says (the suite points it at a temp folder for every test),
so neither the app nor the tests write the developer's own window layout or recent projects."""

import os
from pathlib import Path

from PyQt6.QtCore import QSettings

from layers import Project
from workbench.user_settings import SETTINGS_FILE
from workbench.window.project_session import recent_projects

from .conftest import schools_layer

ROOT = Path(__file__).resolve().parents[2]


def real_settings_file() -> Path:
    """Where Qt keeps Lamplight's settings for this user when nothing redirects them."""
    return Path(QSettings("Lamplight", "Lamplight").fileName())


def stamp(path: Path) -> tuple[bool, float]:
    return (path.is_file(), path.stat().st_mtime if path.is_file() else 0.0)


def test_window_layout_and_recent_projects_go_to_the_configured_folder_only(qtbot, window, tmp_path):
    configured = Path(os.environ["LAMPLIGHT_CONFIG_DIR"]) / SETTINGS_FILE
    real_before = stamp(real_settings_file())
    project = Project(32649, title="district")
    project.add_layer(schools_layer())
    project.save(tmp_path / "district.lamp")
    assert window.files.open_project(tmp_path / "district.lamp", ask=False)
    window.files.session.mark_clean()
    window.close()  # writes geometry and dock layout
    stored = QSettings(str(configured), QSettings.Format.IniFormat)  # read back independently of the app
    assert stored.value("window/state") is not None and stored.value("window/geometry") is not None
    assert stored.value("recent_projects") in ([str((tmp_path / "district.lamp").resolve())],
                                               str((tmp_path / "district.lamp").resolve()))
    assert recent_projects() == [str((tmp_path / "district.lamp").resolve())]
    assert stamp(real_settings_file()) == real_before


def test_a_fresh_folder_means_fresh_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("LAMPLIGHT_CONFIG_DIR", str(tmp_path / "elsewhere"))
    assert recent_projects() == []


def test_workbench_code_makes_qsettings_only_through_the_one_helper():
    """A QSettings made anywhere else would bypass $LAMPLIGHT_CONFIG_DIR (and write the user's real file)."""
    makers = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "workbench").rglob("*.py")
                    if "QSettings(" in path.read_text(encoding="utf-8"))
    assert makers == ["workbench/user_settings.py"]
