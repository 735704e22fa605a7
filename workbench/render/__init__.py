"""The shared map renderer: layers and their styles into a QImage or onto any QPainter (QtGui only, no widgets).

    from workbench.render import MapRenderer, RenderSettings
    image = MapRenderer().render_image(layers, RenderSettings(extent, (800, 600), crs=project.crs))
"""

from workbench.render.renderer import MapRenderer
from workbench.render.settings import MapTransform, RenderSettings, ground_metres_per_pixel, scale_denominator

__all__ = ["MapRenderer", "MapTransform", "RenderSettings", "ground_metres_per_pixel", "scale_denominator"]
