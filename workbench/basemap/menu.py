"""View > Basemap: None (offline), the online presets, Tianditu, the project's own basemaps and Add Basemap….

The choice and the custom basemaps live in ``project.basemaps`` (plain data, saved with the project, no keys), so
reopening a project shows the basemap it was saved with, and the print layout draws the same one. A basemap whose
key this user has not entered yet opens the Add Basemap dialog on its preset to ask for it.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QAction, QActionGroup
from PyQt6.QtWidgets import QDialog, QMenu

from workbench.basemap.keys import project_basemap, with_saved_keys
from workbench.basemap.presets import TIANDITU_LAYERS, tianditu, tianditu_names
from workbench.basemap.sources import (
    BasemapStack,
    Source,
    available_basemaps,
    looks_gcj02,
    needed_key,
    source_from_definition,
)


def uncorrected_gcj02(source: Source) -> bool:
    """True when tiles from a GCJ-02 host (AutoNavi, Tencent) would be drawn without the shift onto WGS84."""
    parts = source.parts if isinstance(source, BasemapStack) else (source,)
    return any(looks_gcj02(part.url) and not part.gcj02 for part in parts)


class BasemapMenu(QObject):
    """Fills ``menu`` and keeps the canvas, the project and the checked entry in step."""

    def __init__(self, window, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.menu = menu
        self.group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        self._fill()
        window.bridge.project_replaced.connect(self._project_replaced)
        self._project_replaced(window.bridge.project)

    @property
    def project(self):
        return self.window.bridge.project

    # -- menu -------------------------------------------------------------------------------------------------
    def _fill(self) -> None:
        self.menu.clear()
        for action in self.group.actions():
            self.group.removeAction(action)
        self.actions.clear()  # in place: the main window keeps a reference
        self._add(self.tr("None (work offline)"), None, "None")
        self.menu.addSeparator()
        for name, source in available_basemaps().items():
            self._add(name, source)
        self.menu.addSeparator()
        for preset, name in tianditu_names().items():
            self._add(name + "…", tianditu(preset), preset)
        custom = [source_from_definition(entry) for entry in (self.project.basemaps or {}).get("custom") or []]
        if custom:
            self.menu.addSeparator()
        for source in custom:
            self._add(source.name, source)
        self.menu.addSeparator()
        add = QAction(self.tr("Add Basemap…"), self)
        add.setStatusTip(self.tr("A basemap from an XYZ template, a WMS or WMTS server, or a preset such as "
                                 "Tianditu"))
        add.triggered.connect(self.add_basemap)
        self.menu.addAction(add)
        self.actions["add"] = add
        self._check_active()

    def _add(self, label: str, source: Source | None, key: str | None = None) -> None:
        action = QAction(label, self, checkable=True)
        self.group.addAction(action)
        action.triggered.connect(lambda checked=False, s=source: self.choose(s))
        if source is not None:
            action.setStatusTip(self.tr("Online map from {host}, cached on disk").format(
                host=(source.url.split("/") + ["", "", ""])[2]))
        self.menu.addAction(action)
        self.actions[key or label] = action

    def _check_active(self) -> None:
        active = (self.project.basemaps or {}).get("active")
        name = active.get("name") if active else None
        for key, action in self.actions.items():
            if key == "add":
                continue
            action.setChecked(action.text().rstrip("…") == name if name else key == "None")

    # -- choices ----------------------------------------------------------------------------------------------
    def choose(self, source: Source | None) -> None:
        """Show ``source`` (None: no basemap) and remember it in the project; ask for a missing key first."""
        if source is not None:
            source = with_saved_keys(source)
            if needed_key(source):
                preset = next((p for p, name in tianditu_names().items() if name == source.name), None)
                self.add_basemap(preset or "xyz")
                return
        self._warn_if_uncorrected(source)
        self._set_active(source)

    def _warn_if_uncorrected(self, source: Source | None) -> None:
        if source is not None and uncorrected_gcj02(source):
            self.window.statusBar().showMessage(self.tr(
                "Warning: '{name}' serves GCJ-02 tiles, drawn here without the shift onto WGS84; they lie several "
                "hundred metres (about 600 m in Guangzhou) off survey data. Add it again with the GCJ-02 option "
                "ticked.").format(name=source.name), 15000)

    def add_basemap(self, preset: str = "xyz") -> Source | None:
        """Open Add Basemap… on ``preset``; an accepted custom source joins the project's list and is shown."""
        from workbench.dialogs.basemap_dialog import BasemapDialog

        dialog = BasemapDialog(self.window, preset)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.source is None:
            self._check_active()
            return None
        source = dialog.source
        if dialog.preset not in TIANDITU_LAYERS:
            basemaps = dict(self.project.basemaps or {})
            custom = [entry for entry in basemaps.get("custom") or [] if entry.get("name") != source.name]
            basemaps["custom"] = [*custom, source.definition()]
            self.project.basemaps = basemaps
        self.choose(source)
        self._fill()
        return source

    def _set_active(self, source: Source | None) -> None:
        basemaps: dict[str, Any] = dict(self.project.basemaps or {})
        basemaps["active"] = source.definition() if source is not None else None
        if basemaps != (self.project.basemaps or {}):
            self.project.basemaps = basemaps
            self.window.files.session.mark_dirty()
        self.window.canvas.set_basemap(source)
        self._check_active()

    def _project_replaced(self, project) -> None:
        self._fill()
        source = project_basemap(project)
        if source is None and (project.basemaps or {}).get("active"):
            self.window.statusBar().showMessage(self.tr(
                "The project's basemap needs your access key: choose it in View > Basemap to enter it."), 10000)
        self._warn_if_uncorrected(source)
        self.window.canvas.set_basemap(source)
