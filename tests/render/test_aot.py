"""The render kernels compiled ahead of time (``workbench.render.aot``) draw exactly what numba's JIT draws, and a
render process that has them never imports numba or llvmlite (about 130 MiB of a 1M-point scene's peak).

The module is the one ``lamplight warmup`` builds in the user's cache folder (``make test`` runs it first); a
missing one is built here the same way."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from affine import Affine
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box

from layers.layer import RasterLayer
from layers.styles import Categorized, Category, Labels, RasterRamp, SingleSymbol, Symbol
from tests.fresh_process import ROOT, run_probe
from tests.render.scenes import CRS, X0, Y0, layer, pixels, settings
from workbench.render import MapRenderer, aot
from workbench.render.kernel import type_names


def every_kind() -> list:
    """A coverage raster (RSRP cells on a ramp) under polygons (with a hole, two classes, outlines), lines
    (hairlines and a wide pen), points (two classes, a multipoint), labels with halos, and a selection on each
    vector layer, in a 100 m square."""
    rng = np.random.default_rng(7)
    rsrp = RasterLayer(rng.uniform(-120, -70, (20, 20)).astype(np.float32), Affine(5, 0, X0, 0, -5, Y0 + 100), CRS,
                       name="rsrp")
    rsrp.style = RasterRamp([(-120.0, "#d7191c"), (-95.0, "#ffffbf"), (-70.0, "#1a9641")])
    centres = rng.uniform(5, 95, (40, 2))
    polygons = [box(X0 + x - 4, Y0 + y - 3, X0 + x + 4, Y0 + y + 3) for x, y in centres[:20]]
    polygons.append(Polygon([(X0 + 10, Y0 + 10), (X0 + 60, Y0 + 15), (X0 + 40, Y0 + 70)],
                            [[(X0 + 30, Y0 + 25), (X0 + 45, Y0 + 25), (X0 + 38, Y0 + 40)]]))
    areas = layer(polygons, title="areas", kind=["a", "b"] * 10 + ["a"], name=[f"p{i}" for i in range(21)])
    areas.style = Categorized("kind", [Category("a", Symbol(fill="#d3c9b8", stroke="#857a6b", stroke_width=0.4)),
                                       Category("b", Symbol(fill="#9ecae1", stroke="#08519c", stroke_width=1.5))])
    areas.selection = frozenset({3, 20})
    roads = layer([LineString([(X0, Y0 + 5 * i), (X0 + 100, Y0 + 3 * i + 20)]) for i in range(8)], title="roads",
                  name=[f"road {i}" for i in range(8)])
    roads.style = SingleSymbol(Symbol(stroke="#444444", stroke_width=0.2), labels=Labels("name", min_scale=None))
    roads.selection = frozenset({2})
    points = [Point(X0 + x, Y0 + y) for x, y in centres[20:]] + [MultiPoint([(X0 + 50, Y0 + 50), (X0 + 52, Y0 + 8)])]
    poles = layer(points, title="poles", status=["built", "planned"] * 10 + ["built"],
                  name=[f"pole {i}" for i in range(21)])
    poles.style = Categorized("status", [Category("built", Symbol(fill="#3182bd", stroke="#1f1f1f", size=4.0)),
                                         Category("planned", Symbol(fill="#e6550d", stroke="#1f1f1f", size=6.0))],
                              labels=Labels("name", size=7.0, halo="#ffffff", min_scale=None))
    poles.selection = frozenset({0, 5, 20})
    return [rsrp, areas, roads, poles]


@pytest.fixture(scope="module")
def built(qapp):
    if not aot.available():
        from workbench.render.aot_build import build
        from workbench.render.warmup import compile_offscreen

        build(compile_offscreen)
    return aot.module_path(aot.module_name())


def render(size: int) -> np.ndarray:
    return pixels(MapRenderer().render_image(every_kind(), settings(size)))


@pytest.mark.parametrize("size", [100, 317])
def test_compiled_ahead_and_jit_draw_the_same_bytes(built, monkeypatch, size):
    lookup, missed, used = aot.function, [], []

    def recording(kernel, types):
        found = lookup(kernel, types)
        (used if found is not None else missed).append(kernel)
        return found

    monkeypatch.setattr(aot, "function", recording)
    ahead = render(size)
    assert missed == [] and len(set(used)) >= 10  # every kernel call went to the module
    with aot.disabled():
        jit = render(size)
    assert len(np.unique(ahead.reshape(-1, 4), axis=0)) > 20  # fills, outlines, markers, text, halos, selection
    assert np.array_equal(ahead, jit)


PROBE = """
import json, sys
from PyQt6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv)
from layers import Project
from tests.render.test_aot import every_kind
from tests.render.scenes import settings
from workbench.render import MapRenderer, RenderSettings
from workbench.render.warmup import warm_up
warm_up()
MapRenderer().render_image(every_kind(), settings(200))
project = Project.load("sample_data/tianhe/tianhe.lamp")
view = RenderSettings(extent=project.view_extent or project.full_extent(), size=(1200, 800), crs=project.crs)
image = MapRenderer().render_image([layer for layer in project.layers if layer.visible], view)
print(json.dumps({"null": image.isNull(),
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("numba", "llvmlite"))}))
"""


def test_a_render_process_with_the_module_never_imports_numba(built):
    report, _ = run_probe(PROBE)
    assert not report["null"]
    assert report["loaded"] == []


def test_argument_type_names_are_numbas():
    numba = pytest.importorskip("numba")
    grid = np.arange(24.0).reshape(4, 6)
    readonly = np.zeros(5, np.int32)
    readonly.flags.writeable = False
    values = [grid, grid.T, grid[:, ::2], grid[0], readonly, np.zeros(3, np.uint8), np.zeros((2, 2), bool),
              np.zeros(0, np.int64), 3, -2**63, True, np.bool_(False), 2.5, np.float64(1.0), np.int32(4),
              np.uint8(1), (1.0, 2.0), (1, 2.0, True), ()]
    for value in values:
        assert type_names((value,)) == (str(numba.typeof(value)),), value
    assert type_names(("text",)) is None


FALLBACK = """
import json, logging, sys
import numpy as np
from PyQt6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv)
logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
from tests.render.test_aot import every_kind
from tests.render.scenes import pixels, settings
from workbench.render import MapRenderer
image = pixels(MapRenderer().render_image(every_kind(), settings(100)))
print(json.dumps({"numba": "numba" in sys.modules, "colours": len(np.unique(image.reshape(-1, 4), axis=0))}))
"""


def test_without_a_compiler_warmup_says_so_and_renders_use_the_jit(tmp_path):
    """No C compiler on PATH: ``lamplight warmup`` reports the failed build and still succeeds (bootstrap goes
    on), and a render process falls back to numba's JIT, logging the build's failure once."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CACHE_HOME": str(tmp_path), "PATH": str(tmp_path)}
    warm = subprocess.run([sys.executable, "main.py", "warmup", "render"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert "compiling the render kernels ahead of time failed" in warm.stderr
    assert list((tmp_path / "lamplight" / "aot").glob("*.so")) == []
    report, log = run_probe(FALLBACK, env)
    assert report["numba"] and report["colours"] > 20
    assert log.count("the build failed") == 1, log[-2000:]
