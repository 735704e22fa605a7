"""QGIS reference renders for benchmarks/bench_render.py: the same GeoPackage, extents, size, dpi and a comparable
single-symbol style, drawn by QGIS itself. Prints one JSON document on stdout.

PyQGIS lives in the SYSTEM Python (Debian: ``apt-get install python3-qgis qgis-providers``), not in our venv, so
this script imports nothing of Lamplight and is run by bench_render.py as a subprocess:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 benchmarks/qgis_reference.py SPEC.json

SPEC.json (written by bench_render.py)::

    {"gpkg": "/tmp/x/scene.gpkg", "size": [1920, 1080], "dpi": 96, "background": "#f4f3ef", "repeats": 3,
     "png_dir": "/tmp", "jobs": ["parallel", "sequential"], "providers": ["ogr", "memory"],
     "extents": {"full": [minx, miny, maxx, maxy], "zoomed": [...]},
     "layers": [{"name": "points", "kind": "marker", "fill": "#3182bd", "stroke": "#1f1f1f",
                 "stroke_width_pt": 0.4, "size_pt": 4.0},
                {"name": "polygons", "kind": "fill", "fill": "#d3c9b8", "stroke": "#857a6b",
                 "stroke_width_pt": 0.4}]}

Each layer is rendered alone, with the map settings QGIS's own map canvas uses (antialiasing, rendering optimisation
i.e. the layer's default simplification on), without a QgsMapRendererCache, so every render fetches and draws the
features again exactly as after a pan or zoom in QGIS. Providers: "ogr" reads the GeoPackage at every render (what a
QGIS user opening the file gets); "memory" first copies all features into a memory layer (``materialize``), the
closest QGIS has to our in-memory layers. A memory layer is left without a spatial index: with one, QGIS 3.22 took
12 s to build it and then rendered slower (3.6 s instead of 1.0 s for 1M points at full extent).
Per layer, provider, extent and job class: the first render and ``repeats`` further renders, each in wall-clock
seconds and in CPU seconds of the whole process (all its threads: a busy machine stretches the first, not the
second, which is what a ratio against our renders measured in another process can rely on). ``peak_rss_kb``
records the process's peak resident memory (VmHWM) after start-up and after each layer and provider: they run in
the order given, so the value after the first layer's first provider is the peak for that scene alone.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    Qgis,
    QgsApplication,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsMapRendererParallelJob,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsMarkerSymbol,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QT_VERSION_STR, QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

JOBS = {"parallel": QgsMapRendererParallelJob, "sequential": QgsMapRendererSequentialJob}


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB: VmHWM, not ru_maxrss, which on Linux a child inherits from its
    parent across fork and exec (a subprocess of a 1 GB parent would report 1 GB)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def rgb(hex_colour: str) -> str:
    """QGIS symbol properties take colours as 'r,g,b'."""
    colour = QColor(hex_colour)
    return f"{colour.red()},{colour.green()},{colour.blue()}"


def styled_layer(gpkg: str, spec: dict, provider: str) -> tuple[QgsVectorLayer, float]:
    """The layer from ``gpkg`` through ``provider`` with the spec's symbol, and the seconds it took to open."""
    started = time.perf_counter()
    layer = QgsVectorLayer(f"{gpkg}|layername={spec['name']}", spec["name"], "ogr")
    if not layer.isValid():
        raise SystemExit(f"QGIS could not open layer '{spec['name']}' of {gpkg}")
    if provider == "memory":
        layer = layer.materialize(QgsFeatureRequest())
    stroke = {"outline_color": rgb(spec["stroke"]), "outline_width": str(spec["stroke_width_pt"]),
              "outline_width_unit": "Point"}
    if spec["kind"] == "marker":
        symbol = QgsMarkerSymbol.createSimple({"name": "circle", "color": rgb(spec["fill"]),
                                               "size": str(spec["size_pt"]), "size_unit": "Point", **stroke})
    else:
        symbol = QgsFillSymbol.createSimple({"color": rgb(spec["fill"]), "style": "solid", **stroke})
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    return layer, time.perf_counter() - started


def map_settings(layer: QgsVectorLayer, extent: list[float], spec: dict) -> QgsMapSettings:
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(QgsRectangle(*extent))
    settings.setOutputSize(QSize(*spec["size"]))
    settings.setOutputDpi(spec["dpi"])
    settings.setBackgroundColor(QColor(spec["background"]))
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    settings.setFlag(QgsMapSettings.UseRenderingOptimization, True)  # as QgsMapCanvas sets it
    return settings


def render(job_class, settings: QgsMapSettings):
    """Seconds from start to a finished image, the CPU seconds the process spent meanwhile, and the image."""
    job = job_class(settings)
    started, cpu = time.perf_counter(), time.process_time()
    job.start()
    job.waitForFinished()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if job.errors():
        raise SystemExit(f"QGIS render errors: {[error.message for error in job.errors()]}")
    return elapsed, cpu, job.renderedImage()


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    report = {"qgis_version": Qgis.QGIS_VERSION, "qt_version": QT_VERSION_STR, "results": {},
              "peak_rss_kb": {"start-up": peak_rss_kb()}, "visible_extent": {}, "simplify": {}}
    report["open_s"] = {}
    for layer_spec in spec["layers"]:
        name = layer_spec["name"]
        report["results"][name], report["open_s"][name] = {}, {}
        for provider in spec["providers"]:
            layer, report["open_s"][name][provider] = styled_layer(spec["gpkg"], layer_spec, provider)
            method = layer.simplifyMethod()
            report["simplify"][name] = {"hints": int(method.simplifyHints()), "threshold_px": method.threshold()}
            report["results"][name][provider] = {}
            for view, extent in spec["extents"].items():
                settings = map_settings(layer, extent, spec)
                visible = settings.visibleExtent()
                report["visible_extent"][view] = [visible.xMinimum(), visible.yMinimum(), visible.xMaximum(),
                                                  visible.yMaximum()]
                timings = {}
                for job_name in spec["jobs"]:
                    first, first_cpu, image = render(JOBS[job_name], settings)
                    repeats = [render(JOBS[job_name], settings)[:2] for _ in range(spec["repeats"])]
                    timings[job_name] = {"first": first, "repeats": [wall for wall, _ in repeats],
                                         "first_cpu": first_cpu, "repeats_cpu": [cpu for _, cpu in repeats]}
                    if job_name == spec["jobs"][0] and provider == spec["providers"][0]:
                        image.save(os.path.join(spec["png_dir"], f"qgis_render_{name}_{view}.png"))
                report["results"][name][provider][view] = timings
            report["peak_rss_kb"][f"after {name} {provider}"] = peak_rss_kb()
            del layer
    json.dump(report, sys.stdout)
    sys.stdout.flush()
    app.exitQgis()


if __name__ == "__main__":
    main()
