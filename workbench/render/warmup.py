"""Load the renderer's compiled kernels before the first real render needs them.

The first render in a process used to spend about 0.3 s in numba: importing its machinery and loading every
kernel from the on-disk cache (or compiling it, on the first launch). ``warm_up`` draws a tiny scene with a
point, a line, a polygon and a label through the real ``MapRenderer``, so the kernels are loaded with exactly
the argument types real renders use. The map canvas runs it in its render thread as soon as it exists, so the
loading overlaps building the window and opening the project.

On the first launch after installing (or after a kernel's source changed) numba compiles the kernels instead,
about 6-8 s; an installer can do that ahead of time::

    QT_QPA_PLATFORM=offscreen python -m workbench.render.warmup
"""

from __future__ import annotations

import logging

import geopandas as gpd
from shapely.geometry import LineString, Point, box

from layers.layer import VectorLayer
from layers.styles import Labels, SingleSymbol, Symbol
from workbench.render.renderer import MapRenderer
from workbench.render.settings import RenderSettings

log = logging.getLogger(__name__)


def warm_up() -> None:
    """Render a 64 x 64 pixel scene of every geometry kind (points, lines, polygons, labels, a selection).
    A failure is logged, never raised: the real render then simply loads what it needs itself."""
    try:
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


if __name__ == "__main__":
    from PyQt6.QtGui import QGuiApplication

    application = QGuiApplication([])  # text and images need a GUI application (any platform, offscreen too)
    warm_up()
