"""The one place the workbench keeps per-user settings (window layout, recent projects): every read and write
goes through ``user_settings()``, so pointing ``$LAMPLIGHT_CONFIG_DIR`` at a folder moves all of them there.

That is what the test suite does (it must never touch the developer's own layout or recent files), and it serves
portable installs too. Without the variable, Qt's per-user location is used (``~/.config/Lamplight`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

from PyQt6.QtCore import QSettings

CONFIG_DIR_ENV = "LAMPLIGHT_CONFIG_DIR"
ORGANISATION = APPLICATION = "Lamplight"
SETTINGS_FILE = "lamplight.ini"


def user_settings() -> QSettings:
    """The user's settings store; read at every call, so a changed ``$LAMPLIGHT_CONFIG_DIR`` applies at once."""
    folder = os.environ.get(CONFIG_DIR_ENV)
    if folder:
        return QSettings(str(Path(folder).expanduser() / SETTINGS_FILE), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)
