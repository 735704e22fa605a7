"""File formats the workbench reads and writes, by extension, and the filters the file dialogs show."""

from __future__ import annotations

from pathlib import Path

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


#: Qt-style name filters for the "Open layer" dialog, most useful first.
READ_FILTERS: list[str] = [
    f"All supported files ({_pattern(SUPPORTED_READ_EXTENSIONS)})",
    f"GeoPackage ({_pattern(GEOPACKAGE)})",
    f"Shapefile ({_pattern(SHAPEFILE)})",
    f"Zipped shapefiles ({_pattern(ZIPPED)})",
    f"GeoJSON ({_pattern(GEOJSON)})",
    f"CSV with coordinates ({_pattern(DELIMITED)})",
    f"Excel with coordinates ({_pattern(SPREADSHEET)})",
    f"GeoTIFF raster ({_pattern(GEOTIFF)})",
    f"OpenStreetMap extract ({_pattern(OPENSTREETMAP)})",
    "All files (*)",
]

#: Qt-style name filters for the "Save layer as" dialog.
WRITE_FILTERS: list[str] = [
    f"GeoPackage ({_pattern(GEOPACKAGE)})",
    "GeoJSON (*.geojson)",
    "CSV (*.csv)",
    f"GeoTIFF raster ({_pattern(GEOTIFF)})",
]


def extension(path: str | Path) -> str:
    """Lower-case extension, e.g. '.gpkg'; '.osm.pbf' stays whole so it can be told from other '.pbf' files."""
    name = Path(path).name.lower()
    return ".osm.pbf" if name.endswith(".osm.pbf") else Path(name).suffix
