"""Styles are plain data the canvas, print and web exports share: classes, colours, legends and round trips."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import RasterLayer, VectorLayer
from layers.styles import (
    Categorized,
    Category,
    Graduated,
    Labels,
    RasterRamp,
    Sectors,
    SingleSymbol,
    Symbol,
    class_breaks,
    classify,
    default_style,
    interpolate_colour,
    parse_colour,
    style_from_dict,
)


def _points(**columns):
    n = len(next(iter(columns.values())))
    geometry = [shapely.Point(760000 + i, 2560000) for i in range(n)]
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=32649)


def test_colour_parsing_and_interpolation_are_linear_in_rgba():
    assert parse_colour("#ff000080") == (255, 0, 0, 128)
    assert parse_colour("#0000ff") == (0, 0, 255, 255)
    with pytest.raises(ValueError, match="not #RRGGBB"):
        parse_colour("red")
    stops = [(0.0, "#000000"), (10.0, "#ffffff")]
    assert interpolate_colour(stops, 5.0) == "#808080"  # 127.5 rounds to 128
    assert interpolate_colour(stops, -3.0) == "#000000" and interpolate_colour(stops, 99.0) == "#ffffff"


def test_class_breaks_match_numpy_quantiles_and_equal_intervals():
    values = np.arange(1, 101, dtype=float)
    np.testing.assert_allclose(class_breaks(values, 4, "quantile"), np.quantile(values, [0, 0.25, 0.5, 0.75, 1]))
    np.testing.assert_allclose(class_breaks(values, 4, "equal"), [1, 25.75, 50.5, 75.25, 100])


def test_natural_breaks_separate_obvious_clusters():
    values = [1, 2, 3, 50, 51, 52, 200, 201, 202]
    breaks = class_breaks(values, 3, "jenks")
    assert breaks[0] == 1 and breaks[1] == 3 and breaks[2] == 52 and breaks[3] == 202


def test_graduated_lower_bound_inclusive_last_class_closed():
    style = Graduated("price_m2", classify([100, 200, 300], 2, "equal"))
    _, index = style.symbols_for([100, 199.9, 200, 300, 301, "n/a"])
    assert list(index) == [0, 0, 1, 1, -1, -1]


def test_categories_match_numbers_by_value_and_fall_back_to_other():
    red, blue, grey = Symbol(fill="#ff0000"), Symbol(fill="#0000ff"), Symbol(fill="#808080")
    style = Categorized("band_mhz", [Category(3500, red), Category("planned", blue)], other=grey)
    symbols, index = style.symbols_for([3500.0, "planned", 2600, None])
    assert [symbols[i].fill for i in index] == ["#ff0000", "#0000ff", "#808080", "#808080"]
    assert Categorized("x", [Category(1, red)]).symbols_for([2])[1][0] == -1  # no other: not drawn


@pytest.mark.parametrize("style", [
    SingleSymbol(Symbol(marker="star", size=9), labels=Labels("name")),
    Categorized("status", [Category("active", Symbol(fill="#f2a900"))], other=Symbol(), sectors=Sectors()),
    Graduated("height_m", classify([1, 5, 9, 20], 3, "quantile", "Greys"), "quantile", "m"),
    RasterRamp([(-120, "#d7191c"), (-80, "#1a9641")], unit="dBm"),
])
def test_every_style_survives_a_save_and_load(style):
    assert style_from_dict(style.to_dict()) == style


def test_unknown_style_type_is_named():
    with pytest.raises(ValueError, match="'Heatmap'"):
        style_from_dict({"type": "Heatmap"})


def test_default_styles_by_kind():
    poles = VectorLayer(_points(pole_id=["a", "b"], status=["active", "faulty"]), "poles", kind="lamp_poles")
    assert [e.label for e in default_style(poles).legend()] == ["active", "faulty", "other"]
    offices = VectorLayer(_points(price_m2=[100.0, 150, 200, 250, 300]), "offices", kind="office_space")
    style = default_style(offices)
    assert isinstance(style, Graduated) and style.field == "price_m2" and len(style.classes) == 5
    sites = VectorLayer(_points(site_id=["s"], operator=["China Mobile"]), "sites", kind="sites_5g")
    assert default_style(sites).sectors is not None


def test_best_server_raster_colours_every_cell_and_keeps_the_legend_short():
    ids = np.arange(3000, dtype="int32").reshape(30, 100)
    layer = RasterLayer(ids, (5, 0, 0, 0, -5, 0), 32649, name="best server", nodata=-1,
                        metadata={"quantity": "best_server"})
    style = default_style(layer)
    assert style.discrete and len(style.stops) == 3000
    assert style.colour_at(2999.0) != style.colour_at(2998.0)  # neighbouring servers differ
    legend = style.legend()
    assert len(legend) == 12 and legend[-1].label == "… 2989 more classes" and legend[-1].colour is None


def test_rsrp_raster_gets_the_rsrp_classes():
    layer = RasterLayer(np.full((2, 2), -95.0, "float32"), (5, 0, 0, 0, -5, 0), 32649, name="rsrp",
                        metadata={"quantity": "rsrp"})
    style = default_style(layer)
    assert style.unit == "dBm" and style.stops[0] == (-120.0, "#d7191c")


def test_graduated_reads_nullable_integer_and_boolean_columns_like_any_number():
    import pandas as pd

    style = Graduated("floor", classify([0, 10, 20], 2, "equal"))
    _, index = style.symbols_for(pd.Series([0, 15, None, 20], dtype="Int64"))
    assert list(index) == [0, 1, -1, 1]  # a missing floor is not drawn
    _, flags = Graduated("ok", classify([0, 1], 1, "equal")).symbols_for(pd.Series([True, False]))
    assert list(flags) == [0, 0]
