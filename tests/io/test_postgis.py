"""PostGIS as source and target, against a real PostgreSQL + PostGIS server (skipped when none can start)."""

from __future__ import annotations

import math
import socket
import uuid

import geopandas as gpd
import psycopg
import pyproj
import pytest
import shapely

from layers import LayerError, VectorLayer
from layers.io.postgis import list_postgis_tables, read_postgis, write_postgis
from tests.io.postgis_server import PLAIN_DATABASE

pytestmark = pytest.mark.xdist_group("postgis")


@pytest.fixture
def url(postgis_server):
    return postgis_server.url()


@pytest.fixture
def schema(url):
    """A fresh schema per test, dropped afterwards, so tests never see each other's tables."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {name}")
    yield name
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {name} CASCADE")


def _sql(url, statement, params=None):
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def postgis_password(url):
    return url.split(":")[2].split("@")[0]


def _poles(crs=32649):
    gdf = gpd.GeoDataFrame(
        {"pole_id": ["P1", "P2", "P3"], "height_m": [9.5, 12.0, 10.0], "has_power": [True, False, True],
         "capacity": [4, 2, 6], "status": ["active", "planned", "active"]},
        geometry=[shapely.Point(500100.0, 2557100.0), shapely.Point(500200.5, 2557150.25),
                  shapely.Point(500300.0, 2557400.0)], crs=crs)
    return VectorLayer(gdf, "poles", kind="lamp_poles", metadata={"surveyed": "2024-05"})


def test_round_trip_keeps_coordinates_attributes_crs_kind_and_metadata(url, schema):
    layer = _poles()
    assert write_postgis(layer, url, f"{schema}.lamp_poles") == f"{schema}.lamp_poles"
    # Independent look at what the server holds: type, SRID, exact coordinates and a GiST index.
    column = _sql(url, "SELECT type, srid FROM geometry_columns WHERE f_table_schema = %s", (schema,))
    assert column == [("POINT", 32649)]
    xy = _sql(url, f"SELECT pole_id, ST_X(geom), ST_Y(geom) FROM {schema}.lamp_poles ORDER BY pole_id")
    assert xy == [("P1", 500100.0, 2557100.0), ("P2", 500200.5, 2557150.25), ("P3", 500300.0, 2557400.0)]
    indexes = _sql(url, "SELECT indexdef FROM pg_indexes WHERE schemaname = %s", (schema,))
    assert any("gist" in definition.lower() and "geom" in definition for definition, in indexes)

    back = read_postgis(url, table=f"{schema}.lamp_poles")
    assert back.kind == "lamp_poles" and back.name == "lamp_poles"
    assert back.crs.to_epsg() == 32649
    assert back.metadata["surveyed"] == "2024-05"
    assert "***" in back.source and postgis_password(url) not in back.source
    frame = back.gdf.sort_values("pole_id").reset_index(drop=True)
    assert frame["pole_id"].tolist() == ["P1", "P2", "P3"]
    assert frame["height_m"].tolist() == [9.5, 12.0, 10.0]
    assert frame["has_power"].tolist() == [True, False, True]
    assert frame["capacity"].tolist() == [4, 2, 6]
    assert shapely.get_coordinates(frame.geometry.to_numpy()).tolist() == [[x, y] for _, x, y in xy]


def test_listing_shows_geometry_and_geography_tables_with_type_and_srid(url, schema):
    _sql(url, f"CREATE TABLE {schema}.sites (id int, g geography(Point, 4326))")
    _sql(url, f"CREATE TABLE {schema}.zones (id int, shape geometry(MultiPolygon, 32649))")
    _sql(url, f"CREATE TABLE {schema}.plain (id int)")
    mine = [t for t in list_postgis_tables(url) if t.schema == schema]
    assert [(t.name, t.geometry_column, t.geometry_type.upper(), t.srid) for t in mine] == [
        (f"{schema}.sites", "g", "POINT", 4326), (f"{schema}.zones", "shape", "MULTIPOLYGON", 32649)]


def test_geography_table_reads_as_wgs84_points(url, schema):
    _sql(url, f"CREATE TABLE {schema}.sites (site_id text, g geography(Point, 4326))")
    _sql(url, f"INSERT INTO {schema}.sites VALUES ('S1', 'SRID=4326;POINT(113.325 23.12)')")
    layer = read_postgis(url, table=f"{schema}.sites", kind="sites_5g")
    assert layer.crs.to_epsg() == 4326 and layer.kind == "sites_5g"
    point = layer.gdf.geometry.iloc[0]
    assert (point.x, point.y) == (113.325, 23.12)
    assert layer.gdf["height_m"].iloc[0] == 30.0  # the kind's default, noted
    assert any("height_m" in note for note in layer.notes)


def test_query_is_sent_as_typed_and_its_computed_geometry_is_read(url, schema):
    write_postgis(_poles(), url, f"{schema}.poles")
    # '%' and '::' would trip bind-parameter parsing if the query were not sent as is.
    query = (f"SELECT pole_id, height_m::int AS h, ST_Buffer(geom, 50, 'quad_segs=8') AS zone "
             f"FROM {schema}.poles WHERE pole_id LIKE 'P%' AND status = 'active';")
    layer = read_postgis(url, query=query, name="zones")
    assert layer.name == "zones" and len(layer) == 2 and layer.crs.to_epsg() == 32649
    # A buffer with 8 segments per quarter is a regular 32-gon: area = n/2 · r² · sin(2π/n).
    expected = 32 / 2 * 50**2 * math.sin(2 * math.pi / 32)
    assert layer.gdf.geometry.area.tolist() == pytest.approx([expected, expected], rel=1e-9)
    assert sorted(layer.gdf["h"].tolist()) == [10, 10]


def test_mixed_polygons_and_multipolygons_become_one_multipolygon_table(url, schema):
    parts = [shapely.box(0, 0, 10, 20), shapely.MultiPolygon([shapely.box(30, 0, 40, 10), shapely.box(50, 0, 55, 4)])]
    layer = VectorLayer(gpd.GeoDataFrame({"height_m": [12.0, 30.0]}, geometry=parts, crs=32649), "blocks",
                        kind="buildings")
    write_postgis(layer, url, f"{schema}.blocks")
    assert _sql(url, "SELECT type FROM geometry_columns WHERE f_table_schema = %s", (schema,)) == [("MULTIPOLYGON",)]
    areas = _sql(url, f"SELECT ST_Area(geom) FROM {schema}.blocks ORDER BY height_m")
    assert [a for a, in areas] == [200.0, 120.0]
    back = read_postgis(url, table=f"{schema}.blocks")
    assert back.kind == "buildings" and back.gdf.geometry.area.tolist() == [200.0, 120.0]


def test_existing_table_fail_replace_and_append(url, schema):
    table = f"{schema}.poles"
    write_postgis(_poles(), url, table)
    with pytest.raises(LayerError, match=rf"layer '{schema}\.poles': the table already exists.*replace.*append"):
        write_postgis(_poles(), url, table)

    one = _poles()
    one.gdf = one.gdf.iloc[:1]
    write_postgis(one, url, table, if_exists="replace")
    assert _sql(url, f"SELECT count(*) FROM {table}") == [(1,)]

    lonlat = gpd.GeoDataFrame({"pole_id": ["W1"], "height_m": [8.0], "has_power": [True], "capacity": [4],
                               "status": ["active"]}, geometry=[shapely.Point(113.325, 23.12)], crs=4326)
    write_postgis(VectorLayer(lonlat, "more poles", kind="lamp_poles"), url, table, if_exists="append")
    rows = _sql(url, f"SELECT pole_id, ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM {table} ORDER BY pole_id")
    assert [r[0] for r in rows] == ["P1", "W1"]
    x, y = pyproj.Transformer.from_crs(4326, 32649, always_xy=True).transform(113.325, 23.12)
    assert rows[1][1:3] == pytest.approx((x, y), abs=1e-6) and rows[1][3] == 32649


def test_failed_replace_names_the_table_and_keeps_the_old_one(url, schema):
    table = f"{schema}.poles"
    write_postgis(_poles(), url, table)
    _sql(url, f"CREATE VIEW {schema}.active AS SELECT * FROM {table} WHERE status = 'active'")
    with pytest.raises(LayerError, match=rf"layer '{schema}\.poles': could not be written: .*depend"):
        write_postgis(_poles().to_crs(4326), url, table, if_exists="replace")
    assert _sql(url, f"SELECT count(*) FROM {table}") == [(3,)]


def test_missing_table_lists_the_tables_that_exist(url, schema):
    write_postgis(_poles(), url, f"{schema}.poles")
    with pytest.raises(LayerError) as error:
        read_postgis(url, table=f"{schema}.pols")
    message = str(error.value)
    assert f"layer '{schema}.pols': no such table" in message and f"{schema}.poles" in message
    assert message.startswith("postgresql://lamplight:***@127.0.0.1:")
    assert postgis_password(url) not in message


def test_table_without_geometry_names_its_columns(url, schema):
    _sql(url, f"CREATE TABLE {schema}.budget (district text, amount numeric)")
    with pytest.raises(LayerError, match=rf"layer '{schema}\.budget': has no geometry column; "
                                         "its columns are: district, amount"):
        read_postgis(url, table=f"{schema}.budget")


def test_unquoted_mixed_case_name_finds_the_folded_table(url, schema):
    write_postgis(_poles(), url, f"{schema}.poles")
    assert len(read_postgis(url, table=f"{schema}.POLES")) == 3


def test_query_errors_and_queries_without_geometry_are_reported(url, schema):
    with pytest.raises(LayerError, match=r"layer 'query': the query failed: .*nowhere"):
        read_postgis(url, query="SELECT * FROM nowhere")
    with pytest.raises(LayerError, match=r"returns no geometry column; its columns are: a, b"):
        read_postgis(url, query="SELECT 1 AS a, 2 AS b")


def test_unreachable_server_and_wrong_password_hide_the_password():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LayerError) as error:
        read_postgis(f"postgresql://planner:TopSecret9@127.0.0.1:{port}/city", table="poles")
    message = str(error.value)
    assert message.startswith(f"postgresql://planner:***@127.0.0.1:{port}/city: cannot connect to the database")
    assert "TopSecret9" not in message


def test_wrong_password_is_reported_without_echoing_it(postgis_server):
    bad = postgis_server.url().replace(postgis_server.password, "WrongPass77")
    with pytest.raises(LayerError, match="cannot connect.*password authentication failed") as error:
        list_postgis_tables(bad)
    assert "WrongPass77" not in str(error.value)


def test_database_without_postgis_says_how_to_add_it(postgis_server):
    with pytest.raises(LayerError, match=rf"/{PLAIN_DATABASE}: the database has no PostGIS extension.*CREATE "):
        list_postgis_tables(postgis_server.url(PLAIN_DATABASE))


def test_bad_arguments_are_refused_before_connecting():
    nowhere = "postgresql://planner:secret@127.0.0.1:1/city"  # nothing listens there: a connection would fail
    with pytest.raises(LayerError, match="if_exists must be one of 'fail', 'replace', 'append', got 'overwrite'"):
        write_postgis(_poles(), nowhere, "poles", if_exists="overwrite")
    with pytest.raises(LayerError, match="exactly one"):
        read_postgis(nowhere, table="x", query="SELECT 1")
    with pytest.raises(LayerError, match="not a PostgreSQL/PostGIS address"):
        read_postgis("mysql://u:p@localhost/db", table="poles")


def test_a_custom_srid_with_unreadable_srtext_is_named(url, schema):
    srid = 990000 + int(uuid.uuid4().int % 9000)
    _sql(url, "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
              "VALUES (%s, 'CITY', 1, 'LOCAL_CS[half-typed', '')", (srid,))
    try:
        _sql(url, f"CREATE TABLE {schema}.grid_poles (pole_id text, geom geometry(Point, {srid}))")
        _sql(url, f"INSERT INTO {schema}.grid_poles VALUES ('P1', ST_SetSRID(ST_MakePoint(10, 20), {srid}))")
        with pytest.raises(LayerError, match=rf"layer '{schema}\.grid_poles': SRID {srid} is not a coordinate "
                                             "reference system Lamplight can read"):
            read_postgis(url, table=f"{schema}.grid_poles")
    finally:
        _sql(url, "DELETE FROM spatial_ref_sys WHERE srid = %s", (srid,))


def test_a_query_that_writes_is_refused_and_the_table_survives(url, schema):
    """The attack from issue 14: a 'query' that drops the table and commits must change nothing."""
    write_postgis(_poles(), url, f"{schema}.v3")
    attacks = [
        f"SELECT * FROM {schema}.v3; DROP TABLE {schema}.v3; COMMIT",
        f"SELECT * FROM {schema}.v3; COMMIT; DROP TABLE {schema}.v3",
        f"SELECT * FROM {schema}.v3; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; COMMIT; "
        f"DELETE FROM {schema}.v3",
        f"WITH gone AS (DELETE FROM {schema}.v3 RETURNING *) SELECT * FROM gone",
        f"SELECT * FROM {schema}.v3 FOR UPDATE",
    ]
    for attack in attacks:
        with pytest.raises(LayerError) as error:
            read_postgis(url, query=attack, name="attack")
        message = str(error.value)
        assert "layer 'attack'" in message and postgis_password(url) not in message
        assert _sql(url, f"SELECT count(*) FROM {schema}.v3") == [(3,)], attack
    assert len(read_postgis(url, table=f"{schema}.v3")) == 3


def test_a_read_whose_server_connection_dies_names_the_database_and_the_table(url, schema):
    write_postgis(_poles(), url, f"{schema}.poles")
    # A view whose rows end the backend serving them: the connection is lost in the middle of the read.
    _sql(url, f"CREATE VIEW {schema}.dying AS SELECT p.*, pg_terminate_backend(pg_backend_pid()) AS gone "
              f"FROM {schema}.poles p")
    with pytest.raises(LayerError) as error:
        read_postgis(url, table=f"{schema}.dying")
    message = str(error.value)
    assert message.startswith("postgresql://lamplight:***@127.0.0.1:") and postgis_password(url) not in message
    assert f"layer '{schema}.dying'" in message and "connection to the database was lost" in message


def test_a_query_terminated_from_another_connection_is_a_clear_error(url, schema):
    import threading

    write_postgis(_poles(), url, f"{schema}.poles")
    key = int(uuid.uuid4().int % 2**31)
    outcome: dict[str, BaseException] = {}

    def read() -> None:
        try:
            read_postgis(url, query=f"SELECT *, pg_advisory_lock_shared({key}) AS waited FROM {schema}.poles",
                         name="blocked read")
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread as is
            outcome["error"] = exc

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(%s)", (key,))  # the read waits for this lock: it is mid-read
        reader = threading.Thread(target=read)
        reader.start()
        waiting = []
        for _ in range(3000):  # until the server shows the read waiting on the lock (state, not time)
            waiting = admin.execute("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = %s "
                                    "AND NOT granted", (key,)).fetchall()
            if waiting or not reader.is_alive():
                break
            threading.Event().wait(0.01)
        assert waiting, "the read never reached the lock"
        admin.execute("SELECT pg_terminate_backend(%s)", (waiting[0][0],))
        reader.join()
    error = outcome.get("error")
    assert isinstance(error, LayerError), repr(error)
    assert "layer 'blocked read'" in str(error) and "connection to the database was lost" in str(error)
    assert postgis_password(url) not in str(error)
