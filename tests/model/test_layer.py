"""The layer model without a display: state, events, extents and reprojection."""

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from layers import LayerError, RasterLayer, VectorLayer


def _points(crs=4326):
    points = [shapely.Point(113.32, 23.11), shapely.Point(113.33, 23.13)]
    return gpd.GeoDataFrame({"pole_id": ["a", "b"]}, geometry=points, crs=crs)


def test_observed_attributes_emit_changed_events_once_per_real_change():
    layer = VectorLayer(_points(), "poles")
    seen = []
    layer.events.connect(lambda e: seen.append(e.attribute))
    layer.visible = False
    layer.visible = False  # unchanged: no second event
    layer.opacity = 0.4
    layer.selection = {1}
    assert seen == ["visible", "opacity", "selection"]


def test_opacity_outside_unit_interval_is_refused_with_the_layer_name():
    layer = VectorLayer(_points(), "poles")
    with pytest.raises(ValueError, match="poles"):
        layer.opacity = 1.5


def test_vector_reprojection_matches_pyproj_directly():
    layer = VectorLayer(_points(), "poles")
    utm = layer.to_crs(32649)
    expected_x, expected_y = pyproj.Transformer.from_crs(4326, 32649, always_xy=True).transform(113.32, 23.11)
    point = utm.gdf.geometry.iloc[0]
    assert point.x == pytest.approx(expected_x, abs=1e-6)
    assert point.y == pytest.approx(expected_y, abs=1e-6)
    assert utm.crs.to_epsg() == 32649 and layer.crs.to_epsg() == 4326


def test_geometry_family_counts_multipart_with_singlepart():
    gdf = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.MultiPolygon([shapely.box(2, 2, 3, 3)])])
    assert VectorLayer(gdf, "b").geometry_type == "polygon"
    mixed = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.Point(5, 5)])
    assert VectorLayer(mixed, "m").geometry_type == "mixed"


def test_geometry_family_ignores_missing_geometries_and_follows_edits():
    layer = VectorLayer(gpd.GeoDataFrame(geometry=[None, shapely.Point(1, 1)]), "p")
    assert layer.geometry_type == "point"
    assert VectorLayer(gpd.GeoDataFrame(geometry=[None]), "none").geometry_type == "empty"
    layer.gdf.loc[0, "geometry"] = shapely.LineString([(0, 0), (1, 1)])
    layer.touch()  # an edit records that the data changed: the remembered family must not outlive it
    assert layer.geometry_type == "mixed"
    layer.gdf = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (2, 2)])])
    assert layer.geometry_type == "line"


def test_reprojecting_a_layer_without_crs_names_the_layer():
    layer = VectorLayer(_points(crs=None), "unknown crs layer")
    with pytest.raises(LayerError, match="unknown crs layer.*no coordinate reference system"):
        layer.to_crs(32649)


def test_raster_extent_band_mask_and_reprojection():
    data = np.arange(12, dtype="float32").reshape(3, 4)
    data[0, 0] = -9999
    layer = RasterLayer(data, (10, 0, 500000, 0, -10, 2560000), 32649, name="dsm", nodata=-9999)
    assert layer.extent == (500000, 2559970, 500040, 2560000)
    band = layer.band(1)
    assert band.mask[0, 0] and band.count() == 11
    wgs = layer.to_crs(4326)
    lon, lat = pyproj.Transformer.from_crs(32649, 4326, always_xy=True).transform(500020, 2559985)
    minx, miny, maxx, maxy = wgs.extent
    assert minx < lon < maxx and miny < lat < maxy
    with pytest.raises(LayerError, match="band 2 does not exist"):
        layer.band(2)


def test_a_reprojected_copy_keeps_its_own_notes():
    layer = VectorLayer(_points(), "poles", metadata={"notes": ["loaded from poles.csv"]})
    copy = layer.to_crs(32649)
    copy.notes.append("validated as lamp_poles")
    assert layer.notes == ["loaded from poles.csv"]
    assert copy.notes == ["loaded from poles.csv", "validated as lamp_poles"]


def test_an_unknown_resampling_method_is_named():
    layer = RasterLayer(np.zeros((2, 2), "float32"), (10, 0, 500000, 0, -10, 2560000), 32649, name="dsm")
    with pytest.raises(ValueError, match="layer 'dsm': resampling 'cubicx' is not one of nearest, bilinear"):
        layer.to_crs(4326, resampling="cubicx")
