"""Antenna sector wedges for 5G sites: one wedge per azimuth, opening ``beamwidth`` degrees, pointing along it.

Azimuths are compass bearings (0 = north = up on the map, clockwise). All wedges of a class become one path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QPainter, QPen

from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import VectorLayer
from layers.styles import Sectors, Symbol
from workbench.render.geometry import Points
from workbench.render.markers import qcolour
from workbench.render.qtbulk import LINE_TO, MOVE_TO, element_buffer, path_from_records
from workbench.render.settings import MapTransform

_ARC_STEPS = 12
_FILL_ALPHA = 0.35


@dataclass
class SectorTable:
    """One row per wedge: the feature it belongs to, its azimuth and beamwidth (degrees)."""

    feature: np.ndarray
    azimuth: np.ndarray
    beamwidth: np.ndarray


def sector_table(layer: VectorLayer, sectors: Sectors) -> SectorTable:
    """Parse the comma-separated azimuths of every feature (empty = omni, no wedge)."""
    gdf = layer.gdf
    if sectors.azimuth_field not in gdf.columns:
        raise LayerError(layer.source, translate("RenderError", "sector style needs field '{field}' with azimuths, "
                                                                "which the layer does not have").format(
            field=sectors.azimuth_field), layer=layer.name)
    if sectors.beamwidth_field in gdf.columns:
        widths = pd.to_numeric(gdf[sectors.beamwidth_field], errors="coerce").to_numpy(float)
    else:
        widths = np.full(len(gdf), np.nan)
    widths = np.where(np.isfinite(widths) & (widths > 0), widths, sectors.default_beamwidth)
    features, azimuths = [], []
    for row, text in enumerate(gdf[sectors.azimuth_field].to_numpy(object)):  # parsed once per layer version
        for item in _items(text):
            try:
                azimuths.append(float(item) % 360.0)
            except ValueError as exc:
                raise LayerError(layer.source, translate("RenderError", "field '{field}' row {row}: {text} is not "
                                                                        "comma-separated degrees").format(
                    field=sectors.azimuth_field, row=row, text=repr(text)), layer=layer.name) from exc
            features.append(row)
    feature = np.asarray(features, dtype=np.int64)
    return SectorTable(feature, np.asarray(azimuths, dtype=float), widths[feature] if len(feature) else widths[:0])


def _items(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [part.strip() for part in str(value).replace(";", ",").split(",") if part.strip()]


def draw_sectors(painter: QPainter, table: SectorTable, points: Points, feature_class: np.ndarray,
                 symbols: list[Symbol], sectors: Sectors, transform: MapTransform, px_per_point: float) -> None:
    """Translucent wedges in each site's class colour, drawn under the site markers."""
    if len(table.feature) == 0 or len(points.xs) == 0:
        return
    first_point = np.full(len(feature_class), -1, dtype=np.int64)
    first_point[points.rows()[::-1]] = np.arange(len(points.xs))[::-1]
    point = first_point[table.feature]
    wedge_class = np.where(point >= 0, feature_class[table.feature], -1)
    px, py = transform.map_to_pixel(points.xs[np.maximum(point, 0)], points.ys[np.maximum(point, 0)])
    radius = sectors.length * px_per_point
    inside = ((px > -radius) & (px < transform.width + radius) & (py > -radius)
              & (py < transform.height + radius) & (wedge_class >= 0))
    for k, symbol in enumerate(symbols):
        wedges = np.flatnonzero(inside & (wedge_class == k))
        if len(wedges) == 0:
            continue
        records = wedge_records(px[wedges], py[wedges], table.azimuth[wedges], table.beamwidth[wedges], radius)
        pen = QPen(qcolour(symbol.fill), 0.6 * px_per_point)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(qcolour(symbol.fill, _FILL_ALPHA))
        painter.drawPath(path_from_records(records))


def wedge_records(xs: np.ndarray, ys: np.ndarray, azimuth: np.ndarray, beamwidth: np.ndarray,
                  radius: float) -> np.ndarray:
    """Path records of closed wedges: centre, arc from azimuth - bw/2 to azimuth + bw/2, back to centre."""
    steps = np.linspace(-0.5, 0.5, _ARC_STEPS + 1)
    bearings = np.radians(azimuth[:, None] + beamwidth[:, None] * steps[None, :])
    arc_x = xs[:, None] + radius * np.sin(bearings)
    arc_y = ys[:, None] - radius * np.cos(bearings)  # pixel y grows southwards
    wx = np.column_stack([xs, arc_x, xs]).ravel()
    wy = np.column_stack([ys, arc_y, ys]).ravel()
    per_wedge = _ARC_STEPS + 3
    types = np.full(len(wx), LINE_TO, dtype=np.int32)
    types[::per_wedge] = MOVE_TO
    return element_buffer(types, wx, wy)
