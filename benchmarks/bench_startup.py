"""Benchmark: start-up to a painted window with the sample project (issue 3: under 2 s).

    .venv/bin/python benchmarks/bench_startup.py             # 5 warm runs per platform, one cold run
    .venv/bin/python benchmarks/bench_startup.py --profile   # also profile one warm start-up (pyinstrument)
    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_startup.py --child --screenshot /tmp/s.png
                                                              # one start-up, JSON marks, the painted window saved

Each run launches a fresh Python process that starts the workbench exactly as ``python main.py`` does (``main.main``
with no arguments: ``workbench.app.run_gui`` on ``sample_data/tianhe/tianhe.lamp``). The only addition is a
subclass of ``MainWindow``, put in ``workbench.app``'s namespace before ``run_gui`` runs, that timestamps the start
and watches the canvas: the clock stops when the canvas has painted an image of the project's layers rendered for
the view it currently shows, with no render pending or running (``MapCanvas.map_plane.image`` for
``map_plane.image_viewport == canvas.viewport``, ``not canvas.is_rendering()``), i.e. once the paint event that
draws that image has been handled and flushed. Wall time is measured from just before the subprocess is launched
(``time.monotonic``, the same system-wide clock in both processes).

Platforms: Xvfb when it is installed (a real X server with the xcb platform, what a Linux user runs; the server is
started once beforehand, like a user's desktop) and Qt's offscreen platform (its 800 x 600 screen gives a smaller
window). Numba: "cold" runs with an empty ``NUMBA_CACHE_DIR``. The renderer's kernels come from the module
``lamplight warmup`` compiles ahead of time (``workbench.render.aot``; set-up builds it), so a start-up imports no
numba at all and the cold run only differs where that module is missing (no C compiler): the kernels are then
JIT-compiled, as on the first launch after installing. A warm-up run then fills the normal cache and the 5 timed runs
load from it. Python bytecode and the OS file cache are warm in every run. User settings go to a
temporary ``LAMPLIGHT_CONFIG_DIR``, so the runs neither read nor change the developer's layout and recent files.

When the goal is not met (or with --profile) one more warm start-up runs under pyinstrument (GUI thread; text and
HTML reports in the temp folder), and a window-less process renders the project at the same canvas size to show
what the first render in a process costs (loading the compiled kernels) against a steady one.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "tianhe" / "tianhe.lamp"
GOAL_S = 2.0
RUNS = 5
TIMEOUT_S = 300
PROFILE_TXT = Path(tempfile.gettempdir()) / "bench_startup_profile.txt"
PROFILE_HTML = Path(tempfile.gettempdir()) / "bench_startup_profile.html"
#: Start-up phases, each ending at the mark named (in the order they happen).
PHASES = (("interpreter start", "python running"), ("import main + workbench.app", "imported"),
          ("QApplication, theme", "window construction starts"), ("MainWindow built", "window constructed"),
          ("window shown", "window shown"), ("project opened (Project.load)", "project loaded"),
          ("render + paint", "painted"))


# --------------------------------------------------------------------------------------------- the launched app
def child(profile: bool, screenshot: str | None) -> None:
    """Start the workbench as ``python main.py`` does; print JSON timings once the project is painted, then exit
    (after saving the window to ``screenshot``, to check by eye that the moment measured shows the map)."""
    marks = {"python running": time.monotonic()}
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    sys.path.insert(0, str(ROOT))
    import main as entry
    from workbench import app as app_module

    marks["imported"] = time.monotonic()
    from PyQt6.QtCore import QEvent, QObject, QTimer
    from PyQt6.QtGui import QGuiApplication

    renders: list[float] = []

    class PaintedWatch(QObject):
        """Stops the clock after the canvas paints a finished render of the project for the current view."""

        def __init__(self, window) -> None:
            super().__init__(window)
            self.window = window
            self.done = False

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
            if not self.done and event.type() == QEvent.Type.Paint and self._complete():
                self.done = True
                QTimer.singleShot(0, self._finish)  # runs after this paint has been handled and flushed
            return False

        def _complete(self) -> bool:
            canvas, project = self.window.canvas, self.window.project
            plane = canvas.map_plane
            return (project.path is not None and Path(project.path).resolve() == SAMPLE.resolve()
                    and plane.image is not None and plane.image_viewport == canvas.viewport
                    and not canvas.is_rendering())

        def _finish(self) -> None:
            marks["painted"] = time.monotonic()
            if profiler is not None:
                profiler.stop()
                PROFILE_TXT.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
                PROFILE_HTML.write_text(profiler.output_html())
            canvas = self.window.canvas
            report = {"marks": marks, "renders_ms": renders, "platform": QGuiApplication.platformName(),
                      "canvas": [canvas.width(), canvas.height()], "layers": len(self.window.project.layers),
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "numba": numba_stats()}
            if profile:
                report["render_breakdown_ms"] = render_breakdown(canvas)
            if screenshot:
                self.window.grab().save(screenshot)
            print(json.dumps(report), flush=True)
            os._exit(0)  # the measurement is over; closing the window would only add shutdown work

    class WatchedMainWindow(app_module.MainWindow):
        def __init__(self, *args, **kwargs) -> None:
            marks["window construction starts"] = time.monotonic()
            super().__init__(*args, **kwargs)
            marks["window constructed"] = time.monotonic()
            self.bridge.project_replaced.connect(lambda _: marks.setdefault("project loaded", time.monotonic()))
            self.canvas.render_finished.connect(renders.append)
            self.canvas.installEventFilter(PaintedWatch(self))

        def show(self) -> None:
            super().show()
            marks["window shown"] = time.monotonic()

    app_module.MainWindow = WatchedMainWindow
    sys.exit(entry.main([]))


def numba_stats() -> dict[str, int]:
    """Whether the start-up imported numba (the render kernels compiled ahead and the solvers loaded lazily keep
    it out), and the renderer's kernels numba loaded from its cache (hits) and compiled (misses) if it did."""
    if "numba" not in sys.modules:  # not imported here either: that would cost the figures it reports
        return {"imported": 0, "cache_hits": 0, "cache_misses": 0}
    from workbench.render.kernel import KERNELS

    jitted = [kernel.jit() for kernel in KERNELS if kernel._jit is not None]  # the kernels numba ran (fallback)
    hits = sum(sum(dispatcher.stats.cache_hits.values()) for dispatcher in jitted)
    misses = sum(sum(dispatcher.stats.cache_misses.values()) for dispatcher in jitted)
    return {"imported": 1, "cache_hits": hits, "cache_misses": misses}


def render_breakdown(canvas) -> dict[str, float]:
    """What the first render cost besides drawing: the same view with a fresh renderer (geometry arrays prepared
    again, kernels already loaded) and with the canvas's renderer (steady state), in this thread."""
    from workbench.render import MapRenderer

    layers = [layer for layer in canvas.project.layers if layer.visible]
    settings = canvas.render_settings(canvas.viewport)
    timings = {}
    for label, renderer in (("fresh renderer", MapRenderer()), ("steady", canvas._renderer())):
        started = time.perf_counter()
        renderer.render_image(layers, settings)
        timings[label] = (time.perf_counter() - started) * 1000.0
    return timings


def render_probe(width: int, height: int) -> None:
    """In a fresh process, no window: the sample project's first render at the canvas size (the renderer's numba
    kernels loaded from their cache on first use), then the same view with a fresh renderer and once more; JSON ms.
    The first minus the second is the one-off cost of the first render in a process."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtGui import QGuiApplication

    sys.path.insert(0, str(ROOT))
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    from layers import Project
    from workbench.render import MapRenderer, RenderSettings

    project = Project.load(SAMPLE)
    settings = RenderSettings(extent=project.view_extent or project.full_extent(), size=(width, height),
                              crs=project.crs, background=None)
    layers = [layer for layer in project.layers if layer.visible]
    timings, steady = {}, MapRenderer()
    for label, renderer in (("first", steady), ("fresh renderer", MapRenderer()), ("steady", steady)):
        started = time.perf_counter()
        renderer.render_image(layers, settings)
        timings[label] = (time.perf_counter() - started) * 1000.0
    print(json.dumps({**timings, "numba": numba_stats()}), flush=True)
    del app


# ------------------------------------------------------------------------------------------------------ driver
def launch(env: dict[str, str], profile: bool = False) -> dict:
    """One start-up in a fresh process: its report, with ``total`` seconds from launch to painted."""
    args = [sys.executable, str(Path(__file__).resolve()), "--child"] + (["--profile"] if profile else [])
    started = time.monotonic()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"start-up run failed (exit {done.returncode}): {done.stderr.strip()[-1500:]}")
    report = json.loads(lines[-1])
    report["launched"] = started
    report["total"] = report["marks"]["painted"] - started
    return report


def phases(report: dict) -> dict[str, float]:
    """Seconds spent in each start-up phase of one run."""
    marks, previous, spent = report["marks"], report["launched"], {}
    for label, mark in PHASES:
        spent[label] = marks[mark] - previous
        previous = marks[mark]
    return spent


def start_xvfb() -> tuple[subprocess.Popen, str] | None:
    """A 1920 x 1080 Xvfb server on a free display (the caller stops it), or None when Xvfb is not installed."""
    if not Path("/usr/bin/Xvfb").exists():
        return None
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["/usr/bin/Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24",
                               "-nolisten", "tcp"], pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # Xvfb writes the display number once it accepts connections
    if not number:
        server.kill()
        return None
    return server, f":{number}"


def platform_env(base: dict[str, str], display: str | None) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    if display is None:
        env["QT_QPA_PLATFORM"] = "offscreen"
    else:
        env["DISPLAY"] = display
    return env


def describe(report: dict) -> str:
    numba = report["numba"]
    return (f"{report['platform']}, canvas {report['canvas'][0]} x {report['canvas'][1]}, {report['layers']} layers, "
            f"renders {', '.join(f'{ms:.0f}' for ms in report['renders_ms'])} ms, peak RSS "
            f"{report['peak_rss_mib']:.0f} MiB, numba " + (f"kernels {numba['cache_hits']} from cache / "
                                                           f"{numba['cache_misses']} compiled" if numba["imported"]
                                                           else "not imported"))


def print_runs(name: str, runs: list[dict]) -> float:
    totals = [run["total"] for run in runs]
    median = statistics.median(totals)
    print(f"{name:<9} warm x{len(runs)}: median {median:5.2f} s   min {min(totals):5.2f}   max {max(totals):5.2f}   "
          f"runs {' '.join(f'{t:.2f}' for t in totals)}   ({describe(runs[-1])})")
    split = {label: statistics.median(phases(run)[label] for run in runs) for label, _ in PHASES}
    print("          median phases: " + ", ".join(f"{label} {seconds:.2f}" for label, seconds in split.items()))
    return median


def print_profile(env: dict[str, str]) -> None:
    report = launch(env, profile=True)
    breakdown = report["render_breakdown_ms"]
    print(f"\nprofiled run ({report['total']:.2f} s with the profiler on): main thread by pyinstrument in "
          f"{PROFILE_TXT} and {PROFILE_HTML}")
    print(f"  first render in the app {report['renders_ms'][0]:.0f} ms (worker thread, while the GUI thread works "
          f"too); in the app after painting, same view with a fresh renderer {breakdown['fresh renderer']:.0f} ms, "
          f"steady {breakdown['steady']:.0f} ms")
    width, height = report["canvas"]
    args = [sys.executable, str(Path(__file__).resolve()), "--render-probe", str(width), str(height)]
    done = subprocess.run(args, cwd=ROOT, env={**env, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True,
                          text=True, timeout=TIMEOUT_S)
    if done.returncode == 0:
        probe = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  fresh process, no window, {width} x {height}: first render {probe['first']:.0f} ms, fresh "
              f"renderer {probe['fresh renderer']:.0f} ms, steady {probe['steady']:.0f} ms: the first render in a "
              f"process costs {probe['first'] - probe['fresh renderer']:.0f} ms more ("
              + (f"numba loads {probe['numba']['cache_hits']} kernels from its cache on first use)"
                 if probe["numba"]["imported"] else "kernels compiled ahead, no numba)"))
    lines = PROFILE_TXT.read_text().splitlines()
    print("\n".join(lines[:60]))


def main() -> None:
    profile = "--profile" in sys.argv
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores; "
          f"project {SAMPLE.relative_to(ROOT)}; goal: painted within {GOAL_S:.0f} s of launch")
    with tempfile.TemporaryDirectory(prefix="bench_startup_") as folder:
        base = {**os.environ, "LAMPLIGHT_CONFIG_DIR": str(Path(folder) / "config")}
        xvfb = start_xvfb()
        try:
            platforms = ([("xvfb", xvfb[1])] if xvfb else []) + [("offscreen", None)]
            if not xvfb:
                print("Xvfb is not installed: offscreen platform only")
            first_name, first_display = platforms[0]
            cold_env = {**platform_env(base, first_display), "NUMBA_CACHE_DIR": str(Path(folder) / "numba")}
            cold = launch(cold_env)
            print(f"{first_name:<9} cold numba cache (first launch): {cold['total']:5.2f} s   ({describe(cold)})")
            medians = {}
            for name, display in platforms:
                env = platform_env(base, display)
                warmup = launch(env)  # fills the normal numba cache if it was empty; not counted
                runs = [launch(env) for _ in range(RUNS)]
                print(f"{name:<9} warm-up run (not counted): {warmup['total']:.2f} s")
                medians[name] = print_runs(name, runs)
            verdict = "met" if medians[first_name] < GOAL_S else "NOT met"
            print(f"goal: painted window under {GOAL_S:.0f} s ({first_name}, warm median "
                  f"{medians[first_name]:.2f} s): {verdict}")
            if profile or verdict != "met":
                print_profile(platform_env(base, first_display))
        finally:
            if xvfb:
                xvfb[0].terminate()
                xvfb[0].wait()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--render-probe":
        render_probe(int(sys.argv[2]), int(sys.argv[3]))
    elif "--child" in sys.argv:
        child("--profile" in sys.argv, sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv
              else None)
    else:
        main()
