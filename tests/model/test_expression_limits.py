"""Hostile expressions are refused by a named limit before they cost memory or stack, and nothing but
ExpressionError ever leaves the evaluator (issue 14: "expressions can exhaust memory")."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layers.expressions import ExpressionError, ExpressionLimitError, calculate, evaluate, parse
from layers.expressions import evaluator as evaluator_module
from layers.expressions.errors import MAX_COLUMN_BYTES, MAX_DEPTH, MAX_LENGTH, MAX_NODES, MAX_TEXT_LENGTH

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"industry": ["finance", "tech", None, "retail"], "price": [1.0, np.nan, 3.0, 4.0],
                         "floor": [1, 2, 3, 4]})


# The strings from the issue, and their neighbours just under the length limit, which must hit the depth limit.
HOSTILE = [
    ("industry * 10000000 == 'a'", "text length", 7 * 10_000_000),  # "finance" is 7 characters
    ("-" * 100000 + "1", "length", 100_001),
    ("not " * 50000 + "True", "length", 200_004),
    ("1+" * 100000, "length", 200_000),
    ("-" * 4000 + "1", "depth", MAX_DEPTH + 1),
    ("not " * 1000 + "True", "depth", MAX_DEPTH + 1),
    ("1+" * 2000 + "1 > 0", "depth", MAX_DEPTH + 1),
    ("2**" * 1500 + "2 > 0", "depth", MAX_DEPTH + 1),
    ("(" * 2000 + "1" + ")" * 2000, "depth", MAX_DEPTH + 1),
    ("upper(" * 500 + "industry" + ")" * 500 + " == 'a'", "depth", MAX_DEPTH + 1),
    (" or ".join(["floor>1"] * 340), "nodes", MAX_NODES + 1),
    ("'ab' * 1000000000 == 'b'", "text length", 2 * 1_000_000_000),
    ("length(concat(industry * 10000, industry * 10000)) > 0", "text length", 2 * 7 * 10000),
    ("(industry * 9) * 9 * 9 * 9 * 9 * 9 == 'a'", "text length", 7 * 9**5),  # the first step past the limit
    ("industry || industry * 99999 = 'a'", "text length", 7 * 99999),
]


@pytest.mark.parametrize(("expression", "limit", "value"), HOSTILE, ids=[h[0][:30] for h in HOSTILE])
def test_hostile_expressions_are_refused_by_a_named_limit(frame, expression, limit, value):
    with pytest.raises(ExpressionLimitError) as caught:
        evaluate(expression, frame)
    error = caught.value
    assert error.limit == limit
    assert error.value == value
    assert error.value > error.maximum
    message = str(error)
    assert f"{error.maximum:,}" in message  # the message says what is allowed ...
    assert len(message) < 500  # ... without echoing 200,000 characters into a label


def test_the_length_limit_names_the_length_found(frame):
    with pytest.raises(ExpressionLimitError, match=f"is 100,001 characters long; at most {MAX_LENGTH:,}"):
        evaluate("-" * 100000 + "1", frame)


def test_text_refused_by_its_size_in_rows_times_bytes():
    # 20,000 rows x 35,000 characters: each value is under the per-value limit, the column is not
    frame = pd.DataFrame({"industry": ["finance"] * 20_000})
    with pytest.raises(ExpressionLimitError) as caught:
        calculate("industry * 5000", frame)
    assert caught.value.limit == "column bytes"
    assert caught.value.value >= 20_000 * 35_000 > MAX_COLUMN_BYTES
    assert "20,000 rows x 35,000 characters" in str(caught.value)


def test_all_text_made_by_one_evaluation_is_bounded(frame, monkeypatch):
    monkeypatch.setattr(evaluator_module, "MAX_TOTAL_TEXT_BYTES", 4 * (56 + 14))
    assert calculate("industry || industry", frame).tolist()[:2] == ["financefinance", "techtech"]
    with pytest.raises(ExpressionLimitError) as caught:
        calculate("(industry || industry) || industry", frame)
    assert caught.value.limit == "total text bytes"


def test_just_under_the_limits_still_works(frame):
    assert evaluate("-" * 98 + "price > 0", frame).tolist() == [True, False, True, True]  # 98 x "-" is "+"
    deep = "(" * 90 + "price" + ")" * 90 + " > 2"
    assert evaluate(deep, frame).tolist() == [False, False, True, True]
    long_text = calculate(f"industry * {MAX_TEXT_LENGTH // 7}", frame)
    assert long_text[0] == "finance" * (MAX_TEXT_LENGTH // 7)
    assert pd.isna(long_text[2])


def test_the_limits_are_checked_by_parse_alone():
    """The processing dialog and the command line check an expression before a run: same limits."""
    with pytest.raises(ExpressionLimitError):
        parse("1+" * 100000)
    with pytest.raises(ExpressionLimitError):
        parse("(" * 3000 + "1" + ")" * 3000, ["a"])


def test_under_a_memory_cap_the_estimate_refuses_before_any_allocation(tmp_path):
    """In a process limited to its current size + 400 MB, the issue's 45 GB expression is refused by the
    estimate (ExpressionLimitError), not by a MemoryError caught afterwards."""
    script = textwrap.dedent("""
        import json, resource
        import numpy as np, pandas as pd
        from layers.expressions import ExpressionError, ExpressionLimitError, evaluate
        rng = np.random.default_rng(0)
        frame = pd.DataFrame({"industry": rng.choice(["finance", "tech", "retail"], 100_000),
                              "price": rng.random(100_000)})
        size = int(next(l for l in open("/proc/self/status") if l.startswith("VmSize")).split()[1]) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size + 400 * 2**20, resource.RLIM_INFINITY))
        results = {}
        for text in ["industry * 10000000 == 'a'", "-" * 100000 + "1", "not " * 50000 + "True", "1+" * 100000,
                     "industry * 2000 == 'a'", "upper(industry) || industry * 1300 = 'x'"]:
            try:
                evaluate(text, frame)
                results[text[:20]] = "evaluated"
            except ExpressionLimitError as error:
                results[text[:20]] = error.limit
            except ExpressionError as error:
                results[text[:20]] = "other: " + str(error)[-80:]
        print(json.dumps(results))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    assert results == {"industry * 10000000 ": "text length", "-" * 20: "length", "not not not not not ": "length",
                       "1+" * 10: "length", "industry * 2000 == '": "column bytes",
                       "upper(industry) || i": "column bytes"}


# -- properties: any text, any tree -------------------------------------------------------------------------

SMALL = pd.DataFrame({"a": [1.5, np.nan, -2.0, 0.0], "n": [3, 0, -1, 7], "s": ["ab", None, "", "中文"],
                      "flag": [True, False, True, False], "行业": ["x", "y", "z", None]})

TOKENS = ["a", "n", "s", "flag", "行业", '"a"', '"s"', "`行业`", "'ab'", '"x"', "1", "0", "2.5", "1e308", "10",
          "99999999", "None", "NULL", "True", "(", ")", "[", "]", ",", "+", "-", "*", "/", "//", "%", "**", "^",
          "||", "==", "=", "!=", "<>", "<", "<=", ">", ">=", " and ", " or ", " not ", " AND ", " OR ", " NOT ",
          " in ", " IN ", " is ", " IS ", " LIKE ", " ILIKE ", "'%b%'", "'_'", "upper(", "length(", "concat(",
          "coalesce(", "round(", "to_int(", "to_real(", "to_string(", "if(", "abs(", "min(", "max(", "$area",
          "$x", "len(", ".", "__import__", "lambda", "'", '"', "`", "\\", "$", "@", ";", " "]


def _evaluated_or_refused(expression: str) -> None:
    for run in (evaluate, calculate):
        try:
            run(expression, SMALL)
        except ExpressionError as error:  # the only thing allowed to escape ...
            # ... and from a check that names the problem, not from the last-resort net for surprises
            assert not re.search(r"cannot be computed: \w+(Error|Exception)", str(error)), str(error)
            assert "too large or too deeply nested" not in str(error), str(error)


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25).map("".join))
def test_any_token_soup_gives_a_result_or_an_expression_error(expression):
    _evaluated_or_refused(expression)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode_text_gives_a_result_or_an_expression_error(expression):
    _evaluated_or_refused(expression)


def _trees(depth: int) -> st.SearchStrategy[str]:
    leaves = st.sampled_from(["a", "n", "s", "flag", "'ab'", "7", "0", "-3", "99999", "None", "2.5"])
    if depth == 0:
        return leaves
    sub = _trees(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "||", "==", "<", "<>", " and ",
                                        " or ", " LIKE "]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["-", "not ", "upper(", "length(", "to_int(", "round("]), sub).map(
            lambda t: f"{t[0]}{t[1]}" + (")" if t[0].endswith("(") else "")),
        st.tuples(sub, sub).map(lambda t: f"concat({t[0]}, {t[1]})"),
    )


@settings(max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees(4))
def test_random_trees_stay_within_a_small_memory_budget(expression):
    """Whatever the tree (text repeated by numbers included), evaluating it on a 4-row frame allocates little:
    measured with tracemalloc, which sees numpy and pandas buffers too."""
    tracemalloc.start()
    try:
        _evaluated_or_refused(expression)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20
