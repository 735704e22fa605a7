"""A safe, bounded expression language for filters and the field calculator, in Python or QGIS spelling.

``price_m2 < 200 and industry == "finance"`` and ``"price_m2" < 200 AND "industry" = 'finance'`` mean the
same. The language has field names, literals, comparisons (``== = != <> < <= > >=``, chained as in Python),
``in`` / ``not in`` a list of literals (``[...]`` or ``(...)``), ``is None`` / ``IS NULL`` / ``is not None`` /
``IS NOT NULL``, ``LIKE`` / ``ILIKE`` with ``%`` and ``_``, ``and`` / ``or`` / ``not`` (any case), arithmetic
(``+ - * / // % **``, ``^`` for power), ``||`` to join text, the functions in ``functions.FUNCTIONS`` (``round``,
``abs``, ``coalesce``, ``upper``, ``length``, ``concat``, ``to_int``, ``if``, ...) and, on layers with
geometry, ``$area``, ``$length`` (metres; geographic layers are measured in their UTM zone), ``$x``, ``$y``.
There are no attributes, subscripts, methods or other calls: nothing can run code.

Names: a bare field name is any identifier (Chinese included); any name can be written in backticks
(``\u0060floor area\u0060``). A double-quoted word is a field when the layer has a field of exactly that name
(QGIS), otherwise it is text (Python), unless it nearly names a field (``"industri"``), which is refused as a
misspelt field rather than silently matching nothing; single quotes are always text.

Evaluation is vectorised over a pandas DataFrame and answers as Python would row by row, except that a
missing value never matches ``== < <= > >= in like`` (it does match ``!=``, as ``None != "tech"`` does), and
``||`` / functions give a missing result for a missing input (``coalesce`` and ``concat`` replace it). Powers are
computed in floating point, so ``9 ** 9 ** 9`` overflows at once.

Hostile text is refused before it can cost anything: the length, the nesting and the number of parts are
checked while reading it, and every text an operation would make is sized (rows x bytes) before it is made
(see ``errors`` for the limits). Only ``ExpressionError`` leaves this package.

Example::

    mask = evaluate('price_m2 < 200 and industry in ["finance", "tech"]', offices.gdf)
    cheap = offices.gdf[mask]
    offices.gdf["rent"] = calculate('round("price_m2" * $area, 0)', offices.gdf, kind="real")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from layers.expressions.errors import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    MAX_TEXT_LENGTH,
    ExpressionError,
    ExpressionLimitError,
)
from layers.expressions.evaluator import Evaluator
from layers.expressions.functions import FUNCTIONS
from layers.expressions.parser import Call, Node, parse_tree
from layers.i18n import translate

Kind = Literal["integer", "real", "text", "boolean"]
T = TypeVar("T")


def parse(expression: str, fields: list[str] | pd.Index | None = None) -> Node:
    """Read and check ``expression`` (and its field names against ``fields``, when given)."""
    text = _text(expression)
    return _guarded(text, lambda: parse_tree(text, None if fields is None else list(fields)))


def evaluate(expression: str, frame: pd.DataFrame) -> np.ndarray:
    """A boolean array, one entry per row of ``frame``: True where ``expression`` holds."""
    text = _text(expression)
    return _guarded(text, lambda: _mask(text, frame))


def calculate(expression: str, frame: pd.DataFrame, kind: Kind | None = None) -> pd.Series:
    """The value of ``expression`` for every row of ``frame`` (a new column, on the frame's index).

    Without ``kind`` the column's dtype is what the expression gives (bool, int64, float64, a text dtype);
    ``kind`` converts it and refuses values that do not fit, naming the first one: ``integer`` gives pandas'
    nullable Int64, ``real`` float64, ``text`` pandas' nullable string, ``boolean`` bool (missing = False).
    """
    text = _text(expression)
    return _guarded(text, lambda: _column(text, frame, kind))


def _text(expression: Any) -> str:
    if not isinstance(expression, str):
        raise ExpressionError(str(expression)[:200], translate("expressions", "an expression must be text"))
    return expression.strip()


def _guarded(text: str, work: Callable[[], T]) -> T:
    """Run ``work``; whatever it raises leaves as an ExpressionError naming the expression."""
    try:
        return work()
    except ExpressionError:
        raise
    except (RecursionError, MemoryError):
        raise ExpressionError(text, translate("expressions", "is too large or too deeply nested to compute "
                                              "here")) from None
    except Exception as exc:  # noqa: BLE001 - the promise: a bad expression never escapes as anything else
        raise ExpressionError(text, translate("expressions", "cannot be computed: {reason}").format(
            reason=f"{type(exc).__name__}: {exc}"[:300])) from exc


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _mask(text: str, frame: pd.DataFrame) -> np.ndarray:
    tree = parse_tree(text, list(frame.columns))
    evaluator = Evaluator(text, frame)
    result = evaluator.value(tree)
    if not isinstance(result, pd.Series):
        if not isinstance(result, bool | np.bool_):
            raise ExpressionError(text, translate("expressions", "gives the value {value!r}, not true/false; add a "
                                                  "comparison").format(value=_short(repr(result))))
        return np.full(len(frame), bool(result))
    try:
        truth = evaluator.truth(result, tree)
    except ExpressionError:
        raise ExpressionError(text, translate("expressions", "gives numbers or text, not true/false; add a "
                                              "comparison such as '> 0'")) from None
    return truth.to_numpy(dtype=bool)


def _column(text: str, frame: pd.DataFrame, kind: Kind | None) -> pd.Series:
    tree = parse_tree(text, list(frame.columns))
    evaluator = Evaluator(text, frame)
    result = evaluator.value(tree)
    if not isinstance(result, pd.Series):
        if isinstance(result, str):
            evaluator.guard_text(tree, len(result), len(frame))
        result = pd.Series([result] * len(frame), dtype=object if result is None else None)
    column = _convert(evaluator, tree, result, kind) if kind is not None else result
    return column.set_axis(frame.index)


_CONVERTERS = {"integer": "to_int", "real": "to_real", "text": "to_string"}


def _convert(evaluator: Evaluator, tree: Node, column: pd.Series, kind: Kind) -> pd.Series:
    if kind == "boolean":
        return evaluator.truth(column, tree)
    if kind not in _CONVERTERS:
        raise ExpressionError(evaluator.text, translate("expressions", "unknown kind of column {kind!r}; one of "
                                                        "integer, real, text, boolean").format(kind=kind))
    name = _CONVERTERS[kind]
    call = Call(tree.start, tree.end, name, [tree])
    if kind == "integer" and pd.api.types.is_float_dtype(column.dtype):
        fractional = column[column.map(lambda v: bool(np.isfinite(v)) and v != int(v))]
        if len(fractional):
            raise ExpressionError(evaluator.text, translate("expressions", "gives {value!r} (row {row}), not a whole "
                                                            "number; use round() or to_int()").format(
                value=float(fractional.iloc[0]), row=int(fractional.index[0]) + 1))
    return FUNCTIONS[name].compute(evaluator, call, [column])


__all__ = ["MAX_DEPTH", "MAX_LENGTH", "MAX_NODES", "MAX_TEXT_LENGTH", "ExpressionError", "ExpressionLimitError",
           "Kind", "calculate", "evaluate", "parse"]
