"""The Tianhe sample project renders with its default styles: known features show in their style colours."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from layers.default_styles import OPERATOR_COLOURS, POLE_STATUS_COLOURS
from layers.styles import parse_colour
from tests.render.scenes import pixels
from workbench.render import MapRenderer, RenderSettings

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "tianhe" / "tianhe.lamp"
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="sample not generated: make sample")


@pytest.fixture(scope="module")
def project():
    from layers.project import Project

    return Project.load(SAMPLE)


def around(project, x: float, y: float, half: float = 40.0, size: int = 81) -> RenderSettings:
    return RenderSettings(extent=(x - half, y - half, x + half, y + half), size=(size, size), crs=project.crs)


def layer_named(project, name: str):
    return next(layer for layer in project.layers if layer.name == name)


def test_poles_and_sites_show_in_their_category_colours(qapp, project):
    renderer = MapRenderer()
    poles = layer_named(project, "lamp_poles")
    for status in ("active", "planned", "faulty"):
        row = int(np.flatnonzero(poles.gdf["status"].to_numpy() == status)[0])
        point = poles.gdf.geometry.iloc[row]
        image = pixels(renderer.render_image(project.layers, around(project, point.x, point.y)))
        assert tuple(image[40, 40]) == parse_colour(POLE_STATUS_COLOURS[status])
    sites = layer_named(project, "sites_5g")
    point, operator = sites.gdf.geometry.iloc[0], sites.gdf["operator"].iloc[0]
    image = pixels(renderer.render_image(project.layers, around(project, point.x, point.y, half=20.0)))
    assert tuple(image[41, 40]) == parse_colour(OPERATOR_COLOURS[operator])  # the triangle's body


def test_whole_sample_renders_every_visible_layer(qapp, project):
    minx, miny, maxx, maxy = 736100.0, 2557200.0, 740100.0, 2560200.0
    settings = RenderSettings(extent=(minx, miny, maxx, maxy), size=(800, 600), crs=project.crs)
    image = pixels(MapRenderer().render_image(project.layers, settings))
    background = np.array(parse_colour(settings.background))
    assert (image != background).any(axis=2).mean() > 0.3
    river = layer_named(project, "water")
    colour = np.array(parse_colour(river.style.symbol.fill)[:3])
    x, y = river.gdf.geometry.iloc[0].representative_point().coords[0]
    px, py = settings.transform().map_to_pixel(x, y)
    assert np.abs(image[int(py), int(px), :3].astype(int) - colour).max() <= 2
