"""``python main.py`` on Linux without a display says what to do and exits with status 2 (Qt used to abort)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.app import NO_DISPLAY_STATUS, missing_display

ROOT = Path(__file__).resolve().parents[2]
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb platform is Linux's")
def test_main_without_a_display_explains_how_to_run_and_exits_with_status_2():
    env = {key: value for key, value in os.environ.items() if key not in DISPLAY_VARIABLES}
    done = subprocess.run([sys.executable, "main.py"], cwd=str(ROOT), env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == NO_DISPLAY_STATUS == 2, done.stderr
    message = done.stderr
    assert "there is no display" in message
    assert "xvfb-run -a python main.py" in message and "QT_QPA_PLATFORM=offscreen" in message
    assert "graphical session" in message
    assert "xcb" not in message and "Traceback" not in message  # no Qt abort, no crash
    assert done.stdout == ""


@pytest.mark.parametrize(("environ", "platform", "missing"), [
    ({}, "linux", True),
    ({"DISPLAY": ""}, "linux", True),
    ({"DISPLAY": ":0"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({}, "win32", False),
    ({}, "darwin", False),
])
def test_only_linux_without_any_display_or_platform_is_refused(environ, platform, missing):
    assert (missing_display(environ, platform) is not None) is missing
