"""Benchmark: the map renderer on 1,000,000 points and 200,000 small polygons at 1920 x 1080, its memory on the
1M-point scene, and the cost of highlighting 100,000 selected points.

    .venv/bin/python benchmarks/bench_render.py
    .venv/bin/python benchmarks/bench_render.py --memory    only the memory part (1M points, ours and QGIS's)

Seeded data in a 10 km square (EPSG:32649): uniform random points, and rotated rectangles 8-25 m on a side
(building footprints), also written to a temporary GeoPackage. Each is rendered at full extent and zoomed in to
1/16 of the area (a 2.5 km square at the centre). Before any timing, the renderer's compiled kernels are loaded
by ``workbench.render.warmup.warm_up`` as the map canvas does at start-up (from numba's on-disk cache, filled by
``lamplight warmup`` at install; the time is printed, and includes compiling only if that cache was cold), so no
figure below includes compiling. Printed per case: our first render (a fresh renderer: includes preparing the
geometry around the view; the rest of the layer is then prepared in the background), the first render of a
fresh renderer that prepares the whole layer first ("first whole"), our steady-state render (median of 3 after
the background preparation finished: what panning and zooming cost) and ratios against
- a straightforward per-feature QPainter loop measured in this run on a subset of the features in view and
  extrapolated per feature to all of them (labelled "extrapolated");
- QGIS 3.22 on this kind of machine as quoted with the task: points 1.77 s full / 0.33 s zoomed, polygons
  0.95 s full / 0.17 s zoomed;
- QGIS itself, live, when PyQGIS is installed for the system Python (Debian: ``apt-get install
  python3-qgis qgis-providers``): ``benchmarks/qgis_reference.py`` runs in a /usr/bin/python3 subprocess, opens the
  same GeoPackage and renders the same visible extent, size, dpi and a comparable single symbol with antialiasing,
  with QgsMapRendererParallelJob and QgsMapRendererSequentialJob, first render and repeats. QGIS keeps no feature
  cache between renders (every pan or zoom in QGIS fetches and draws again), so its repeats are its steady state.
  Two QGIS sources: the GeoPackage through the OGR provider (what a QGIS user opening the file gets) and a memory
  layer holding all features (the closest QGIS has to our in-memory layers; no disk reads, no WKB parsing).
Goals (issue 3): at least 5x faster than QGIS on the points, 3x on the polygons; (issue 16) a first image no
slower than QGIS's from the GeoPackage. The QGIS comparison is printed twice: in wall-clock seconds, and in CPU
seconds (our rendering thread; QGIS's whole process), which the load of a shared machine stretches much less.

Memory: peak RSS (VmHWM) of a fresh process that imports, loads the 1M points from the GeoPackage and renders
them at both extents, the renderer's cache size, numba's runtime share (none when ``lamplight warmup`` compiled
the kernels ahead of time: ``workbench.render.aot``), and the same for QGIS when it is installed,
against the goal of issue 16 (a peak no higher than QGIS's memory layer in the same run).
Images: bench_render_*.png (ours) and qgis_render_*.png (QGIS) in the temp folder (/tmp), to look at side by side.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pyogrio  # noqa: E402
import shapely  # noqa: E402
from PyQt6.QtCore import QPointF, Qt  # noqa: E402
from PyQt6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen, QPolygonF  # noqa: E402

from layers.io import open_layers  # noqa: E402
from layers.layer import VectorLayer  # noqa: E402
from layers.styles import SingleSymbol, Symbol  # noqa: E402
from workbench.render import MapRenderer, RenderSettings, aot  # noqa: E402
from workbench.render.warmup import warm_up  # noqa: E402

SIZE = (1920, 1080)
DPI = 96.0
BACKGROUND = "#f4f3ef"
CRS = "EPSG:32649"
X0, Y0, SIDE = 500_000.0, 2_550_000.0, 10_000.0
N_POINTS, N_POLYGONS = 1_000_000, 200_000
QGIS_QUOTED = {("points", "full"): 1.77, ("points", "zoomed"): 0.33, ("polygons", "full"): 0.95,
               ("polygons", "zoomed"): 0.17}
GOALS = {"points": 5.0, "polygons": 3.0}
LOOP_SUBSET = {"points": 20_000, "polygons": 10_000}
POINT_SYMBOL = Symbol(fill="#3182bd", stroke="#1f1f1f", stroke_width=0.4, size=4.0)
POLYGON_SYMBOL = Symbol(fill="#d3c9b8", stroke="#857a6b", stroke_width=0.4)
SYSTEM_PYTHON = "/usr/bin/python3"
QGIS_SCRIPT = ROOT / "benchmarks" / "qgis_reference.py"
QGIS_REPEATS = 3
#: QGIS data providers compared: the GeoPackage read at each render, and all features copied into a memory layer.
PROVIDERS = {"ogr": "GeoPackage", "memory": "memory layer"}
MB = 1024.0  # KiB per MiB
#: Where our renders and QGIS's are saved, side by side.
IMAGES = Path(tempfile.gettempdir())


def point_layer(rng: np.random.Generator) -> VectorLayer:
    xy = rng.uniform(0, SIDE, (N_POINTS, 2)) + (X0, Y0)
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS)
    return VectorLayer(gdf, "points", style=SingleSymbol(POINT_SYMBOL))


def polygon_layer(rng: np.random.Generator) -> VectorLayer:
    centre = rng.uniform(0, SIDE, (N_POLYGONS, 2)) + (X0, Y0)
    half = rng.uniform(4.0, 12.5, (N_POLYGONS, 2))
    angle = rng.uniform(0, np.pi, N_POLYGONS)
    corners = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)], dtype=float)
    local = corners[None, :, :] * half[:, None, :]
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    xs = centre[:, 0:1] + local[:, :, 0] * cos - local[:, :, 1] * sin
    ys = centre[:, 1:2] + local[:, :, 0] * sin + local[:, :, 1] * cos
    polygons = shapely.polygons(np.stack([xs, ys], axis=-1))
    return VectorLayer(gpd.GeoDataFrame(geometry=polygons, crs=CRS), "polygons", style=SingleSymbol(POLYGON_SYMBOL))


def extents() -> dict[str, tuple[float, float, float, float]]:
    half = SIDE / 8.0  # a 2.5 km square: 1/16 of the area
    cx, cy = X0 + SIDE / 2, Y0 + SIDE / 2
    return {"full": (X0, Y0, X0 + SIDE, Y0 + SIDE), "zoomed": (cx - half, cy - half, cx + half, cy + half)}


def write_scene(layers: dict[str, VectorLayer], folder: Path) -> Path:
    """The scene as one GeoPackage (a layer per kind) for QGIS and the memory probe to read.

    GeoPackage 1.3: Debian's GDAL 3.6, which QGIS uses, warns about the 1.4 that newer GDALs write by default.
    """
    path = folder / "scene.gpkg"
    for name, layer in layers.items():
        options = {} if path.exists() else {"VERSION": "1.3"}
        pyogrio.write_dataframe(layer.gdf, path, layer=name, driver="GPKG", dataset_options=options)
    return path


@dataclasses.dataclass
class Timing:
    """Our render times in seconds: wall clock, and CPU of the rendering thread (the background preparation runs
    in another thread and is not counted)."""

    first: float
    steady: float
    first_cpu: float
    steady_cpu: float


def timed_render(renderer: MapRenderer, layer: VectorLayer, settings: RenderSettings) -> tuple[float, float, QImage]:
    started, cpu = time.perf_counter(), time.thread_time()
    image = renderer.render_image([layer], settings)
    return time.perf_counter() - started, time.thread_time() - cpu, image


def time_renderer(layer: VectorLayer, settings: RenderSettings) -> tuple[Timing, QImage]:
    """The first render of a fresh renderer and the median of 3 steady renders once the background preparation is
    done, and the last image."""
    renderer = MapRenderer()
    first, first_cpu, image = timed_render(renderer, layer, settings)
    renderer.wait_prepared()
    runs = [timed_render(renderer, layer, settings) for _ in range(3)]
    image = runs[-1][2]
    return Timing(first, statistics.median(r[0] for r in runs), first_cpu, statistics.median(r[1] for r in runs)), image


def time_whole_first(layer: VectorLayer, settings: RenderSettings) -> float:
    """The first render of a fresh renderer that prepares the whole layer before drawing (no lazy preparation)."""
    renderer = MapRenderer(lazy=False)
    started = time.perf_counter()
    renderer.render_image([layer], settings)
    return time.perf_counter() - started


def compare_jit(layers: dict[str, VectorLayer]) -> None:
    """Steady renders through the kernels compiled ahead of time and through numba's JIT, alternated on one
    prepared renderer (median of 5 each, in CPU time, which a shared machine's load stretches less): the
    compiled-ahead code must be no slower."""
    if not aot.available():
        print("kernels compiled ahead of time: none (run `lamplight warmup`); every figure above is numba's JIT")
        return
    with aot.disabled():
        warm_kernels()  # numba's import and its kernels' loading: not timed below
    print("steady render, kernels compiled ahead of time vs numba's JIT (alternated, median of 5, CPU of the rendering "
          "thread; JIT / ahead):")
    for kind, layer in layers.items():
        for view, extent in extents().items():
            settings, renderer = view_settings(extent), MapRenderer()
            renderer.render_image([layer], settings)
            renderer.wait_prepared()
            times: dict[bool, list[float]] = {True: [], False: []}
            for _ in range(5):
                for ahead in (True, False):
                    with contextlib.nullcontext() if ahead else aot.disabled():
                        times[ahead].append(timed_render(renderer, layer, settings)[1])
            ahead_s, jit_s = statistics.median(times[True]), statistics.median(times[False])
            print(f"  {kind + ' ' + view:<17}ahead {ahead_s:.3f} s  JIT {jit_s:.3f} s  {jit_s / ahead_s:.2f}x")


def warm_kernels() -> float:
    """Load the renderer's compiled kernels as the canvas does at start-up; seconds taken."""
    started = time.perf_counter()
    warm_up()
    return time.perf_counter() - started


def visible_extents() -> dict[str, tuple[float, float, float, float]]:
    """The map extent each view shows at SIZE (the requested extent widened to the image's aspect), for QGIS."""
    return {view: view_settings(extent).transform().visible_extent for view, extent in extents().items()}


def view_settings(extent: tuple[float, float, float, float]) -> RenderSettings:
    return RenderSettings(extent=extent, size=SIZE, crs=CRS, dpi=DPI, background=BACKGROUND)


def naive_loop(kind: str, layer: VectorLayer, settings: RenderSettings) -> tuple[float, int, int]:
    """Per-feature QPainter calls with per-feature coordinate transforms: (seconds, features drawn, in view)."""
    transform = settings.transform()
    minx, miny, maxx, maxy = transform.visible_extent
    in_view = np.flatnonzero(layer.gdf.intersects(shapely.box(minx, miny, maxx, maxy)).to_numpy())
    subset = in_view[:LOOP_SUBSET[kind]]
    geoms = layer.gdf.geometry.to_numpy()[subset]
    image = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(BACKGROUND))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ppp = settings.px_per_point
    symbol = POINT_SYMBOL if kind == "points" else POLYGON_SYMBOL
    painter.setPen(QPen(QColor(symbol.stroke), symbol.stroke_width * ppp))
    painter.setBrush(QColor(symbol.fill))
    radius = symbol.size * ppp / 2
    started = time.perf_counter()
    for geom in geoms:
        if kind == "points":  # plain float arithmetic: no NumPy overhead per point
            px = (geom.x - transform.centre_x) / transform.units_per_pixel + transform.width / 2
            py = transform.height / 2 - (geom.y - transform.centre_y) / transform.units_per_pixel
            painter.drawEllipse(QPointF(px, py), radius, radius)
        else:
            coords = shapely.get_coordinates(geom)
            px, py = transform.map_to_pixel(coords[:, 0], coords[:, 1])
            painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in zip(px.tolist(), py.tolist(), strict=True)]),
                                Qt.FillRule.WindingFill)
    elapsed = time.perf_counter() - started
    painter.end()
    return elapsed, len(subset), len(in_view)


def selection_cost(layer: VectorLayer) -> None:
    """Steady render with 10 % of the points selected (bigger markers with outline and halo, drawn on top) against
    the same layer with nothing selected, measured here."""
    selected = frozenset(range(0, N_POINTS, 10))
    print(f"{'selection (points)':<18}{'none':>9}{f'{len(selected):,} selected':>18}{'ratio':>8}")
    for view, extent in extents().items():
        settings = view_settings(extent)
        layer.selection = frozenset()
        plain = time_renderer(layer, settings)[0].steady
        layer.selection = selected
        timing, image = time_renderer(layer, settings)
        highlighted = timing.steady
        image.save(str(IMAGES / f"bench_render_selection_{view}.png"))
        print(f"{view:<18}{plain:>8.3f}s{highlighted:>17.3f}s{highlighted / plain:>7.2f}x")
    layer.selection = frozenset()


# ---------------------------------------------------------------------------------------------------- QGIS, live
def system_env() -> dict[str, str]:
    """Our environment for the system Python: without the venv's variables, which would point it at our packages."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def pyqgis_available() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], env=system_env(), capture_output=True)
    return probe.returncode == 0


def run_qgis(gpkg: Path, visible: dict[str, tuple[float, float, float, float]], layers: list[str]) -> dict | None:
    """QGIS's timings (see qgis_reference.py) for ``layers`` of ``gpkg``, or None (the reason is printed)."""
    symbols = {"points": {"kind": "marker", "fill": POINT_SYMBOL.fill, "stroke": POINT_SYMBOL.stroke,
                          "stroke_width_pt": POINT_SYMBOL.stroke_width, "size_pt": POINT_SYMBOL.size},
               "polygons": {"kind": "fill", "fill": POLYGON_SYMBOL.fill, "stroke": POLYGON_SYMBOL.stroke,
                            "stroke_width_pt": POLYGON_SYMBOL.stroke_width}}
    spec = {"gpkg": str(gpkg), "size": list(SIZE), "dpi": DPI, "background": BACKGROUND, "repeats": QGIS_REPEATS,
            "png_dir": str(IMAGES), "jobs": ["parallel", "sequential"], "providers": list(PROVIDERS),
            "extents": {view: list(extent) for view, extent in visible.items()},
            "layers": [{"name": name, **symbols[name]} for name in layers]}
    spec_path = gpkg.with_name("qgis_spec.json")
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run([SYSTEM_PYTHON, str(QGIS_SCRIPT), str(spec_path)], env=system_env(), capture_output=True,
                          text=True, timeout=1800)
    if done.returncode != 0:
        print(f"QGIS reference failed (exit {done.returncode}): {done.stderr.strip()[-800:]}")
        return None
    return json.loads(done.stdout)


def ink(path: Path) -> float:
    """Share of the image's pixels that differ from the background: a check that two renders draw alike."""
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    pixels = pixels.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3].astype(int)
    background = QColor(BACKGROUND)
    bgr = np.array([background.blue(), background.green(), background.red()])
    return float((np.abs(pixels - bgr).sum(axis=2) > 24).mean())


def print_qgis(qgis: dict, ours: dict[tuple[str, str], Timing],
               visible: dict[str, tuple[float, float, float, float]]) -> None:
    print(f"\nQGIS {qgis['qgis_version']} live (Qt {qgis['qt_version']}): same data, visible extent, {SIZE[0]} x "
          f"{SIZE[1]} px, {DPI:.0f} dpi, antialiasing, no render cache, layer default simplification "
          f"{qgis['simplify']['points']}; GeoPackage = OGR provider reading the file at each render, memory layer = "
          "all features copied into QGIS's memory provider first")
    print(f"{'case':<17}{'QGIS source':<14}{'parallel':>17}{'sequential':>17}{'QGIS best':>10}{'vs QGIS':>9}"
          f"{'first/first':>12}  goal")
    print(f"{'':<31}{'first  repeat':>17}{'first  repeat':>17}")
    for (kind, view), timing in ours.items():
        first, steady = timing.first, timing.steady
        for provider, label in PROVIDERS.items():
            timings = qgis["results"][kind][provider][view]
            cells = "".join(f"{t['first']:>7.2f}s{statistics.median(t['repeats']):>8.3f}s"
                            for t in (timings["parallel"], timings["sequential"]))
            best = min(statistics.median(t["repeats"]) for t in timings.values())
            best_first = min(t["first"] for t in timings.values())
            ratio = best / steady
            verdict = "met" if ratio >= GOALS[kind] else "NOT met"
            print(f"{kind + ' ' + view:<17}{label:<14}{cells}{best:>9.3f}s{ratio:>8.1f}x{best_first / first:>11.1f}x"
                  f"  {GOALS[kind]:.0f}x {verdict}")
    print("QGIS best = the faster job's median repeat; vs QGIS = QGIS best / our steady; first/first = QGIS's "
          "faster first render / our first render (fresh renderer, kernels loaded, geometry around the view "
          "prepared; goal: at least 1.0x against the GeoPackage).")
    print_qgis_cpu(qgis, ours)
    opened = ", ".join(f"{kind} {PROVIDERS[provider]} {seconds:.2f} s" for kind, by_provider in qgis["open_s"].items()
                       for provider, seconds in by_provider.items())
    print(f"QGIS layer opening (not in the render times): {opened}")
    for kind, view in ours:
        print(f"{kind + ' ' + view:<17}share of non-background pixels: ours "
              f"{ink(IMAGES / f'bench_render_{kind}_{view}.png'):.1%}, QGIS "
              f"{ink(IMAGES / f'qgis_render_{kind}_{view}.png'):.1%}")
    for view, extent in visible.items():
        upp = (extent[2] - extent[0]) / SIZE[0]
        gap = max(abs(a - b) for a, b in zip(extent, qgis["visible_extent"][view], strict=True)) / upp
        print(f"visible extent {view}: QGIS's differs from ours by at most {gap:.3f} px")


def print_qgis_cpu(qgis: dict, ours: dict[tuple[str, str], Timing]) -> None:
    """The same comparison in CPU seconds: on a machine shared with other work the wall clock of either side
    stretches with the load of the moment, its CPU time much less."""
    print("\nin CPU seconds (ours: the rendering thread; QGIS: its whole process, all threads)")
    print(f"{'case':<17}{'QGIS source':<14}{'ours first':>11}{'steady':>9}{'QGIS first':>11}{'repeat':>9}"
          f"{'vs QGIS':>9}{'first/first':>12}")
    for (kind, view), timing in ours.items():
        for provider, label in PROVIDERS.items():
            timings = qgis["results"][kind][provider][view].values()
            best = min(statistics.median(t["repeats_cpu"]) for t in timings)
            best_first = min(t["first_cpu"] for t in timings)
            print(f"{kind + ' ' + view:<17}{label:<14}{timing.first_cpu:>10.3f}s{timing.steady_cpu:>8.3f}s"
                  f"{best_first:>10.3f}s{best:>8.3f}s{best / timing.steady_cpu:>8.1f}x"
                  f"{best_first / timing.first_cpu:>11.1f}x")


# ------------------------------------------------------------------------------------------------------- memory
def peak_rss_kb(field: str = "VmHWM") -> int:
    """This process's peak resident memory in KiB: VmHWM, not ru_maxrss, which on Linux a child inherits from its
    parent across fork and exec (a subprocess of a 1 GB parent would report 1 GB). ``field="VmRSS"``: resident now.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status (Linux only)")


def cached_bytes(value: object, seen: set[int] | None = None) -> int:
    """Bytes of the NumPy arrays inside a renderer cache entry (object arrays count their pointers only: the
    geometry objects they point to are the layer's own, shared, unless the layer was reprojected)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return value.nbytes
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(cached_bytes(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list):
        return sum(cached_bytes(item, seen) for item in value)
    return 0


def numba_runtime_kb() -> int:
    """Resident KiB that loading numba's runtime adds (its NRT module, compiled by LLVM in every process, and its
    typing and lowering registries). The first compiled kernel a render calls loads it anyway; loading it here first
    only tells its share of the peak apart, which stays the same."""
    from numba.core.registry import cpu_target

    before = peak_rss_kb("VmRSS")
    cpu_target.target_context.refresh()
    return peak_rss_kb("VmRSS") - before


def memory_child(gpkg: str) -> None:
    """In a fresh process: load the 1M points from ``gpkg``, render both views, print JSON memory figures."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    startup = peak_rss_kb()
    started = time.perf_counter()
    [layer] = open_layers(gpkg, layer="points")
    load_s = time.perf_counter() - started
    layer.style = SingleSymbol(POINT_SYMBOL)
    loaded, resident_loaded = peak_rss_kb(), peak_rss_kb("VmRSS")
    numba_kb = 0 if aot.available() else numba_runtime_kb()  # compiled ahead: renders never import numba
    renderer = MapRenderer()
    first_peak = 0
    for extent in extents().values():
        renderer.render_image([layer], view_settings(extent))
        first_peak = first_peak or peak_rss_kb()
    renderer.wait_prepared()
    cache = sum(cached_bytes(entry) for entry in renderer._cache.values())  # private: MapRenderer has no size API
    print(json.dumps({"startup_kb": startup, "loaded_kb": loaded, "resident_loaded_kb": resident_loaded,
                      "numba_runtime_kb": numba_kb, "first_render_peak_kb": first_peak, "peak_kb": peak_rss_kb(),
                      "resident_kb": peak_rss_kb("VmRSS"), "load_s": load_s, "cache_bytes": cache,
                      "numba_imported": "numba" in sys.modules,
                      "features": len(layer.gdf)}))
    del app


def print_memory(gpkg: Path, qgis: dict | None) -> None:
    done = subprocess.run([sys.executable, __file__, "--memory-child", str(gpkg)], capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        print(f"memory probe failed: {done.stderr.strip()[-800:]}")
        return
    ours = json.loads(done.stdout.strip().splitlines()[-1])
    kernels = (f"numba's runtime, loaded by the first kernel, {ours['numba_runtime_kb'] / MB:.0f} MB"
               if ours["numba_imported"] else "kernels compiled ahead of time, numba not imported")
    print(f"\nmemory, {ours['features']:,}-point scene (peak RSS of a fresh process: start-up, load from the "
          "GeoPackage, render full and zoomed)")
    print(f"{'':<11}{'start-up':>10}{'peak':>10}{'scene':>10}   notes")
    print(f"{'Lamplight':<11}{ours['startup_kb'] / MB:>8.0f}MB{ours['peak_kb'] / MB:>8.0f}MB"
          f"{(ours['peak_kb'] - ours['startup_kb']) / MB:>8.0f}MB   load {ours['load_s']:.2f} s (peak "
          f"{ours['loaded_kb'] / MB:.0f} MB, then resident {ours['resident_loaded_kb'] / MB:.0f} MB); resident after "
          f"rendering {ours['resident_kb'] / MB:.0f} MB (peak after the first render "
          f"{ours['first_render_peak_kb'] / MB:.0f} MB); {kernels}; renderer cache "
          f"{ours['cache_bytes'] / 2**20:.0f} MB of arrays")
    if qgis is not None:
        rss = qgis["peak_rss_kb"]
        notes = {"ogr": "GeoPackage: features read from the file at each render, none kept",
                 "memory": "memory layer: all features copied into QGIS's memory provider"}
        for provider, note in notes.items():
            peak = rss[f"after points {provider}"]
            print(f"{'QGIS':<11}{rss['start-up'] / MB:>8.0f}MB{peak / MB:>8.0f}MB"
                  f"{(peak - rss['start-up']) / MB:>8.0f}MB   {note}")
        goal = rss["after points memory"]
        print(f"goal (issue 16): peak at most QGIS's memory layer's, {goal / MB:.0f} MB: "
              f"{'met' if ours['peak_kb'] <= goal else 'NOT met'} ({(ours['peak_kb'] - goal) / MB:+.0f} MB)")


def memory_only() -> None:
    """Only the memory comparison: the 1M points written to a GeoPackage, QGIS's peaks and ours from it."""
    layer = point_layer(np.random.default_rng(20240611))
    with tempfile.TemporaryDirectory(prefix="bench_render_") as folder:
        gpkg = write_scene({"points": layer}, Path(folder))
        del layer
        qgis = None
        if pyqgis_available():
            visible = visible_extents()
            qgis = run_qgis(gpkg, visible, ["points"])
        print_memory(gpkg, qgis)


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # fonts and pixmaps need a GUI application
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    rng = np.random.default_rng(20240611)
    started = time.perf_counter()
    layers = {"points": point_layer(rng), "polygons": polygon_layer(rng)}
    print(f"data: {N_POINTS:,} points, {N_POLYGONS:,} polygons in a 10 km square "
          f"(generated in {time.perf_counter() - started:.1f} s); output {SIZE[0]} x {SIZE[1]} px, {DPI:.0f} dpi")
    print(f"kernels loaded before timing (warm_up, as the canvas does at start-up): {warm_kernels():.2f} s")
    print(f"{'case':<17}{'first':>8}{'first whole':>12}{'steady':>9}{'naive loop*':>13}{'vs loop':>9}"
          f"{'QGIS quoted':>13}{'vs QGIS':>9}  goal")
    ours: dict[tuple[str, str], Timing] = {}
    for kind, layer in layers.items():
        for view, extent in extents().items():
            settings = view_settings(extent)
            timing, image = time_renderer(layer, settings)
            first, steady = timing.first, timing.steady
            whole_first = time_whole_first(layer, settings)
            ours[(kind, view)] = timing
            image.save(str(IMAGES / f"bench_render_{kind}_{view}.png"))
            loop_s, drawn, in_view = naive_loop(kind, layer, settings)
            loop_total = loop_s / max(drawn, 1) * in_view
            quoted = QGIS_QUOTED[(kind, view)]
            verdict = "met" if quoted / steady >= GOALS[kind] else "NOT met"
            print(f"{kind + ' ' + view:<17}{first:>7.2f}s{whole_first:>11.2f}s{steady:>8.3f}s{loop_total:>12.2f}s"
                  f"{loop_total / steady:>8.1f}x{quoted:>12.2f}s{quoted / steady:>8.1f}x  {GOALS[kind]:.0f}x {verdict}")
    print("first: a fresh renderer, kernels already loaded, geometry prepared around the view; first whole: the "
          "same preparing the whole layer first; steady: median of 3 once the background preparation is done.")
    print("* naive loop: per-feature QPainter.drawEllipse / drawPolygon with per-feature transforms, timed on the "
          f"first {LOOP_SUBSET['points']:,} points / {LOOP_SUBSET['polygons']:,} polygons in view and extrapolated "
          "per feature to all features in view.")
    print("Ratios are reference time / our steady render time (higher = faster).")
    compare_jit(layers)
    with tempfile.TemporaryDirectory(prefix="bench_render_") as folder:
        gpkg = write_scene(layers, Path(folder))
        qgis = None
        if pyqgis_available():
            visible = visible_extents()
            qgis = run_qgis(gpkg, visible, list(layers))
            if qgis is not None:
                print_qgis(qgis, ours, visible)
        else:
            print(f"\nPyQGIS is not installed for {SYSTEM_PYTHON} (Debian: apt-get install python3-qgis "
                  "qgis-providers): compared with the quoted QGIS figures only.")
        print_memory(gpkg, qgis)
    print(f"Images: {IMAGES / 'bench_render_*.png'} (ours), {IMAGES / 'qgis_render_*.png'} (QGIS)")
    selection_cost(layers["points"])
    del app


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--memory-child":
        memory_child(sys.argv[2])
    elif sys.argv[1:] == ["--memory"]:
        memory_only()
    else:
        main()
