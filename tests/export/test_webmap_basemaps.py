"""Basemaps of the web map: the workbench's and the project's XYZ sources are offered in the layer control (none
shown at first, so the page stays offline); a source that needs the user's key (Tianditu) never reaches the file,
even when the key is saved, and a GCJ-02 source is left out; both are named in a note."""

from __future__ import annotations

import pytest

from tests.export import sample_project as sample
from tests.export.browser import Browser, available
from workbench.basemap.keys import save_key
from workbench.basemap.presets import TIANDITU_KEY, tianditu
from workbench.basemap.sources import BasemapSource, available_basemaps
from workbench.export.webmap import WebMapOptions, export_web_map

KEY = "0123456789abcdef0123456789abcdef"
CITY_TILES = BasemapSource("City tiles", "https://tiles.example.gov.cn/{z}/{x}/{y}.png", "© City survey", 18)
GAODE = BasemapSource("Gaode roads", "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8",
                      "© AutoNavi", 18, ("1", "2", "3", "4"), gcj02=True)


@pytest.fixture()
def exported(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMPLIGHT_CONFIG_DIR", str(tmp_path / "config"))
    save_key(TIANDITU_KEY, KEY)  # the user has entered a key: the workbench could put it in the page
    project = sample.make_project()
    shown = tianditu("tianditu-imagery", KEY)
    project.basemaps = {"active": shown.definition(), "custom": [CITY_TILES.definition(), GAODE.definition()]}
    notes: list[str] = []
    path = tmp_path / "map.html"
    export_web_map(project, path, note=notes.append)
    return path, path.read_text(encoding="utf-8"), notes, shown.name


def test_project_and_preset_xyz_basemaps_are_offered(exported):
    _, page, _, _ = exported
    assert CITY_TILES.url in page
    for source in available_basemaps().values():
        assert source.url in page
    assert "No basemap (plain background)" in page


def test_keyed_and_gcj02_basemaps_are_left_out_with_a_note(exported):
    _, page, notes, tianditu_name = exported
    assert KEY not in page and "tianditu.gov.cn" not in page
    assert "autonavi.com" not in page
    assert len(notes) == 2
    assert tianditu_name in notes[1] and "access key" in notes[1]
    assert "Gaode roads" in notes[0] and "GCJ-02" in notes[0]


def test_no_basemap_option_offers_none(tmp_path):
    path = tmp_path / "offline.html"
    export_web_map(sample.make_project(), path, WebMapOptions(online_basemap=False))
    page = path.read_text(encoding="utf-8")
    assert "L.tileLayer(p.url" not in page and "No basemap (plain background)" not in page
    assert not any(source.url in page for source in available_basemaps().values())


@pytest.mark.skipif(not available(), reason="Debian chromium is not installed")
def test_layer_control_starts_on_the_plain_background_and_switches_to_a_basemap(exported, tmp_path):
    path, _, _, _ = exported
    with Browser(folder=tmp_path) as browser:
        browser.open(path)
        control = browser.evaluate("""(() => {
            const base = [...document.querySelectorAll('.leaflet-control-layers-base label')];
            return {names: base.map(l => l.textContent.trim()),
                    checked: base.filter(l => l.querySelector('input').checked).map(l => l.textContent.trim()),
                    tiles: document.querySelectorAll('img.leaflet-tile').length};
        })()""")
        assert control["names"] == ["No basemap (plain background)", *available_basemaps(), "City tiles"]
        assert control["checked"] == ["No basemap (plain background)"] and control["tiles"] == 0
        browser.evaluate("[...document.querySelectorAll('.leaflet-control-layers-base label')]"
                         ".find(l => l.textContent.trim() === 'City tiles').querySelector('input').click()")
        asked = browser.evaluate("[...document.querySelectorAll('img.leaflet-tile')].map(i => i.src)")
    assert asked and all(src.startswith("https://tiles.example.gov.cn/") for src in asked)
