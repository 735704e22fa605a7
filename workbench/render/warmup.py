"""Load the renderer's compiled kernels before the first real render needs them.

The first render in a process used to spend about 0.3 s in numba: importing its machinery and loading every
kernel from the on-disk cache (or compiling it, on the first launch). ``warm_up`` draws a tiny scene with a
point, a line, a polygon and a label through the real ``MapRenderer``, so the kernels are loaded with exactly
the argument types real renders use. The map canvas runs it in its render thread as soon as it exists, so the
loading overlaps building the window and opening the project.

On the first launch after installing (or after a kernel's source changed) numba compiles the kernels instead,
about 6-8 s: ``warm_up(notify)`` then first tells the status bar "Compiling the fast kernels once (about 8 s)…"
(``RENDER`` is the renderer's ``plugins.compiled.KernelGroup``). ``lamplight warmup`` compiles them ahead of
time, with the algorithms' kernels, and then also builds them into an extension module
(``workbench.render.aot_build``, from this scene's argument types), which renders use without numba.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import geopandas as gpd
from shapely.geometry import LineString, Point, box

from layers.layer import VectorLayer
from layers.styles import Labels, SingleSymbol, Symbol
from plugins.compiled import KernelGroup, ensure
from workbench.render import aot
from workbench.render.renderer import MapRenderer
from workbench.render.settings import RenderSettings

log = logging.getLogger(__name__)
_application = None  # the offscreen application of ``compile_offscreen``, kept alive while the process runs


def warm_up(notify: Callable[[str], None] | None = None) -> None:
    """Render a 64 x 64 pixel scene of every geometry kind (points, lines, polygons, labels, a selection), after
    ``notify``-ing the compile message when numba's cache does not hold the kernels yet. With the kernels
    compiled ahead (``workbench.render.aot``) the scene only loads their module: numba is not imported. A
    failure is logged, never raised: the real render then simply loads what it needs itself."""
    try:
        if aot.available() or not ensure(RENDER, notify):  # else compiled now by that same scene
            _render_scene()
    except Exception:  # noqa: BLE001 - warming up is optional; the cause goes to the log
        log.exception("warming up the renderer failed")


def _render_scene() -> None:
    frame = gpd.GeoDataFrame({"name": ["a", "b", "c"]},
                             geometry=[box(8, 8, 48, 48), LineString([(0, 0), (64, 36)]), Point(32, 32)])
    scene = VectorLayer(frame, "warm-up")
    scene.style = SingleSymbol(Symbol(fill="#808080", stroke="#000000", stroke_width=0.4, size=4.0),
                               labels=Labels("name"))
    scene.selection = frozenset({2})
    MapRenderer().render_image([scene], RenderSettings(extent=(0, 0, 64, 64), size=(64, 64), background=None))


def compile_offscreen() -> None:
    """``RENDER.run`` outside the workbench (``lamplight warmup``): text and images need a GUI application, on
    the offscreen platform when none runs."""
    global _application
    from PyQt6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _application = QGuiApplication([])
    _render_scene()


#: The renderer's kernels, compiled by the scene above (``plugins.compiled``).
RENDER = KernelGroup("render", ("workbench.render",), compile_offscreen, seconds=8.0, marker=aot.KERNEL_MARK)
