"""PostGIS as a source and a target: the shared city store that several planners read and write.

Connections go through SQLAlchemy with psycopg 3 (``postgresql://`` URLs are read as ``postgresql+psycopg://``).
Reading runs the table or query on the raw psycopg cursor, so a query is sent exactly as typed (no bind-parameter
parsing of ``:`` or ``%``), as one prepared statement in a READ ONLY transaction that is never committed; geometry
arrives as PostGIS's hex EWKB and is parsed by shapely in one call, SRID included. Writing uses GeoPandas'
``to_postgis`` (GeoAlchemy2 column types, a GiST index on new tables) inside one transaction, so a failed replace
leaves the old table in place. The layer kind and metadata travel in the table comment, as they do in GeoPackage
layer metadata.

Every failure is a ``LayerError`` that names the database (password hidden), the table and the problem.

Example::

    url = "postgresql://planner:secret@db.city.local:5432/city"
    poles = read_postgis(url, table="assets.lamp_poles", kind="lamp_poles")
    write_postgis(poles, url, "assets.lamp_poles_2025", if_exists="replace")
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import psycopg.sql
import pyproj
import shapely
import sqlalchemy
import sqlalchemy.exc
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import NullPool

from layers.errors import LayerError
from layers.i18n import translate
from layers.io import metadata as tags
from layers.io.finish import vector_layers
from layers.layer import Layer, VectorLayer

IF_EXISTS = ("fail", "replace", "append")
#: Seconds to wait for the server before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10
#: Name of the geometry column of tables this module creates (the QGIS/PostGIS convention).
GEOMETRY_COLUMN = "geom"
_DRIVER = "postgresql+psycopg"
_PLAIN_DRIVERS = {"postgresql", "postgres", "postgis", "postgresql+psycopg", "postgresql+psycopg2", "pg"}
#: SQL for the quoted 'schema.name' of the bound :schema and :name (casts: format() takes "any" arguments).
_QUALIFIED = "format('%I.%I', CAST(:schema AS text), CAST(:name AS text))"
_MULTI = {"POINT": "MULTIPOINT", "LINESTRING": "MULTILINESTRING", "POLYGON": "MULTIPOLYGON"}


@dataclass(frozen=True)
class PostgisTable:
    """A table or view with a geometry (or geography) column, as ``list_postgis_tables`` finds it."""

    schema: str
    table: str
    geometry_column: str
    geometry_type: str
    srid: int

    @property
    def name(self) -> str:
        """``schema.table``, the form ``read_postgis`` and ``write_postgis`` accept."""
        return f"{self.schema}.{self.table}"


def database_url(url: str | URL) -> URL:
    """The SQLAlchemy URL for ``url`` with the psycopg 3 driver; a LayerError when it is not a PostgreSQL URL."""
    try:
        parsed = sqlalchemy.engine.make_url(url)
    except sqlalchemy.exc.ArgumentError as exc:
        raise LayerError(None, translate("layers.io.postgis", "the database address is not a URL like "
                                                              "postgresql://user:password@host:5432/database")) from exc
    if parsed.drivername not in _PLAIN_DRIVERS:
        raise LayerError(shown_url(parsed), translate("layers.io.postgis", "is not a PostgreSQL/PostGIS address "
                                                                           "(driver '{driver}'); use "
                                                                           "postgresql://user:password@host:5432/"
                                                                           "database").format(
            driver=parsed.drivername))
    return parsed.set(drivername=_DRIVER)


def shown_url(url: str | URL) -> str:
    """``url`` as it may appear in messages and layer sources: driver-neutral, password replaced by ***."""
    parsed = sqlalchemy.engine.make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=True)


def _reason(exc: BaseException, password: str | None) -> str:
    """The server's message on one line, without the password should a driver ever echo it."""
    original = getattr(exc, "orig", None) or exc
    text = " ".join(line.strip() for line in str(original).splitlines() if line.strip())
    return text.replace(password, "***") if password else text


def _lost(shown: str, exc: BaseException, layer: str | None) -> LayerError:
    return LayerError(shown, translate("layers.io.postgis", "the connection to the database was lost ({reason}); "
                                                            "check that the server is running and reachable, then "
                                                            "try again").format(
        reason=_reason(exc, None)), layer=layer)


def _psycopg(connection: Connection) -> psycopg.Connection:
    """The psycopg connection under one ``_connect`` hands out (SQLAlchemy's ``driver_connection`` is None only
    once the connection is invalidated, which ``_connect`` does on leaving)."""
    driver = connection.connection.driver_connection
    assert driver is not None, "a connection from _connect is used after it was invalidated"
    return driver


def _is_broken(connection: Connection) -> bool:
    """True when the server side of ``connection`` is gone (terminated backend, stopped server, network cut)."""
    raw = connection.connection.driver_connection if not connection.invalidated else None
    return raw is None or raw.closed or raw.broken


@contextmanager
def _connect(url: str | URL, *, layer: str | None = None,
             read_only: bool = False) -> Iterator[tuple[Connection, str]]:
    """An open connection (no pooling: each call is one short session) and the URL to show in messages.

    ``read_only`` runs the session's one transaction READ ONLY (it is rolled back on leaving, never committed).
    A connection lost on the way is a LayerError naming the database and ``layer``, never a driver traceback.
    """
    address = database_url(url)
    shown = shown_url(address)
    engine = sqlalchemy.create_engine(address, poolclass=NullPool,
                                      connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        try:
            connection = engine.connect()
        except sqlalchemy.exc.DBAPIError as exc:
            raise LayerError(shown, translate("layers.io.postgis", "cannot connect to the database: {reason}").format(
                reason=_reason(exc, address.password))) from exc
        with connection:
            try:
                if read_only:
                    connection.exec_driver_sql("SET TRANSACTION READ ONLY")  # the first statement of the transaction
                _require_postgis(connection, shown)
                yield connection, shown
            except BaseException as exc:
                broken = _is_broken(connection)
                if broken:
                    connection.invalidate()  # nothing to roll back on a dead connection: leaving must not raise
                if isinstance(exc, sqlalchemy.exc.DBAPIError | psycopg.Error):
                    if broken:
                        raise _lost(shown, exc, layer) from exc
                    raise LayerError(shown, translate("layers.io.postgis", "the database refused a request: "
                                                                           "{reason}").format(
                        reason=_reason(exc, address.password)), layer=layer) from exc
                raise
    finally:
        engine.dispose()


def _require_postgis(connection: Connection, shown: str) -> None:
    version = connection.exec_driver_sql("SELECT extversion FROM pg_extension WHERE extname = 'postgis'").scalar()
    if version is None:
        raise LayerError(shown, translate("layers.io.postgis", "the database has no PostGIS extension; its owner can "
                                                               "add it with CREATE EXTENSION postgis"))


def _split(table: str) -> tuple[str | None, str]:
    """('schema', 'table') from 'schema.table', (None, 'table') from 'table'; double quotes are removed."""
    schema, dot, name = table.strip().rpartition(".")
    return (schema.strip('"') or None) if dot else None, name.strip('"')


def _find_relation(connection: Connection, schema: str | None, name: str) -> tuple[str, str] | None:
    """(schema, name) of the table or view ``schema.name`` (search path when no schema), or None."""
    identifier = _QUALIFIED if schema else "format('%I', CAST(:name AS text))"
    row = connection.execute(sqlalchemy.text(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE c.oid = to_regclass({identifier})"), {"schema": schema, "name": name}).first()
    return (str(row[0]), str(row[1])) if row else None


def _resolve(connection: Connection, shown: str, table: str) -> tuple[str, str]:
    """The existing relation for ``table`` as typed, or lower-cased as PostgreSQL folds unquoted names."""
    schema, name = _split(table)
    for candidate in dict.fromkeys([name, name.lower()]):
        found = _find_relation(connection, schema, candidate)
        if found:
            return found
    known = [t.name for t in _geometry_tables(connection)]
    listing = ", ".join(known[:20])
    if len(known) > 20:
        listing += translate("layers.io.postgis", " and {count} more").format(count=len(known) - 20)
    raise LayerError(shown, translate("layers.io.postgis", "no such table; the tables with geometry are: "
                                                           "{tables}").format(
        tables=listing or translate("layers.io.postgis", "none")), layer=table)


def _columns(connection: Connection, schema: str, name: str) -> list[tuple[str, str, str, int]]:
    """(column, SQL type, geometry type or '', srid) of every column, in table order."""
    rows = connection.execute(sqlalchemy.text(
        "SELECT a.attname, t.typname, "
        "CASE WHEN t.typname IN ('geometry', 'geography') THEN postgis_typmod_type(a.atttypmod) ELSE '' END, "
        "CASE WHEN t.typname IN ('geometry', 'geography') THEN postgis_typmod_srid(a.atttypmod) ELSE 0 END "
        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        f"WHERE a.attrelid = to_regclass({_QUALIFIED}) AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum"), {"schema": schema, "name": name}).all()
    return [(str(c), str(t), str(g or ""), int(s or 0)) for c, t, g, s in rows]


def _geometry_tables(connection: Connection) -> list[PostgisTable]:
    rows = connection.exec_driver_sql(
        "SELECT f_table_schema, f_table_name, f_geometry_column, type, srid FROM geometry_columns "
        "UNION ALL SELECT f_table_schema, f_table_name, f_geography_column, type, srid FROM geography_columns "
        "ORDER BY 1, 2, 3").all()
    return [PostgisTable(str(s), str(t), str(c), str(g), int(r or 0)) for s, t, c, g, r in rows]


def list_postgis_tables(url: str | URL) -> list[PostgisTable]:
    """Every table and view with a geometry or geography column, sorted by schema and name."""
    with _connect(url, read_only=True) as (connection, _):
        return _geometry_tables(connection)


def _crs_for_srid(connection: Connection, srid: int, shown: str, name: str) -> pyproj.CRS | None:
    """The CRS of ``srid``: its EPSG code when spatial_ref_sys says so, else the WKT stored there."""
    if not srid:
        return None
    row = connection.execute(sqlalchemy.text("SELECT auth_name, auth_srid, srtext FROM spatial_ref_sys "
                                             "WHERE srid = :srid"), {"srid": srid}).first()
    try:
        if row is None:
            return pyproj.CRS.from_epsg(srid)
        auth_name, auth_srid, srtext = row
        if auth_name and auth_name.upper() == "EPSG" and auth_srid:
            return pyproj.CRS.from_epsg(int(auth_srid))
        return pyproj.CRS.from_wkt(srtext or "")
    except pyproj.exceptions.CRSError as exc:
        raise LayerError(shown, translate("layers.io.postgis", "SRID {srid} is not a coordinate reference system "
                                                               "Lamplight can read ({problem}); its spatial_ref_sys "
                                                               "entry needs a valid srtext").format(
            srid=srid, problem=exc), layer=name) from exc


def _fetch(connection: Connection, statement: Any, shown: str, name: str) -> tuple[list[str], list[int], list]:
    """Column names, type OIDs and rows of ``statement``, run as is on the psycopg cursor.

    It is sent as a prepared statement (PostgreSQL's extended protocol), which holds exactly one statement: a
    query with ``; COMMIT; DROP ...`` appended is refused by the server before anything runs.
    """
    driver = _psycopg(connection)
    cursor = driver.cursor()
    try:
        cursor.execute(statement, prepare=True)
        if cursor.description is None:
            raise LayerError(shown, translate("layers.io.postgis", "the query returns no rows (it is not a SELECT)"),
                             layer=name)
        names = [d.name for d in cursor.description]
        type_codes = [d.type_code for d in cursor.description]
        return names, type_codes, cursor.fetchall()
    except psycopg.errors.ReadOnlySqlTransaction as exc:
        raise LayerError(shown, translate("layers.io.postgis", "the query would change the database ({reason}); "
                                                               "reading runs read-only: give one SELECT").format(
            reason=_reason(exc, None)), layer=name) from exc
    except psycopg.errors.SyntaxError as exc:
        if "multiple commands" not in str(exc):
            raise LayerError(shown, translate("layers.io.postgis", "the query failed: {reason}").format(
                reason=_reason(exc, None)), layer=name) from exc
        raise LayerError(shown, translate("layers.io.postgis", "the query holds several statements; give exactly one "
                                                               "SELECT (nothing was run)"), layer=name) from exc
    except psycopg.Error as exc:
        if driver.broken:
            raise _lost(shown, exc, name) from exc
        raise LayerError(shown, translate("layers.io.postgis", "the query failed: {reason}").format(
            reason=_reason(exc, None)), layer=name) from exc
    finally:
        if not cursor.connection.broken:
            cursor.close()


def _table_comment(connection: Connection, schema: str, name: str) -> tuple[dict[str, Any], str | None]:
    """Metadata and kind stored by ``write_postgis`` in the table comment; a plain comment is kept as such."""
    comment = connection.execute(sqlalchemy.text(
        f"SELECT obj_description(to_regclass({_QUALIFIED}), 'pg_class')"),
        {"schema": schema, "name": name}).scalar()
    if not comment:
        return {}, None
    try:
        stored = json.loads(comment)
    except json.JSONDecodeError:
        stored = None
    if isinstance(stored, dict) and any(str(k).startswith(tags.PREFIX) for k in stored):
        return tags.decode({str(k): str(v) for k, v in stored.items()})
    return {"table_comment": comment}, None


def _frame(connection: Connection, shown: str, name: str, statement: Any, declared_srid: int,
           notes: list[str]) -> gpd.GeoDataFrame:
    """Run ``statement`` and build the GeoDataFrame from its first geometry column."""
    geometry_oids = {int(oid) for oid, in connection.exec_driver_sql(
        "SELECT oid FROM pg_type WHERE typname IN ('geometry', 'geography')").all()}
    names, type_codes, rows = _fetch(connection, statement, shown, name)
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise LayerError(shown, translate("layers.io.postgis", "the query returns the column(s) {columns} more than "
                                                               "once; give each column its own name with AS").format(
            columns=", ".join(map(repr, duplicated))), layer=name)
    geometry_columns = [n for n, code in zip(names, type_codes, strict=True) if code in geometry_oids]
    if not geometry_columns:
        raise LayerError(shown, translate("layers.io.postgis", "the query returns no geometry column; its columns "
                                                               "are: {columns}").format(columns=", ".join(names)),
                         layer=name)
    df = pd.DataFrame.from_records(rows, columns=names, coerce_float=True)
    geometry_column = geometry_columns[0]
    if len(geometry_columns) > 1:
        notes.append(translate("layers.io.postgis", "uses the geometry column '{column}'; the other geometry "
                                                    "columns ({others}) were left out").format(
            column=geometry_column, others=", ".join(geometry_columns[1:])))
    hex_ewkb = df[geometry_column].to_numpy(dtype=object)
    geometry = shapely.from_wkb(np.where(pd.isna(hex_ewkb), None, hex_ewkb))
    srids = sorted({int(s) for s in np.unique(shapely.get_srid(geometry[~shapely.is_missing(geometry)])) if s})
    if len(srids) > 1:
        raise LayerError(shown, translate("layers.io.postgis", "the geometries are in several SRIDs ({srids}); bring "
                                                               "them to one with ST_Transform").format(
            srids=", ".join(map(str, srids))), layer=name)
    srid = srids[0] if srids else declared_srid
    crs = _crs_for_srid(connection, srid, shown, name)
    if crs is None:
        notes.append(translate("layers.io.postgis", "the geometry has no SRID (0), so the layer has no coordinate "
                                                    "reference system; set it in the layer properties"))
    attributes = df.drop(columns=geometry_columns)
    return gpd.GeoDataFrame(attributes, geometry=shapely.set_srid(geometry, 0), crs=crs)


def read_postgis(url: str | URL, table: str | None = None, query: str | None = None, kind: str | None = None,
                 name: str | None = None) -> VectorLayer:
    """One layer from a PostGIS ``table`` ('schema.table' or 'table') or a SELECT ``query``.

    The first geometry column is used. A kind given here is enforced; otherwise the kind stored by
    ``write_postgis`` or guessed from the name is tried, as for files. The read runs in a READ ONLY transaction
    that is rolled back, and a query is one statement (see ``_fetch``), so nothing it holds can change the
    database. (A function that writes through another connection, e.g. dblink, is the database role's to forbid.)
    """
    if (table is None) == (query is None):
        raise LayerError(None, "read_postgis needs either a table or a query (exactly one of them)")
    with _connect(url, layer=table if table is not None else name or "query", read_only=True) as (connection, shown):
        notes: list[str] = []
        metadata: dict[str, Any] = {}
        stored_kind = None
        if table is not None:
            schema, relation = _resolve(connection, shown, table)
            label = name or relation
            qualified = f"{schema}.{relation}"
            columns = _columns(connection, schema, relation)
            geometry = [(c, s) for c, _, g, s in columns if g]
            if not geometry:
                raise LayerError(shown, translate("layers.io.postgis", "has no geometry column; its columns are: "
                                                                       "{columns}").format(
                    columns=", ".join(c for c, *_ in columns) or translate("layers.io.postgis", "none")),
                    layer=qualified)
            statement = psycopg.sql.SQL("SELECT * FROM {}.{}").format(psycopg.sql.Identifier(schema),
                                                                      psycopg.sql.Identifier(relation))
            metadata, stored_kind = _table_comment(connection, schema, relation)
            metadata["source_table"] = qualified
            gdf = _frame(connection, shown, qualified, statement, geometry[0][1], notes)
        else:
            assert query is not None  # exactly one of table and query, checked above
            label = name or "query"
            metadata["source_query"] = query
            gdf = _frame(connection, shown, label, query.strip().rstrip(";"), 0, notes)
    layers = vector_layers(gdf, label, source=shown, kind=kind, notes=notes, metadata=metadata,
                           stored_kind=stored_kind, split_mixed=False)
    return layers[0]


def _geometry_type_for(gdf: gpd.GeoDataFrame, target_type: str | None) -> gpd.GeoDataFrame:
    """Promote single parts to multi parts where the table (or a mix of X and MultiX) needs one column type."""
    geoms = gdf.geometry.to_numpy()
    names = {str(t).upper() for t in gdf.geometry.geom_type.dropna().unique()}
    wanted = (target_type or "").upper()
    if not wanted:
        families = {t.removeprefix("MULTI") for t in names}
        if len(families) == 1 and len(names) == 2:
            wanted = _MULTI.get(families.pop(), "")
    single = wanted.removeprefix("MULTI")
    if not wanted.startswith("MULTI") or single not in names:
        return gdf
    promote = {"POINT": shapely.multipoints, "LINESTRING": shapely.multilinestrings, "POLYGON": shapely.multipolygons}
    type_ids = shapely.get_type_id(geoms)
    single_id = {"POINT": 0, "LINESTRING": 1, "POLYGON": 3}[single]
    fixed = geoms.copy()
    mask = type_ids == single_id
    fixed[mask] = [promote[single]([g]) for g in geoms[mask]]
    return gdf.set_geometry(gpd.GeoSeries(fixed, index=gdf.index, crs=gdf.crs, name=gdf.geometry.name))


def _write_comment(connection: Connection, schema: str, name: str, layer: Layer) -> None:
    encoded = tags.encode(layer.metadata, layer.kind)
    if not encoded:
        return
    statement = connection.execute(
        sqlalchemy.text("SELECT format('COMMENT ON TABLE %I.%I IS %L', CAST(:schema AS text), CAST(:name AS text), "
                        "CAST(:comment AS text))"),
        {"schema": schema, "name": name, "comment": json.dumps(encoded, ensure_ascii=False)}).scalar_one()
    connection.exec_driver_sql(statement)


def write_postgis(layer: Layer, url: str | URL, table: str, if_exists: str = "fail") -> str:
    """Save a vector layer as PostGIS ``table`` ('schema.table' or 'table'); returns 'schema.table'.

    ``if_exists``: 'fail' (the default) refuses an existing table, 'replace' drops and recreates it in the same
    transaction, 'append' adds rows (reprojected to the table's SRID and promoted to its multi type if needed).
    New tables get the geometry column ``geom`` with a GiST index, and the kind and metadata in the comment.
    """
    if if_exists not in IF_EXISTS:
        raise LayerError(None, f"if_exists must be one of {', '.join(map(repr, IF_EXISTS))}, got {if_exists!r}",
                         layer=layer.name)
    if not isinstance(layer, VectorLayer):
        raise LayerError(layer.source, translate("layers.io.postgis", "only vector layers can be saved to PostGIS"),
                         layer=layer.name)
    with _connect(url, layer=table) as (connection, shown):
        schema, name = _split(table)
        schema = schema or str(connection.exec_driver_sql("SELECT current_schema()").scalar())
        qualified = f"{schema}.{name}"
        exists = _find_relation(connection, schema, name) is not None
        if exists and if_exists == "fail":
            raise LayerError(shown, translate("layers.io.postgis", "the table already exists; choose "
                                                                   "if_exists='replace' to overwrite it or 'append' "
                                                                   "to add the features to it"), layer=qualified)
        gdf = layer.gdf
        target_type = None
        if exists and if_exists == "append":
            geometry = [(c, g, s) for c, _, g, s in _columns(connection, schema, name) if g]
            if not geometry:
                raise LayerError(shown, translate("layers.io.postgis", "the table has no geometry column to append "
                                                                       "features to"), layer=qualified)
            column, target_type, srid = geometry[0]
            if gdf.geometry.name != column:
                gdf = gdf.rename_geometry(column)
            target_crs = _crs_for_srid(connection, srid, shown, qualified)
            if target_crs is not None and gdf.crs is not None and gdf.crs != target_crs:
                gdf = gdf.to_crs(target_crs)
        elif gdf.geometry.name != GEOMETRY_COLUMN and GEOMETRY_COLUMN not in gdf.columns:
            gdf = gdf.rename_geometry(GEOMETRY_COLUMN)
        gdf = _geometry_type_for(gdf, None if target_type in (None, "Geometry") else target_type)
        try:  # the checks above and the write share one transaction: all of it happens or none
            gdf.to_postgis(name, connection, schema=schema, if_exists=if_exists, index=False)
            if not (exists and if_exists == "append"):
                _write_comment(connection, schema, name, layer)
            connection.commit()
        except (sqlalchemy.exc.SQLAlchemyError, psycopg.Error, ValueError) as exc:
            connection.rollback()
            raise LayerError(shown, translate("layers.io.postgis", "could not be written: {reason}").format(
                reason=_reason(exc, None)), layer=qualified) from exc
    return qualified


__all__ = ["GEOMETRY_COLUMN", "IF_EXISTS", "PostgisTable", "database_url", "list_postgis_tables", "read_postgis",
           "shown_url", "write_postgis"]
