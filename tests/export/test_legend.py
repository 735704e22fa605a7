"""Legend content read from the styles: visible layers only, top first, classes and categories, no empty entries."""

from __future__ import annotations

import numpy as np
from affine import Affine
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QImage, QPainter

from layers.layer import RasterLayer
from layers.styles import default_style
from tests.export import sample_project as sample
from workbench.export.legend import legend_sections
from workbench.export.paper import Paper


def test_sections_follow_the_map_top_first_and_skip_hidden_layers():
    project = sample.make_project()
    titles = [s.title for s in legend_sections(project.layers)]
    assert titles == ["Selected sites", "Schools", "Lamp poles", "Roads", "Buildings", "RSRP (dBm)"]
    poles = next(s for s in legend_sections(project.layers) if s.title == "Lamp poles")
    assert [i.label for i in poles.items] == ["active", "planned"]  # no "other": every pole has a known status
    project.layer("Lamp poles").gdf.loc[0, "status"] = "removed-by-typo"
    poles = next(s for s in legend_sections(project.layers) if s.title == "Lamp poles")
    assert poles.items[-1].label == "other"
    rsrp = legend_sections(project.layers)[-1]
    assert [i.label for i in rsrp.items] == ["-120", "-110", "-100", "-90", "-80"] and rsrp.opacity == 0.7


def test_a_summarised_class_list_draws_no_swatch(qapp):
    servers = np.arange(40, dtype=np.int32).reshape(5, 8)
    layer = RasterLayer(servers, Affine(10, 0, 0, 0, -10, 50), sample.CRS, name="Best server",
                        metadata={"quantity": "best_server"})
    layer.style = default_style(layer)
    section = legend_sections([layer])[0]
    summary = section.items[-1]
    assert summary.label.startswith("…") and summary.colour is None
    from workbench.export.layout_elements import draw_swatch

    image = QImage(60, 40, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    draw_swatch(Paper(painter, QRectF(0, 0, 60, 40), (60.0, 40.0)), (5, 5, 20, 10), summary, 1.0)
    draw_swatch(Paper(painter, QRectF(0, 0, 60, 40), (60.0, 40.0)), (30, 5, 20, 10), section.items[0], 1.0)
    painter.end()
    assert image.pixel(15, 10) == 0xFFFFFFFF  # nothing drawn for the summary line
    assert image.pixel(40, 10) != 0xFFFFFFFF  # a real class has its colour
