"""Project properties: the title and the project CRS, picked from pyproj's CRS database by code or name.

As in QGIS, the project CRS is what the map is drawn in; layers keep their own CRS on disk and are reprojected
for display. The dialog recommends the local metric CRS estimated from the project's data (``layers.crs``)
and says whether the current CRS measures true distances there (analyses measure elsewhere when it does not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyproj
from PyQt6.QtCore import QObject, QRegularExpression, QSortFilterProxyModel, Qt, pyqtSignal
from PyQt6.QtGui import QStandardItem, QStandardItemModel
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from layers import Project
from layers.crs import CrsEntry, crs_catalogue, describe_crs, distance_problem, estimate_local_crs, lonlat_points
from workbench.canvas.viewport import valid_extent
from workbench.guarded_pool import GuardedPool
from workbench.window.screen_fit import fit_to_screen

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass
class CrsAdvice:
    """The recommended local CRS for the project's data and why the current CRS falls short there (or None)."""

    recommended: pyproj.CRS | None
    problem: str | None


def data_extent(project: Project) -> tuple[tuple[float, float, float, float], pyproj.CRS] | None:
    """The extent of the project's data and the CRS it is in (the first layer's when the project has none)."""
    if project.crs is not None:
        extent = project.full_extent()
        return (extent, project.crs) if extent is not None else None
    for layer in project:
        if layer.crs is not None:
            return layer.extent, layer.crs
    return None


def crs_advice(where: tuple[tuple[float, float, float, float], pyproj.CRS] | None,
               current: pyproj.CRS | None) -> CrsAdvice:
    """The local CRS for the data and why ``current`` does not measure true distances there."""
    if where is None:
        return CrsAdvice(None, None)
    extent, crs = where
    points = lonlat_points(extent, crs)
    problem = distance_problem(current, points) if points and current is not None else None
    return CrsAdvice(estimate_local_crs(extent, crs), problem)


class _Worker(QObject):
    """Owns the worker thread and the signal its result comes back on (the pool's emissions stop with it)."""

    ready = pyqtSignal(object)

    def __init__(self, parent: QObject, name: str) -> None:
        super().__init__(parent)
        self.pool = GuardedPool(self, name)

    def run(self, job, *args) -> None:
        signal = self.ready  # bound here, in the GUI thread
        self.pool.submit(lambda: self.pool.emit(signal, job(*args)))


class CrsPicker(QWidget):
    """A search box over pyproj's CRS database (every word must appear in 'EPSG:code — name') and the matches.

    The ~10,000 names are read in a worker (0.3-0.9 s the first time, then cached); ``loaded`` fires when
    they are listed."""

    chosen = pyqtSignal(object)  # pyproj.CRS
    loaded = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by EPSG code or name, e.g. 4547 or CGCS2000 114E"))
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)  # 10,000 rows: no per-row size query
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.status = QLabel(self.tr("Reading the coordinate systems…"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        self.search.textChanged.connect(self.filter)
        self.list.selectionModel().currentChanged.connect(lambda current, _: self._pick(current))
        self._pending_code: str | None = None
        self._worker = _Worker(self, "crs-catalogue")
        self._worker.ready.connect(self._fill)
        self._worker.run(crs_catalogue)

    @property
    def is_loaded(self) -> bool:
        return self.model.rowCount() > 0

    def close_worker(self) -> None:
        self._worker.pool.close()

    def _fill(self, entries: tuple[CrsEntry, ...]) -> None:
        for entry in entries:
            item = QStandardItem(entry.label)
            item.setData(entry.code, CODE_ROLE)
            self.model.appendRow(item)
        self.filter(self.search.text())
        if self._pending_code:
            self.select_code(self._pending_code)
        self.loaded.emit()

    def filter(self, text: str) -> None:
        """Keep the rows holding every word of ``text`` (case-insensitive, in any order)."""
        pattern = "".join(f"(?=.*{re.escape(word)})" for word in text.split())
        self.proxy.setFilterRegularExpression(
            QRegularExpression(pattern, QRegularExpression.PatternOption.CaseInsensitiveOption))
        if self.is_loaded:
            self.status.setText(self.tr("{shown:,} of {total:,} coordinate systems").format(
                shown=self.proxy.rowCount(), total=self.model.rowCount()))

    def select_code(self, code: str) -> bool:
        """Show and select ``code`` (e.g. 'EPSG:4547'); False when the catalogue does not hold it (yet)."""
        if not self.is_loaded:
            self._pending_code = code
            return False
        matches = self.model.match(self.model.index(0, 0), CODE_ROLE, code, 1, Qt.MatchFlag.MatchExactly)
        if not matches:
            return False
        index = self.proxy.mapFromSource(matches[0])
        if not index.isValid():
            self.search.clear()
            index = self.proxy.mapFromSource(matches[0])
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)
        return True

    def _pick(self, index) -> None:
        code = index.data(CODE_ROLE) if index.isValid() else None
        if code:
            self.chosen.emit(pyproj.CRS.from_user_input(code))


def _epsg_code(crs: pyproj.CRS | None) -> str | None:
    code = crs.to_epsg() if crs is not None else None
    return f"EPSG:{code}" if code is not None else None


class CrsSearchDialog(QDialog):
    """Just the picker, for Set Layer CRS in the layer properties."""

    def __init__(self, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Choose a Coordinate System"))
        fit_to_screen(self, 560, 520)
        self.selected_crs: pyproj.CRS | None = None
        self.picker = CrsPicker()
        self.picker.chosen.connect(self._set_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker, 1)
        layout.addWidget(buttons)
        try:
            code = _epsg_code(pyproj.CRS.from_user_input(current)) if current else None
        except pyproj.exceptions.CRSError:
            code = None
        if code:
            self.picker.select_code(code)

    def _set_selected(self, crs: pyproj.CRS) -> None:
        self.selected_crs = crs

    def done(self, result: int) -> None:
        self.picker.close_worker()
        super().done(result)


class ProjectPropertiesDialog(QDialog):
    """Title and CRS of the project; OK writes them back (the map then redraws in the new CRS)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.selected_crs: pyproj.CRS | None = project.crs
        self.recommended: pyproj.CRS | None = None
        self.setWindowTitle(self.tr("Project Properties"))
        fit_to_screen(self, 640, 620)
        self.title_edit = QLineEdit(project.title)
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.advice = QLabel(self.tr("Estimating the local metric CRS from the project's data…"))
        self.advice.setWordWrap(True)
        self.use_recommended = QPushButton(self.tr("Use Recommended"))
        self.use_recommended.setEnabled(False)
        self.use_recommended.clicked.connect(self._take_recommended)
        self.picker = CrsPicker()
        self.picker.chosen.connect(self._set_selected)
        if _epsg_code(project.crs):
            self.picker.select_code(_epsg_code(project.crs))
        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Project CRS"), self.current)
        recommended_row = QHBoxLayout()
        recommended_row.addWidget(self.advice, 1)
        recommended_row.addWidget(self.use_recommended)
        form.addRow(self.tr("Recommended"), recommended_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Choose the project CRS (the map is drawn in it; layers keep their own):")))
        layout.addWidget(self.picker, 1)
        layout.addWidget(buttons)
        self._show_selected()
        self._advisor = _Worker(self, "crs-advice")
        self._advisor.ready.connect(self._advice_ready)
        self._advisor.run(crs_advice, data_extent(project), project.crs)

    def _advice_ready(self, advice: CrsAdvice) -> None:
        self.recommended = advice.recommended
        if advice.recommended is None:
            self.advice.setText(self.tr("Add data to the project to get a recommendation."))
            return
        text = self.tr("{crs}: the local metric CRS for the project's data.").format(
            crs=describe_crs(advice.recommended))
        if advice.problem is not None:
            text += " " + self.tr("The current CRS does not measure true distances there ({why}); analyses "
                                  "measure in a local metric CRS instead.").format(why=advice.problem)
        self.advice.setText(text)
        self.use_recommended.setEnabled(True)

    def _take_recommended(self) -> None:
        if self.recommended is not None:
            self._set_selected(self.recommended)
            self.picker.select_code(_epsg_code(self.recommended) or "")

    def _set_selected(self, crs: pyproj.CRS) -> None:
        self.selected_crs = crs
        self._show_selected()

    def _show_selected(self) -> None:
        crs = self.selected_crs
        self.current.setText(describe_crs(crs) if crs is not None else self.tr("none yet (set by the first data)"))

    def apply(self) -> None:
        title = self.title_edit.text().strip()
        if title and title != self.project.title:
            self.project.title = title
        if self.selected_crs is not None and self.selected_crs != self.project.crs:
            self.project.crs = self.selected_crs

    def accept(self) -> None:
        self.apply()
        super().accept()

    def done(self, result: int) -> None:
        self.picker.close_worker()
        self._advisor.pool.close()
        super().done(result)


def show_project_properties(window) -> None:
    """Open the dialog for the window's project; after a CRS change, keep showing the same place on the map."""
    project = window.project
    old_title, old_crs, old_extent = project.title, project.crs, window.canvas.viewport.extent
    dialog = ProjectPropertiesDialog(project, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    if project.title != old_title:
        window.files.session.mark_dirty()  # the title is no layer event; the session must still ask to save
        window.update_title()
    if project.crs == old_crs:
        return
    extent = None
    if old_crs is not None:
        try:
            transformer = pyproj.Transformer.from_crs(old_crs, project.crs, always_xy=True)
            extent = transformer.transform_bounds(*old_extent, densify_pts=21)
        except pyproj.exceptions.ProjError:
            extent = None  # the old view has no place in the new CRS (another continent's grid)
    if extent is not None and valid_extent(extent):
        window.canvas.set_extent(extent, margin=0.0)
    else:
        window.canvas.zoom_full()


__all__ = [
    "CrsPicker", "CrsSearchDialog", "ProjectPropertiesDialog", "crs_advice", "data_extent", "show_project_properties",
]
