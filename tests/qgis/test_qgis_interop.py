"""Files Lamplight writes open styled in real QGIS: Debian's PyQGIS (python3-qgis) loads them in a subprocess.

PyQGIS lives in the system Python (/usr/bin/python3), not in the venv, so each check runs a short PyQGIS script
there and compares what QGIS's own parser made of the file with the Lamplight style that was written.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine

from layers.default_styles import default_style
from layers.io import open_layers
from layers.io.writers import write_layer
from layers.layer import RasterLayer, VectorLayer
from layers.project import Project
from layers.qgis_project import export_qgis_project
from layers.styles import Graduated, RasterRamp, Symbol, classify, parse_colour
from plugins.runner import run_algorithm

SYSTEM_PYTHON = "/usr/bin/python3"
CRS = "EPSG:32650"


def _qgis_problem() -> str | None:
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} is missing"
    done = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if done.returncode:
        return ("PyQGIS is not installed (apt-get install python3-qgis qgis-providers; scripts/bootstrap.sh "
                f"--test does it): {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}")
    return None


PROBLEM = _qgis_problem()
pytestmark = pytest.mark.skipif(PROBLEM is not None, reason=PROBLEM or "")

PREAMBLE = """
import json, sys
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], False)
app.initQgis()
def symbol(s):
    layer = s.symbolLayer(0)
    out = {"colour": s.color().name(), "alpha": s.color().alpha(), "class": layer.layerType()}
    if layer.layerType() == "SimpleMarker":
        out.update(size=s.size(), unit=int(s.sizeUnit()), shape=layer.encodeShape(layer.shape()),
                   stroke=layer.strokeColor().name())
    return out
"""


def run_qgis(script: str, **values) -> dict:
    """Run ``script`` in PyQGIS with ``values`` bound as globals; it must end by printing ``result`` as JSON."""
    code = PREAMBLE + "".join(f"{k} = {v!r}\n" for k, v in values.items()) + textwrap.dedent(script) + \
        "\nprint('RESULT ' + json.dumps(result))\n"
    done = subprocess.run([SYSTEM_PYTHON, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _hex(colour: str) -> str:
    return "#{:02x}{:02x}{:02x}".format(*parse_colour(colour)[:3])


@pytest.fixture(scope="module")
def siting_result():
    """A real MCLP run over a 20 x 20 grid of poles with three rollout phases."""
    rng = np.random.default_rng(7)
    xy = np.array([(x, y) for x in range(0, 800, 40) for y in range(0, 800, 40)], float) + 500_000
    poles = gpd.GeoDataFrame({"pole_id": [f"P{i:03d}" for i in range(len(xy))], "height_m": 10.0,
                              "attachments": "", "capacity": 4, "status": "active"},
                             geometry=shapely.points(xy), crs=CRS)
    people = rng.uniform(0, 800, (400, 2)) + 500_000
    demand = gpd.GeoDataFrame({"residents": rng.integers(1, 50, 400).astype(float), "workers": 0.0},
                              geometry=shapely.points(people), crs=CRS)
    result = run_algorithm("siting.mclp", {"candidates": VectorLayer(poles, "poles", kind="lamp_poles"),
                                           "demand": VectorLayer(demand, "demand", kind="demand"),
                                           "sites": 9, "radius": 150, "phases": 3})
    return result.outputs["selected_sites"]


def test_siting_result_geopackage_opens_with_its_phase_categories(tmp_path, siting_result):
    path = write_layer(siting_result, tmp_path / "selected_sites.gpkg")
    style = siting_result.style
    assert len(style.categories) == 3  # the run has three phases, each its own category
    got = run_qgis("""
        layer = QgsVectorLayer(path + "|layername=" + table, "sites", "ogr")
        r = layer.renderer()
        result = {"valid": layer.isValid(), "type": r.type(), "field": r.classAttribute(),
                  "categories": [[str(c.value()), c.label(), symbol(c.symbol())] for c in r.categories()],
                  "labels": layer.labelsEnabled() and layer.labeling().settings().fieldName,
                  "label_size": layer.labeling().settings().format().size(),
                  "label_max_zoomed_out": layer.labeling().settings().minimumScale}
    """, path=str(path), table=siting_result.name)
    assert got["valid"] and got["type"] == "categorizedSymbol" and got["field"] == "phase"
    expected = [[str(c.value), c.label, {"colour": _hex(c.symbol.fill), "alpha": 255, "class": "SimpleMarker",
                                         "size": c.symbol.size, "unit": 4, "shape": c.symbol.marker,
                                         "stroke": _hex(c.symbol.stroke)}] for c in style.categories]
    assert got["categories"] == expected   # unit 4 = QgsUnitTypes.RenderPoints
    assert got["labels"] == style.labels.field and got["label_size"] == style.labels.size
    assert got["label_max_zoomed_out"] == style.labels.min_scale


def test_graduated_layer_opens_with_its_classes(tmp_path):
    rng = np.random.default_rng(3)
    price = rng.lognormal(4, 0.5, 60)
    squares = shapely.buffer(shapely.points(rng.uniform(0, 1e3, (60, 2))), 10)
    offices = gpd.GeoDataFrame({"price_m2": price}, geometry=squares, crs=CRS)
    layer = VectorLayer(offices, "offices")
    layer.style = Graduated("price_m2", classify(price, 4, "quantile", "YlOrRd", template=Symbol(stroke="#333333")))
    path = write_layer(layer, tmp_path / "offices.gpkg")
    got = run_qgis("""
        layer = QgsVectorLayer(path + "|layername=offices", "offices", "ogr")
        r = layer.renderer()
        result = {"type": r.type(), "field": r.classAttribute(),
                  "ranges": [[x.lowerValue(), x.upperValue(), x.label(), symbol(x.symbol())] for x in r.ranges()]}
    """, path=str(path))
    assert got["type"] == "graduatedSymbol" and got["field"] == "price_m2"
    breaks = np.quantile(price, np.linspace(0, 1, 5))   # independent: the quartiles of the prices
    assert np.array([r[:2] for r in got["ranges"]]) == pytest.approx(np.c_[breaks[:-1], breaks[1:]])
    assert [r[2] for r in got["ranges"]] == [c.label for c in layer.style.classes]
    assert [r[3] for r in got["ranges"]] == [{"colour": _hex(c.symbol.fill), "alpha": 255, "class": "SimpleFill"}
                                             for c in layer.style.classes]


def _coverage(quantity: str, data: np.ndarray) -> RasterLayer:
    raster = RasterLayer(data, Affine(25, 0, 500_000, 0, -25, 501_000), CRS, name=quantity, nodata=-9999,
                         metadata={"quantity": quantity})
    raster.style = default_style(raster)
    return raster


@pytest.mark.parametrize(("quantity", "data"), [
    ("rsrp", np.linspace(-130, -70, 400, dtype="float32").reshape(20, 20)),
    ("best_server", np.repeat(np.arange(5, dtype="int32"), 80).reshape(20, 20)),
])
def test_coverage_geotiff_opens_with_its_colour_ramp(tmp_path, quantity, data):
    raster = _coverage(quantity, data)
    path = write_layer(raster, tmp_path / f"{quantity}.tif")
    assert path.with_suffix(".qml").is_file()
    got = run_qgis("""
        layer = QgsRasterLayer(path, "coverage")
        r = layer.renderer()
        shader = r.shader().rasterShaderFunction()
        values = layer.dataProvider().block(1, layer.extent(), 20, 20)
        colours = r.block(1, layer.extent(), 20, 20)
        result = {"valid": layer.isValid(), "type": r.type(), "ramp": int(shader.colorRampType()),
                  "items": [[i.value, i.color.name()] for i in shader.colorRampItemList()],
                  "pixels": [[values.value(row, col), QColor.fromRgba(colours.color(row, col)).name()]
                             for row, col in ((0, 0), (10, 10), (19, 19), (3, 17))]}
    """, path=str(path))
    style: RasterRamp = raster.style
    assert got["valid"] and got["type"] == "singlebandpseudocolor"
    if style.discrete:   # QGIS 1 = DISCRETE: each item colours values up to its value
        uppers = [math.nextafter(v, -math.inf) for v, _ in style.stops[1:]] + [math.inf]
        assert got["ramp"] == 1
        assert got["items"] == [[u, _hex(c)] for u, (_, c) in zip(uppers, style.stops, strict=True)]
    else:                # 0 = INTERPOLATED
        assert got["ramp"] == 0 and got["items"] == [[v, _hex(c)] for v, c in style.stops]
    # the pixels QGIS draws have the colours Lamplight gives their values (QGIS truncates where Lamplight rounds)
    for value, colour in got["pixels"]:
        drawn, own = np.array(parse_colour(colour)), np.array(parse_colour(style.colour_at(value)))
        assert np.abs(drawn - own).max() <= 1, (value, colour, style.colour_at(value))


def test_exported_qgis_project_keeps_order_visibility_crs_and_extent(tmp_path, siting_result):
    linked = write_layer(_coverage("rsrp", np.linspace(-130, -70, 400, dtype="float32").reshape(20, 20)),
                         tmp_path / "rsrp.tif")
    [rsrp] = open_layers(linked)
    project = Project(CRS, title="Tianhe rollout")
    project.add_layer(rsrp)
    project.add_layer(siting_result)
    hidden = VectorLayer(siting_result.gdf.copy(), "hidden sites")
    hidden.visible, hidden.opacity = False, 0.4
    project.add_layer(hidden)
    project.view_extent = (500_100.0, 500_200.0, 500_600.0, 500_700.0)
    (tmp_path / "out").mkdir()
    info = export_qgis_project(project, tmp_path / "out" / "map.qgz")
    got = run_qgis("""
        project = QgsProject.instance()
        ok = project.read(path)
        nodes = project.layerTreeRoot().findLayers()
        extent = project.viewSettings().defaultViewExtent()
        result = {"ok": ok, "crs": project.crs().authid(),
                  "layers": [[n.name(), n.isVisible(), n.layer().isValid(), round(n.layer().opacity(), 3),
                              n.layer().renderer().type()] for n in nodes],
                  "rsrp_source": project.mapLayersByName("rsrp")[0].source(),
                  "extent": [extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()]}
    """, path=info["path"])
    assert got["ok"] and got["crs"] == CRS
    assert got["layers"] == [["hidden sites", False, True, 0.4, "singleSymbol"],
                             [siting_result.name, True, True, 1.0, "categorizedSymbol"],
                             ["rsrp", True, True, 1.0, "singlebandpseudocolor"]]
    assert Path(got["rsrp_source"]).resolve() == linked.resolve()   # unchanged file: linked, not copied
    assert got["extent"] == pytest.approx(list(project.view_extent))
    assert [Path(f).name for f in info["data_files"]] == ["map_layers.gpkg"]


REPO = Path(__file__).resolve().parents[2]
SAMPLE_PROJECT = REPO / "sample_data" / "tianhe" / "tianhe.lamp"


@pytest.mark.skipif(not SAMPLE_PROJECT.exists(), reason="the Tianhe sample has not been generated")
def test_export_command_writes_the_sample_as_a_qgis_project(tmp_path):
    target = tmp_path / "tianhe.qgz"
    done = subprocess.run([sys.executable, "main.py", "export", "--project", str(SAMPLE_PROJECT), "--qgz",
                           str(target)], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["qgis"]["path"] == str(target)
    project = Project.load(SAMPLE_PROJECT)
    got = run_qgis("""
        project = QgsProject.instance()
        project.read(path)
        result = [[n.name(), n.isVisible(), n.layer().isValid()] for n in project.layerTreeRoot().findLayers()]
    """, path=str(target))
    assert got == [[layer.name, layer.visible, True] for layer in reversed(project.layers)]


@pytest.mark.parametrize("geometry", ["point", "polygon"])
def test_sld_in_layer_styles_selects_the_same_features_in_qgis(tmp_path, siting_result, geometry):
    """QGIS reads the SLD column as rules whose filters pick the features Lamplight gives each symbol."""
    import sqlite3

    layer = siting_result
    if geometry == "polygon":
        gdf = siting_result.gdf.copy()
        gdf["height"] = np.arange(len(gdf), dtype=float)
        gdf.geometry = gdf.geometry.buffer(5)
        layer = VectorLayer(gdf, "areas")
        layer.style = Graduated("height", classify(gdf["height"], 3, "equal", "Blues"))
    path = write_layer(layer, tmp_path / "styled.gpkg")
    with sqlite3.connect(path) as db:
        (sld,) = db.execute("SELECT styleSLD FROM layer_styles WHERE f_table_name = ?", (layer.name,)).fetchone()
    (tmp_path / "style.sld").write_text(sld, encoding="utf-8")
    got = run_qgis("""
        from qgis.core import QgsFeatureRequest
        layer = QgsVectorLayer(path + "|layername=" + table, "l", "ogr")
        message, ok = layer.loadSldStyle(sld)
        rules = layer.renderer().rootRule().children()
        result = {"ok": ok, "rules": [[r.label(), r.symbol().color().name(),
                                       sorted(f.id() for f in layer.getFeatures(
                                           QgsFeatureRequest().setFilterExpression(r.filterExpression())))]
                                      for r in rules]}
    """, path=str(path), table=layer.name, sld=str(tmp_path / "style.sld"))
    assert got["ok"]
    symbols, index = layer.style.symbols_for(layer.gdf[layer.style.field])
    labels = [c.label for c in getattr(layer.style, "categories", None) or layer.style.classes]
    expected = [[label, _hex(symbol.fill), sorted(int(i) + 1 for i in np.flatnonzero(index == k))]
                for k, (label, symbol) in enumerate(zip(labels, symbols, strict=True))]
    assert got["rules"] == expected   # GeoPackage fids count from 1 in table order
