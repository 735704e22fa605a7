"""The numba kernels compile once per cache, announced: the installed ``lamplight`` in a fresh numba cache says
"Compiling the fast kernels once (about N s)…" on stderr before its first siting run, and not again; after
``lamplight warmup`` (what scripts/bootstrap.sh runs) even the first run says nothing. The map canvas's warm-up
hands the same message to the status bar, once."""

from __future__ import annotations

import json
import subprocess

import pyogrio
import pytest

from tests.packaging.wheel_venv import run

pytestmark = [pytest.mark.packaging, pytest.mark.xdist_group("wheel")]

MESSAGE = "Compiling the fast kernels once (about"
SITING = ["run", "siting.mclp", "--candidates", "lamp_poles", "--demand", "demand", "--sites", "3", "--method",
          "greedy", "--radius", "100", "--phases", "1", "--curve_sites", "3"]


@pytest.fixture
def fresh(installed, tmp_path) -> dict:
    """The installed copy with an empty numba cache of its own, and the sample project written by it."""
    env = {**installed["env"], "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    run([str(installed["lamplight"]), "sample", str(tmp_path / "sample")], cwd=tmp_path, env=env)
    return {**installed, "env": env, "work": tmp_path, "project": tmp_path / "sample" / "tianhe.lamp"}


def _siting(fresh: dict, out: str) -> subprocess.CompletedProcess:
    return run([str(fresh["lamplight"]), *SITING, "--project", str(fresh["project"]), "--output-dir", out],
               cwd=fresh["work"], env=fresh["env"])


def test_first_run_in_a_fresh_cache_announces_the_compile_and_the_second_does_not(fresh):
    first, second = _siting(fresh, "first"), _siting(fresh, "second")
    assert first.stderr.count(MESSAGE) == 1, first.stderr[-2000:]
    assert MESSAGE not in second.stderr
    plans = [pyogrio.read_dataframe(fresh["work"] / out / "selected_sites.gpkg", layer=0)["pole_id"].tolist()
             for out in ("first", "second")]
    assert plans[0] == plans[1] and len(plans[0]) == 3  # the same plan, compiled or loaded


def test_warmup_compiles_ahead_so_the_first_run_says_nothing(fresh):
    warm = run([str(fresh["lamplight"]), "warmup", "siting"], cwd=fresh["work"], env=fresh["env"])
    compiled = [line.split()[1] for line in warm.stdout.splitlines() if line.startswith("  compiled ")]
    modules = {kernel.rsplit(".", 1)[0] for kernel in compiled}
    assert {"plugins.siting.kernels", "plugins.siting.radius", "plugins.siting.swap"} <= modules
    assert "siting: " in warm.stdout and "kernels ready" in warm.stdout
    assert MESSAGE not in _siting(fresh, "after_warmup").stderr
    again = run([str(fresh["lamplight"]), "warmup", "siting"], cwd=fresh["work"], env=fresh["env"])
    assert again.stdout.strip() == "siting: already compiled"


RENDER_PROBE = """
import json
from PyQt6.QtGui import QGuiApplication
from workbench.render.warmup import warm_up
application = QGuiApplication([])
shown = []
warm_up(shown.append)  # what the map canvas's render thread runs, with its status bar as ``notify``
print(json.dumps(shown))
"""


def test_the_first_window_announces_the_render_compile_once(fresh):
    first, second = (run([str(fresh["python"]), "-c", RENDER_PROBE], cwd=fresh["work"], env=fresh["env"])
                     for _ in range(2))
    assert [line.startswith(MESSAGE) for line in json.loads(first.stdout)] == [True]
    assert json.loads(second.stdout) == []
