"""Where file dialogs start: the project's folder, else the folder last used, else the user's Documents.

Never inside the bundled sample (``sample_data/``): a planner exporting a briefing from the sample project would
otherwise write into the application's own folder, where the file is hard to find and may be read-only.
"""

from __future__ import annotations

import os
from pathlib import Path

from PyQt6.QtCore import QStandardPaths

from workbench.user_settings import user_settings

LAST_FOLDER_KEY = "last_folder"
#: The sample data shipped with the application (in a checkout, and in an installed wheel): a project there is
#: the demo, not the user's work.
SAMPLE_FOLDER = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLE_FOLDERS = (SAMPLE_FOLDER, Path(__file__).resolve().parents[2] / "lamplight" / "sample_data")


def _usable(folder: Path) -> bool:
    try:
        inside_sample = any(folder.resolve().is_relative_to(sample) for sample in SAMPLE_FOLDERS)
    except OSError:
        return False
    return folder.is_dir() and not inside_sample and os.access(folder, os.W_OK)


def documents_folder() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder(project_path: str | os.PathLike | None = None) -> Path:
    """The folder a file dialog should open in for a project saved at ``project_path`` (or never saved)."""
    if project_path is not None and _usable(Path(project_path).parent):
        return Path(project_path).parent
    last = user_settings().value(LAST_FOLDER_KEY, "")
    if last and _usable(Path(str(last))):
        return Path(str(last))
    return documents_folder()


def remember_folder(chosen: str | os.PathLike) -> None:
    """Remember the folder of a file the user chose, so the next dialog starts there."""
    folder = Path(chosen)
    folder = folder if folder.is_dir() else folder.parent
    if _usable(folder):
        user_settings().setValue(LAST_FOLDER_KEY, str(folder.resolve()))
