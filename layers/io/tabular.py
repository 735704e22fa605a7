"""CSV and Excel tables with coordinate columns (or a WKT column) read as point/any-geometry layers.

Coordinate columns are found by name (x/y, lon/lat, lng/lat, longitude/latitude, easting/northing, 经度/纬度)
or given as ``x_field``/``y_field``. Without a CRS the table is assumed to be WGS84 longitude/latitude
(noted); a ``<name>.prj`` next to a CSV (written by our CSV writer) gives its CRS. Impossible coordinates
(swapped latitude/longitude columns, projected numbers read as degrees, NaN/inf) are handled as for every vector
format (``layers.io.coordinates``), with messages naming the columns.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.io.finish import vector_layers
from layers.layer import VectorLayer, to_crs_object

COORDINATE_PAIRS: tuple[tuple[str, str], ...] = (
    ("x", "y"), ("lon", "lat"), ("lng", "lat"), ("long", "lat"), ("longitude", "latitude"),
    ("easting", "northing"), ("经度", "纬度"),
)
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom")
_ENCODINGS = ("utf-8-sig", "gbk", "latin-1")
_WGS84 = pyproj.CRS.from_epsg(4326)
#: How pandas renames the repeat of a column name ('name' -> 'name.1'), hiding that the file repeats it.
_MANGLED = re.compile(r"(.+)\.\d+")


def _rows(mask: np.ndarray, limit: int = 8) -> str:
    """Row numbers as a spreadsheet shows them (header is row 1)."""
    numbers = np.flatnonzero(mask) + 2
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def _unique_names(names: list[str]) -> list[str]:
    """QGIS's rule for repeated column names (compared ignoring case): the second 'name' becomes 'name_1', the next
    'name_2', skipping any name the header already holds."""
    written = {name.lower() for name in names}
    taken: set[str] = set()
    result = []
    for name in names:
        candidate, suffix = name, 0
        while candidate.lower() in taken or (suffix and candidate.lower() in written):
            suffix += 1
            candidate = f"{name}_{suffix}"
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def _header_row(read: Callable[..., pd.DataFrame], path: Path, **options: Any) -> list:
    """The first row of a table file as written (every cell as text), for ``_distinct_columns``."""
    return read(path, header=None, nrows=1, dtype=str, **options).iloc[0].tolist()


def _distinct_columns(df: pd.DataFrame, read_header: Callable[[], list]) -> tuple[pd.DataFrame, list[str]]:
    """``df`` with repeated header names told apart as QGIS does, and a note naming them.

    ``read_header()`` gives the header row as written; it is only read when pandas has renamed a repeat.
    """
    names = [str(c) for c in df.columns]
    if any((m := _MANGLED.fullmatch(n)) and m.group(1) in names for n in names):
        written = read_header()
        if len(written) == len(names):
            names = [str(w) if _MANGLED.fullmatch(n) and not pd.isna(w) else n for n, w in zip(names, written,
                                                                                                strict=True)]
    distinct = _unique_names(names)
    if distinct == [str(c) for c in df.columns]:
        return df, []
    counted: dict[str, list] = {}
    for name in names:
        counted.setdefault(name.lower(), [name, 0])[1] += 1
    repeated = ", ".join(f"'{first}' ({count} times)" for first, count in counted.values() if count > 1)
    renamed = ", ".join(f"'{new}'" for old, new in zip(names, distinct, strict=True) if old != new)
    note = translate("layers.io.tabular", "the header repeats the column name(s) {repeated}; the repeats are read "
                                          "as {renamed} (as QGIS names them)").format(repeated=repeated,
                                                                                      renamed=renamed)
    return df.set_axis(distinct, axis=1), [note]


def _find_pair(df: pd.DataFrame, x_field: str | None, y_field: str | None, source: str,
               layer: str | None) -> tuple[str, str] | None:
    columns = {str(c).strip().lower(): c for c in df.columns}
    if x_field or y_field:
        if not (x_field and y_field):
            raise LayerError(source, translate("TabularLoad", "give both coordinate columns (x_field and y_field), "
                                                              "not only {given!r}").format(given=x_field or y_field),
                             layer=layer)
        missing = [f for f in (x_field, y_field) if f not in df.columns]
        if missing:
            raise LayerError(source, translate("TabularLoad", "coordinate column(s) {missing} not found; the columns "
                                                              "are: {columns}").format(
                missing=", ".join(repr(m) for m in missing), columns=", ".join(map(str, df.columns))), layer=layer)
        return x_field, y_field
    for x_name, y_name in COORDINATE_PAIRS:
        if x_name in columns and y_name in columns:
            return columns[x_name], columns[y_name]
    return None


def _numbers(df: pd.DataFrame, column: str, source: str, layer: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Float values and the mask of blank cells; text that is not a number is an error naming the rows."""
    series = df[column]
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float)
        return values, np.isnan(values)
    text = series.astype(str).str.strip()
    blank = series.isna().to_numpy() | (text == "").to_numpy()
    values = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & ~blank
    if bad.any():
        shown = ", ".join(repr(v) for v in pd.unique(text[bad])[:5])
        raise LayerError(source, translate("TabularLoad", "coordinate column '{column}' has {count} values that are "
                                                          "not numbers ({shown}) in rows {rows}").format(
            column=column, count=int(bad.sum()), shown=shown, rows=_rows(bad)), layer=layer)
    return values, blank


def _sidecar_crs(path: Path) -> pyproj.CRS | None:
    prj = path.with_suffix(".prj")
    if not prj.exists():
        return None
    try:
        return pyproj.CRS.from_wkt(prj.read_text(errors="replace"))
    except pyproj.exceptions.CRSError as exc:
        raise LayerError(path, translate("TabularLoad", "{prj} beside it is not a readable CRS definition "
                                                        "({problem}); fix or remove it, or give the CRS when "
                                                        "opening").format(prj=prj.name, problem=exc)) from exc


def frame_to_layers(df: pd.DataFrame, name: str, *, source: str, path: Path | None = None, kind: str | None = None,
                    x_field: str | None = None, y_field: str | None = None, crs: Any = None,
                    notes: list[str] | None = None) -> list[VectorLayer]:
    """Layers from a plain table: points from coordinate columns, or geometries from a WKT column."""
    notes = list(notes or [])
    pair = _find_pair(df, x_field, y_field, source, name)
    target = to_crs_object(crs)
    if target is None and path is not None:
        target = _sidecar_crs(path)
        if target is not None:
            notes.append(translate("TabularLoad", "CRS {crs} read from {file}").format(
                crs=target.to_string(), file=path.with_suffix(".prj").name))
    assumed = False
    if pair is not None:
        xs, xblank = _numbers(df, pair[0], source, name)
        ys, yblank = _numbers(df, pair[1], source, name)
        assumed = target is None
        if assumed:
            target = _WGS84
            notes.append(translate("TabularLoad", "no CRS given; '{x}'/'{y}' read as WGS84 longitude/latitude "
                                                  "(EPSG:4326)").format(x=pair[0], y=pair[1]))
        geometry = shapely.points(xs, ys)
        geometry[xblank | yblank] = None
        attributes = df.drop(columns=list(pair))
    else:
        wkt_column = next((c for c in df.columns if str(c).strip().lower() in WKT_COLUMNS), None)
        if wkt_column is None:
            pairs = ", ".join("/".join(p) for p in COORDINATE_PAIRS)
            raise LayerError(source, translate("TabularLoad", "has no coordinate columns (looked for {pairs} or a WKT "
                                                              "column); the columns are: {columns}. Rename the "
                                                              "coordinate columns to x/y or lon/lat, or name them "
                                                              "when opening (x_field/y_field)").format(
                pairs=pairs, columns=", ".join(map(str, df.columns))), layer=name)
        text = df[wkt_column].astype(str).str.strip()
        blank = df[wkt_column].isna().to_numpy() | (text == "").to_numpy()
        geometry = shapely.from_wkt(np.where(blank, None, text.to_numpy(dtype=object)), on_invalid="ignore")
        bad = shapely.is_missing(geometry) & ~blank
        if bad.any():
            raise LayerError(source, translate("TabularLoad", "column '{column}' has {count} values that are not WKT "
                                                              "geometry in rows {rows}").format(
                column=wkt_column, count=int(bad.sum()), rows=_rows(bad)), layer=name)
        if target is None:
            target, assumed = _WGS84, True
            notes.append(translate("TabularLoad", "no CRS given; geometries read as WGS84 longitude/latitude "
                                                  "(EPSG:4326)"))
        attributes = df.drop(columns=[wkt_column])
    gdf = gpd.GeoDataFrame(attributes.reset_index(drop=True), geometry=geometry, crs=target)
    return vector_layers(gdf, name, source=source, kind=kind, notes=notes, coordinate_columns=pair,
                         assumed_crs=assumed)


def _delimiter(sample: str, extension: str) -> str:
    if extension == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


#: What a file named .csv holds when it is not text, by its first bytes (a failed download, a renamed file).
_NOT_TEXT: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", QT_TRANSLATE_NOOP("Tables", "is gzip-compressed, not a text table: unpack it first")),
    (b"PK\x03\x04", QT_TRANSLATE_NOOP("Tables", "is a zip archive, not a text table (perhaps an Excel workbook: "
                                               "name it .xlsx; or zipped data: open the .zip)")),
    (b"%PDF", QT_TRANSLATE_NOOP("Tables", "is a PDF document, not a table")),
    (b"SQLite format 3", QT_TRANSLATE_NOOP("Tables", "is an SQLite database or GeoPackage, not a text table: "
                                                     "name it .gpkg")),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _not_a_table(head: bytes) -> str | None:
    """Why the start of a file cannot be a text table, or None when it can."""
    for magic, problem in _NOT_TEXT:
        if head.startswith(magic):
            return translate("Tables", problem)
    if head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return translate("Tables", "holds a web page (HTML), not a table: the download probably failed")
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        return translate("Tables", "holds binary data, not a text table (it may be damaged or another format)")
    return None


def read_csv_frame(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The table and notes; tries UTF-8, then GBK, then Latin-1 so Chinese spreadsheets exported as CSV load;
    Excel's "Unicode text" export (UTF-16 with a byte-order mark) is read as such."""
    source = str(path)
    with path.open("rb") as file:
        head = file.read(65536)
    problem = _not_a_table(head)
    if problem:
        raise LayerError(source, problem)
    encodings = ("utf-16",) if head.startswith(_UTF16_BOMS) else _ENCODINGS
    for encoding in encodings:
        try:
            head.decode(encoding)  # a cut multi-byte char at the end only costs one retry below
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                continue
        sep = _delimiter(head.decode(encoding, errors="ignore"), path.suffix.lower())
        try:
            df = pd.read_csv(path, sep=sep, encoding=encoding, skipinitialspace=True)
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError as exc:
            raise LayerError(source, translate("TabularLoad", "has no header row and no data")) from exc
        except pd.errors.ParserError as exc:
            raise LayerError(source, translate("TabularLoad", "is not a well-formed table: {problem}").format(
                problem=exc)) from exc
        notes = [] if encoding in ("utf-8-sig", "utf-16") else [
            translate("TabularLoad", "text is not UTF-8; read as {encoding}").format(encoding=encoding.upper())]
        df, header_notes = _distinct_columns(df, partial(_header_row, pd.read_csv, path, sep=sep, encoding=encoding,
                                                         skipinitialspace=True))
        return df, notes + header_notes
    raise LayerError(source, translate("TabularLoad", "text is in an unknown encoding (not UTF-8, GBK or Latin-1)"))


def read_delimited(path: Path, *, kind: str | None = None, x_field: str | None = None, y_field: str | None = None,
                   crs: Any = None) -> list[VectorLayer]:
    """A CSV/TSV file with coordinate (or WKT) columns."""
    df, notes = read_csv_frame(path)
    return frame_to_layers(df, path.stem, source=str(path), path=path, kind=kind, x_field=x_field,
                           y_field=y_field, crs=crs, notes=notes)


def read_spreadsheet(path: Path, *, sheet: str | None = None, kind: str | None = None, x_field: str | None = None,
                     y_field: str | None = None, crs: Any = None) -> list[VectorLayer]:
    """An .xlsx workbook: the given sheet, or every sheet that has coordinate columns."""
    source = str(path)
    try:
        sheets = pd.read_excel(path, sheet_name=sheet if sheet is not None else None, engine="openpyxl")
    except (zipfile.BadZipFile, OSError) as exc:
        raise LayerError(source, translate("TabularLoad", "is not a readable Excel .xlsx workbook (it may be "
                                                          "damaged)")) from exc
    except ValueError as exc:
        raise LayerError(source, translate("TabularLoad", "cannot be read as an Excel workbook: {problem}").format(
            problem=exc)) from exc
    if sheet is not None:
        sheets = {sheet: sheets}
    layers: list[VectorLayer] = []
    skipped: list[str] = []
    first_error: LayerError | None = None
    for sheet_name, df in sheets.items():
        name = path.stem if len(sheets) == 1 else str(sheet_name)
        df, header_notes = _distinct_columns(df, partial(_header_row, pd.read_excel, path, sheet_name=sheet_name,
                                                         engine="openpyxl"))
        try:
            layers += frame_to_layers(df, name, source=source, kind=kind, x_field=x_field, y_field=y_field, crs=crs,
                                      notes=header_notes)
        except LayerError as exc:
            if sheet is not None or _find_pair(df, x_field, y_field, source, name) is not None:
                raise
            first_error = first_error or exc
            skipped.append(str(sheet_name))
    if not layers:
        raise first_error or LayerError(source, translate("TabularLoad", "has no sheets"))
    if skipped:
        layers[0].notes.append(translate("TabularLoad", "skipped sheets without coordinate columns: {sheets}").format(
            sheets=", ".join(skipped)))
    return layers
