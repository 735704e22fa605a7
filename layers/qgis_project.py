"""The current map as a QGIS project (.qgz): layers in order with visibility, opacity and style, project CRS, extent.

A layer still equal to its GeoPackage, Shapefile, GeoJSON or GeoTIFF file is referenced by a path relative to
the .qgz; every other layer (edited, computed, embedded in the .lamp, read from CSV or given another CRS) is
written beside it: vector layers into ``<name>_layers.gpkg``, rasters as ``<name>_<layer>.tif``. Styles go inline
into each ``maplayer`` as the QML elements QGIS reads there (``layers.qml``).
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import defusedxml.ElementTree

from layers.atomic import write_atomically
from layers.errors import LayerError
from layers.i18n import translate
from layers.io.formats import GEOJSON, GEOPACKAGE, GEOTIFF, SHAPEFILE, extension
from layers.io.writers import write_layer
from layers.layer import Layer, RasterLayer, VectorLayer
from layers.qml import QGIS_VERSION, geometry_of, style_to_qml
from layers.styles import default_style

#: Files QGIS opens through OGR/GDAL exactly as Lamplight read them.
_LINKABLE = GEOPACKAGE + SHAPEFILE + GEOJSON + GEOTIFF
_QGIS_GEOMETRY = {"point": "Point", "line": "Line", "polygon": "Polygon"}


def _linked_path(layer: Layer) -> Path | None:
    """The file ``layer`` can be referenced by, or None when its data must be written out."""
    if layer.data_version or not layer.source or layer.metadata.get("embed"):
        return None
    if layer.metadata.get("source_options"):  # read with a CRS or options the file itself does not carry
        return None
    path = Path(str(layer.source))
    if not path.is_file() or extension(path) not in _LINKABLE:
        return None
    if isinstance(layer, RasterLayer) != (extension(path) in GEOTIFF):
        return None
    return path


def _safe(name: str) -> str:
    return re.sub(r"[^\w-]+", "_", name).strip("_") or "layer"


def _spatialrefsys(crs: Any) -> ET.Element:
    element = ET.Element("spatialrefsys")
    if crs is None:
        return element
    ET.SubElement(element, "wkt").text = crs.to_wkt()
    authority = crs.to_authority()
    ET.SubElement(element, "authid").text = f"{authority[0]}:{authority[1]}" if authority else ""
    ET.SubElement(element, "description").text = crs.name
    ET.SubElement(element, "geographicflag").text = "true" if crs.is_geographic else "false"
    return element


def _datasource(layer: Layer, qgz: Path, data_gpkg: Path) -> tuple[str, list[str]]:
    """(datasource text relative to the .qgz folder, files written for it)."""
    linked = _linked_path(layer)
    written: list[str] = []
    if linked is None:
        if isinstance(layer, RasterLayer):
            linked = qgz.with_name(f"{qgz.stem}_{_safe(layer.name)}.tif")
            write_layer(layer, linked)
        else:
            linked = data_gpkg
            write_layer(layer, data_gpkg, layer_name=_safe(layer.name) + f"_{layer.id[:6]}")
        written.append(str(linked))
    relative = Path(os.path.relpath(linked.resolve(), qgz.parent.resolve())).as_posix()
    text = relative if relative.startswith("../") else f"./{relative}"
    if isinstance(layer, VectorLayer):
        table = (_safe(layer.name) + f"_{layer.id[:6]}" if linked == data_gpkg
                 else layer.metadata.get("source_layer"))
        if table and extension(linked) in GEOPACKAGE:
            text += f"|layername={table}"
    return text, written


def _maplayer(layer: Layer, layer_id: str, datasource: str) -> ET.Element:
    raster = isinstance(layer, RasterLayer)
    attributes = {"type": "raster" if raster else "vector", "hasScaleBasedVisibilityFlag": "0",
                  "styleCategories": "AllStyleCategories"}
    if not raster:
        attributes["geometry"] = _QGIS_GEOMETRY.get(geometry_of(layer), "Point")
    element = ET.Element("maplayer", attributes)
    ET.SubElement(element, "id").text = layer_id
    ET.SubElement(element, "datasource").text = datasource
    ET.SubElement(element, "layername").text = layer.name
    ET.SubElement(ET.SubElement(element, "srs"), "spatialrefsys").extend(list(_spatialrefsys(layer.crs)))
    ET.SubElement(element, "provider", encoding="UTF-8").text = "gdal" if raster else "ogr"
    style = layer.style if layer.style is not None else default_style(layer)
    if style is not None:
        qml = defusedxml.ElementTree.fromstring(style_to_qml(style, geometry_of(layer)))
        element.set("labelsEnabled", qml.get("labelsEnabled", "0"))
        element.extend(list(qml))
    if raster:
        renderer = element.find("pipe/rasterrenderer")
        if renderer is not None:
            renderer.set("opacity", repr(float(layer.opacity)))
    else:
        ET.SubElement(element, "layerOpacity").text = repr(float(layer.opacity))
    return element


def _extent(parent: ET.Element, tag: str, extent: tuple[float, float, float, float]) -> None:
    box = ET.SubElement(parent, tag)
    for name, value in zip(("xmin", "ymin", "xmax", "ymax"), extent, strict=True):
        ET.SubElement(box, name).text = repr(float(value))


def project_document(project: Any, qgz: Path, extent: tuple[float, float, float, float] | None = None
                     ) -> tuple[ET.Element, list[str]]:
    """The .qgs XML of ``project`` for a .qgz at ``qgz``, and the data files written beside it; ``extent`` (in
    the project CRS) is what QGIS shows first, by default the project's saved view or all its layers."""
    root = ET.Element("qgis", projectname=project.title, version=QGIS_VERSION)
    ET.SubElement(root, "title").text = project.title
    ET.SubElement(ET.SubElement(root, "projectCrs"), "spatialrefsys").extend(list(_spatialrefsys(project.crs)))
    tree = ET.SubElement(root, "layer-tree-group")
    ET.SubElement(tree, "customproperties")
    layers_element = ET.Element("projectlayers")
    order = ET.Element("layerorder")
    data_gpkg = qgz.with_name(f"{qgz.stem}_layers.gpkg")
    data_gpkg.unlink(missing_ok=True)  # its tables are this export's, not an earlier one's
    written: list[str] = []
    for layer in reversed(project.layers):  # QGIS lists the top layer first; Lamplight keeps the bottom first
        layer_id = f"{_safe(layer.name)}_{layer.id}"
        datasource, files = _datasource(layer, qgz, data_gpkg)
        written += [f for f in files if f not in written]
        ET.SubElement(tree, "layer-tree-layer", id=layer_id, name=layer.name, expanded="1",
                      checked="Qt::Checked" if layer.visible else "Qt::Unchecked", source=datasource,
                      providerKey="gdal" if isinstance(layer, RasterLayer) else "ogr")
        ET.SubElement(order, "layer", id=layer_id)
        layers_element.append(_maplayer(layer, layer_id, datasource))
    extent = extent or project.view_extent or project.full_extent()
    canvas = ET.SubElement(root, "mapcanvas", name="theMapCanvas")
    if extent is not None:
        _extent(canvas, "extent", extent)
        view = ET.SubElement(root, "ProjectViewSettings", UseProjectScales="0", rotation="0")
        ET.SubElement(view, "Scales")
        xmin, ymin, xmax, ymax = (repr(float(v)) for v in extent)
        default = ET.SubElement(view, "DefaultViewExtent", xmin=xmin, ymin=ymin, xmax=xmax, ymax=ymax)
        default.append(_spatialrefsys(project.crs))
    ET.SubElement(ET.SubElement(canvas, "destinationsrs"), "spatialrefsys").extend(list(_spatialrefsys(project.crs)))
    root.append(layers_element)
    root.append(order)
    properties = ET.SubElement(root, "properties")
    ET.SubElement(ET.SubElement(properties, "Paths"), "Absolute", type="bool").text = "false"
    # QGIS reads projectCrs only with this set
    ET.SubElement(ET.SubElement(properties, "SpatialRefSys"), "ProjectionsEnabled", type="int").text = "1"
    ET.indent(root)
    return root, written


def export_qgis_project(project: Any, path: str | os.PathLike,
                        extent: tuple[float, float, float, float] | None = None) -> dict[str, Any]:
    """Write ``project`` as a QGIS project archive ``path`` (.qgz) and the layer data it needs beside it."""
    target = Path(path)
    if extension(target) != ".qgz":
        raise LayerError(target, translate("qgis_project", "a QGIS project must be saved as .qgz"))
    if not target.parent.is_dir():
        raise LayerError(target, translate("qgis_project", "the folder {folder} does not exist").format(
            folder=target.parent))
    if not len(project):
        raise LayerError(target, translate("qgis_project", "the project holds no layers to export"))
    root, written = project_document(project, target, extent)
    text = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode")

    def write(temporary: Path) -> None:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{target.stem}.qgs", text)

    write_atomically(target, write)
    return {"path": str(target.resolve()), "layers": len(project), "data_files": written}
