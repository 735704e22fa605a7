"""Web map export: opened in a real headless Chromium with the network cut, checked for errors and contents."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest

from layers.errors import LayerError
from layers.layer import VectorLayer
from layers.styles import Graduated, Symbol, classify
from tests.export import sample_project as sample
from tests.export.browser import Browser, available
from workbench.export.web_styles import leaflet_style
from workbench.export.webmap import WebMapOptions, export_web_map

needs_chromium = pytest.mark.skipif(not available(), reason="Debian chromium is not installed")

COUNT_JS = ("Object.fromEntries(Lamplight.layers.map("
            "e => [e.name, e.layer.getLayers ? e.layer.getLayers().length : -1]))")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not available():
        pytest.skip("Debian chromium is not installed")
    with Browser(folder=tmp_path_factory.mktemp("chromium")) as b:
        yield b


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    project = sample.make_project()
    path = tmp_path_factory.mktemp("web") / "briefing.html"
    counts = export_web_map(project, path, WebMapOptions(subtitle="Phase 1 <draft>",
                                                         fields={"Lamp poles": ["pole_id", "status"]}))
    return project, path, counts


def test_leaflet_style_converts_points_to_pixels_and_alpha_to_opacity():
    style = leaflet_style(Symbol(fill="#ff000080", stroke="#00000000", stroke_width=1.5, size=9.0), "polygon", 0.5)
    assert style["fillColor"] == "#ff0000"
    assert style["fillOpacity"] == pytest.approx(128 / 255 * 0.5, abs=1e-3)
    assert style["stroke"] is False  # a fully transparent outline is not drawn
    assert style["weight"] == pytest.approx(2.0)  # 1.5 pt at 96 px per inch
    point = leaflet_style(Symbol(size=9.0), "point")
    assert point["radius"] == pytest.approx(6.0)  # 9 pt wide = 12 px wide


def test_page_references_nothing_online(exported):
    _, path, _ = exported
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page


@needs_chromium
def test_offline_page_loads_without_errors_and_draws_every_feature(exported, browser, tmp_path):
    project, path, counts = exported
    browser.errors.clear()
    browser.open(path)
    assert browser.errors == []
    assert browser.evaluate("document.querySelectorAll('.folium-map.leaflet-container').length") == 1
    visible = {layer.name: len(layer) for layer in project.layers if layer.visible and hasattr(layer, "gdf")}
    drawn = browser.evaluate(COUNT_JS)
    assert {k: v for k, v in drawn.items() if v >= 0} == visible == counts
    assert "Hidden buildings" not in drawn
    # Circle points, lines and polygons are SVG paths; the schools' and sites' stars are SVG icons; RSRP an image.
    assert browser.evaluate("document.querySelectorAll('path.leaflet-interactive').length") == (
        sample.POLE_COUNT + sample.ROAD_COUNT + sample.BUILDING_COUNT)
    assert browser.evaluate("document.querySelectorAll('.leaflet-marker-icon').length") == (
        sample.SCHOOL_COUNT + sample.SITE_COUNT)
    assert browser.evaluate("document.querySelectorAll('img.leaflet-image-layer').length") == 1
    legend = browser.evaluate("document.querySelector('.lamplight-legend').textContent")
    for label in ("Lamp poles", "active", "planned", "arterial", "200–600 m", "RSRP (dBm)", "-120"):
        assert label in legend
    assert browser.evaluate("document.querySelector('.lamplight-title p').textContent") == "Phase 1 <draft>"
    assert browser.evaluate("[...document.querySelectorAll('.leaflet-control-zoom a')].map(a => a.title)") == [
        "Zoom in", "Zoom out"]  # the zoom buttons' tooltips come from the catalogue


@needs_chromium
def test_attribute_markup_shows_as_text_and_runs_nothing(exported, browser):
    _, path, _ = exported
    browser.errors.clear()
    browser.open(path)
    popup = browser.evaluate("""(() => {
        const poles = Lamplight.layers.find(e => e.name === 'Lamp poles').layer;
        const hostile = poles.getLayers().find(l => l.feature.properties.p[0].includes('script'));
        hostile.openPopup();
        const content = document.querySelector('.leaflet-popup-content');
        return {text: content.querySelector('td').textContent,
                injected: content.querySelectorAll('script, img').length};
    })()""")
    assert popup == {"text": sample.HOSTILE, "injected": 0}
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.errors == []


@needs_chromium
def test_big_maps_draw_on_canvas_and_keep_every_feature(tmp_path, browser):
    project = sample.make_project()
    path = tmp_path / "canvas.html"
    export_web_map(project, path, WebMapOptions(canvas_threshold=10, shaped_marker_limit=1, simplify_threshold=1))
    browser.errors.clear()
    browser.open(path)
    assert browser.errors == []
    assert browser.evaluate("document.querySelectorAll('path.leaflet-interactive').length") == 0
    assert browser.evaluate("document.querySelectorAll('canvas.leaflet-zoom-animated').length") == 1
    drawn = browser.evaluate(COUNT_JS)
    assert drawn["Lamp poles"] == sample.POLE_COUNT and drawn["Buildings"] == sample.BUILDING_COUNT


def test_layer_names_and_titles_are_escaped_in_markup(tmp_path):
    project = sample.make_project()
    project.layer("Roads").name = "Roads <b>bold</b>"
    path = tmp_path / "names.html"
    export_web_map(project, path, WebMapOptions(title="<script>alert(1)</script>"))
    page = path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page


def test_unknown_popup_field_is_named(tmp_path):
    with pytest.raises(LayerError, match=r"Lamp poles.*'colour'.*pole_id"):
        export_web_map(sample.make_project(), tmp_path / "x.html", WebMapOptions(fields={"Lamp poles": ["colour"]}))


def test_online_option_links_the_pinned_leaflet(tmp_path):
    path = tmp_path / "online.html"
    export_web_map(sample.make_project(), path, WebMapOptions(self_contained=False))
    page = path.read_text(encoding="utf-8")
    assert 'src="https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"' in page
    assert "window.L=" not in page  # Leaflet itself is not inlined


def test_wrong_suffix_is_refused(tmp_path):
    with pytest.raises(LayerError, match=r"\.pdf"):
        export_web_map(sample.make_project(), tmp_path / "map.pdf")


def test_default_popups_lead_with_the_plan_figures():
    from workbench.export.web_features import default_fields

    project = sample.make_project()
    assert default_fields(project.layer("Selected sites")) == ["rank", "phase", "pole_id", "cumulative_share_pct",
                                                               "new_demand", "cost"]
    # the field the map colours poles by comes right after the id: a reader clicks a red pole to see why
    assert default_fields(project.layer("Lamp poles"))[:4] == ["pole_id", "status", "height_m", "has_power"]
    buildings = project.layer("Buildings")
    buildings.gdf["name"] = ""  # unnamed buildings: no empty "name" leading every popup
    assert "name" not in default_fields(buildings) and default_fields(buildings)[0] == "height_m"
    prices = np.array([100.0, 150.0, 220.0])  # an office listing layer coloured by price: its id still leads
    frame = gpd.GeoDataFrame({"industry": "finance", "price_m2": prices, "listing_id": ["OF-1", "OF-2", "OF-3"]},
                             geometry=gpd.points_from_xy([0, 1, 2], [0, 1, 2]), crs=sample.CRS)
    offices = VectorLayer(frame, "Offices", kind="office_space", style=Graduated("price_m2", classify(prices, 3)))
    assert default_fields(offices)[:3] == ["listing_id", "price_m2", "industry"]


def test_popup_headings_read_as_words_with_units():
    from workbench.export.values import field_heading
    from workbench.export.web_features import field_headings

    assert [field_heading(n) for n in ("height_m", "has_power", "power_w", "area_m2", "mean_rsrp_dbm",
                                       "covered_share_pct", "building_id", "cumulative_share_pct")] == [
        "Height (m)", "Has power", "Power (W)", "Area (m²)", "Mean RSRP (dBm)", "Covered share (%)", "Building ID",
        "Weighted demand covered (%)"]
    offices = sample.make_project().layer("Lamp poles")
    offices.kind = "office_space"  # the schema's unit wins over the name's suffix
    offices.gdf["price_m2"] = 120.0
    assert field_headings(offices, ["price_m2", "pole_id"]) == ["Price (CNY/m²/month)", "Pole"]


@needs_chromium
def test_popups_use_headings_and_tooltips_skip_empty_values(tmp_path, browser):
    project = sample.make_project()
    roads = project.layer("Roads")
    roads.gdf["name"] = ["", "Zhujiang East Road", ""]  # two unnamed roads
    path = tmp_path / "tooltips.html"
    export_web_map(project, path, WebMapOptions(fields={"Roads": ["name", "road_class", "width_m"]}))
    browser.errors.clear()
    browser.open(path)
    shown = browser.evaluate("""(() => {
        const roads = Lamplight.layers.find(e => e.name === 'Roads').layer.getLayers();
        const tip = l => { const t = l.getTooltip().getContent(); return (typeof t === 'function' ? t(l) : t)
            .textContent; };
        const popup = roads[0].getPopup().getContent()(roads[0]);
        return {tips: roads.map(tip), headings: [...popup.querySelectorAll('th')].map(th => th.textContent)};
    })()""")
    assert shown["tips"] == ["Road class: arterial", "Name: Zhujiang East Road", "Road class: local"]
    assert shown["headings"] == ["Name", "Road class", "Width (m)"]
    assert browser.errors == []
