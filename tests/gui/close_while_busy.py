"""Delete main windows while they render a big layer and read a file, every way a window can end.

Run by ``test_shutdown.py`` in a fresh process (``python -m tests.gui.close_while_busy DATA_FILE``),
so a segfault fails that test instead of killing pytest. Prints one line per round and, at the end, the worker
threads still alive (there must be none: each window joins its workers when it goes).
"""

from __future__ import annotations

import random
import sys
import threading
import time

import geopandas as gpd
import numpy as np
import shapely
from PyQt6 import sip
from PyQt6.QtCore import QCoreApplication, QEvent, QTimer
from PyQt6.QtWidgets import QMessageBox

WORKER_PREFIXES = ("render-", "layer-loader")
ROUNDS_PER_ENDING = 8


def big_points(n: int = 20_000) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    xy = rng.random((n, 2)) * 4000 + (760_000, 2_560_000)
    return gpd.GeoDataFrame({"height_m": rng.uniform(6, 14, n)}, geometry=shapely.points(xy), crs=32649)


def busy_window(app, points: gpd.GeoDataFrame, data_file: str):
    """A shown window whose unsaved project has a big layer being rendered and a file being read."""
    from layers import Project, VectorLayer
    from layers.default_styles import default_style
    from workbench.main_window import MainWindow

    window = MainWindow(Project(32649))
    window.show()
    layer = VectorLayer(points, "poles")
    layer.style = default_style(layer)
    window.project.add_layer(layer)
    window.add_files([data_file])
    deadline = time.monotonic() + 10
    while not window.canvas.map_plane._running and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)
    assert window.canvas.map_plane._running, "the render never started"
    time.sleep(random.random() * 0.03)  # end the window at a different point of the render each round
    return window


def end_window(app, window, ending: str) -> None:
    if ending == "prompt-cancelled-then-deleteLater":
        QMessageBox.question = lambda *args, **kwargs: QMessageBox.StandardButton.Cancel
        window.close()  # the unsaved-changes prompt is answered Cancel: closeEvent ignores the close
        assert window.isVisible()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        assert sip.isdeleted(window)
    elif ending == "sip-delete":
        sip.delete(window)
    else:
        raise ValueError(ending)


def main(data_file: str) -> None:
    from workbench.app import create_application

    app = create_application([])
    random.seed(3)
    points = big_points()
    for ending in ("prompt-cancelled-then-deleteLater", "sip-delete"):
        for _ in range(ROUNDS_PER_ENDING):
            end_window(app, busy_window(app, points, data_file), ending)
            for _ in range(5):
                app.processEvents()
        print("ended", ending, "workers alive:", workers_alive(), flush=True)
    # The event loop ends with busy windows still open; they are deleted when the interpreter ends.
    windows = [busy_window(app, points, data_file) for _ in range(3)]
    QTimer.singleShot(0, lambda: app.exit(0))  # quit() would ask to save the unsaved projects
    app.exec()
    print("ended application-quit", "workers alive:", workers_alive(), len(windows), "windows open", flush=True)


def workers_alive() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t.name.startswith(WORKER_PREFIXES))


if __name__ == "__main__":
    main(sys.argv[1])
