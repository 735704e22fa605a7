"""Starting the workbench and listing the algorithms never import numba (about 54 MiB and 0.3 s per process):
the solvers and coverage kernels load when an analysis runs, the renderer's kernels come compiled ahead of time.

Each check runs in a fresh Python process (this test process has long imported numba) that reports which
modules it ended with; the same process then imports a solver, so a probe that could not see numba fails too.
"""

from __future__ import annotations

import pytest

from plugins.registry import discover
from tests.fresh_process import ROOT, run_probe
from workbench.render import aot

SAMPLE = ROOT / "sample_data" / "tianhe" / "tianhe.lamp"
HEAVY = ("numba", "llvmlite")

#: Prints, as JSON, the heavy modules loaded after the start-up, then after a solver is imported.
REPORT = """
import json, sys
HEAVY = {heavy!r}
loaded = [name for name in HEAVY if name in sys.modules]
from plugins.siting import solve_mclp  # an analysis's solver: this one must bring numba
print(json.dumps({{"result": result, "loaded": loaded, "after_solver": "numba" in sys.modules}}))
"""

#: The workbench as ``python main.py`` opens it: the main window, the sample project rendered on the canvas and
#: the toolbox's algorithms.
WINDOW = """
import time
from PyQt6.QtWidgets import QApplication
app = QApplication([])
from workbench.main_window import MainWindow
window = MainWindow()
window.resize(1200, 800)
window.show()
assert window.files.open_project({sample!r}, ask=False)
canvas, deadline = window.canvas, time.monotonic() + 120
while (canvas.is_rendering() or canvas.map_plane.image is None or window.project.path is None) \\
        and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
result = {{"algorithms": window.processing.toolbox.visible_algorithms(), "layers": len(window.project.layers),
           "rendered": canvas.map_plane.image is not None and not canvas.is_rendering()}}
window.files.session.mark_clean()
"""

#: ``lamplight list``, as the command line runs it.
LIST = """
import contextlib, io
from lamplight.cli import main
listing = io.StringIO()
with contextlib.redirect_stdout(listing):
    status = main(["list"])
result = {"status": status, "listing": listing.getvalue()}
"""


def run_fresh(code: str) -> dict:
    """Run ``code`` (which sets ``result``) in a fresh interpreter; its report."""
    return run_probe(code + REPORT.format(heavy=HEAVY))[0]


def algorithm_ids() -> list[str]:
    """Every algorithm the registry finds in this process (the user folders are the test's own)."""
    return sorted(algorithm.id for algorithm in discover().algorithms())


def test_command_line_list_never_imports_numba():
    report = run_fresh(LIST)
    assert report["result"]["status"] == 0
    listing = report["result"]["listing"]
    assert all(algorithm_id in listing for algorithm_id in algorithm_ids())
    assert report["loaded"] == []
    assert report["after_solver"]


@pytest.mark.skipif(not SAMPLE.exists(), reason="the Tianhe sample is not generated")
@pytest.mark.skipif(not aot.available(), reason="the render kernels are not compiled ahead (`lamplight warmup`): "
                                                "a render then imports numba for its JIT")
def test_workbench_opens_the_sample_and_lists_the_toolbox_without_numba():
    report = run_fresh(WINDOW.format(sample=str(SAMPLE)))
    result = report["result"]
    assert result["rendered"] and result["layers"] > 0
    assert sorted(result["algorithms"]) == algorithm_ids()
    assert report["loaded"] == []
    assert report["after_solver"]
