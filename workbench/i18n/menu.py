"""View > Language: English, 简体中文 or the system's language, remembered for the next start.

Qt widgets take their texts when they are built, so a new language applies at the next start (the menu says
so, and a message repeats it when the choice changes).
"""

from __future__ import annotations

from PyQt6.QtGui import QAction, QActionGroup
from PyQt6.QtWidgets import QMenu, QMessageBox, QWidget

from workbench.i18n import LANGUAGES
from workbench.i18n.loader import LANGUAGE_SETTING, set_language_setting
from workbench.user_settings import user_settings


class LanguageMenu(QMenu):
    """One checkable entry per language plus "follow the system"; choosing one saves the setting."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(self.tr("&Language"), parent)
        self.setToolTip(self.tr("The interface language; takes effect when Lamplight is started again"))
        group = QActionGroup(self)
        current = user_settings().value(LANGUAGE_SETTING, "", type=str)
        self.language_actions: dict[str, QAction] = {}
        choices = [("", self.tr("Follow the System"))] + list(LANGUAGES.items())
        for code, label in choices:
            action = QAction(label, self, checkable=True, checked=code == current)
            action.triggered.connect(lambda checked=False, code=code: self.choose(code))
            group.addAction(action)
            self.addAction(action)
            self.language_actions[code] = action
        self.addSeparator()
        note = self.addAction(self.tr("Takes effect at the next start"))
        note.setEnabled(False)

    def choose(self, code: str) -> None:
        """Save ``code`` ("" follows the system) and say that a restart applies it."""
        if code == user_settings().value(LANGUAGE_SETTING, "", type=str):
            return
        set_language_setting(code or None)
        QMessageBox.information(self.parentWidget(), self.tr("Language"),
                                self.tr("The new interface language takes effect when Lamplight is started "
                                        "again."))
