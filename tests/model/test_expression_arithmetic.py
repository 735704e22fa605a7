"""Arithmetic in filter expressions that cannot be computed is an ExpressionError, never a crash or a hang."""

import re

import numpy as np
import pandas as pd
import pytest

from layers.expressions import ExpressionError, evaluate


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
