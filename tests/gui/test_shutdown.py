"""Ending a busy main window must never crash the process nor leave its worker threads behind."""

import os
import subprocess
import sys
from pathlib import Path

from layers.io import write_layer

from .conftest import offices_layer

ROOT = Path(__file__).resolve().parents[2]


def test_windows_deleted_mid_render_and_mid_read_neither_crash_nor_leak_workers(tmp_path):
    """19 windows, each rendering 20,000 points and reading a file, ended by a cancelled close + deleteLater, by
    sip.delete and by the application quitting, at random points of the render (a segfault used to end this)."""
    data = tmp_path / "offices.gpkg"
    write_layer(offices_layer(), data, layer_name="office_space")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONFAULTHANDLER="1")  # settings: tests/conftest.py
    done = subprocess.run([sys.executable, "-m", "tests.gui.close_while_busy", str(data)],
                          cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"exit status {done.returncode}\n{done.stdout}\n{done.stderr[-4000:]}"
    for ending in ("prompt-cancelled-then-deleteLater", "sip-delete", "application-quit"):
        assert f"ended {ending} workers alive: []" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
