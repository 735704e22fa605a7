"""Benchmark: a city-sized project (the Tianhe sample tiled N x N) against the goals of issue 16.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_city.py [--tiles 5] [--quick]
        [--skip-open] [--skip-coverage] [--skip-cluster] [--skip-siting] [--skip-export]
        [--coverage-tiles 1] [--scheduler tcp://host:8786]

The city (5 x 5: 77,525 poles, 65,075 buildings, a 10,000 x 7,500 height raster, 30,000 demand cells,
20 x 15 km) is built once by ``sample_data/generate_tianhe.py --tiles N`` into ``$LAMPLIGHT_CITY_DIR`` or
``~/.cache/lamplight/city-NxN`` and reused. Each measurement runs in a fresh child process so its peak memory
(psutil RSS of the process and its children, polled every 20 ms) is its own. Figures:

- open-to-paint: an offscreen MainWindow, from ``FileCommands.open_project`` to the first canvas paint of a
  finished render of the city (no number in the issue: printed as a reference); longest GUI-thread stall
  meanwhile (a 10 ms QTimer's largest gap; goal <= 100 ms); then, without a window, ``Project.load`` in a
  worker thread: its time and the longest it held the interpreter (the part of the stall the reading causes,
  vectors read batch by batch by ``layers.io.chunked``; the rest is the window's own work and the renderer);
- coverage of a 2 x 1.5 km area (its poles, the height raster under it + the radius): peak memory, goal
  <= 600 MB; the height raster read whole, read by one window of the file-backed layer, and block by block
  (``plugins.coverage.stream``, as coverage.rsrp runs a city), in the same run;
- coverage of all poles with local threads and with a ``dask.distributed`` LocalCluster (2 single-threaded
  worker processes), or the cluster at ``--scheduler`` (start one with ``dask scheduler`` on the host and
  ``dask worker tcp://host:8786`` on each machine; the workers need this repository and its venv). On 2 cores
  the whole city takes long, so by default ``--coverage-tiles 1`` runs the poles of one sample tile over a
  grid of that tile, block by block, and extrapolates the time by the number of tiles and the memory by the
  outputs and transmitters of the other tiles (a block's own memory does not grow with the area; labelled
  "extrapolated"); ``LAMPLIGHT_BENCH_TRACE=1`` prints each block's progress and RSS;
  ``--coverage-tiles N`` (= ``--tiles``) measures the whole city;
- MCLP on the city (candidates: every pole; demand: the 100 m cells, residents + workers; 200 m radius;
  k = poles / 50), fast and exact with a work limit and the default (automatic) safety time limit, each with its
  proven gap, its status (a "time limit" would mean the safety decided) and its budget; the issue's goal (gap < 1 % in
  < 120 s) is stated for 69,500 x 480,000 demand points and K = 3,000, a larger instance than this one;
- A4 PDF and web map export of the city project: time, web map size with any side files (goal <= 10 MB) and the
  time headless Chromium takes to load it and draw its first view (goal < 3 s; the load event and the page's
  main-thread busy time are printed beside it, and the sample's page opened in the same run as a reference).

The machine is shared: every figure is an upper bound for it. One line per figure: value, goal, met / not met.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RADIUS_M, RESOLUTION_M = 400.0, 5.0
AREA_M = (2000.0, 1500.0)
GOALS = {"stall_ms": 100.0, "gap_pct": 1.0, "siting_s": 120.0, "area_mb": 600.0,
         "city_mb": 3000.0, "web_mb": 10.0, "web_load_s": 3.0}
SITING_RADIUS_M, SITING_WORK = 200.0, 2_000_000
#: Bytes a grid cell of the outputs holds (RSRP and SINR float32, server int32) and a pole's transmitter rows
#: with their kernel table (3 sectors x 19 float64 columns, doubled for the arrays they come from).
OUTPUT_BYTES, POLE_BYTES = 12, 3 * 19 * 8 * 2


def city_dir(tiles: int) -> Path:
    base = os.environ.get("LAMPLIGHT_CITY_DIR")
    return Path(base) if base else Path.home() / ".cache" / "lamplight" / f"city-{tiles}x{tiles}"


def ensure_city(tiles: int) -> Path:
    folder = city_dir(tiles)
    if not (folder / "city.lamp").exists():
        print(f"building the {tiles} x {tiles} city into {folder} ...", flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "sample_data" / "generate_tianhe.py"), "--tiles", str(tiles),
                        "--out", str(folder)], check=True, stdout=subprocess.DEVNULL)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


class PeakRss:
    """Peak resident memory (MB) of this process and its children, polled every 20 ms in a thread."""

    def __init__(self) -> None:
        import psutil

        self.process, self.peak, self._stop = psutil.Process(), 0.0, threading.Event()
        self.start = self.process.memory_info().rss / 1e6  # the interpreter and modules, before the data
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                total = self.process.memory_info().rss
                for child in self.process.children(recursive=True):
                    total += child.memory_info().rss
            except psutil.Error:
                pass
            self.peak = max(self.peak, total / 1e6)
            self._stop.wait(0.02)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "NOT met"


def line(name: str, value: float, unit: str, goal: float | None, note: str = "") -> None:
    goal_text = f"goal <= {goal:g} {unit}: {verdict(value, goal)}" if goal is not None else "no goal (reference)"
    print(f"  {name:<46} {value:10.2f} {unit:<3} {goal_text}{'  ' + note if note else ''}", flush=True)


# --- children: each prints one JSON line ---------------------------------------------------------------------

def child_open(folder: Path) -> dict:
    """Open the city in an offscreen MainWindow; seconds to the first painted finished render, longest stall."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from workbench.main_window import MainWindow

    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    path = folder / "city.lamp"
    state = {"painted": None, "worst": 0.0, "last": 0.0}

    class Watch(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
            canvas, project = window.canvas, window.project
            if (state["painted"] is None and event.type() == QEvent.Type.Paint and project.path is not None
                    and Path(project.path).resolve() == path.resolve() and canvas.map_plane.image is not None
                    and canvas.map_plane.image_viewport == canvas.viewport and not canvas.is_rendering()):
                state["painted"] = time.perf_counter()
            return False

    def tick() -> None:
        now = time.perf_counter()
        state["worst"] = max(state["worst"], now - state["last"])
        state["last"] = now

    watch = Watch()
    window.canvas.installEventFilter(watch)
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    for _ in range(20):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    meter = PeakRss()
    started = time.perf_counter()
    QTimer.singleShot(0, lambda: window.files.open_project(path, ask=False))
    state["last"] = started
    timer.start()
    deadline = started + 600
    while state["painted"] is None and time.perf_counter() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    timer.stop()
    return {"open_s": (state["painted"] or float("nan")) - started, "stall_ms": 1000 * state["worst"],
            "peak_mb": meter.stop()}


def child_load(folder: Path) -> dict:
    """``Project.load`` of the city in a worker thread, as File > Open runs it, while this thread wakes every 5 ms:
    seconds, and the longest gap between wake-ups (how long the loading held the interpreter: a GUI thread could
    not have run longer). Loaded twice, the first to import the readers and warm the file cache."""
    from layers import Project

    path = folder / "city.lamp"
    Project.load(path)
    done = threading.Event()
    out: dict = {}

    def load() -> None:
        started = time.perf_counter()
        out["project"] = Project.load(path)
        out["load_s"] = time.perf_counter() - started
        done.set()

    worker = threading.Thread(target=load)
    worst, last = 0.0, time.perf_counter()
    worker.start()
    while not done.is_set():
        time.sleep(0.005)
        now = time.perf_counter()
        worst, last = max(worst, now - last), now
    worker.join()
    return {"load_s": out["load_s"], "hold_ms": 1000 * worst, "features": sum(len(layer) for layer in out["project"]
                                                                             if hasattr(layer, "gdf"))}


def _warm_coverage(config) -> None:
    import numpy as np

    from plugins.coverage import Obstruction, Transmitters
    from plugins.coverage.engine import compute_coverage
    from plugins.coverage.grid import Grid

    heights = np.zeros((40, 40), np.float32)
    cells = Transmitters.from_arrays([40.0], [40.0], 10.0, config)
    compute_coverage(cells, config, Obstruction(heights, 0.0, 80.0, 2.0), Grid.covering((0, 0, 80, 80), 5.0),
                     workers=1)


def child_coverage(folder: Path, area: list[float], mode: str, workers: int, scheduler: str | None,
                   cluster: bool) -> dict:
    """Coverage of the poles inside ``area`` over a grid of ``area``; the heights read whole, by one window
    (``windowed``: the area grown by the radius, from the file-backed layer), or block by block (``streamed``:
    ``plugins.coverage.stream``, each block its own window). With ``LAMPLIGHT_BENCH_TRACE`` set, every block's
    progress and this process's RSS go to stderr."""
    import geopandas as gpd

    from layers import VectorLayer
    from layers.io.raster import read_raster
    from plugins.coverage import CoverageConfig, Obstruction, Transmitters
    from plugins.coverage.engine import compute_coverage
    from plugins.coverage.grid import Grid
    from plugins.coverage.stream import compute_coverage_streamed

    config = CoverageConfig(frequency_mhz=3500, bandwidth_mhz=100, model="auto", max_radius_m=RADIUS_M)
    _warm_coverage(config)
    meter = PeakRss()
    started = time.perf_counter()
    gdf = gpd.read_file(folder / "city.gpkg", layer="lamp_poles", engine="pyogrio", bbox=tuple(area))
    subset = VectorLayer(gdf, "lamp_poles", kind="lamp_poles")
    cells = Transmitters.from_layer(subset, config)
    grown = (area[0] - RADIUS_M, area[1] - RADIUS_M, area[2] + RADIUS_M, area[3] + RADIUS_M)
    raster = folder / "building_height_2m.tif"
    heights = read_raster(str(raster), source=str(raster), name="heights", lazy=mode != "whole")
    obstruction = None
    if mode != "streamed":
        obstruction = Obstruction.from_raster(heights, extent=grown if mode == "windowed" else None)
    grid = Grid.covering(tuple(area), RESOLUTION_M, cells.crs)
    prepare_s = time.perf_counter() - started
    local_cluster = None
    if cluster and not scheduler:
        from dask.distributed import LocalCluster

        local_cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     dashboard_address=None)
        scheduler = local_cluster.scheduler_address
    started = time.perf_counter()
    if obstruction is None:
        result = compute_coverage_streamed(cells, config, grid, lambda b: Obstruction.from_raster(heights, extent=b),
                                           workers=workers, scheduler=scheduler, feedback=_trace(meter, started))
    else:
        result = compute_coverage(cells, config, obstruction, grid, workers=workers, scheduler=scheduler)
    engine_s = time.perf_counter() - started
    peak = meter.stop()
    if local_cluster is not None:
        local_cluster.close()
    read = [0, 0] if obstruction is None else list(obstruction.heights.shape)
    return {"poles": len(subset), "prepare_s": prepare_s, "engine_s": engine_s, "peak_mb": peak, "base_mb": meter.start,
            "links": int(result.links), "grid": [grid.cols, grid.rows], "heights": read,
            "loaded_whole": heights.loaded}


def _trace(meter: PeakRss, started: float):
    """A progress sink printing percent, seconds, RSS and peak RSS to stderr (``LAMPLIGHT_BENCH_TRACE``)."""
    if not os.environ.get("LAMPLIGHT_BENCH_TRACE"):
        return None

    class Trace:
        last = -1.0

        def set_progress(self, percent: float) -> None:
            if percent - self.last >= 1.0 or percent >= 100.0:
                self.last = percent
                rss = meter.process.memory_info().rss / 1e6
                print(f"{percent:6.1f} % {time.perf_counter() - started:8.1f} s  rss {rss:7.0f} MB  "
                      f"peak {meter.peak:7.0f} MB", file=sys.stderr, flush=True)

        def is_cancelled(self) -> bool:
            return False

    return Trace()


def child_siting(folder: Path, work: int) -> dict:
    import geopandas as gpd
    import numpy as np

    from plugins.siting import SitingProblem, radius_coverage, solve_mclp

    poles = gpd.read_file(folder / "city.gpkg", layer="lamp_poles", engine="pyogrio", columns=["pole_id"])
    demand = gpd.read_file(folder / "city.gpkg", layer="demand", engine="pyogrio")
    weights = (demand["residents"] + demand["workers"]).to_numpy(float)
    keep = weights > 0
    centres = demand.geometry.centroid[keep]
    cand = np.column_stack([poles.geometry.x, poles.geometry.y])
    dem = np.column_stack([centres.x, centres.y])
    k = len(cand) // 50
    out = {"candidates": len(cand), "demand": int(keep.sum()), "k": k}
    meter = PeakRss()
    for method in ("greedy", "exact"):
        started = time.perf_counter()
        problem = SitingProblem(radius_coverage(cand, dem, SITING_RADIUS_M), weights[keep])
        plan = solve_mclp(problem, k, method=method, work_limit=work)       # the default, automatic safety limit
        out[method] = {"s": time.perf_counter() - started, "gap": float(plan.gap), "objective": float(plan.objective),
                       "bound": float(plan.bound), "status": str(plan.status), "work": plan.work,
                       "load": os.getloadavg()[0]}
    out["peak_mb"] = meter.stop()
    return out


def child_export(folder: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from layers import Project
    from workbench.export.layout import LayoutOptions
    from workbench.export.layout_export import export_layout
    from workbench.export.qt_app import ensure_gui_application
    from workbench.export.webmap import export_web_map

    ensure_gui_application()
    project = Project.load(folder / "city.lamp")
    out = Path(tempfile.mkdtemp(prefix="lamplight-city-export-"))
    result = {}
    started = time.perf_counter()
    export_layout(project, out / "city.pdf", LayoutOptions(dpi=150))
    result["pdf_s"] = time.perf_counter() - started
    web = out / "web"
    web.mkdir()
    started = time.perf_counter()
    export_web_map(project, web / "city.html")
    result["web_s"] = time.perf_counter() - started
    result["web_mb"] = sum(path.stat().st_size for path in web.rglob("*") if path.is_file()) / 1e6
    from benchmarks.bench_exports import page_open
    from tests.export.browser import available

    if available():  # the sample's page, opened in the same run, shows how busy the machine is
        export_web_map(Project.load(ROOT / "sample_data" / "tianhe" / "tianhe.lamp"), out / "sample.html")
        for name, path in (("city", web / "city.html"), ("sample", out / "sample.html")):
            result.update({f"{name}_{key}": value for key, value in page_open(path).items()})
    shutil.rmtree(out)
    return result


def run_child(*args: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env)
    for text in reversed(done.stdout.splitlines()):
        if text.startswith("{"):
            return json.loads(text)
    raise RuntimeError(f"child {args} failed:\n{done.stderr[-3000:]}")


def area_of_interest(folder: Path, tiles: int) -> list[float]:
    """A 2 x 1.5 km area at the centre of the city's middle tile (the sample's CBD)."""
    import rasterio

    with rasterio.open(folder / "building_height_2m.tif") as src:
        left, bottom, right, top = src.bounds
    cx, cy = (left + right) / 2, (bottom + top) / 2
    return [cx - AREA_M[0] / 2, cy - AREA_M[1] / 2, cx + AREA_M[0] / 2, cy + AREA_M[1] / 2]


def tile_area(folder: Path, tiles: int, count: int) -> list[float]:
    """The south-west ``count`` x ``count`` tiles of the city."""
    import rasterio

    with rasterio.open(folder / "building_height_2m.tif") as src:
        left, bottom, right, top = src.bounds
    w, h = (right - left) / tiles, (top - bottom) / tiles
    return [left, bottom, left + count * w, bottom + count * h]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the all-poles coverage and exact MCLP's long "
                                                              "work limit (a smaller limit)")
    parser.add_argument("--coverage-tiles", type=int, default=1,
                        help="all-poles coverage runs on this many x this many tiles and is extrapolated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", default=None, help="a dask.distributed scheduler, e.g. tcp://host:8786, "
                                                          "instead of a LocalCluster")
    for part in ("open", "coverage", "cluster", "siting", "export"):
        parser.add_argument(f"--skip-{part}", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, folder = args.child[0], Path(args.child[1])
        if kind == "open":
            result = child_open(folder)
        elif kind == "load":
            result = child_load(folder)
        elif kind == "coverage":
            area = [float(v) for v in args.child[2].split(",")]
            result = child_coverage(folder, area, args.child[3], args.workers, args.scheduler,
                                    args.child[4] == "cluster")
        elif kind == "siting":
            result = child_siting(folder, int(args.child[2]))
        else:
            result = child_export(folder)
        print(json.dumps(result), flush=True)
        os._exit(0)

    folder = ensure_city(args.tiles)
    print(f"City {args.tiles} x {args.tiles} in {folder} ({os.cpu_count()} cores, shared: upper bounds)")
    if not args.skip_open:
        r = run_child("open", str(folder))
        print("open the city project (offscreen window)")
        line("open_project -> first painted frame", r["open_s"], "s", None,
             "(the issue measured the open alone at 1.4-1.9 s idle, 13 s loaded)")
        line("longest GUI-thread stall during open", r["stall_ms"], "ms", GOALS["stall_ms"])
        line("peak memory of the window", r["peak_mb"], "MB", None)
        r = run_child("load", str(folder))
        line("Project.load in a worker, no window", r["load_s"], "s", None, f"({r['features']:,} features)")
        line("  longest the loading held the interpreter", r["hold_ms"], "ms", GOALS["stall_ms"],
             "(a thread waking every 5 ms: the stall the reading alone causes)")
    if not args.skip_coverage:
        area = ",".join(f"{v:.0f}" for v in area_of_interest(folder, args.tiles))
        print(f"coverage of a 2 x 1.5 km area ({RESOLUTION_M:g} m grid, {RADIUS_M:g} m radius)")
        for mode in ("whole", "windowed", "streamed"):
            r = run_child("coverage", str(folder), area, mode, "threads")
            read = "by block" if mode == "streamed" else f"{r['heights'][1]} x {r['heights'][0]}"
            line(f"peak memory, height raster read {mode}", r["peak_mb"], "MB", GOALS["area_mb"],
                 f"({r['poles']} poles, heights {read}, {r['prepare_s'] + r['engine_s']:.1f} s)")
        if not args.quick:
            count = min(args.coverage_tiles, args.tiles)
            scale = (args.tiles / count) ** 2
            label = "" if scale == 1 else f" (measured on {count} x {count} tiles, x {scale:g} extrapolated)"
            area = ",".join(f"{v:.0f}" for v in tile_area(folder, args.tiles, count))
            modes = [("threads", "local threads")] + ([] if args.skip_cluster else [
                ("cluster", f"dask.distributed {args.scheduler or 'LocalCluster'}")])
            print(f"coverage of all poles{label}")
            for mode, name in modes:
                r = run_child("coverage", str(folder), area, "streamed", mode, "--workers", str(args.workers),
                              *(["--scheduler", args.scheduler] if args.scheduler else []))
                line(f"{name}: time", (r["prepare_s"] + r["engine_s"]) * scale, "s", None,
                     f"{r['poles']} poles measured, {r['links']:,} links, {r['engine_s']:.1f} s engine")
                # block by block, only the output rasters and the transmitters grow with the area
                grown_mb = (scale - 1) * (r["grid"][0] * r["grid"][1] * OUTPUT_BYTES + r["poles"] * POLE_BYTES) / 1e6
                line(f"{name}: peak memory", r["peak_mb"] + grown_mb, "MB", GOALS["city_mb"],
                     f"(extrapolated: {r['peak_mb']:.0f} MB measured + {grown_mb:.0f} MB of outputs and "
                     f"transmitters for the rest)" if scale > 1 else "")
    if not args.skip_siting:
        work = SITING_WORK // 10 if args.quick else SITING_WORK
        r = run_child("siting", str(folder), str(work))
        print(f"MCLP: {r['candidates']:,} candidate poles, {r['demand']:,} demand cells, k = {r['k']}, "
              f"{SITING_RADIUS_M:g} m, work limit {work:,}")
        for method, name in (("greedy", "fast"), ("exact", "exact")):
            m = r[method]
            line(f"{name}: time", m["s"], "s", GOALS["siting_s"], f"({m['status']}, load {m['load']:.1f})")
            line(f"{name}: proven gap", 100 * m["gap"], "%", GOALS["gap_pct"],
                 f"(objective {m['objective']:,.0f}, bound {m['bound']:,.0f})")
            print(f"    {m['work']}")
        line("peak memory", r["peak_mb"], "MB", None)
    if not args.skip_export:
        r = run_child("export", str(folder))
        print("exports of the city project")
        line("A4 PDF at 150 dpi", r["pdf_s"], "s", None)
        line("web map: write", r["web_s"], "s", None)
        line("web map: size (page + side files)", r["web_mb"], "MB", GOALS["web_mb"])
        if "city_drawn_s" in r:
            line("web map: first view drawn in headless Chromium", r["city_drawn_s"], "s", GOALS["web_load_s"],
                 f"(load event {r['city_load_s']:.2f} s, main thread busy {r['city_busy_s']:.2f} s)")
            line("  reference: the sample's web map, same run", r["sample_drawn_s"], "s", None,
                 f"(load event {r['sample_load_s']:.2f} s, main thread busy {r['sample_busy_s']:.2f} s)")
        else:
            print("  web map: load in headless Chromium           skipped (no Chromium)")


if __name__ == "__main__":
    main()
