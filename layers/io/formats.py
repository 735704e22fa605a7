"""File formats the workbench reads and writes, by extension, and the filters the file dialogs show."""

from __future__ import annotations

from pathlib import Path

from layers.i18n import QT_TRANSLATE_NOOP, translate

GEOPACKAGE = (".gpkg",)
SHAPEFILE = (".shp",)
ZIPPED = (".zip",)
GEOJSON = (".geojson", ".json")
DELIMITED = (".csv", ".tsv", ".txt")
SPREADSHEET = (".xlsx",)
GEOTIFF = (".tif", ".tiff")
OPENSTREETMAP = (".osm.pbf", ".osm")

SUPPORTED_READ_EXTENSIONS: tuple[str, ...] = (
    GEOPACKAGE + SHAPEFILE + ZIPPED + GEOJSON + DELIMITED + SPREADSHEET + GEOTIFF + OPENSTREETMAP
)
SUPPORTED_WRITE_EXTENSIONS: tuple[str, ...] = GEOPACKAGE + GEOJSON + (".csv",) + GEOTIFF


def _pattern(extensions: tuple[str, ...]) -> str:
    return " ".join(f"*{e}" for e in extensions)


_GEOTIFF_FORMAT = (QT_TRANSLATE_NOOP("FileFilter", "GeoTIFF raster"), GEOTIFF)
#: The formats the "Add Layer" dialog offers, most useful first: (name, extensions).
READ_FORMATS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (QT_TRANSLATE_NOOP("FileFilter", "All supported files"), SUPPORTED_READ_EXTENSIONS),
    ("GeoPackage", GEOPACKAGE),
    ("Shapefile", SHAPEFILE),
    (QT_TRANSLATE_NOOP("FileFilter", "Zipped shapefiles"), ZIPPED),
    ("GeoJSON", GEOJSON),
    (QT_TRANSLATE_NOOP("FileFilter", "CSV with coordinates"), DELIMITED),
    (QT_TRANSLATE_NOOP("FileFilter", "Excel with coordinates"), SPREADSHEET),
    _GEOTIFF_FORMAT,
    (QT_TRANSLATE_NOOP("FileFilter", "OpenStreetMap extract"), OPENSTREETMAP),
)
#: The formats "Save layer as" offers for vector layers, and for rasters.
VECTOR_WRITE_FORMATS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("GeoPackage", GEOPACKAGE), ("GeoJSON", (".geojson",)), ("CSV", (".csv",)))
RASTER_WRITE_FORMATS: tuple[tuple[str, tuple[str, ...]], ...] = (_GEOTIFF_FORMAT,)


def name_filter(name: str, extensions: tuple[str, ...]) -> str:
    """A Qt file dialog's filter, its name in the interface's language: "GeoTIFF 栅格 (*.tif *.tiff)"."""
    return f"{translate('FileFilter', name)} ({_pattern(extensions)})"


def read_filters() -> list[str]:
    """The "Add Layer" dialog's filters, then every file."""
    return [name_filter(*entry) for entry in READ_FORMATS] + [translate("FileFilter", "All files") + " (*)"]


def write_filters(*, raster: bool) -> list[str]:
    """The "Save layer as" dialog's filters for a raster or a vector layer."""
    return [name_filter(*entry) for entry in (RASTER_WRITE_FORMATS if raster else VECTOR_WRITE_FORMATS)]


def extension(path: str | Path) -> str:
    """Lower-case extension, e.g. '.gpkg'; '.osm.pbf' stays whole so it can be told from other '.pbf' files."""
    name = Path(path).name.lower()
    return ".osm.pbf" if name.endswith(".osm.pbf") else Path(name).suffix
