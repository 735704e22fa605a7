"""examples/notebook_coverage_siting.py runs headless as a script, without Qt: it writes its figure and prints the
people-covered shares the command line reports for the same runs (plugins/figures.py, the one definition)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "notebook_coverage_siting.py"
SAMPLE = ROOT / "sample_data" / "tianhe" / "tianhe.lamp"
#: Runs the example as ``python EXAMPLE OUT`` would, then lists the Qt modules it imported.
RUNNER = """
import runpy, sys
sys.argv = [sys.argv[1], sys.argv[2]]
runpy.run_path(sys.argv[0], run_name="__main__")
print("QT " + " ".join(sorted(name for name in sys.modules if name.startswith("PyQt"))))
"""

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the Tianhe sample has not been generated")


def _run(command: list[str], out: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    env.pop("QT_QPA_PLATFORM", None)  # the example must not need a display, not even an offscreen one
    done = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("notebook")
    return _run([sys.executable, "-c", RUNNER, str(EXAMPLE), str(out / "figures")], out), out


def _printed(stdout: str, run: str) -> tuple[str, float]:
    """The 'People covered' value the example printed for ``run`` and the exact share beside it."""
    match = re.search(rf"^{run} +People covered: ([\d.,]+ %) .*; people_covered_pct=([\d.]+)$", stdout, re.M)
    assert match, stdout
    return match.group(1), float(match.group(2))


def test_the_example_imports_no_qt_and_draws_its_figure(example):
    stdout, out = example
    assert re.search(r"^QT ?$", stdout, re.M), [line for line in stdout.splitlines() if line.startswith("QT")]
    image = matplotlib.image.imread(out / "figures" / "coverage_siting.png")
    assert image.shape[0] > 400 and image.shape[1] > 600
    colours = np.unique((image[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50  # a coloured RSRP map, not an empty canvas


def test_the_example_prints_the_shares_the_command_line_reports(example):
    stdout, out = example
    cli = out / "cli"
    siting = json.loads(_run([sys.executable, str(ROOT / "main.py"), "run", "siting.mclp", "--project", str(SAMPLE),
                              "--candidates", "lamp_poles", "--demand", "demand", "--sites", "30", "--radius", "150",
                              "--method", "greedy", "--sample_spacing", "100", "--output-dir", str(cli)], out))
    coverage = json.loads(_run([sys.executable, str(ROOT / "main.py"), "run", "coverage.rsrp", "--project",
                                str(SAMPLE), "--transmitters", str(cli / "selected_sites.gpkg"), "--surface",
                                "building_height_2m", "--demand", "demand", "--resolution", "25", "--output-dir",
                                str(cli)], out))
    for run, reported in (("siting", siting["summary"]), ("coverage", coverage["summary"])):
        row, share = _printed(stdout, run)
        assert share == reported["people_covered_pct"], run
        assert row == f"{reported['people_covered_pct']:,.1f} %"
        assert 0 < share < 100
