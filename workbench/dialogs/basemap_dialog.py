"""Add Basemap…: an XYZ template, a WMS or WMTS layer chosen from the server's capabilities, or a preset
(Tianditu, which asks for the user's key; a municipal WMTS by URL).

Capabilities are fetched in a worker thread (``GuardedPool``); the dialog only builds the source from the
choices. Accepting stores a Tianditu key in the user's settings, never in the project.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.basemap.capabilities import Capabilities, read_capabilities, wms_source, wmts_source
from workbench.basemap.fetch import BasemapUnavailable
from workbench.basemap.keys import save_key, saved_key
from workbench.basemap.presets import TIANDITU_KEY, municipal_wmts_hint, tianditu, tianditu_names
from workbench.basemap.sources import BasemapSource, Source, looks_gcj02
from workbench.guarded_pool import GuardedPool

XYZ, WMS, WMTS, MUNICIPAL = "xyz", "wms", "wmts", "municipal"


class _Worker(QObject):
    """Reads capabilities off the GUI thread; ``finished(request, capabilities or None, error or None)``."""

    finished = pyqtSignal(int, object, object)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.pool = GuardedPool(self, "basemap-capabilities")

    def read(self, request: int, url: str, service: str) -> None:
        signal = self.finished  # bound here, in the GUI thread

        def work() -> None:
            try:
                result, error = read_capabilities(url, service), None
            except BasemapUnavailable as exc:
                result, error = None, str(exc)
            self.pool.emit(signal, request, result, error)

        self.pool.submit(work)


class BasemapDialog(QDialog):
    """After ``exec()`` returns Accepted, ``source`` is the new basemap (with the user's key filled in)."""

    def __init__(self, parent: QWidget | None = None, preset: str = XYZ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add Basemap"))
        self.source: Source | None = None
        self.capabilities: Capabilities | None = None
        self._request = 0
        self._worker = _Worker(self)
        self._worker.finished.connect(self._capabilities_read)
        self._build()
        self.set_preset(preset)

    # -- layout -------------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.kind = QComboBox()
        for label, value in ((self.tr("XYZ tiles (URL template)"), XYZ), (self.tr("WMS layer"), WMS),
                             (self.tr("WMTS layer"), WMTS), (self.tr("Municipal WMTS (by URL)"), MUNICIPAL)):
            self.kind.addItem(label, value)
        for preset, label in tianditu_names().items():
            self.kind.addItem(label, preset)
        self.kind.activated.connect(self._kind_chosen)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.name = QLineEdit()
        self.url = QLineEdit()
        self.url.textEdited.connect(self._url_edited)
        self.fetch = QPushButton(self.tr("Fetch layers"))
        self.fetch.clicked.connect(self._fetch)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.fetch)
        self.key = QLineEdit()
        self.key.setPlaceholderText(self.tr("your Tianditu key (tk), from console.tianditu.gov.cn"))
        self.subdomains = QLineEdit()
        self.subdomains.setPlaceholderText(self.tr("e.g. a,b,c (for {s} in the template)"))
        self.max_zoom = QSpinBox()
        self.max_zoom.setRange(0, 24)
        self.max_zoom.setValue(19)
        self.layer = QComboBox()
        self.layer.currentIndexChanged.connect(self._layer_chosen)
        self.matrix_set = QComboBox()
        self.gcj02 = QCheckBox(self.tr("Tiles are in GCJ-02 (Chinese commercial maps such as AutoNavi/Gaode or "
                                       "Tencent): shift them onto WGS84/CGCS2000"))
        self.attribution = QLineEdit()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a33;")
        self.form = QFormLayout()
        self.form.addRow(self.tr("Type"), self.kind)
        self.form.addRow(self.hint)
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Address"), url_row)
        self.form.addRow(self.tr("Key"), self.key)
        self.form.addRow(self.tr("Subdomains"), self.subdomains)
        self.form.addRow(self.tr("Highest zoom"), self.max_zoom)
        self.form.addRow(self.tr("Layer"), self.layer)
        self.form.addRow(self.tr("Tile matrix set"), self.matrix_set)
        self.form.addRow(self.gcj02)
        self.form.addRow(self.tr("Attribution"), self.attribution)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.url_row = url_row
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def set_preset(self, preset: str) -> None:
        """Show the form of ``preset`` (XYZ, WMS, WMTS, MUNICIPAL or a Tianditu preset id)."""
        self.kind.setCurrentIndex(max(0, self.kind.findData(preset)))
        self._kind_chosen()

    @property
    def preset(self) -> str:
        return self.kind.currentData()

    def _kind_chosen(self, *_: Any) -> None:
        preset = self.preset
        is_tianditu = preset in tianditu_names()
        service = self._service()
        rows = {self.key: is_tianditu, self.subdomains: preset == XYZ, self.max_zoom: preset == XYZ,
                self.layer: service is not None, self.matrix_set: service == "WMTS",
                self.gcj02: preset in (XYZ, WMTS, MUNICIPAL), self.attribution: not is_tianditu}
        for widget, visible in rows.items():
            self.form.setRowVisible(widget, visible)
        self.form.setRowVisible(self.url_row, not is_tianditu)
        self.fetch.setVisible(service is not None)
        hints = {XYZ: self.tr("A tile URL with {z}, {x} and {y}; {-y} for TMS rows, {s} for a subdomain."),
                 WMS: self.tr("The WMS address; Fetch layers reads the layers it offers."),
                 WMTS: self.tr("The WMTS address; Fetch layers reads its layers and tile matrix sets."),
                 MUNICIPAL: municipal_wmts_hint()}
        wmts = self.tr("https://map.example.gov.cn/wmts")
        placeholders = {XYZ: self.tr("https://tiles.example.org/{z}/{x}/{y}.png"),
                        WMS: self.tr("https://map.example.gov.cn/wms"), WMTS: wmts, MUNICIPAL: wmts}
        self.url.setPlaceholderText(placeholders.get(preset, ""))
        self.hint.setText(hints.get(preset, self.tr("Tianditu needs a key of your own (free from "
                                                     "console.tianditu.gov.cn); it is kept in your settings on "
                                                     "this computer, never in the project file.")))
        if is_tianditu:
            self.name.setText(tianditu_names()[preset])
            self.key.setText(self.key.text() or saved_key(TIANDITU_KEY))
        self.problem.clear()

    def _service(self) -> str | None:
        return {WMS: "WMS", WMTS: "WMTS", MUNICIPAL: "WMTS"}.get(self.preset)

    def _url_edited(self, text: str) -> None:
        if self.preset == XYZ and looks_gcj02(text):
            self.gcj02.setChecked(True)

    # -- capabilities -------------------------------------------------------------------------------------------
    def _fetch(self) -> None:
        service = self._service()
        url = self.url.text().strip()
        if service is None or not url:
            self.problem.setText(self.tr("Enter the server's address first."))
            return
        self._request += 1
        self.fetch.setEnabled(False)
        self.problem.setText(self.tr("Reading the server's capabilities…"))
        self._worker.read(self._request, url, service)

    def _capabilities_read(self, request: int, capabilities: Capabilities | None, error: str | None) -> None:
        if request != self._request:
            return
        self.fetch.setEnabled(True)
        if capabilities is None:
            self.problem.setText(self.tr("Could not read the server: {problem}").format(problem=error))
            return
        self.capabilities = capabilities
        self.layer.clear()
        for choice in capabilities.layers:
            self.layer.addItem(f"{choice.title} ({choice.name})" if choice.title != choice.name else choice.name,
                               choice.name)
        if not capabilities.layers:
            self.problem.setText(self.tr("The server offers no layer Lamplight can draw."))
            return
        self.problem.setText(self.tr("{count} layers offered.").format(count=len(capabilities.layers)))
        if not self.name.text().strip():
            self.name.setText(capabilities.title)

    def _layer_chosen(self, *_: Any) -> None:
        self.matrix_set.clear()
        if self.capabilities is None or self.capabilities.service != "WMTS" or self.layer.currentData() is None:
            return
        for identifier in self.capabilities.layer(self.layer.currentData()).options:
            grid = self.capabilities.grids[identifier]
            self.matrix_set.addItem(f"{identifier} ({grid.crs if len(grid.crs) < 40 else 'WKT'})", identifier)
        google = self.matrix_set.findData("GoogleMapsCompatible")
        if google >= 0:
            self.matrix_set.setCurrentIndex(google)

    # -- result -------------------------------------------------------------------------------------------------
    def build_source(self) -> Source:
        """The source the form describes; raises ``ValueError`` saying what is missing."""
        preset, name = self.preset, self.name.text().strip()
        if preset in tianditu_names():
            key = self.key.text().strip()
            if not key:
                raise ValueError(self.tr("Enter your Tianditu key: Tianditu refuses tiles without one."))
            return tianditu(preset, key)
        if not name:
            raise ValueError(self.tr("Give the basemap a name."))
        url, attribution = self.url.text().strip(), self.attribution.text().strip()
        if not url.lower().startswith(("http://", "https://")):
            raise ValueError(self.tr("The address must start with http:// or https://."))
        if preset == XYZ:
            if not all(part in url for part in ("{z}", "{x}")) or not ("{y}" in url or "{-y}" in url):
                raise ValueError(self.tr("An XYZ template needs {z}, {x} and {y} (or {-y})."))
            subdomains = tuple(s.strip() for s in self.subdomains.text().split(",") if s.strip())
            if "{s}" in url and not subdomains:
                raise ValueError(self.tr("The template has {s}: list its subdomains, e.g. a,b,c."))
            return BasemapSource(name, url, attribution, self.max_zoom.value(), subdomains, self.gcj02.isChecked())
        if self.capabilities is None or self.layer.currentData() is None:
            raise ValueError(self.tr("Press Fetch layers and choose a layer."))
        try:
            if self.capabilities.service == "WMS":
                return wms_source(self.capabilities, self.layer.currentData(), name, attribution)
            if self.matrix_set.currentData() is None:
                raise ValueError(self.tr("Choose a tile matrix set."))
            return wmts_source(self.capabilities, self.layer.currentData(), self.matrix_set.currentData(), name,
                               attribution, self.gcj02.isChecked())
        except BasemapUnavailable as exc:
            raise ValueError(str(exc)) from exc

    def accept(self) -> None:
        try:
            self.source = self.build_source()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        if self.preset in tianditu_names():
            save_key(TIANDITU_KEY, self.key.text())
        super().accept()

    def done(self, result: int) -> None:
        self._worker.pool.close()
        super().done(result)
