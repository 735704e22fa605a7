"""The safe filter language: same answers as Python itself row by row, and no way to run code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from layers.expressions import ExpressionError, evaluate
from layers.io import write_layer
from plugins.api import AlgorithmError, Context, ParameterError
from plugins.runner import run_algorithm

ROOT = Path(__file__).resolve().parents[2]

EXPRESSIONS = [
    'price_m2 < 200 and industry == "finance"',
    'industry in ["tech", "retail"] or floor >= 30',
    'industry not in ("tech",) and not price_m2 > 250',
    "100 <= price_m2 < 180",
    "price_m2 * area_m2 / 1000 > 40 - floor ** 2 / 100",
    "floor % 3 == 0 or floor // 10 == 2",
    "-price_m2 > -150 and listed",
    "listed == False or area_m2 != 120",
    "True and price_m2 > 0",
]


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame({
        "price_m2": rng.uniform(60, 320, n).round(1),
        "industry": rng.choice(["finance", "tech", "retail"], n),
        "floor": rng.integers(1, 60, n),
        "area_m2": rng.choice([80.0, 120.0, 300.0], n),
        "listed": rng.random(n) < 0.5,
    })
    frame.loc[[5, 50, 99], "price_m2"] = np.nan
    return frame


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_matches_python_evaluated_row_by_row(frame, expression):
    reference = np.array([bool(eval(expression, {"__builtins__": {}}, row))  # noqa: S307 - the reference
                          for row in frame.to_dict("records")])
    assert np.array_equal(evaluate(expression, frame), reference)
    assert reference.any() and not reference.all()  # the expression really discriminates


def test_backticks_and_chinese_field_names():
    frame = pd.DataFrame({"floor area": [50.0, 150.0, 250.0], "行业": ["金融", "科技", "金融"]})
    assert evaluate('`floor area` > 100 and 行业 == "金融"', frame).tolist() == [False, False, True]


def test_missing_values_never_match_a_comparison():
    frame = pd.DataFrame({"price": [100.0, np.nan, 300.0], "industry": ["tech", None, "finance"]})
    assert evaluate("price < 200", frame).tolist() == [True, False, False]
    assert evaluate("price >= 200", frame).tolist() == [False, False, True]
    assert evaluate('industry != "tech"', frame).tolist() == [False, True, True]
    assert evaluate('industry not in ["tech"]', frame).tolist() == [False, False, True]
    assert evaluate("price is None", frame).tolist() == [False, True, False]
    assert evaluate("industry is not None", frame).tolist() == [True, False, True]


@pytest.mark.parametrize(("expression", "message"), [
    ("__import__(\"os\") == 0", "function calls are not allowed: '__import__' (only abs, ceil,"),
    ("industry.upper() == 'TECH'", "methods are not allowed: 'industry.upper'; use a function such as upper"),
    ("price.real > 1", "attribute lookups are not allowed: 'price.real'"),
    ("industry[0] == 't'", "subscripts are not allowed: 'industry[0]'"),
    ("[x for x in price] == 1", "a list of values is only allowed after 'in'"),
    ("(lambda: 1)() == 1", "unexpected ':'"),
    ("price == = 100", "unexpected '='"),
    ("pirce < 100", "unknown field 'pirce'; did you mean 'price'?"),
    ("industry in industry", "'in' needs a list of values"),
    ("industry in [price]", "lists may hold only literal values, not 'price'"),
    ("price is 3", "'is' is only allowed as 'is None'"),
    ("price + 1", "not true/false; add a comparison"),
    ("industry < 5", "cannot combine text field 'industry' and int 5"),
    ("price and industry", "'price' is not true/false"),
    ("", "the expression is empty"),
    ("price <", "it ends too early"),
])
def test_refusals_name_the_bad_token(expression, message):
    frame = pd.DataFrame({"price": [100.0, 250.0], "industry": ["tech", "finance"]})
    with pytest.raises(ExpressionError) as caught:
        evaluate(expression, frame)
    assert message in str(caught.value)


def test_error_column_points_at_the_token():
    frame = pd.DataFrame({"price": [1.0], "高度": [2.0]})
    with pytest.raises(ExpressionError) as caught:
        evaluate("高度 > 1 and len(price) > 0", frame)
    assert caught.value.column == len("高度 > 1 and ")


# -- every caller gets a clean error for hostile text (issue 14) ------------------------------------------------

HOSTILE = ["industry * 10000000 == 'a'", "-" * 100000 + "1", "not " * 50000 + "True", "1+" * 100000,
           "(" * 3000 + "1" + ")" * 3000]


@pytest.mark.parametrize("expression", HOSTILE, ids=[text[:16] for text in HOSTILE])
def test_the_filter_tool_refuses_hostile_expressions_cleanly(offices, expression):
    """Checked as a parameter before the run (length, nesting) or refused by the size estimate during it."""
    with pytest.raises((ParameterError, AlgorithmError)) as caught:
        run_algorithm("tools.filter", {"input": offices, "expression": expression}, Context(crs="EPSG:32649"))
    assert "at most" in str(caught.value) or "more than" in str(caught.value)


def test_the_command_line_reports_the_issue_expression_without_a_traceback(tmp_path, offices):
    write_layer(offices, tmp_path / "offices.gpkg", layer_name="offices")
    env = dict(os.environ, LAMPLIGHT_PLUGIN_DIR=str(tmp_path / "no-user-plugins"))
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "run", "tools.filter", "--input", "offices.gpkg",
                           "--expression", "industry * 10000000 == 'a'"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "'industry * 10000000' would make text of up to 70,000,000 characters per value" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert not (tmp_path / "output.gpkg").exists()


def test_the_filter_tool_takes_the_qgis_spelling(offices):
    context = Context(crs="EPSG:32649")
    python = run_algorithm("tools.filter", {"input": offices, "expression": 'price_m2 < 200 and industry == "tech"'},
                           context).outputs["output"]
    qgis = run_algorithm("tools.filter", {"input": offices, "expression": "\"price_m2\" < 200 AND \"industry\" = "
                                          "'tech' AND $area = 0"}, context).outputs["output"]
    expected = offices.gdf[(offices.gdf["price_m2"] < 200) & (offices.gdf["industry"] == "tech")]
    assert list(qgis.gdf["listing_id"]) == list(python.gdf["listing_id"]) == list(expected["listing_id"])
    assert len(expected) > 0
