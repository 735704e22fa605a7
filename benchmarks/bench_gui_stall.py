"""Benchmark: the longest GUI-thread stall while the sample project is opened, saved and autosaved.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_stall.py [--repeats 3]

A QTimer ticks every 10 ms in the GUI thread of a real MainWindow and records the largest gap between two ticks
while each action runs: the time the window could not paint or answer. Actions, on sample_data/tianhe/tianhe.lamp
with its 3,101 lamp poles edited (one cell, so the layer is written into the archive rather than linked):

- open: File > Open (``FileCommands.open_project``: read in the worker) against the old synchronous path
  (``Project.load`` in the GUI thread, then ``set_project``), measured in the same run;
- save: ``FileCommands.save_to`` (snapshot in the GUI thread, written in the worker) against ``write_project``
  in the GUI thread;
- autosave: ``ProjectSession.autosave`` (snapshot, then the worker) against ``write_project`` of the copy in the
  GUI thread.

Showing the project (``set_project``: layer tree, canvas) stays in the GUI thread in both paths. The snapshot's
own cost (copying the frames) and the stall of an idle window (the machine's noise) are printed too. Goal: no
stall above 100 ms. Median over ``--repeats``.

- city open: File > Open of the 5 x 5 city that ``bench_city.py`` builds (77,525 poles), measured by its
  ``child_open`` to the first painted finished render, once; skipped when the city was not built (``--city-tiles``
  picks another size, 0 skips it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PyQt6.QtCore import QEventLoop, QTimer  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402

from layers import Project  # noqa: E402
from layers.edits import SetAttributeValues  # noqa: E402
from layers.project_file import write_project  # noqa: E402

SAMPLE = ROOT / "sample_data" / "tianhe" / "tianhe.lamp"
GOAL_MS = 100.0
TICK_MS = 10


class StallMeter:
    """The largest gap between ticks of a 10 ms timer in the GUI thread while an action runs."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def measure(self, action: Callable[[], None]) -> float:
        """Milliseconds of the longest stall while ``action`` runs (started from the event loop)."""
        done: list[bool] = []
        QTimer.singleShot(50, lambda: (action(), done.append(True)))
        self.last, self.worst = time.perf_counter(), 0.0
        self.timer.start()
        while not done:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        settle = time.perf_counter() + 0.2                  # ticks after the action see a stall at its end
        while time.perf_counter() < settle:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        self.timer.stop()
        return 1000.0 * self.worst


def _edit_poles(window) -> None:
    poles = next(layer for layer in window.project if layer.kind == "lamp_poles")
    current = poles.gdf["height_m"].iloc[0]
    SetAttributeValues(poles, [0], "height_m", float(current) + 0.5).apply()


def _wait_idle(app: QApplication, window) -> None:
    while window.files.session.io.busy:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--city-tiles", type=int, default=5)
    args = parser.parse_args()
    if not SAMPLE.exists():
        sys.exit(f"{SAMPLE} is missing: run sample_data/generate_tianhe.py first")
    app = QApplication.instance() or QApplication([])
    from workbench.main_window import MainWindow
    from workbench.window.project_io import snapshot
    from workbench.window.project_session import autosave_path

    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    meter = StallMeter(app)
    folder = Path(tempfile.mkdtemp(prefix="lamplight-stall-"))
    results: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in ("open", "save", "autosave")}
    snapshot_ms: list[float] = []

    def old_open() -> None:
        window.set_project(Project.load(SAMPLE))

    target = folder / "stall.lamp"
    for _ in range(args.repeats):
        results["open"][0].append(meter.measure(lambda: window.files.open_project(SAMPLE, ask=False)))
        results["open"][1].append(meter.measure(old_open))
        _edit_poles(window)
        results["save"][0].append(meter.measure(lambda: window.files.save_to(target)))
        results["save"][1].append(meter.measure(lambda: write_project(window.project, target)))
        _edit_poles(window)
        results["autosave"][0].append(meter.measure(lambda: (window.files.session.autosave(),
                                                             _wait_idle(app, window))))
        results["autosave"][1].append(meter.measure(lambda: write_project(window.project,
                                                                          autosave_path(window.project))))
        started = time.perf_counter()
        snapshot(window.project)
        snapshot_ms.append(1000.0 * (time.perf_counter() - started))
        window.files.session.mark_clean()
    print(f"Longest GUI-thread stall, sample project ({SAMPLE.name}, lamp poles edited), median of {args.repeats}:")
    for name, (new, old) in results.items():
        worst = statistics.median(new)
        verdict = "meets" if worst <= GOAL_MS else "MISSES"
        print(f"  {name:9s} {worst:8.1f} ms in the worker path ({verdict} the {GOAL_MS:.0f} ms goal); "
              f"old synchronous path {statistics.median(old):8.1f} ms")
    print(f"  snapshot of the project in the GUI thread: {statistics.median(snapshot_ms):.1f} ms")
    idle = statistics.median(meter.measure(lambda: None) for _ in range(args.repeats))
    print(f"  idle window (no action, the machine's own noise): {idle:.1f} ms")
    window.files.session.mark_clean()
    window.close()
    if args.city_tiles:
        _city_open(args.city_tiles)


def _city_open(tiles: int) -> None:
    import bench_city

    folder = bench_city.city_dir(tiles)
    if not (folder / "city.lamp").exists():
        print(f"  city open: skipped ({folder / 'city.lamp'} missing: run benchmarks/bench_city.py first)")
        return
    result = bench_city.child_open(folder)
    verdict = "meets" if result["stall_ms"] <= GOAL_MS else "MISSES"
    print(f"  city open ({tiles} x {tiles} tiles) {result['stall_ms']:8.1f} ms in the worker path ({verdict} the "
          f"{GOAL_MS:.0f} ms goal); first finished render painted after {result['open_s']:.1f} s")


if __name__ == "__main__":
    main()
