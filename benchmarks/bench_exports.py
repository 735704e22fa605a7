"""Briefing export speed and size on the Tianhe sample, each against a reference measured in the same run:

  1. web map: our export (compact styled GeoJSON, self-contained) vs. the plain folium way (one GeoJson per layer
     with a per-feature style_function, Leaflet inlined the same way so it too opens offline), in seconds to
     write, megabytes, and seconds until headless Chromium has loaded the page from disk and drawn its first view
     (with the main thread's busy time, less sensitive to a shared machine);
  2. print layout: A4 PDF and 300 dpi PNG vs. rendering the bare map frame alone at the same pixel size (what
     the page furniture, legend and overview cost on top of the map);
  3. briefing report (PDF and HTML).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_exports.py
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import folium  # noqa: E402

from layers import Project, VectorLayer  # noqa: E402
from tests.export.browser import Browser, available  # noqa: E402
from workbench.export.layout import LayoutOptions  # noqa: E402
from workbench.export.layout_export import export_layout  # noqa: E402
from workbench.export.qt_app import ensure_gui_application  # noqa: E402
from workbench.export.report import export_report  # noqa: E402
from workbench.export.web_assets import leaflet_head  # noqa: E402
from workbench.export.web_features import feature_symbols, vector_style  # noqa: E402
from workbench.export.web_styles import leaflet_style  # noqa: E402
from workbench.export.webmap import export_web_map  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "tianhe" / "tianhe.lamp"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def plain_folium(project: Project, path: Path) -> None:
    """The reference: what a folium user writes by hand, one GeoJson per layer styled feature by feature."""
    m = folium.Map(tiles=None, control_scale=True)
    for layer in project.layers:
        if not (layer.visible and isinstance(layer, VectorLayer)):
            continue
        style = vector_style(layer)
        symbols, index = feature_symbols(layer, style)
        gdf = layer.gdf.to_crs(4326).assign(_symbol=index)
        gdf = gdf[gdf["_symbol"] >= 0]
        family = layer.geometry_type if layer.geometry_type in ("point", "line", "polygon") else "polygon"
        styles = [leaflet_style(s, family) for s in symbols]
        marker = folium.CircleMarker() if family == "point" else None
        fields = [c for c in layer.fields if c != "_symbol"][:4]
        folium.GeoJson(gdf, name=layer.name, marker=marker,
                       style_function=lambda f, styles=styles: styles[f["properties"]["_symbol"]],
                       tooltip=folium.GeoJsonTooltip(fields) if fields else None).add_to(m)
    folium.LayerControl().add_to(m)
    page = m.get_root().render()
    # make it open offline too, so the load times compare like for like: Leaflet inlined, CDN links dropped
    page = re.sub(r'<script src="https?://[^"]+"></script>|<link rel="stylesheet" href="https?://[^"]+"/>', "", page)
    path.write_text(page.replace("<head>", "<head>" + leaflet_head(True), 1), encoding="utf-8")


#: Resolves when the page has drawn its first view (a city map's chunks for it decoded) and two frames have passed.
DRAWN_JS = ("new Promise(done => (window.Lamplight && Lamplight.ready ? Lamplight.ready() : Promise.resolve())"
            ".then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true)))))")


def page_open(path: Path) -> dict[str, float]:
    """Seconds from navigation to the load event and to the first view drawn, and how long the page's main thread
    was busy meanwhile (Chromium's TaskDuration, which waiting for a core shared with other processes inflates
    less than the wall clock)."""
    with Browser() as browser:
        browser.call("Performance.enable")
        start = time.perf_counter()
        browser.open(path, settle=0.0, timeout=120)
        load = time.perf_counter() - start
        browser.call("Runtime.evaluate", expression=DRAWN_JS, awaitPromise=True, returnByValue=True)
        drawn = time.perf_counter() - start
        metrics = {m["name"]: m["value"] for m in browser.call("Performance.getMetrics")["metrics"]}
    return {"load_s": load, "drawn_s": drawn, "busy_s": metrics["TaskDuration"]}


def main() -> None:
    ensure_gui_application()
    project = Project.load(SAMPLE)
    vectors = sum(len(layer) for layer in project.layers if layer.visible and isinstance(layer, VectorLayer))
    print(f"Tianhe sample: {len(project.layers)} layers, {vectors:,} visible vector features")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        ours_s, _ = timed(export_web_map, project, out / "ours.html")
        plain_s, _ = timed(plain_folium, project, out / "plain.html")
        ours_mb, plain_mb = (out / "ours.html").stat().st_size / 1e6, (out / "plain.html").stat().st_size / 1e6
        print("\n1. web map                        ours    plain folium   ratio")
        print(f"   write (s)                   {ours_s:7.2f}    {plain_s:7.2f}      {plain_s / ours_s:5.1f}x")
        print(f"   file (MB)                   {ours_mb:7.2f}    {plain_mb:7.2f}      {plain_mb / ours_mb:5.1f}x")
        if available():
            ours, plain = page_open(out / "ours.html"), page_open(out / "plain.html")
            for key, label in (("load_s", "load event in Chromium (s)"), ("drawn_s", "first view drawn (s)"),
                               ("busy_s", "main thread busy (s)")):
                print(f"   {label:<28}{ours[key]:7.2f}    {plain[key]:7.2f}      {plain[key] / ours[key]:5.1f}x")

        print("\n2. print layout (A4 landscape)    time (s)   bare map frame (s)   overhead")
        from workbench.render import MapRenderer, RenderSettings

        for suffix, dpi in ((".pdf", 300), (".png", 300), (".png", 150)):
            seconds, info = timed(export_layout, project, out / f"page{dpi}{suffix}", LayoutOptions(dpi=dpi))
            width = round(info.map_rect_mm[2] / 25.4 * dpi)
            height = round(info.map_rect_mm[3] / 25.4 * dpi)
            bare_s, _ = timed(MapRenderer().render_image, [layer for layer in project.layers if layer.visible],
                              RenderSettings(extent=info.extent, size=(width, height), crs=project.crs, dpi=dpi))
            print(f"   {suffix[1:].upper()} {dpi} dpi                 {seconds:7.2f}        {bare_s:7.2f}"
                  f"           {seconds / bare_s:5.1f}x")

        print("\n3. briefing report                time (s)")
        for suffix in (".pdf", ".html"):
            seconds, _ = timed(export_report, project, out / f"report{suffix}")
            print(f"   {suffix[1:].upper():<29}{seconds:7.2f}")


if __name__ == "__main__":
    main()
