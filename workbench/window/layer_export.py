"""Layer > Save Features As: write a layer (or only its selected features) to a file a colleague can open.

This is how a planner hands on "the list": the selected sites as CSV for a spreadsheet, a GeoPackage for GIS
colleagues, GeoJSON for the web, a GeoTIFF for a raster. Writing runs in a Python worker thread (big layers take
seconds, and pyproj must not run in Qt-made threads), the file appears atomically (``layers.io.write_layer``), and
every failure is a readable dialog that names the file.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QFileDialog, QMessageBox, QWidget

from layers import Layer, LayerError, RasterLayer, VectorLayer
from layers.io import write_layer
from layers.io.formats import WRITE_FILTERS
from workbench.dialogs.errors import show_error
from workbench.guarded_pool import GuardedPool
from workbench.window.start_folder import remember_folder

log = logging.getLogger(__name__)

RASTER_FILTERS = [f for f in WRITE_FILTERS if "GeoTIFF" in f]
VECTOR_FILTERS = [f for f in WRITE_FILTERS if "GeoTIFF" not in f]
_EXTENSION_OF_FILTER = {"GeoPackage": ".gpkg", "GeoJSON": ".geojson", "CSV": ".csv", "GeoTIFF": ".tif"}


def features_to_save(layer: VectorLayer, selected_only: bool) -> VectorLayer:
    """The layer itself, or a copy holding only its selected features in their table order."""
    if not selected_only:
        return layer
    rows = sorted(layer.selection)
    part = gpd.GeoDataFrame(layer.gdf.iloc[rows].reset_index(drop=True), crs=layer.gdf.crs)
    return VectorLayer(part, layer.name, kind=layer.kind, style=layer.style, metadata=dict(layer.metadata))


def with_extension(path: str, chosen_filter: str) -> Path:
    """The chosen name with the filter's extension added when the user typed none (as desktop apps do)."""
    target = Path(path)
    if target.suffix:
        return target
    for name, extension in _EXTENSION_OF_FILTER.items():
        if chosen_filter.startswith(name):
            return target.with_suffix(extension)
    return target


class LayerExporter(QObject):
    """Asks where (and whether only the selection), writes in a worker, reports in the status bar or a dialog."""

    _done = pyqtSignal(str, object)  # path, error message or None

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.pool = GuardedPool(self, "layer-export")
        self._done.connect(self._report)
        self._done_signal = self._done  # bound in the GUI thread, for the worker

    def choose_and_save(self, layer: Layer, folder: str = "") -> None:
        selected_only = False
        if isinstance(layer, VectorLayer) and layer.selection:
            answer = QMessageBox.question(
                self.parent_widget, self.tr("Save Features As"),
                f"Save only the {len(layer.selection):,} selected features of \u201c{layer.name}\u201d?\n"
                f"No saves all {len(layer.gdf):,}.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            selected_only = answer == QMessageBox.StandardButton.Yes
        filters = RASTER_FILTERS if isinstance(layer, RasterLayer) else VECTOR_FILTERS
        suggested = str(Path(folder) / layer.name) if folder else layer.name
        path, chosen = QFileDialog.getSaveFileName(self.parent_widget, f"Save \u201c{layer.name}\u201d As",
                                                   suggested, ";;".join(filters))
        if path:
            remember_folder(path)
            self.save(layer, with_extension(path, chosen), selected_only=selected_only)

    def save(self, layer: Layer, path: Path, *, selected_only: bool = False) -> None:
        """Write in the worker; the outcome shows in the GUI thread (status bar, or a dialog naming the file)."""
        chosen = features_to_save(layer, selected_only) if isinstance(layer, VectorLayer) else layer
        self.pool.submit(self._write, chosen, path)

    def wait(self, timeout_s: float = 30.0) -> bool:
        return self.pool.wait(timeout_s)

    def _write(self, layer: Layer, path: Path) -> None:
        try:
            write_layer(layer, path, layer_name=layer.name)
            error = None
        except LayerError as exc:
            error = str(exc)
        except Exception as exc:  # a writer bug must still reach the planner, not die with the worker's future
            log.exception("saving %s failed", path)
            error = f"{path}: could not be written ({type(exc).__name__}: {exc})"
        self.pool.emit(self._done_signal, str(path), error)

    def _report(self, path: str, error: str | None) -> None:
        if error is not None:
            show_error(self.parent_widget, "Could not save the layer", error)
        else:
            status = getattr(self.parent_widget, "statusBar", None)
            if status is not None:
                status().showMessage(f"Saved {path}", 8000)
