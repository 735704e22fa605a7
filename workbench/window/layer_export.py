"""Layer > Save Features As: write a layer (or only its selected features) to a file a colleague can open.

This is how a planner hands on "the list": the selected sites as CSV for a spreadsheet, a GeoPackage for GIS
colleagues, GeoJSON for the web, a GeoTIFF for a raster. Writing runs in a Python worker thread (big layers take
seconds, and pyproj must not run in Qt-made threads), the file appears atomically (``layers.io.write_layer``), and
every failure is a readable dialog that names the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
from PyQt6.QtWidgets import QFileDialog, QMessageBox, QWidget

from layers import Layer, RasterLayer, VectorLayer
from layers.io import write_layer
from layers.io.formats import write_filters
from workbench.window.background_writer import BackgroundWriter
from workbench.window.start_folder import remember_folder

#: The first extension of a file dialog's filter: "GeoTIFF raster (*.tif *.tiff)" -> ".tif".
_FIRST_EXTENSION = re.compile(r"\(\*(\.[\w.]+)")


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
    first = _FIRST_EXTENSION.search(chosen_filter)
    return target.with_suffix(first.group(1)) if first else target


class LayerExporter(BackgroundWriter):
    """Asks where (and whether only the selection), writes in a worker, reports in the status bar or a dialog."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "layer-export")

    def choose_and_save(self, layer: Layer, folder: str = "") -> None:
        selected_only = False
        if isinstance(layer, VectorLayer) and layer.selection:
            answer = QMessageBox.question(
                self.parent_widget, self.tr("Save Features As"),
                self.tr("Save only the {selected:,} selected features of \u201c{name}\u201d?\nNo saves all "
                        "{total:,}.").format(selected=len(layer.selection), name=layer.name, total=len(layer.gdf)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            selected_only = answer == QMessageBox.StandardButton.Yes
        filters = write_filters(raster=isinstance(layer, RasterLayer))
        suggested = str(Path(folder) / layer.name) if folder else layer.name
        title = self.tr("Save \u201c{name}\u201d As").format(name=layer.name)
        path, chosen = QFileDialog.getSaveFileName(self.parent_widget, title, suggested, ";;".join(filters))
        if path:
            remember_folder(path)
            self.save(layer, with_extension(path, chosen), selected_only=selected_only)

    def save(self, layer: Layer, path: Path, *, selected_only: bool = False) -> None:
        """Write in the worker; the outcome shows in the GUI thread (status bar, or a dialog naming the file)."""
        chosen = features_to_save(layer, selected_only) if isinstance(layer, VectorLayer) else layer
        self.write(path, lambda: write_layer(chosen, path, layer_name=chosen.name))

    def failure_title(self) -> str:
        return self.tr("Could not save the layer")

    def success_text(self, path: str) -> str:
        return self.tr("Saved {path}").format(path=path)
