"""Parameters validate and convert values before a run; every refusal names the parameter."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely

from layers import VectorLayer
from layers.io import write_layer
from plugins.api import (
    Algorithm,
    BoolParameter,
    ChoiceParameter,
    Context,
    CrsParameter,
    DistanceParameter,
    ExpressionParameter,
    ExtentParameter,
    FieldParameter,
    FileParameter,
    IntegerParameter,
    LayerParameter,
    NumberParameter,
    ParameterError,
)


def check(parameter, value, context=None, values=None):
    return parameter.validate(value, context or Context(), values or {})


def refused(parameter, value, context=None, values=None) -> str:
    with pytest.raises(ParameterError) as caught:
        check(parameter, value, context, values)
    assert caught.value.parameter == parameter.name
    assert f"parameter '{parameter.name}'" in str(caught.value)
    return str(caught.value)


def test_numbers_respect_range_and_unit():
    power = NumberParameter("power", "Transmit power", unit="dBm", minimum=0, maximum=46)
    assert check(power, "23.5") == 23.5
    assert "at most 46 dBm" in refused(power, 50)
    assert "at least 0 dBm" in refused(power, -1)
    assert "expected a number" in refused(power, "loud")
    assert "finite" in refused(power, float("nan"))
    assert "required" in refused(power, None)
    assert check(NumberParameter("p", "P", optional=True), "") is None


def test_distances_accept_units():
    reach = DistanceParameter("reach", "Reach", minimum=0)
    assert reach.unit == "m"
    assert check(reach, "1.5 km") == 1500.0
    assert check(reach, "250m") == 250.0
    assert check(reach, 80) == 80.0
    assert "'1.5 miles'" in refused(reach, "1.5 miles")


def test_integers_refuse_fractions_and_bools():
    sites = IntegerParameter("sites", "Sites to place", minimum=1, maximum=500, default=20)
    assert check(sites, None) == 20
    assert check(sites, "12") == 12 and check(sites, 12.0) == 12
    assert "whole number" in refused(sites, 2.5)
    assert "whole number" in refused(sites, True)
    assert "at most 500" in refused(sites, 501)


def test_choice_bool_crs_file(tmp_path: Path):
    method = ChoiceParameter("method", "Method", options=("MCLP", "LSCP"), default="MCLP")
    assert check(method, "lscp") == "LSCP"
    assert "not one of MCLP, LSCP" in refused(method, "greedy")
    labelled = ChoiceParameter("method", "Method", options=("MCLP", "LSCP"), labels={"LSCP": "Set cover"})
    assert check(labelled, "lscp") == "LSCP" and labelled.label_of("LSCP") == "Set cover"
    assert labelled.label_of("MCLP") == "MCLP" and labelled.describe() == "one of MCLP; LSCP: Set cover"
    flag = BoolParameter("powered", "Powered only")
    assert check(flag, None) is False
    assert check(flag, "yes") is True and check(flag, "0") is False
    assert "true or false" in refused(flag, "maybe")
    crs = CrsParameter("crs", "Output CRS")
    assert check(crs, "EPSG:32649") == pyproj.CRS.from_epsg(32649)
    assert "EPSG:99999" in refused(crs, "EPSG:99999")
    table = FileParameter("table", "Price table", extensions=("csv",))
    file = tmp_path / "prices.csv"
    file.write_text("a\n1\n")
    assert check(table, str(file)) == file
    assert "not a .csv file" in refused(table, str(tmp_path / "prices.xlsx"))
    assert "does not exist" in refused(table, str(tmp_path / "missing.csv"))


def test_extent_in_project_crs():
    extent = ExtentParameter("area", "Study area")
    context = Context(crs="EPSG:32649")
    assert check(extent, "500000,2555000,501000,2556000", context) == (500000, 2555000, 501000, 2556000)
    lon_lat = check(extent, "113.3,23.1,113.31,23.11 [EPSG:4326]", context)
    expected = pyproj.Transformer.from_crs(4326, 32649, always_xy=True).transform_bounds(113.3, 23.1, 113.31, 23.11,
                                                                                         densify_pts=21)
    assert lon_lat == pytest.approx(expected)
    assert "minx must be below maxx" in refused(extent, "5,0,1,1", context)
    assert "four finite numbers" in refused(extent, "1,2,3", context)


def test_layer_from_project_name_file_and_object(project, poles, tmp_path: Path):
    parameter = LayerParameter("poles", "Lamp poles", kinds=("lamp_poles",), geometry=("point",))
    context = Context(project=project)
    assert check(parameter, "poles", context) is poles
    assert check(parameter, poles, context) is poles
    path = tmp_path / "city.gpkg"
    write_layer(poles, path, layer_name="poles")
    write_layer(project.layer("schools"), path, layer_name="schools")
    from_file = check(parameter, f"{path}|poles", Context())
    assert from_file.kind == "lamp_poles" and len(from_file) == len(poles)
    # Two layers in the file, only one of the wanted kind: that one is picked.
    assert len(check(parameter, str(path), Context())) == len(poles)
    message = refused(parameter, "street lights", context)
    assert "'street lights' is neither a layer of the project nor an existing file" in message


def test_layer_kind_and_geometry_are_enforced(project, districts, schools):
    context = Context(project=project)
    poles_only = LayerParameter("poles", "Lamp poles", kinds=("lamp_poles",))
    assert "'schools' is of kind 'schools'; expected lamp_poles" in refused(poles_only, "schools", context)
    points_only = LayerParameter("sites", "Candidate sites", geometry=("point",))
    assert "'districts' has polygon geometries; point needed" in refused(points_only, "districts", context)
    raster_only = LayerParameter("heights", "Building heights", raster=True)
    assert "'schools' is a vector layer; a raster is needed" in refused(raster_only, schools, context)


def test_layer_without_kind_is_checked_against_the_schema(poles):
    plain = VectorLayer(poles.gdf.drop(columns=["height_m"]), "imported poles")
    parameter = LayerParameter("poles", "Lamp poles", kinds=("lamp_poles",))
    checked = check(parameter, plain)
    assert checked.kind == "lamp_poles"
    assert (checked.gdf["height_m"] == 10.0).all()  # the schema default fills the missing column
    no_id = VectorLayer(poles.gdf.drop(columns=["pole_id"]), "anonymous poles")
    assert "pole_id" in refused(parameter, no_id)


def test_layers_arrive_in_the_context_crs(poles):
    in_degrees = poles.to_crs(4326)
    parameter = LayerParameter("poles", "Lamp poles")
    context = Context(crs="EPSG:32649")
    moved = check(parameter, in_degrees, context)
    assert moved.crs == pyproj.CRS.from_epsg(32649)
    assert shapely.equals_exact(moved.gdf.geometry.to_numpy(), poles.gdf.geometry.to_numpy(), tolerance=1e-3).all()
    # Without a project CRS, a geographic first layer sets the local metric CRS (in China: CGCS2000 3-degree GK).
    free = Context()
    check(parameter, in_degrees, free)
    assert free.crs == pyproj.CRS.from_epsg(4546)


def test_fields_follow_their_layer(offices):
    values = {"offices": offices}
    price = FieldParameter("price", "Price field", parent="offices", numeric=True)
    assert check(price, "price_m2", values=values) == "price_m2"
    assert "is not numeric" in refused(price, "industry", values=values)
    assert "has no field 'rent'" in refused(price, "rent", values=values)
    assert "needs a layer in parameter 'offices'" in refused(price, "price_m2", values={"offices": None})


def test_expression_is_checked_before_the_run(offices):
    expression = ExpressionParameter("where", "Filter", parent="offices")
    values = {"offices": offices}
    assert check(expression, 'price_m2 < 200 and industry == "finance"', values=values)
    assert "did you mean 'industry'" in refused(expression, 'industri == "tech"', values=values)
    assert "function calls are not allowed: 'open'" in refused(expression, "open('x') == 1", values=values)


class _TwoLayers(Algorithm):
    id, name, group = "test.two", "Two layers", "Tests"

    def parameters(self):
        return [LayerParameter("a", "A"), FieldParameter("f", "F", parent="a"),
                DistanceParameter("d", "D", minimum=0, default=10)]


def test_algorithm_validation_reports_unknown_and_first_bad_parameter(offices):
    algorithm = _TwoLayers()
    values = algorithm.validate_parameters({"a": offices, "f": "industry"})
    assert values == {"a": offices, "f": "industry", "d": 10.0}
    with pytest.raises(ParameterError, match=r"parameter 'radius': algorithm test.two has no such parameter"):
        algorithm.validate_parameters({"a": offices, "f": "industry", "radius": 5})
    with pytest.raises(ParameterError, match=r"parameter 'd' \(D\): must be at least 0 m"):
        algorithm.validate_parameters({"a": offices, "f": "industry", "d": -5})
    with pytest.raises(ParameterError, match=r"parameter 'a' \(A\): a value is required"):
        algorithm.validate_parameters({})


def test_declaring_a_bad_parameter_fails_at_once():
    with pytest.raises(ValueError, match="needs options"):
        ChoiceParameter("method", "Method")
    with pytest.raises(ValueError, match=r"labels options it does not have: \['MILP'\]"):
        ChoiceParameter("method", "Method", options=("MCLP",), labels={"MILP": "Exact"})
    with pytest.raises(ValueError, match="unknown geometry"):
        LayerParameter("x", "X", geometry=("points",))
    with pytest.raises(ValueError, match="must be an identifier"):
        NumberParameter("my value", "My value")


def test_empty_layers_pass_the_geometry_filter(poles):
    empty = VectorLayer(gpd.GeoDataFrame(geometry=[], crs=poles.crs), "nothing")
    assert len(check(LayerParameter("p", "P", geometry=("point",)), empty)) == 0
