"""Search dock: find office space by price, lease term and industry, or schools by level.

Matches are selected on the map (so they light up and show in the attribute table) and listed here;
clicking a listed match zooms to it.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from layers import Event, Project, VectorLayer
from workbench.docks.attribute_model import format_value
from workbench.docks.scrolling import scrollable
from workbench.docks.search_queries import distinct_values, office_mask, school_mask
from workbench.window.gui_steps import later
from workbench.window.project_bridge import ProjectBridge

#: Shown for "no condition" in the drop-downs and spin boxes (the choice itself carries no data).
ANY_TEXT = QT_TRANSLATE_NOOP("SearchDock", "any")
SCHOOL_LEVELS = ("kindergarten", "primary", "middle", "high", "university")
OFFICE_COLUMNS = ("listing_id", "price_m2", "lease_term_months", "industry", "area_m2")
SCHOOL_COLUMNS = ("name", "level", "students")
#: Listing more matches than this makes the list useless and slow; the map still shows them all.
MAX_LISTED = 2000


class SearchDock(QDockWidget):
    feature_activated = pyqtSignal(object, int)  # layer, row position
    zoom_to_selection_requested = pyqtSignal(object)

    def __init__(self, bridge: ProjectBridge, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Search"), parent)
        self.setObjectName("SearchDock")
        self.bridge = bridge
        self._result_layer: VectorLayer | None = None
        self._build()
        bridge.model_event.connect(self._on_event)
        bridge.project_replaced.connect(lambda project: later(self, self._refill))  # after the first paint
        self._refill()

    @property
    def project(self) -> Project:
        return self.bridge.project

    def _build(self) -> None:
        self.office_layer = QComboBox()
        self.office_layer.currentIndexChanged.connect(self._fill_industries)
        self.max_price = _spin(QDoubleSpinBox(), 0, 100000, " CNY/m²/month")
        self.min_lease = _spin(QSpinBox(), 0, 600, " months")
        self.max_lease = _spin(QSpinBox(), 0, 600, " months")
        self.industry = QComboBox()
        find_offices = QPushButton(self.tr("Find office space"))
        find_offices.setDefault(True)
        find_offices.clicked.connect(self.find_offices)
        offices = QGroupBox(self.tr("Office space"))
        form = QFormLayout(offices)
        form.addRow(self.tr("Layer"), self.office_layer)
        form.addRow(self.tr("Price at most"), self.max_price)
        lease = QHBoxLayout()
        lease.addWidget(self.min_lease)
        lease.addWidget(QLabel(self.tr("to")))
        lease.addWidget(self.max_lease)
        form.addRow(self.tr("Lease term"), lease)
        form.addRow(self.tr("Industry"), self.industry)
        form.addRow(find_offices)

        self.school_layer = QComboBox()
        self.level = QComboBox()
        self.level.addItem(self.tr(ANY_TEXT), None)
        for level in SCHOOL_LEVELS:
            self.level.addItem(level, level)
        find_schools = QPushButton(self.tr("Find schools"))
        find_schools.clicked.connect(self.find_schools)
        schools = QGroupBox(self.tr("Schools"))
        school_form = QFormLayout(schools)
        school_form.addRow(self.tr("Layer"), self.school_layer)
        school_form.addRow(self.tr("Level"), self.level)
        school_form.addRow(find_schools)

        self.summary = QLabel(self.tr("Choose criteria and press Find."))
        self.summary.setWordWrap(True)
        self.results = QTreeWidget()
        self.results.setObjectName("SearchResults")
        self.results.setRootIsDecorated(False)
        self.results.setAlternatingRowColors(True)
        self.results.setSortingEnabled(True)
        self.results.setHeaderHidden(True)
        self.results.itemActivated.connect(self._activated)
        self.results.itemClicked.connect(self._activated)
        zoom = QPushButton(self.tr("Zoom to matches"))
        zoom.clicked.connect(lambda: self._result_layer and self.zoom_to_selection_requested.emit(self._result_layer))
        forms = QWidget()
        form_layout = QVBoxLayout(forms)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(offices)
        form_layout.addWidget(schools)
        # The forms scroll when the window is short; the results list below takes whatever height is left.
        forms_area = scrollable(forms, self)
        forms_area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        forms_area.setMinimumHeight(3 * self.results.fontMetrics().lineSpacing())
        self.results.setMinimumHeight(3 * self.results.fontMetrics().lineSpacing())
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(forms_area)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(zoom)
        layout.addLayout(bottom)
        layout.addWidget(self.results, 1)
        self.setWidget(body)

    # -- layers of the right kind ---------------------------------------------------------------------------
    def _refill(self) -> None:
        for box, kind in ((self.office_layer, "office_space"), (self.school_layer, "schools")):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            for layer in reversed(self.project.layers):
                if isinstance(layer, VectorLayer) and layer.kind == kind:
                    box.addItem(layer.name, layer.id)
            if box.count() == 0:
                box.addItem(self.tr("(no {kind} layer in the project)").format(kind=kind), None)
            found = box.findData(current) if current is not None else -1
            box.setCurrentIndex(max(0, found))
            box.blockSignals(False)
        self._fill_industries()

    def _fill_industries(self, *args) -> None:
        layer = self._layer(self.office_layer)
        current = self.industry.currentData()
        self.industry.clear()
        self.industry.addItem(self.tr(ANY_TEXT), None)
        if layer is not None:
            for industry in distinct_values(layer.gdf, "industry"):
                self.industry.addItem(industry, industry)
        self.industry.setCurrentIndex(max(0, self.industry.findData(current)) if current is not None else 0)

    def _layer(self, box: QComboBox) -> VectorLayer | None:
        layer_id = box.currentData()
        if layer_id is None:
            return None
        try:
            layer = self.project.layer(layer_id)
        except KeyError:
            return None
        return layer if isinstance(layer, VectorLayer) else None

    def _on_event(self, event: Event) -> None:
        if event.type in ("added", "removed", "cleared") or (event.type == "changed" and event.attribute in
                                                             ("name", "kind", "data")):
            self._refill()

    # -- searches -------------------------------------------------------------------------------------------------
    def find_offices(self) -> int:
        """Select the listings matching the form; returns how many matched."""
        layer = self._layer(self.office_layer)
        if layer is None:
            self.summary.setText(self.tr("Add an office space layer (kind 'office_space') to search listings."))
            return 0
        mask = office_mask(layer.gdf, max_price=_value(self.max_price), min_lease=_value(self.min_lease),
                           max_lease=_value(self.max_lease),
                           industry=self.industry.currentData())
        return self._show(layer, mask, OFFICE_COLUMNS, self.tr("<b>{count:,}</b> listing(s) found among {total:,}"))

    def find_schools(self) -> int:
        layer = self._layer(self.school_layer)
        if layer is None:
            self.summary.setText(self.tr("Add a schools layer (kind 'schools') to search schools."))
            return 0
        return self._show(layer, school_mask(layer.gdf, level=self.level.currentData()), SCHOOL_COLUMNS,
                          self.tr("<b>{count:,}</b> school(s) found among {total:,}"))

    def _show(self, layer: VectorLayer, mask: np.ndarray, columns: tuple[str, ...], found: str) -> int:
        positions = np.flatnonzero(mask)
        layer.selection = frozenset(positions.tolist())
        self._result_layer = layer
        shown = [c for c in columns if c in layer.gdf.columns]
        self.results.clear()
        self.results.setSortingEnabled(False)
        self.results.setHeaderLabels(shown)
        self.results.setHeaderHidden(False)
        frame = layer.gdf
        items = []
        for position in positions[:MAX_LISTED]:
            row = frame.iloc[int(position)]
            item = _ResultItem([format_value(row[c]) for c in shown])
            item.setData(0, Qt.ItemDataRole.UserRole, int(position))
            items.append(item)
        self.results.addTopLevelItems(items)
        self.results.setSortingEnabled(True)
        for column in range(len(shown)):
            self.results.resizeColumnToContents(column)
        count = len(positions)
        listed = "" if count <= MAX_LISTED else self.tr(" (first {count:,} listed)").format(count=MAX_LISTED)
        self.summary.setText(found.format(count=count, total=len(frame)) + listed
                             + self.tr("; selected on the map."))
        return count

    def _activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        if self._result_layer is not None:
            self.feature_activated.emit(self._result_layer, int(item.data(0, Qt.ItemDataRole.UserRole)))


class _ResultItem(QTreeWidgetItem):
    """Sorts numbers as numbers (200 after 90), text as text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        column = self.treeWidget().sortColumn() if self.treeWidget() else 0
        mine, theirs = self.text(column), other.text(column)
        try:
            return float(mine.replace(",", "")) < float(theirs.replace(",", ""))
        except ValueError:
            return mine < theirs


def _spin(box, low: float, high: float, suffix: str):
    box.setRange(low, high)
    box.setSpecialValueText(QCoreApplication.translate("SearchDock", ANY_TEXT))  # the minimum (0): "no limit"
    box.setSuffix(suffix)
    box.setValue(low)
    return box


def _value(box) -> float | None:
    return None if box.value() == box.minimum() else float(box.value())
