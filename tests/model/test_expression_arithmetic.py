"""Arithmetic in expressions: what cannot be computed is an ExpressionError, never a crash or a hang, and what
can agrees with pandas and with Python row by row on random expressions (hypothesis, derandomized)."""

import operator
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.expressions import ExpressionError, calculate, evaluate


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"floor": [0, 2, 30], "price": [100.0, np.nan, 300.0]})


@pytest.mark.parametrize(("expression", "problem"), [
    ("1 / 0 > 0", "'1 / 0' cannot be computed (division by zero)"),
    ("floor > 10 % 0", "'10 % 0' cannot be computed"),
    ("10.0 ** 400 > price", "'10.0 ** 400' cannot be computed"),
    ("9 ** 9 ** 9 > floor", "'9 ** 9 ** 9' cannot be computed"),  # Python's exact integer would take minutes
])
def test_arithmetic_that_cannot_be_computed_is_named(frame, expression, problem):
    with pytest.raises(ExpressionError, match=re.escape(problem)):
        evaluate(expression, frame)


def test_powers_of_whole_numbers_still_compare_as_python_does(frame):
    assert evaluate("floor < 2 ** 4", frame).tolist() == [True, True, False]  # 2 ** 4 = 16
    assert evaluate("price == 10 ** 2", frame).tolist() == [True, False, False]


def test_a_column_divided_by_zero_follows_ieee_like_pandas(frame):
    # pandas gives inf for x / 0 with x > 0 and NaN for 0 / 0; NaN never matches a comparison
    assert evaluate("floor / 0 > 1000", frame).tolist() == [False, True, True]


# -- properties: random expressions against references ----------------------------------------------------------

NUMBERS = pd.DataFrame({"a": [1.5, np.nan, -2.0, 0.0, 7.25, 3.0], "b": [0.0, 2.0, np.nan, -1.5, 4.0, 3.0],
                        "n": [3, 0, -1, 7, 12, 3]})
_LITERALS = st.sampled_from(["0", "1", "2", "3", "7", "0.5", "2.5", "10"])


def _arithmetic(depth: int) -> st.SearchStrategy[tuple]:
    """Trees of + - * / // % and unary minus over columns and literals, as nested tuples."""
    leaves = st.one_of(st.sampled_from(["a", "b", "n"]).map(lambda name: ("column", name)),
                       _LITERALS.map(lambda text: ("literal", text)))
    if depth == 0:
        return leaves
    sub = _arithmetic(depth - 1)
    return st.one_of(leaves, sub.map(lambda t: ("neg", t)),
                     st.tuples(st.just("op"), st.sampled_from(["+", "-", "*", "/", "//", "%"]), sub, sub))


def _render(tree: tuple) -> str:
    kind = tree[0]
    if kind in ("column", "literal"):
        return tree[1]
    if kind == "neg":
        return f"(-{_render(tree[1])})"
    return f"({_render(tree[2])} {tree[1]} {_render(tree[3])})"


_PYTHON_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
               "//": operator.floordiv, "%": operator.mod}


def _pandas_reference(tree: tuple):
    """The same tree computed directly: pandas on columns, Python on two plain numbers."""
    kind = tree[0]
    if kind == "column":
        return NUMBERS[tree[1]]
    if kind == "literal":
        return float(tree[1]) if "." in tree[1] else int(tree[1])
    if kind == "neg":
        return -_pandas_reference(tree[1])
    with np.errstate(all="ignore"):
        return _PYTHON_OPS[tree[1]](_pandas_reference(tree[2]), _pandas_reference(tree[3]))


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_arithmetic(4), st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), _LITERALS)
def test_arithmetic_agrees_with_pandas(tree, comparison, bound):
    expression = _render(tree)
    try:
        expected = _pandas_reference(tree)
    except ZeroDivisionError:  # two plain numbers: Python refuses, and so does the language
        with pytest.raises(ExpressionError, match="cannot be computed"):
            calculate(expression, NUMBERS)
        return
    got = calculate(expression, NUMBERS)
    expected = expected if isinstance(expected, pd.Series) else pd.Series([expected] * len(NUMBERS))
    assert np.array_equal(got.to_numpy(dtype=float), expected.to_numpy(dtype=float), equal_nan=True), expression
    with np.errstate(invalid="ignore"):
        mask = _PYTHON_OPS_COMPARE[comparison](expected.to_numpy(dtype=float), float(bound))
    assert evaluate(f"{expression} {comparison} {bound}", NUMBERS).tolist() == mask.tolist()


_PYTHON_OPS_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
                       "==": operator.eq, "!=": operator.ne}
_QGIS = {"==": "=", "!=": "<>", "and": "AND", "or": "OR", "not": "NOT", "a": '"a"', "b": '"b"', "n": '"n"'}


@st.composite
def _conditions(draw, depth: int = 2) -> list[str]:
    """Tokens of a Python condition with Python's own precedence left to the reader (few brackets)."""
    def term(level: int) -> list[str]:
        atom = draw(st.sampled_from(["a", "b", "n", "0", "1", "2", "2.5", "paren"] if level else
                                    ["a", "b", "n", "0", "1", "2.5"]))
        tokens = ["(", *sum_(level - 1), ")"] if atom == "paren" else [atom]
        return (["-"] if draw(st.booleans()) and draw(st.booleans()) else []) + tokens

    def sum_(level: int) -> list[str]:
        tokens = term(level)
        for _ in range(draw(st.integers(0, 2))):
            tokens += [draw(st.sampled_from(["+", "-", "*"])), *term(level)]
        return tokens

    def comparison() -> list[str]:
        tokens = sum_(depth)
        for _ in range(draw(st.integers(1, 2))):
            tokens += [draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="])), *sum_(depth)]
        return (["not"] if draw(st.booleans()) else []) + tokens

    tokens = comparison()
    for _ in range(draw(st.integers(0, 2))):
        tokens += [draw(st.sampled_from(["and", "or"])), *comparison()]
    return tokens


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_conditions())
def test_conditions_agree_with_python_row_by_row_in_both_spellings(tokens):
    """Precedence, chaining and and/or/not as Python reads them; the QGIS spelling of the same tokens agrees."""
    python = " ".join(tokens)
    reference = [bool(eval(python, {"__builtins__": {}}, row))  # noqa: S307 - the reference
                 for row in NUMBERS.to_dict("records")]
    assert evaluate(python, NUMBERS).tolist() == reference, python
    qgis = " ".join(_QGIS.get(token, token) for token in tokens)
    assert evaluate(qgis, NUMBERS).tolist() == reference, qgis
