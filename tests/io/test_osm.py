"""OpenStreetMap extracts: small files written with osmium.SimpleWriter, checked against hand values.

Node positions are laid out in UTM zone 49N metres (Guangzhou) and converted to lon/lat with pyproj, so
lengths and areas read back in the UTM CRS can be compared with the hand-drawn rectangles. OSM stores
coordinates to 1e-7 degrees (about 1 cm), which bounds the tolerance.
"""

from __future__ import annotations

import osmium
import osmium.osm.mutable as osm
import pyproj
import pytest
import shapely

from layers import LayerError, Project
from layers.io import open_layers
from layers.io.osm import LAYER_NAMES, ReadCancelled, parse_length, read_osm, utm_crs

ORIGIN = (500000.0, 2557000.0)  # UTM 49N metres; about lon 111.0, lat 23.1 (the zone's central meridian)
TO_LONLAT = pyproj.Transformer.from_crs(32649, 4326, always_xy=True)


class _Builder:
    """Writes nodes at metric offsets from ORIGIN; ways and relations by node/way ids."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.ways: list = []
        self.relations: list = []
        self._next = 1000

    def node(self, dx: float, dy: float, tags: dict | None = None, node_id: int | None = None) -> int:
        if node_id is None:
            self._next += 1
            node_id = self._next
        lon, lat = TO_LONLAT.transform(ORIGIN[0] + dx, ORIGIN[1] + dy)
        self.nodes.append(osm.Node(id=node_id, location=(lon, lat), tags=tags or {}))
        return node_id

    def ring(self, x0: float, y0: float, width: float, height: float) -> list[int]:
        corners = [self.node(x0, y0), self.node(x0 + width, y0), self.node(x0 + width, y0 + height),
                   self.node(x0, y0 + height)]
        return corners + corners[:1]

    def way(self, way_id: int, nodes: list[int], tags: dict | None = None) -> None:
        self.ways.append(osm.Way(id=way_id, nodes=nodes, tags=tags or {}))

    def relation(self, relation_id: int, members: list[tuple], tags: dict) -> None:
        self.relations.append(osm.Relation(id=relation_id, members=members, tags=tags))

    def write(self, path) -> None:
        writer = osmium.SimpleWriter(str(path))
        for item in sorted(self.nodes, key=lambda n: n.id):
            writer.add_node(item)
        for item in self.ways:
            writer.add_way(item)
        for item in self.relations:
            writer.add_relation(item)
        writer.close()


def _district(builder: _Builder) -> None:
    b = builder
    b.node(10, 10, {"highway": "street_lamp", "height": "9 m"}, node_id=1)
    b.node(40, 10, {"highway": "street_lamp", "lamp_mount": "straight_mast"}, node_id=2)
    b.node(70, 10, {"highway": "street_lamp", "height": "12,5", "ref": "TH-0007"}, node_id=3)
    b.node(300, 300, {"amenity": "school", "name": "Tianhe Primary", "isced:level": "1"}, node_id=4)
    b.node(500, 500, {"man_made": "mast", "tower:type": "communication", "operator": "China Mobile",
                      "height": "35"}, node_id=5)
    b.node(520, 500, {"telecom": "antenna"}, node_id=6)
    b.node(540, 500, {"man_made": "mast", "height": "8"}, node_id=7)  # a flag mast: not a telecom site
    b.node(560, 500, {"telecom": "bts", "operator": "China Unicom"}, node_id=9)
    b.node(600, 100, {"office": "company", "name": "Pearl Trading"}, node_id=8)
    b.way(10, b.ring(100, 100, 20, 10), {"building": "yes", "height": "12 m"})
    b.way(11, b.ring(150, 100, 30, 20), {"building": "residential", "building:levels": "6"})
    b.way(12, b.ring(200, 100, 10, 10), {"building": "office", "height": "40'"})
    b.way(13, b.ring(300, 100, 40, 25))
    b.way(14, b.ring(310, 105, 10, 5))
    b.relation(30, [("w", 13, "outer"), ("w", 14, "inner")],
               {"type": "multipolygon", "building": "commercial", "height": "20", "name": "Mall"})
    b.way(15, b.ring(400, 300, 50, 40), {"amenity": "kindergarten", "name": "Sunflower"})
    b.way(16, b.ring(500, 100, 20, 20), {"building": "apartments"})  # no height, as most OSM buildings
    b.way(17, b.ring(550, 100, 20, 20), {"building": "yes"})
    b.way(40, [b.node(0, 0), b.node(100, 0)], {"highway": "primary", "lanes": "6", "name": "Huacheng Ave"})
    b.way(41, [b.node(0, 50), b.node(0, 80)], {"highway": "residential", "width": "7.5 m"})
    b.way(42, [b.node(200, 0), b.node(200, 60)], {"highway": "tertiary"})
    b.way(43, [b.node(300, 0), b.node(300, 60)], {"highway": "footway"})


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    builder = _Builder()
    _district(builder)
    path = tmp_path_factory.mktemp("osm") / "district.osm.pbf"
    builder.write(path)
    return path


@pytest.fixture(scope="module")
def layers(district):
    return {layer.name: layer for layer in read_osm(district)}


def test_every_category_loads_with_its_kind_and_count(layers):
    summary = {name: (layer.kind, len(layer)) for name, layer in layers.items()}
    assert summary == {"buildings": ("buildings", 6), "roads": ("roads", 3), "schools": ("schools", 2),
                       "offices": (None, 2), "sites_5g": ("sites_5g", 3), "lamp_poles": ("lamp_poles", 3)}
    assert list(layers) == list(LAYER_NAMES)


def test_crs_is_the_utm_zone_of_the_data_centre(layers):
    assert {layer.crs.to_epsg() for layer in layers.values()} == {32649}
    assert "UTM zone 49N" in layers["roads"].notes[0]


def test_lamp_poles_take_id_height_and_mount(layers):
    poles = layers["lamp_poles"].gdf.set_index("pole_id")
    assert list(poles.index) == ["n1", "n2", "n3"]
    assert poles["height_m"].tolist() == [9.0, 10.0, 12.5]  # n2 has no height: the kind's 10 m default
    assert poles.loc["n2", "lamp_mount"] == "straight_mast" and poles.loc["n3", "ref"] == "TH-0007"
    assert poles.geometry.x.tolist() == pytest.approx([ORIGIN[0] + 10, ORIGIN[0] + 40, ORIGIN[0] + 70], abs=0.02)
    assert poles.geometry.y.tolist() == pytest.approx([ORIGIN[1] + 10] * 3, abs=0.02)


def test_buildings_heights_from_height_or_levels_and_areas(layers):
    buildings = layers["buildings"].gdf.set_index("osm_id")
    assert buildings.loc[["w10", "w11", "w12", "r30"], "height_m"].tolist() == pytest.approx(
        [12.0, 18.0, 40 * 0.3048, 20.0])
    assert buildings.loc["w11", "levels"] == 6
    # Buildings without a height get one from storeys, then the type's table, then the default, and say which.
    assert buildings.loc[["w16", "w17"], "height_m"].tolist() == [24.0, 10.0]
    assert buildings.loc[["w10", "w11", "w16", "w17"], "height_source"].tolist() == [
        "height", "levels", "type", "default"]
    # Hand areas: 20×10, 30×20, 10×10, and the mall 40×25 minus its 10×5 courtyard.
    assert buildings.geometry.area.loc[["w10", "w11", "w12", "r30"]].tolist() == pytest.approx(
        [200.0, 600.0, 100.0, 950.0], rel=2e-3)
    assert buildings.loc["r30", "name"] == "Mall"
    assert any("height_m of 6 buildings: 3 from the data, 1 from storeys × 3 m, 1 from the building type, 1 set to "
               "the default 10 m" in note for note in layers["buildings"].notes)


def test_roads_classes_and_widths(layers):
    roads = layers["roads"].gdf.set_index("osm_id")
    assert roads["road_class"].to_dict() == {"w40": "arterial", "w41": "local", "w42": "secondary"}
    assert roads.loc["w40", "width_m"] == 6 * 3.5 and roads.loc["w41", "width_m"] == 7.5
    assert roads["width_m"].isna().tolist() == [False, False, True]
    assert roads.geometry.length.tolist() == pytest.approx([100.0, 30.0, 60.0], abs=0.03)


def test_schools_keep_points_and_areas(layers):
    schools = layers["schools"].gdf.set_index("osm_id")
    assert schools.geometry.geom_type.to_dict() == {"n4": "Point", "w15": "MultiPolygon"}
    assert schools["level"].to_dict() == {"n4": "primary", "w15": "kindergarten"}
    assert schools.loc["w15", "name"] == "Sunflower"
    assert schools.geometry.area.loc["w15"] == pytest.approx(2000.0, rel=2e-3)


def test_telecom_sites_and_offices(layers):
    sites = layers["sites_5g"].gdf.set_index("site_id")
    assert list(sites.index) == ["n5", "n6", "n9"]  # the flag mast n7 is not a telecom site
    assert sites.loc["n5", "operator"] == "China Mobile" and sites.loc["n5", "height_m"] == 35.0
    assert sites.loc["n9", "operator"] == "China Unicom" and set(sites["status"]) == {"active"}
    assert any("man_made=mast (1), telecom=antenna (1), telecom=bts (1)" in note
               for note in layers["sites_5g"].notes)
    offices = layers["offices"]
    assert offices.kind is None and offices.geometry_type == "point"
    assert sorted(offices.gdf["osm_id"]) == ["n8", "w12"]
    assert any("price_m2" in note and "without a kind" in note for note in offices.notes)
    # the office building is shown as a point inside its 10×10 m footprint
    office_building = offices.gdf.set_index("osm_id").geometry.loc["w12"]
    assert shapely.box(ORIGIN[0] + 200, ORIGIN[1] + 100, ORIGIN[0] + 210, ORIGIN[1] + 110).contains(office_building)


def test_one_layer_by_name_or_kind_and_a_requested_crs(district):
    buildings, = read_osm(district, layer="buildings")
    assert buildings.kind == "buildings" and len(buildings) == 6
    roads, = open_layers(district, kind="roads", crs="EPSG:4547")
    assert roads.crs.to_epsg() == 4547
    start = shapely.get_coordinates(roads.gdf.set_index("osm_id").geometry.loc["w40"])[0]
    lon, lat = TO_LONLAT.transform(*ORIGIN)
    expected = pyproj.Transformer.from_crs(4326, 4547, always_xy=True).transform(lon, lat)
    assert start == pytest.approx(expected, abs=0.02)
    with pytest.raises(LayerError, match="has no layer named 'poles'; an OSM extract gives the layers: buildings"):
        read_osm(district, layer="poles")
    with pytest.raises(LayerError, match="cannot give a 'demand' layer"):
        read_osm(district, kind="demand")


def test_xml_osm_in_the_southern_hemisphere_uses_a_south_utm_zone(tmp_path):
    path = tmp_path / "sydney.osm"
    writer = osmium.SimpleWriter(str(path))
    writer.add_node(osm.Node(id=7, location=(151.2093, -33.8688), tags={"highway": "street_lamp"}))
    writer.close()
    poles, = read_osm(path)
    # zone = floor((151.2093 + 180) / 6) + 1 = 56, south: EPSG 32756
    assert poles.crs.to_epsg() == 32756
    expected = pyproj.Transformer.from_crs(4326, 32756, always_xy=True).transform(151.2093, -33.8688)
    assert (poles.gdf.geometry.x.iloc[0], poles.gdf.geometry.y.iloc[0]) == pytest.approx(expected, abs=0.02)
    assert any("no buildings" in note for note in poles.notes)
    assert "lamp_mount" not in poles.gdf.columns and "ref" not in poles.gdf.columns  # no lamp has those tags


def test_ways_with_nodes_missing_from_the_extract_are_skipped_with_a_note(tmp_path):
    builder = _Builder()
    builder.way(50, builder.ring(0, 0, 10, 10), {"building": "yes"})
    builder.way(51, [builder.node(0, 20), 999999], {"highway": "residential"})
    builder.way(52, [builder.node(0, 40), builder.node(0, 60)], {"highway": "service", "lanes": "many"})
    path = tmp_path / "cut.osm.pbf"
    builder.write(path)
    found = {layer.name: layer for layer in read_osm(path)}
    assert len(found["roads"]) == 1 and len(found["buildings"]) == 1
    assert any("1 OSM ways or areas were skipped" in note for note in found["roads"].notes)
    assert any("'lanes' values could not be read as numbers ('many')" in note for note in found["roads"].notes)


def test_files_that_are_not_osm_or_hold_nothing_useful(tmp_path):
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"this is not a protocol buffer" * 10)
    with pytest.raises(LayerError, match="broken.osm.pbf: is not a readable OpenStreetMap file"):
        read_osm(broken)
    empty = tmp_path / "trees.osm"
    writer = osmium.SimpleWriter(str(empty))
    writer.add_node(osm.Node(id=1, location=(113.3, 23.1), tags={"natural": "tree"}))
    writer.close()
    with pytest.raises(LayerError, match="holds none of the features Lamplight reads from OSM: buildings"):
        read_osm(empty)
    with pytest.raises(LayerError, match="missing.osm.pbf: the file does not exist"):
        open_layers(tmp_path / "missing.osm.pbf")


@pytest.mark.parametrize(("text", "metres"), [
    ("12", 12.0), ("12.5", 12.5), ("12 m", 12.0), ("12m", 12.0), ("12,5", 12.5), ("40'", 12.192),
    ("40'6\"", 12.3444), ("30 ft", 9.144), ("1.2 km", 1200.0), ("10;12", 10.0), ("tall", None), ("", None),
])
def test_osm_lengths(text, metres):
    assert parse_length(text) == (pytest.approx(metres) if metres is not None else None)


def test_utm_zone_formula_on_textbook_cases():
    assert utm_crs(113.325, 23.12).to_epsg() == 32649  # Guangzhou: zone 49N
    assert utm_crs(-0.1276, 51.5072).to_epsg() == 32630  # London: zone 30N
    assert utm_crs(-74.006, 40.7128).to_epsg() == 32618  # New York: zone 18N
    assert utm_crs(180.0, -10.0).to_epsg() == 32760  # the antimeridian stays in zone 60


def test_progress_by_stage_and_cancel(district):
    seen = []
    open_layers(district, progress=seen.append)
    assert seen == sorted(seen) and seen[0] == 5.0 and 45.0 in seen and seen[-1] == 100.0
    with pytest.raises(ReadCancelled, match="district.osm.pbf: reading was cancelled"):
        read_osm(district, is_cancelled=lambda: True)
    assert issubclass(ReadCancelled, LayerError)


def test_a_saved_project_links_back_to_each_osm_layer(district, tmp_path):
    project = Project("EPSG:32649")
    project.add_layers(read_osm(district))
    project.save(tmp_path / "plan.lamp")
    reopened = Project.load(tmp_path / "plan.lamp")
    assert reopened.load_problems == []
    assert [(layer.name, layer.kind, len(layer)) for layer in reopened] == [
        ("buildings", "buildings", 6), ("roads", "roads", 3), ("schools", "schools", 2), ("offices", None, 2),
        ("sites_5g", "sites_5g", 3), ("lamp_poles", "lamp_poles", 3)]
