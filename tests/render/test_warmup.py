"""The renderer's warm-up loads every compiled kernel the sample project's first render needs, so that render
(which the user waits for at start-up) loads none itself. Run in a fresh interpreter: kernels load once per
process."""

from __future__ import annotations

from tests.fresh_process import run_probe

PROBE = """
import json, sys
from PyQt6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv)
from layers import Project
from workbench.render import MapRenderer, RenderSettings, aot
from workbench.render.kernel import KERNELS
from workbench.render.warmup import warm_up

def loaded():
    return {k.name: [str(s) for s in k._jit.signatures] for k in KERNELS if k._jit is not None}

with aot.disabled():  # numba's JIT, as without the kernels compiled ahead of time
    warm_up()
    after_warm_up = loaded()
    project = Project.load("sample_data/tianhe/tianhe.lamp")
    settings = RenderSettings(extent=project.view_extent or project.full_extent(), size=(1200, 800), crs=project.crs)
    image = MapRenderer().render_image([layer for layer in project.layers if layer.visible], settings)
print(json.dumps({"warm": after_warm_up, "render": loaded(), "null": image.isNull()}))
"""


def test_warm_up_loads_what_the_first_render_of_the_sample_project_needs():
    report, _ = run_probe(PROBE)
    assert not report["null"]
    assert sum(len(s) for s in report["warm"].values()) >= 8  # kernels of points, polygons, lines and the grid
    assert report["render"] == report["warm"]  # the real render loaded nothing more
