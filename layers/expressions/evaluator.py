"""Evaluates a parsed expression on whole columns at once, bounding every text it makes before making it.

Values are scalars or pandas Series over the frame's rows (on a fresh 0..n-1 index, so no operation can
align two columns into a cartesian product). Numbers go through pandas as vectors; text goes row by row, each
operation first estimating rows x bytes of its result from its operands (``name * 10000000`` is refused with
the size it would have had). Semantics follow Python row by row, except that a missing value never matches
``== < <= > >= in like`` (it does match ``!=``, as ``None != "tech"`` does).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from layers.expressions.errors import (
    MAX_COLUMN_BYTES,
    MAX_TEXT_LENGTH,
    MAX_TOTAL_TEXT_BYTES,
    STRING_OVERHEAD,
    ExpressionError,
    ExpressionLimitError,
)
from layers.expressions.functions import FUNCTIONS, VARIABLES
from layers.expressions.parser import (
    Binary,
    Call,
    Compare,
    Field,
    Literal,
    Logical,
    Node,
    Unary,
    Values,
    Variable,
)
from layers.expressions.text import TEXT, all_text, as_text, is_missing, is_text, like, longest, rowwise, text_length
from layers.i18n import translate

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
    "%": operator.mod, "**": operator.pow,
}


class Evaluator:
    """One evaluation of one expression over one frame."""

    def __init__(self, text: str, frame: pd.DataFrame) -> None:
        self.text = text
        self.frame = frame
        self.index = pd.RangeIndex(len(frame))
        self.text_bytes = 0  # all text made so far, against MAX_TOTAL_TEXT_BYTES

    # -- helpers the functions use too ------------------------------------------------------------------------
    def fail(self, node: Node, problem: str) -> ExpressionError:
        return ExpressionError(self.text, problem, node.start)

    def segment(self, node: Node) -> str:
        return self.text[node.start:node.end]

    def rows(self, values: list[Any]) -> int:
        return len(self.index) if any(isinstance(v, pd.Series) for v in values) else 1

    def column(self, value: Any) -> pd.Series:
        return value if isinstance(value, pd.Series) else pd.Series([value] * len(self.index), index=self.index)

    def kind(self, value: Any) -> str:
        if isinstance(value, pd.Series):
            name = value.name if value.name is not None else translate("expressions", "computed")
            if pd.api.types.is_bool_dtype(value.dtype):
                return translate("expressions", "true/false field '{name}'").format(name=name)
            if pd.api.types.is_numeric_dtype(value.dtype):
                return translate("expressions", "numeric field '{name}'").format(name=name)
            return translate("expressions", "text field '{name}'").format(name=name)
        return f"{type(value).__name__} {value!r}"[:80]

    def guard_text(self, node: Node, characters: int, rows: int) -> None:
        """Refuse text of up to ``characters`` per value on ``rows`` rows before it is made, if too big."""
        if characters > MAX_TEXT_LENGTH:
            raise ExpressionLimitError(self.text, translate(
                "expressions", "'{segment}' would make text of up to {characters:,} characters per value; at most "
                "{limit:,} are allowed").format(segment=_short(self.segment(node)), characters=characters,
                                                limit=MAX_TEXT_LENGTH),
                "text length", characters, MAX_TEXT_LENGTH, node.start)
        size = rows * (STRING_OVERHEAD + characters)
        if size > MAX_COLUMN_BYTES:
            raise ExpressionLimitError(self.text, translate(
                "expressions", "'{segment}' would make {rows:,} rows x {characters:,} characters = {size:,} MB of "
                "text; at most {limit:,} MB are allowed").format(
                segment=_short(self.segment(node)), rows=rows, characters=characters, size=size // 2**20,
                limit=MAX_COLUMN_BYTES // 2**20), "column bytes", size, MAX_COLUMN_BYTES, node.start)
        self.text_bytes += size
        if self.text_bytes > MAX_TOTAL_TEXT_BYTES:
            raise ExpressionLimitError(self.text, translate(
                "expressions", "would make {size:,} MB of text in all; at most {limit:,} MB are allowed").format(
                size=self.text_bytes // 2**20, limit=MAX_TOTAL_TEXT_BYTES // 2**20),
                "total text bytes", self.text_bytes, MAX_TOTAL_TEXT_BYTES, node.start)

    def geometry(self, node: Node) -> Any:
        """The frame's geometry column (GeoSeries), or a refusal naming the variable."""
        name = getattr(self.frame, "_geometry_column_name", None)
        if name is None or name not in self.frame.columns:
            raise self.fail(node, translate("expressions", "{variable} needs a layer with geometry").format(
                variable=self.segment(node)))
        return self.frame.geometry.reset_index(drop=True)

    def truth(self, value: Any, node: Node) -> Any:
        """Booleans for and/or/not/if: a true/false column (missing = false) or a boolean literal."""
        if isinstance(value, pd.Series):
            if _is_boolean_column(value):
                return _as_bool(value)
        elif isinstance(value, bool | np.bool_):
            return bool(value)
        raise self.fail(node, translate("expressions", "'{segment}' is not true/false; compare it with "
                                        "something").format(segment=self.segment(node)))

    # -- the tree -------------------------------------------------------------------------------------------------
    def value(self, node: Node) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Field):
            column = self.frame[node.name]
            if isinstance(column, pd.DataFrame):
                raise self.fail(node, translate("expressions", "the layer has several fields named '{name}'")
                                .format(name=node.name))
            return column.reset_index(drop=True)
        if isinstance(node, Variable):
            return VARIABLES[node.name](self, node)
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Binary):
            return self.arithmetic(node, self.value(node.left), self.value(node.right))
        if isinstance(node, Logical):
            return self.logical(node)
        if isinstance(node, Call):
            return FUNCTIONS[node.name].compute(self, node, [self.value(arg) for arg in node.args])
        if isinstance(node, Compare):
            return self.compare(node)
        raise self.fail(node, translate("expressions", "a list of values is only allowed after 'in'"))

    def unary(self, node: Unary) -> Any:
        operand = self.value(node.operand)
        if node.op == "not":
            truth = self.truth(operand, node.operand)
            return ~truth if isinstance(truth, pd.Series) else not truth
        function = operator.neg if node.op == "-" else operator.pos
        if is_text(operand):
            return self.apply(node, lambda v: rowwise(function, [v], self.index), (operand,))
        return self.apply(node, function, (operand,))

    def logical(self, node: Logical) -> Any:
        combine = operator.and_ if node.op == "and" else operator.or_
        result = self.truth(self.value(node.values[0]), node.values[0])
        for operand in node.values[1:]:
            result = combine(result, self.truth(self.value(operand), operand))
        return result

    def arithmetic(self, node: Binary, left: Any, right: Any) -> Any:
        if node.op == "||":  # SQL concatenation: a missing side gives a missing result
            self.guard_text(node, longest(left) + longest(right), self.rows([left, right]))
            return self.join(as_text(left), as_text(right))
        function = _ARITHMETIC[node.op]
        if node.op == "**":
            function = _power
            left, right = _floats(left), _floats(right)
        if is_text(left) or is_text(right):
            return self.text_arithmetic(node, function, left, right)
        return self.apply(node, function, (left, right))

    def text_arithmetic(self, node: Binary, function: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
        """Python's ``+`` and ``*`` on text (joining, repeating), row by row and bounded; other operators need
        numbers."""
        text_left, text_right = text_length(left), text_length(right)
        if text_left or text_right:
            if node.op == "+":
                self.guard_text(node, text_left + text_right, self.rows([left, right]))
                if all_text(left) and all_text(right):
                    return self.join(as_text(left), as_text(right))
            elif node.op == "*":
                repeated = (text_left * _repeat(right) if text_left else 0) + (
                    text_right * _repeat(left) if text_right else 0)
                self.guard_text(node, repeated, self.rows([left, right]))
            else:
                raise self.fail(node, translate("expressions", "'{op}' needs numbers, not text, in '{segment}'")
                                .format(op=node.op, segment=self.segment(node)))
        return self.apply(node, lambda a, b: rowwise(function, [a, b], self.index), (left, right))

    def join(self, left: str | pd.Series | None, right: str | pd.Series | None) -> Any:
        """Text joined row by row (both sides already text); missing on either side is missing."""
        if left is None or right is None:
            if isinstance(left, pd.Series) or isinstance(right, pd.Series):
                return pd.Series(pd.NA, index=self.index, dtype=TEXT)
            return None
        return left + right

    def compare(self, node: Compare) -> Any:
        left = self.value(node.left)
        result: Any = None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(right_node, Values):
                right: Any = right_node.items
                part = _membership(left, right, op == "not in")
            else:
                right = self.value(right_node)
                if op in ("is", "is not"):
                    missing = left.isna() if isinstance(left, pd.Series) else is_missing(left)
                    part = ~missing if op == "is not" else missing
                elif op.endswith("like"):
                    part = self.like(node, op, left, right)
                else:
                    part = self.apply(node, _COMPARE[op], (left, right))
                    if isinstance(part, pd.Series):
                        part = _as_bool(part)
            result = part if result is None else result & part
            left = right
        return result

    def like(self, node: Compare, op: str, left: Any, right: Any) -> Any:
        matched = like(left, right, ignore_case="ilike" in op, index=self.index)
        if not isinstance(matched, pd.Series):
            return False if matched is None else (not matched if op.startswith("not") else matched)
        hit = _as_bool(matched)
        return matched.notna().to_numpy() & ~hit if op.startswith("not") else hit

    def apply(self, node: Node, function: Callable[..., Any], operands: tuple[Any, ...]) -> Any:
        try:
            with np.errstate(all="ignore"):
                return function(*operands)
        except ArithmeticError as exc:
            raise self.fail(node, translate("expressions", "'{segment}' cannot be computed ({reason})").format(
                segment=self.segment(node), reason=exc)) from None
        except (TypeError, ValueError, NotImplementedError) as exc:  # pandas: "not implemented for bool dtypes"
            kinds = translate("expressions", " and ").join(self.kind(v) for v in operands)
            raise self.fail(node, translate("expressions", "cannot combine {kinds} in '{segment}' ({reason})")
                            .format(kinds=kinds, segment=self.segment(node), reason=exc)) from None


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _power(base: Any, exponent: Any) -> Any:
    """Powers in floating point: ``9 ** 9 ** 9`` overflows at once instead of building a huge whole number,
    and a negative base with a fractional exponent is not a (complex) number."""
    if isinstance(base, pd.Series) or isinstance(exponent, pd.Series):
        return base ** exponent
    return math.pow(base, exponent)


def _floats(value: Any) -> Any:
    if isinstance(value, pd.Series):
        if pd.api.types.is_bool_dtype(value.dtype) or pd.api.types.is_integer_dtype(value.dtype):
            return value.astype(float) if not isinstance(value.dtype, pd.api.extensions.ExtensionDtype) \
                else value.astype("Float64")
        return value
    if isinstance(value, bool | int | np.integer):
        return float(value)
    return value


def _repeat(value: Any) -> int:
    """How many times ``value`` could repeat a text at most (Python: ``"ab" * 3``)."""
    if isinstance(value, bool | int | np.integer):
        return max(int(value), 0)
    if not isinstance(value, pd.Series):
        return 0
    if pd.api.types.is_bool_dtype(value.dtype) or pd.api.types.is_integer_dtype(value.dtype):
        top = value.max()
        return 0 if is_missing(top) else max(int(top), 0)
    if value.dtype == object and not all_text(value):
        counts = [int(v) for v in value.to_numpy(dtype=object) if isinstance(v, bool | int | np.integer)]
        return max(max(counts, default=0), 0)
    return 0


def _is_boolean_column(series: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(series.dtype):
        return True
    return series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) in ("boolean", "empty")


def _as_bool(series: pd.Series) -> pd.Series:
    """True/false per row, a missing value counting as false."""
    if series.dtype == bool:
        return series
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.fillna(False).astype(bool)
    return pd.Series([False if is_missing(v) else bool(v) for v in series.to_numpy(dtype=object)],
                     index=series.index, dtype=bool)


def _membership(left: Any, options: list[Any], negate: bool) -> Any:
    if isinstance(left, pd.Series):
        present = left.notna()
        found = left.isin(options) & present
        return ~found & present if negate else found
    if is_missing(left):
        return False
    return (left not in options) if negate else (left in options)
