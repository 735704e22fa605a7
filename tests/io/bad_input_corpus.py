"""A generated corpus of hostile and broken input files, each with the outcome a planner must get.

Every case writes one file (or a small set: a shapefile's parts, a project and its data) into a folder and says
what opening it must give: ``error`` — one LayerError whose message starts with the file's path and contains the
expected words; ``note`` — layers that load, fixed, with a note containing the words; ``loads`` — layers that
load as they are. The test in ``test_bad_input_corpus.py`` runs each case under a time limit and checks that
nothing else is raised, nothing hangs and nothing is written beside the file.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine

Builder = Callable[[Path], Path]
GZ_LON, GZ_LAT = 113.325, 23.12  # Zhujiang New Town, Guangzhou
UTM_X, UTM_Y = 760_000.0, 2_560_000.0


@dataclass(frozen=True)
class Case:
    name: str
    build: Builder
    outcome: str  # "error", "note" or "loads"
    words: str = ""  # in the error message, or in one of the notes

    def __str__(self) -> str:
        return self.name


# -- raw payloads written under every extension a reader promises -----------------------------------------

PAYLOADS: dict[str, bytes] = {
    "empty": b"",
    "one_byte": b"\x00",
    "nul_kilobyte": b"\x00" * 1024,
    "random_binary": np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
    "plain_text": b"hello, this is not map data\n",
    "html_page": b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>",
    "json_array": b"[1, 2, 3]",
    "gzip_stream": gzip.compress(b"lon,lat\n113.3,23.1\n"),
    "vrt_xml": (b'<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1">'
                b'<SimpleSource><SourceFilename>/etc/hostname</SourceFilename></SimpleSource>'
                b'</VRTRasterBand></VRTDataset>'),
    "pdf_header": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
}
EXTENSIONS = ("gpkg", "geojson", "json", "csv", "tsv", "txt", "xlsx", "tif", "tiff", "shp", "zip", "osm.pbf",
              "osm", "lamp")


def _payload(data: bytes, suffix: str) -> Builder:
    def build(folder: Path) -> Path:
        path = folder / f"data.{suffix}"
        path.write_bytes(data)
        return path
    return build


# -- helpers that write well-formed files for the semantic cases ------------------------------------------

def _text(name: str, text: str, encoding: str = "utf-8") -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(text.encode(encoding))
        return path
    return build


def _geojson(name: str, coordinates: list, properties: dict | None = None, crs: dict | None = None) -> Builder:
    features = [{"type": "Feature", "properties": properties or {"name": f"p{i}"},
                 "geometry": {"type": "Point", "coordinates": xy} if xy is not None else None}
                for i, xy in enumerate(coordinates)]
    body: dict = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        body["crs"] = crs
    return _text(name, json.dumps(body))


def _frame(xs, ys, crs, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=shapely.points(np.asarray(xs, float), np.asarray(ys, float)), crs=crs)


def _gpkg(name: str, frame_maker: Callable[[], gpd.GeoDataFrame], layer: str = "poles") -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        frame_maker().to_file(path, layer=layer, driver="GPKG")
        return path
    return build


def _tif(name: str, transform: Affine, *, crs: str | None = "EPSG:32649", data: np.ndarray | None = None,
         dtype: str = "float32") -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        values = data if data is not None else np.arange(12, dtype=dtype).reshape(3, 4)
        with rasterio.open(path, "w", driver="GTiff", width=values.shape[1], height=values.shape[0], count=1,
                           dtype=values.dtype, crs=crs, transform=transform) as dst:
            dst.write(values, 1)
        return path
    return build


def _zip(name: str, members: dict[str, bytes]) -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members.items():
                archive.writestr(member, data)
        return path
    return build


def _shapefile_parts(folder: Path, stem: str = "poles") -> dict[str, bytes]:
    _frame([UTM_X, UTM_X + 10], [UTM_Y, UTM_Y], "EPSG:32649", pole_id=["A", "B"]).to_file(
        folder / f"{stem}.shp", driver="ESRI Shapefile")
    return {p.suffix: p.read_bytes() for p in folder.glob(f"{stem}.*")}


def _shapefile_without(*dropped: str) -> Builder:
    def build(folder: Path) -> Path:
        parts = _shapefile_parts(folder)
        for suffix in dropped:
            (folder / f"poles{suffix}").unlink()
        assert parts
        return folder / "poles.shp"
    return build


def _zipped_shapefile(member_prefix: str = "", drop: tuple[str, ...] = ()) -> Builder:
    def build(folder: Path) -> Path:
        scratch = folder / "scratch"
        scratch.mkdir()
        parts = _shapefile_parts(scratch)
        members = {f"{member_prefix}poles{suffix}": data for suffix, data in parts.items() if suffix not in drop}
        for file in scratch.iterdir():
            file.unlink()
        scratch.rmdir()
        return _zip("poles.zip", members)(folder)
    return build


def _truncated(builder: Builder, keep: float) -> Builder:
    def build(folder: Path) -> Path:
        path = builder(folder)
        data = path.read_bytes()
        path.write_bytes(data[: max(1, int(len(data) * keep))])
        return path
    return build


def _xlsx(name: str, rows: list[list]) -> Builder:
    def build(folder: Path) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        path = folder / name
        book.save(path)
        return path
    return build


def _project(change: Callable[[dict, dict[str, bytes]], None]) -> Builder:
    """A real project saved by Project.save (one embedded layer), with its manifest or members changed."""
    def build(folder: Path) -> Path:
        from layers import Project, VectorLayer

        project = Project("EPSG:32649")
        project.add_layer(VectorLayer(_frame([UTM_X], [UTM_Y], "EPSG:32649", pole_id=["A"]), "poles",
                                      kind="lamp_poles"))
        path = project.save(folder / "plan.lamp")
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist()}
        manifest = json.loads(members["project.json"])
        if change(manifest, members) is not RAW:
            members["project.json"] = json.dumps(manifest).encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members.items():
                archive.writestr(member, data)
        return path
    return build


def _set(key: str, value) -> Callable[[dict, dict], None]:
    def change(manifest: dict, members: dict) -> None:
        manifest[key] = value
    return change


def _layer_set(key: str, value) -> Callable[[dict, dict], None]:
    def change(manifest: dict, members: dict) -> None:
        manifest["layers"][0][key] = value
    return change


#: Returned by a change that wrote project.json's bytes itself.
RAW = object()


def _raw_manifest(text: bytes) -> Callable[[dict, dict], object]:
    def change(manifest: dict, members: dict) -> object:
        members["project.json"] = text
        return RAW
    return change


def _embedded_member(data: bytes) -> Callable[[dict, dict], None]:
    def change(manifest: dict, members: dict) -> None:
        name = next(m for m in members if m.startswith("data/"))
        members[name] = data
    return change


def _linked_to(path_text: str) -> Callable[[dict, dict], None]:
    def change(manifest: dict, members: dict) -> None:
        manifest["layers"][0]["data"] = {"type": "file", "path": path_text, "layer": "poles"}
    return change


def _osm_xml(body: str) -> Builder:
    return _text("city.osm", f"<?xml version='1.0' encoding='UTF-8'?><osm version='0.6'>{body}</osm>")


def _deep(depth: int) -> bytes:
    return b'{"format": "lamplight-project", "version": 1, "title": ' + b"[" * depth + b"]" * depth + b"}"


#: What the error says for junk under each extension...
_REFUSED_AS = {"gpkg": "is not a GeoPackage", "geojson": "is not a readable GeoJSON file",
               "json": "is not a readable GeoJSON file", "tif": "is not a readable raster file",
               "tiff": "is not a readable raster file", "xlsx": "is not a readable Excel .xlsx workbook",
               "shp": "the index file data.shx is missing", "zip": "is not a valid zip archive",
               "osm.pbf": "is not a readable OpenStreetMap file", "osm": "is not a readable OpenStreetMap file",
               "lamp": "is not a Lamplight project file", "csv": "has no coordinate columns",
               "tsv": "has no coordinate columns", "txt": "has no coordinate columns"}
#: ... and what it says more precisely when the payload is recognised (GDAL formats and text tables).
_RECOGNISED = {
    "gdal": {"empty": "it is empty", "vrt_xml": "virtual dataset (VRT)", "html_page": "it holds XML or HTML",
             "json_array": "it holds a JSON array"},
    "table": {"empty": "has no header row and no data", "one_byte": "holds binary data",
              "nul_kilobyte": "holds binary data", "random_binary": "holds binary data",
              "html_page": "holds a web page (HTML)", "gzip_stream": "is gzip-compressed",
              "pdf_header": "is a PDF document"},
}
_FAMILY = {"gpkg": "gdal", "geojson": "gdal", "json": "gdal", "tif": "gdal", "tiff": "gdal", "csv": "table",
           "tsv": "table", "txt": "table"}


def _payload_words(payload: str, ext: str) -> str:
    return _RECOGNISED.get(_FAMILY.get(ext, ""), {}).get(payload, _REFUSED_AS[ext])


def cases() -> list[Case]:
    """Every case of the corpus (over 150)."""
    found: list[Case] = []
    for ext in EXTENSIONS:
        for payload, data in PAYLOADS.items():
            found.append(Case(f"{payload}.{ext}", _payload(data, ext), "error", _payload_words(payload, ext)))
    found += _semantic_cases()
    found += _project_cases()
    return found


def _semantic_cases() -> list[Case]:
    utm_frame = lambda: _frame([UTM_X, UTM_X + 5], [UTM_Y, UTM_Y], "EPSG:32649", pole_id=["A", "B"])  # noqa: E731
    return [
        # CSV / TSV / XLSX with coordinates
        Case("csv_no_coordinates", _text("poles.csv", "pole_id,height\nA,9\nB,10\n"), "error", "coordinate"),
        Case("csv_text_coordinates", _text("poles.csv", "pole_id,lon,lat\nA,east,north\n"), "error",
             "not numbers"),
        Case("csv_swapped_lat_lon", _text("poles.csv", f"pole_id,lon,lat\nA,{GZ_LAT},{GZ_LON}\n"
                                                        f"B,{GZ_LAT + 0.01},{GZ_LON + 0.01}\n"), "note", "swap"),
        Case("csv_nan_coordinates", _text("poles.csv", f"pole_id,lon,lat\nA,{GZ_LON},{GZ_LAT}\nB,nan,nan\n"),
             "note", "1 features have no geometry"),
        Case("csv_huge_coordinates", _text("poles.csv", f"pole_id,lon,lat\nA,{GZ_LON},{GZ_LAT}\nB,1e300,1e300\n"),
             "note", "dropped"),
        Case("csv_all_coordinates_infinite", _text("poles.csv", "pole_id,lon,lat\nA,inf,inf\nB,-inf,inf\n"),
             "error", "nothing in it can be placed on a map"),
        Case("csv_repeated_columns", _text("poles.csv", f"name,name,lon,lat\na,b,{GZ_LON},{GZ_LAT}\n"), "note",
             "name_1"),
        Case("csv_header_only", _text("poles.csv", "pole_id,lon,lat\n"), "loads"),
        Case("csv_gbk_chinese", _text("poles.csv", f"杆号,经度,纬度\n灯1,{GZ_LON},{GZ_LAT}\n", "gbk"), "loads"),
        Case("csv_utf16_excel_unicode_text", _text("poles.txt", f"杆号\t经度\t纬度\n灯1\t{GZ_LON}\t{GZ_LAT}\n",
                                                   "utf-16"), "loads"),
        Case("csv_utf8_bom", _text("poles.csv", f"\ufeffpole_id,lon,lat\nA,{GZ_LON},{GZ_LAT}\n"), "loads"),
        Case("csv_formula_cells", _text("poles.csv", f"pole_id,lon,lat\n=cmd|' /C calc'!A0,{GZ_LON},{GZ_LAT}\n"),
             "loads"),
        Case("csv_ragged_rows", _text("poles.csv", f"pole_id,lon,lat\nA,{GZ_LON},{GZ_LAT},extra,more\nB\n"),
             "error", "not numbers ('extra')"),
        Case("csv_utm_values_as_degrees", _text("poles.csv", f"pole_id,lon,lat\nA,{UTM_X},{UTM_Y}\n"),
             "error", "which is not a longitude/latitude"),
        Case("tsv_semicolon_mess", _text("poles.tsv", "a;b;c\n1;2;3\n"), "error", "has no coordinate columns"),
        Case("xlsx_no_coordinates", _xlsx("poles.xlsx", [["pole_id", "height"], ["A", 9]]), "error", "coordinate"),
        Case("xlsx_swapped", _xlsx("poles.xlsx", [["pole_id", "lon", "lat"], ["A", GZ_LAT, GZ_LON],
                                                  ["B", GZ_LAT + 0.01, GZ_LON + 0.01]]), "note", "swap"),
        Case("xlsx_empty_sheet", _xlsx("poles.xlsx", []), "error", "has no coordinate columns"),
        # GeoJSON
        Case("geojson_invalid_json", _text("poles.geojson", '{"type": "FeatureCollection", "features": [,]}'),
             "error", "GeoJSON"),
        Case("geojson_crs_link", _geojson("poles.geojson", [[GZ_LON, GZ_LAT]],
                                          crs={"type": "link", "properties": {"href": "http://127.0.0.1:9/c"}}),
             "error", "its CRS is given as a link"),
        Case("geojson_all_null_geometry", _geojson("poles.geojson", [None, None]), "error", "geometry"),
        Case("geojson_swapped", _geojson("poles.geojson", [[GZ_LAT, GZ_LON], [GZ_LAT + 0.01, GZ_LON]]), "note",
             "swap"),
        Case("geojson_projected_values_as_degrees", _geojson("poles.geojson", [[UTM_X, UTM_Y]]),
             "error", "which is not a longitude/latitude"),
        Case("geojson_huge_coordinate", _geojson("poles.geojson", [[GZ_LON, GZ_LAT], [1e300, 1e300]]), "note",
             "dropped"),
        Case("geojson_not_a_collection", _text("poles.geojson", '{"type": "Topology", "objects": {}}'), "error",
             "TopoJSON"),
        Case("geojson_deep_nesting", _text("poles.geojson", "[" * 100_000 + "]" * 100_000),
             "error", "it holds a JSON array"),
        Case("geojson_gdalg", _text("poles.geojson", '{"type": "gdal_streamed_alg", "command_line": '
                                                     '"gdal vector info /etc/hostname"}'),
             "error", "GDAL streamed algorithm"),
        # GeoPackage
        Case("gpkg_truncated_half", _truncated(_gpkg("poles.gpkg", utm_frame), 0.5), "error", "truncated"),
        Case("gpkg_truncated_header", _truncated(_gpkg("poles.gpkg", utm_frame), 0.01), "error", "is truncated"),
        Case("gpkg_plain_sqlite", _sqlite("poles.gpkg"), "error", "not a GeoPackage"),
        Case("gpkg_swapped_wgs84", _gpkg("poles.gpkg", lambda: _frame([GZ_LAT, GZ_LAT + 0.01], [GZ_LON, GZ_LON],
                                                                      "EPSG:4326", pole_id=["A", "B"])),
             "note", "swap"),
        Case("gpkg_utm_declared_as_degrees", _gpkg("poles.gpkg", lambda: _frame([UTM_X], [UTM_Y], "EPSG:4326",
                                                                                pole_id=["A"])),
             "error", "which is not a longitude/latitude"),
        Case("gpkg_nan_point", _gpkg("poles.gpkg", lambda: _frame([UTM_X, np.nan], [UTM_Y, np.nan], "EPSG:32649",
                                                                  pole_id=["A", "B"])),
             "note", "1 features have an empty geometry"),
        # GeoTIFF
        Case("tif_rotated", _tif("dem.tif", Affine(2, 0.5, UTM_X, 0.5, -2, UTM_Y)), "error", "rotated"),
        Case("tif_zero_pixel", _tif("dem.tif", Affine(0, 0, UTM_X, 0, 0, UTM_Y)), "error", "zero-size pixels"),
        Case("tif_bottom_up", _tif("dem.tif", Affine(2, 0, UTM_X, 0, 2, UTM_Y)), "note", "north"),
        Case("tif_no_crs", _tif("dem.tif", Affine(2, 0, UTM_X, 0, -2, UTM_Y), crs=None), "note",
             "no coordinate reference system"),
        Case("tif_truncated", _truncated(_tif("dem.tif", Affine(2, 0, UTM_X, 0, -2, UTM_Y),
                                              data=np.ones((200, 200), "float32")), 0.3),
             "error", "could not be read as raster"),
        Case("tif_vrt_overview_sidecar", _with_sidecar(_tif("dem.tif", Affine(2, 0, UTM_X, 0, -2, UTM_Y)), ".ovr",
                                                       PAYLOADS["vrt_xml"]), "error", "side file dem.tif.ovr"),
        # Shapefile, also zipped
        Case("shp_without_shx", _shapefile_without(".shx"), "error", ".shx"),
        Case("shp_without_dbf", _shapefile_without(".dbf"), "note", "no .dbf"),
        Case("shp_without_prj", _shapefile_without(".prj"), "loads"),
        Case("shp_truncated", _truncated(lambda folder: _shapefile_without()(folder), 0.5),
             "error", "could not be read as Shapefile"),
        Case("zip_empty", _zip("poles.zip", {}), "error", "no shapefile"),
        Case("zip_only_readme", _zip("poles.zip", {"README.txt": b"hello"}), "error", "no shapefile"),
        Case("zip_member_escapes", _zip("poles.zip", {"../../evil.geojson": b'{"type":"FeatureCollection",'
                                                                            b'"features":[]}'}),
             "error", "unsafe name"),
        Case("zip_vrt_member", _zip("poles.zip", {"poles.geojson": PAYLOADS["vrt_xml"]}),
             "error", "virtual dataset (VRT)"),
        Case("zip_shapefile_without_shx", _zipped_shapefile(drop=(".shx",)), "error", ".shx"),
        Case("zip_shapefile_in_folder", _zipped_shapefile("export/"), "loads"),
        Case("zip_nested_zip", _zip("poles.zip", {"inner.zip": b"PK\x03\x04"}),
             "error", "holds no shapefile or GeoJSON file"),
        # OpenStreetMap
        Case("osm_xml_nothing_useful", _osm_xml("<node id='1' lat='23.1' lon='113.3'/>"), "error", "none of"),
        Case("osm_xml_broken", _text("city.osm", "<?xml version='1.0'?><osm><node id='1' lat="),
             "error", "is not a readable OpenStreetMap file"),
        Case("osm_xml_bad_coordinates", _osm_xml("<node id='1' lat='999' lon='113.3'>"
                                                 "<tag k='highway' v='street_lamp'/></node>"),
             "error", "wrong format for coordinate"),
    ]


def _sqlite(name: str) -> Builder:
    def build(folder: Path) -> Path:
        import sqlite3

        path = folder / name
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE t (a INTEGER)")
        return path
    return build


def _with_sidecar(builder: Builder, suffix: str, data: bytes) -> Builder:
    def build(folder: Path) -> Path:
        path = builder(folder)
        path.with_name(path.name + suffix).write_bytes(data)
        return path
    return build


def _project_cases() -> list[Case]:
    return [
        Case("lamp_version_text", _project(_set("version", "2")), "error", "version"),
        Case("lamp_newer_version", _project(_set("version", 99)), "error", "newer Lamplight"),
        Case("lamp_layers_number", _project(_set("layers", 5)), "error", "layers"),
        Case("lamp_history_number", _project(_set("history", 5)), "error", "history"),
        Case("lamp_extent_two_numbers", _project(_set("view_extent", [1, 2])), "error", "view_extent"),
        Case("lamp_extent_nan", _project(_raw_manifest(b'{"format": "lamplight-project", "version": 1, '
                                                       b'"view_extent": [0, 0, NaN, 1], "layers": []}')),
             "error", "view_extent[2] should be a coordinate"),
        Case("lamp_title_number", _project(_set("title", 42)), "error", "title"),
        Case("lamp_crs_garbage", _project(_set("crs", "EPSG:not-a-code")),
             "error", "the project CRS in project.json is damaged"),
        Case("lamp_not_json", _project(_raw_manifest(b"this is not json")), "error", "project.json is damaged"),
        Case("lamp_json_list", _project(_raw_manifest(b"[1, 2, 3]")), "error", "is not a Lamplight project file"),
        Case("lamp_deep_nesting", _project(_raw_manifest(_deep(100_000))), "error", "nest"),
        Case("lamp_wrong_format", _project(_set("format", "qgis")), "error", "is not a Lamplight project file"),
        Case("lamp_no_manifest", _zip("plan.lamp", {"data/a.gpkg": b"x"}), "error", "project.json"),
        Case("lamp_escaping_member", _zip("plan.lamp", {"../escape.txt": b"x", "project.json": b"{}"}),
             "error", "points outside the project"),
        Case("lamp_layer_name_number", _project(_layer_set("name", 42)), "note", "layers[0].name should be a text"),
        Case("lamp_layer_opacity_big", _project(_layer_set("opacity", 7)),
             "note", "layers[0].opacity should be a number from 0 to 1"),
        Case("lamp_layer_kind_unknown", _project(_layer_set("kind", "spaceships")),
             "note", "layers[0].kind should be empty or one of the layer kinds"),
        Case("lamp_embedded_vrt", _project(_embedded_member(PAYLOADS["vrt_xml"])), "note", "virtual dataset (VRT)"),
        Case("lamp_embedded_junk", _project(_embedded_member(PAYLOADS["random_binary"])),
             "note", "is not a GeoPackage"),
        Case("lamp_link_to_missing_file", _project(_linked_to("gone/poles.gpkg")),
             "note", "linked data file is missing"),
        Case("lamp_link_to_url", _project(_linked_to("/vsicurl/http://127.0.0.1:9/poles.gpkg")),
             "note", "linked data file is missing"),
        Case("lamp_link_to_etc", _project(_linked_to("/etc/hostname")), "note", "files cannot be opened"),
        Case("lamp_link_to_folder", _project(_linked_to(".")), "note", "is not a regular file"),
    ]


__all__ = ["Case", "cases"]

