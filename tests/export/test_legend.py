"""Legend content read from the styles: visible layers only, top first, classes and categories, no empty entries;
ramps say where they are clamped, a best-server raster is one line, single-symbol layers stand apart, labels whole,
and the sources line names each analysis once."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from affine import Affine
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QImage, QPainter
from shapely.geometry import Point

from layers.layer import RasterLayer, VectorLayer
from layers.styles import Categorized, Category, SingleSymbol, Symbol, default_style
from tests.export import sample_project as sample
from workbench.export.legend import data_sources, legend_sections
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
    # a continuous ramp colours values beyond its ends with the end colours: the legend says so
    assert [i.label for i in rsrp.items] == ["≤ -120", "-110", "-100", "-90", "≥ -80"] and rsrp.opacity == 0.7


def test_a_best_server_raster_is_one_line_that_draws_no_swatch(qapp):
    # 40 serving cells: 11 colour swatches labelled 0..10 would tell a reader nothing about the map
    servers = np.arange(40, dtype=np.int32).reshape(5, 8)
    layer = RasterLayer(servers, Affine(10, 0, 0, 0, -10, 50), sample.CRS, name="Best server",
                        metadata={"quantity": "best_server"})
    layer.style = default_style(layer)
    section = legend_sections([layer])[0]
    assert section.title == "Best server" and not section.single
    assert [(i.label, i.colour, i.symbol) for i in section.items] == [("40 cell areas", None, None)]
    few = RasterLayer(np.arange(6, dtype=np.int32).reshape(2, 3), Affine(10, 0, 0, 0, -10, 20), sample.CRS,
                      name="Zones", metadata={"quantity": "best_server"})
    few.style = default_style(few)
    assert [i.label for i in legend_sections([few])[0].items] == ["0", "1", "2", "3", "4", "5"]  # classes, no "≤"
    from workbench.export.layout_elements import draw_swatch

    image = QImage(60, 40, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    paper = Paper(painter, QRectF(0, 0, 60, 40), (60.0, 40.0))
    draw_swatch(paper, (5, 5, 20, 10), section.items[0], 1.0)
    draw_swatch(paper, (30, 5, 20, 10), legend_sections([few])[0].items[0], 1.0)
    painter.end()
    assert image.pixel(15, 10) == 0xFFFFFFFF  # nothing drawn for the summary line
    assert image.pixel(40, 10) != 0xFFFFFFFF  # a real class has its colour


def _point_layer(name: str, style) -> VectorLayer:
    gdf = gpd.GeoDataFrame({"kind": ["a", "b"]}, geometry=[Point(0, 0), Point(1, 1)], crs=sample.CRS)
    return VectorLayer(gdf, name, style=style)


def test_a_single_symbol_layer_after_a_list_of_classes_stands_apart():
    from workbench.export.layout_elements import _columns, _rows

    classes = Categorized("kind", [Category("a", Symbol(fill="#ff0000")), Category("b", Symbol(fill="#0000ff"))])
    layers = [_point_layer("Schools", SingleSymbol(Symbol())), _point_layer("Offices", classes),
              _point_layer("Wells", SingleSymbol(Symbol())), _point_layer("Masts", SingleSymbol(Symbol()))]
    rows = _rows(legend_sections(layers))  # top first: Masts, Wells, Offices (heading, a, b), Schools
    assert [r.text for r in rows] == ["Masts", "Wells", "Offices", "a", "b", "Schools"]
    (column,) = _columns(rows, 1.0, 0.5, 100.0, 1)
    y = {row.text: top for row, top in column}
    assert y["Wells"] - y["Masts"] == 1.0  # two single-symbol layers: a plain list
    assert y["Offices"] - y["Wells"] == 1.5  # a heading gets its space
    assert y["Schools"] - y["b"] == 1.5  # and so does the single layer after the classes, not read as class "c"
    from workbench.export.webmap import _legend_html

    page = _legend_html(legend_sections(layers), "")  # the web legend sets it apart too
    assert page.count('class="lamplight-apart"') == 1
    assert page.index("<span>b</span>") < page.index('class="lamplight-apart"') < page.index("<span>Schools</span>")


def _draw_legend_of(layer_name: str, labels: list[str]) -> tuple[int, list[str]]:
    """A 36 x 60 mm legend of one categorised point layer: the entries left out and every text drawn, line by
    line (as the painter received it)."""
    from workbench.export.layout_elements import draw_legend

    style = Categorized("kind", [Category(f"v{i}", Symbol(fill="#e08040"), label) for i, label in enumerate(labels)])
    image = QImage(800, 800, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    paper = Paper(painter, QRectF(0, 0, 800, 800), (100.0, 100.0))
    drawn: list[str] = []
    elide = paper.elide
    paper.elide = lambda text, *args, **kwargs: drawn.append(elide(text, *args, **kwargs)) or drawn[-1]
    missing = draw_legend(paper, (0, 0, 36, 60), legend_sections([_point_layer(layer_name, style)]), 8.0)
    painter.end()
    return missing, drawn


def test_legend_prefers_smaller_type_to_cut_labels(qapp):
    long_labels = [f"{100 + 40 * i} – {140 + 40 * i} CNY/m²/month" for i in range(4)]
    # 36 mm wide: at 8 pt the labels need more than the room beside the swatch, at 70 % they fit
    missing, drawn = _draw_legend_of("Offices", long_labels)
    assert missing == 0
    assert set(long_labels) <= set(drawn)  # every label drawn whole


def test_sources_name_each_file_and_each_analysis_once():
    project = sample.make_project()
    provenance = {"algorithm": "coverage.rsrp", "run_id": "r1"}
    for layer in project.layers:
        layer.metadata.pop("provenance", None)
    project.layer("RSRP").metadata["provenance"] = provenance
    project.layer("Buildings").metadata["provenance"] = provenance
    project.layer("Roads").source = "tianhe.gpkg|roads"
    project.layer("Schools").source = "/data/tianhe.gpkg|schools"
    assert data_sources(project.layers) == ["tianhe.gpkg", "Lamplight coverage.rsrp (RSRP, Buildings)"]


def test_legend_wraps_labels_too_long_for_any_type_size_instead_of_cutting_them(qapp):
    """docs/exports.md promises no cut labels: a label too wide even at 70 % goes onto more lines, in English
    (broken at spaces) and in Chinese (broken between characters); nothing is drawn with an ellipsis."""
    labels = ["Existing macro sites of all three operators within the keep-out zone",
              "天河区珠江新城智慧灯杆第一期建设范围含学校周边五十米禁建区"]
    missing, drawn = _draw_legend_of("Sites", labels)
    assert missing == 0
    assert not any("…" in line for line in drawn)
    text = "".join(drawn)
    assert labels[1] in text  # the Chinese label, line after line, reads whole
    assert " ".join(line.strip() for line in drawn if line[:1].isascii() and line.strip() != "Sites") == labels[0]
    assert len(drawn) >= 5  # heading + at least two lines per label
