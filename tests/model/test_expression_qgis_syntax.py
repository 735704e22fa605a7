"""QGIS spelling and the field calculator: the same answers as the Python spelling, as Python row by row,
as shapely / pyproj for geometry, and as an independent regular expression for LIKE (issue 13)."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.expressions import ExpressionError, calculate, evaluate
from layers.expressions.text import LikePattern


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(13)
    n = 300
    frame = pd.DataFrame({
        "price_m2": rng.uniform(60, 320, n).round(1),
        "industry": rng.choice(["finance", "tech", "retail", "Tech Hub"], n),
        "floor": rng.integers(1, 60, n),
        "floor area": rng.choice([80.0, 120.0, 300.0], n),
        "行业": rng.choice(["金融", "科技", "零售"], n),
    })
    frame.loc[[5, 50, 99], "price_m2"] = np.nan
    frame.loc[[7, 70], "industry"] = None
    return frame


# QGIS spelling -> the Python spelling it must equal; the Python one is checked against Python itself below.
PAIRS = [
    ('"price_m2" < 200 AND "industry" = \'finance\'', 'price_m2 < 200 and industry == "finance"'),
    ("\"industry\" <> 'tech' OR \"floor\" >= 30", 'industry != "tech" or floor >= 30'),
    ("NOT \"price_m2\" > 250 and floor < 40", "not price_m2 > 250 and floor < 40"),
    ("\"industry\" IN ('tech', 'retail')", 'industry in ["tech", "retail"]'),
    ("\"floor\" NOT IN (1, 2, 3) and floor not in [7]", "floor not in (1, 2, 3) and floor not in [7]"),
    ('"floor area" = 120 Or "floor" = 7', "`floor area` == 120 or floor == 7"),
    ('"行业" = \'金融\' AND "price_m2" > 100', '行业 == "金融" and price_m2 > 100'),
    ("\"floor\" % 3 = 0 and \"floor\" ^ 2 > 900", "floor % 3 == 0 and floor ** 2 > 900"),
    ("\"industry\" IS NULL or floor = 3", "industry is None or floor == 3"),
    ("\"industry\" IS NOT NULL AND TRUE", "industry is not None and True"),
]


def _python_row_by_row(expression: str, frame: pd.DataFrame) -> np.ndarray:
    """Python's own answer per row: missing numbers as NaN (never equal, never less), missing text as None."""
    rows = frame.rename(columns={"floor area": "floor_area"}).to_dict("records")
    rows = [{k: None if isinstance(v, float) and math.isnan(v) and k == "industry" else v for k, v in row.items()}
            for row in rows]
    python = expression.replace("`floor area`", "floor_area")
    return np.array([bool(eval(python, {"__builtins__": {}}, row))  # noqa: S307 - the reference
                     for row in rows])


@pytest.mark.parametrize(("qgis", "python"), PAIRS)
def test_qgis_spelling_means_the_python_spelling(frame, qgis, python):
    reference = _python_row_by_row(python, frame)
    assert np.array_equal(evaluate(python, frame), reference)
    assert np.array_equal(evaluate(qgis, frame), reference)
    assert reference.any() and not reference.all()


def test_is_null_finds_missing_numbers_too(frame):
    assert evaluate('"price_m2" IS NULL', frame).tolist() == frame["price_m2"].isna().tolist()
    assert evaluate('"price_m2" IS NOT NULL', frame).tolist() == frame["price_m2"].notna().tolist()


def test_double_quotes_name_a_field_only_when_the_layer_has_it(frame):
    assert evaluate('"floor" > 30', frame).tolist() == (frame["floor"] > 30).tolist()  # the field
    assert evaluate('industry == "tech"', frame).tolist() == (frame["industry"] == "tech").tolist()  # text
    assert evaluate("industry == 'floor'", frame).sum() == 0  # single quotes are always text
    # a near miss is a misspelt field, not text that silently matches nothing
    with pytest.raises(ExpressionError, match='unknown field "industri"; did you mean "industry"'):
        evaluate("\"industri\" = 'tech'", frame)


def test_chinese_field_names_bare_quoted_and_in_backticks(frame):
    expected = (frame["行业"] == "科技").tolist()
    for spelling in ("行业 = '科技'", '"行业" = \'科技\'', "`行业` == \"科技\""):
        assert evaluate(spelling, frame).tolist() == expected


def test_keywords_in_any_case(frame):
    expected = evaluate("price_m2 > 100 and not floor < 10 or industry is None", frame)
    for spelling in ("price_m2 > 100 AND NOT floor < 10 OR industry IS NULL",
                     "price_m2 > 100 And Not floor < 10 Or industry Is Null"):
        assert np.array_equal(evaluate(spelling, frame), expected)


# -- LIKE ------------------------------------------------------------------------------------------------------


def _like_reference(text: str, pattern: str, ignore_case: bool) -> bool:
    """A plain translation to a backtracking regular expression (fine on short strings)."""
    parts, position = [], 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\" and position + 1 < len(pattern) and pattern[position + 1] in "%_\\":
            parts.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        position += 1
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch("".join(parts), text, flags) is not None


@settings(max_examples=600, derandomize=True, deadline=None)
@given(st.text("aAb%_\\", max_size=8), st.text("aAb%_\\", max_size=10), st.booleans())
def test_like_matches_a_regular_expression_reference(pattern, text, ignore_case):
    assert LikePattern(pattern, ignore_case).matches(text) == _like_reference(text, pattern, ignore_case)


@pytest.mark.parametrize("pattern", ["tech", "te%", "%ch", "%ec%", "t_ch", "%", "_%_", "T%", "%Hub", "%i%a%"])
def test_like_and_ilike_on_a_column(frame, pattern):
    for operator, ignore_case in (("LIKE", False), ("ILIKE", True)):
        expected = [isinstance(value, str) and _like_reference(value, pattern, ignore_case)
                    for value in frame["industry"]]
        assert evaluate(f"industry {operator} '{pattern}'", frame).tolist() == expected
        negated = [isinstance(value, str) and not hit for value, hit in zip(frame["industry"], expected, strict=True)]
        assert evaluate(f"industry NOT {operator} '{pattern}'", frame).tolist() == negated


def test_like_on_hostile_patterns_does_not_backtrack():
    """'%a%a%...b' against a long run of 'a' backtracks for ages in a naive regex; this matcher is linear."""
    frame = pd.DataFrame({"s": ["a" * 5000, "a" * 4999 + "b"]})
    assert evaluate("s LIKE '" + "%a" * 30 + "%b'", frame).tolist() == [False, True]


# -- the field calculator --------------------------------------------------------------------------------------


def _round_half_up(value: float, digits: int) -> float:
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(("value", "digits"), [(2.5, 0), (-2.5, 0), (0.125, 2), (1234.5678, 1), (-0.5, 0),
                                               (7.0, 0), (2.675, 2)])
def test_round_is_half_away_from_zero_like_qgis(value, digits):
    frame = pd.DataFrame({"x": [value]})
    assert calculate(f"round(x, {digits})", frame)[0] == pytest.approx(_round_half_up(value, digits), abs=1e-12)


def test_functions_match_python_row_by_row(frame):
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    checks = {
        "abs(price_m2 - 200)": lambda r: None if r["price_m2"] is None else abs(r["price_m2"] - 200),
        "coalesce(price_m2, floor * 10)": lambda r: r["price_m2"] if r["price_m2"] is not None else r["floor"] * 10,
        "upper(industry)": lambda r: None if r["industry"] is None else r["industry"].upper(),
        "lower(industry) || '/' || 行业": lambda r: None if r["industry"] is None else
        r["industry"].lower() + "/" + r["行业"],
        "concat(industry, '-', floor)": lambda r: (r["industry"] or "") + "-" + str(r["floor"]),
        "length(industry)": lambda r: None if r["industry"] is None else len(r["industry"]),
        "to_string(floor) || 'F'": lambda r: f"{r['floor']}F",
        "to_int(price_m2)": lambda r: None if r["price_m2"] is None else int(r["price_m2"]),
        "to_real(to_string(floor)) / 2": lambda r: r["floor"] / 2,
        "if(floor > 30, 'high', 'low')": lambda r: "high" if r["floor"] > 30 else "low",
        "min(price_m2, floor * 5)": lambda r: min(r["floor"] * 5, r["price_m2"] if r["price_m2"] is not None
                                                  else math.inf),
        "max(floor, 30)": lambda r: max(r["floor"], 30),
        "sqrt(floor) * 2": lambda r: math.sqrt(r["floor"]) * 2,
    }
    for expression, reference in checks.items():
        got = calculate(expression, frame).tolist()
        expected = [reference(row) for row in rows]
        for value, wanted in zip(got, expected, strict=True):
            if wanted is None:
                assert pd.isna(value), expression
            else:
                assert value == (pytest.approx(wanted) if isinstance(wanted, float) else wanted), expression


def test_missing_values_in_joins_and_functions(frame):
    column = calculate("industry || '!'", frame)
    assert pd.isna(column[7]) and column[0] == frame["industry"][0] + "!"
    assert calculate("concat(industry, '!')", frame)[7] == "!"
    assert calculate("coalesce(industry, 'unknown')", frame)[70] == "unknown"


def test_a_calculated_column_keeps_the_frame_index_and_converts_its_kind(frame):
    frame.index = frame.index + 1000
    assert calculate("floor * 2", frame).index.equals(frame.index)
    assert str(calculate("floor / 2", frame, kind="real").dtype) == "float64"
    assert str(calculate("floor * 2", frame, kind="integer").dtype) == "Int64"
    assert calculate("floor", frame, kind="text").tolist() == [str(v) for v in frame["floor"]]
    assert calculate("floor > 30", frame, kind="boolean").dtype == bool
    assert calculate("'x'", frame).tolist() == ["x"] * len(frame)


@pytest.mark.parametrize(("expression", "kind", "message"), [
    ("to_int(industry)", None, "to_int() cannot read 'retail' as a whole number"),  # the first row's value
    ("floor / 7", "integer", "not a whole number; use round() or to_int()"),
    ("industry", "real", "to_real() cannot read"),
    ("floor", "boolean", "'floor' is not true/false"),
    ("upper(floor, 2)", None, "upper() takes 1 values, got 2"),
    ("round(price_m2, floor)", None, "round() needs a whole number from -15 to 15"),
    ("abs(industry)", None, "abs() needs numbers, got text field 'industry'"),
    ("$area > 0", None, "$area needs a layer with geometry"),
    ("$volume", None, "unknown variable '$volume'"),
    ('"industry".upper()', None, "methods are not allowed"),
    ("eval('1')", None, "function calls are not allowed: 'eval'"),
    ("industry || ", None, "it ends too early"),
    ("industry LIKE", None, "it ends too early"),
    ("floor IN 3", None, "'in' needs a list of values"),
])
def test_calculator_refusals_name_the_problem(frame, expression, kind, message):
    with pytest.raises(ExpressionError) as caught:
        calculate(expression, frame, kind=kind)
    assert message in str(caught.value)


# -- geometry --------------------------------------------------------------------------------------------------


@pytest.fixture
def shapes() -> gpd.GeoDataFrame:
    x0, y0 = 500_000, 2_550_000  # Guangzhou, UTM 49N
    geometries = [shapely.box(x0, y0, x0 + 300, y0 + 200), shapely.LineString([(x0, y0), (x0 + 30, y0 + 40)]),
                  shapely.Point(x0 + 5, y0 + 6), shapely.Point(x0 + 1000, y0).buffer(50), None]
    return gpd.GeoDataFrame({"name": list("abcde")}, geometry=geometries, crs=32649)


def test_geometry_variables_match_shapely_in_a_projected_crs(shapes):
    geometry = shapes.geometry
    present = geometry.notna()
    assert np.allclose(calculate("$area", shapes)[present], geometry[present].area)
    assert np.allclose(calculate("$length", shapes)[present], geometry[present].length)
    centroids = shapely.centroid(np.asarray(geometry[present].array))
    assert np.allclose(calculate("$x", shapes)[present], shapely.get_x(centroids))
    assert np.allclose(calculate("$y", shapes)[present], shapely.get_y(centroids))
    assert calculate("$x", shapes)[2] == 500_005 and calculate("$area", shapes)[0] == 60_000
    assert all(pd.isna(calculate(variable, shapes)[4]) for variable in ("$area", "$length", "$x", "$y"))
    assert evaluate("$area > 1000 AND \"name\" <> 'd'", shapes).tolist() == [True, False, False, False, False]


def test_area_and_length_of_a_geographic_layer_are_in_metres(shapes):
    degrees = shapes.to_crs(4326)
    geod = pyproj.Geod(ellps="WGS84")
    for index in (0, 1, 3):
        area, perimeter = geod.geometry_area_perimeter(degrees.geometry[index])
        assert calculate("$area", degrees)[index] == pytest.approx(abs(area), rel=2e-3, abs=1e-6)
        if index == 1:
            assert calculate("$length", degrees)[index] == pytest.approx(geod.geometry_length(
                degrees.geometry[index]), rel=2e-3)
    assert calculate("$x", degrees)[2] == pytest.approx(degrees.geometry[2].x)  # coordinates stay as the layer's
