"""The functions and ``$`` variables a QGIS user expects in a field calculator, and nothing else.

Each function takes already computed values (scalars or columns over the frame's rows) and the evaluator,
which it uses to refuse wrong kinds of values and to bound the size of text it makes. A missing value (NULL)
gives a missing result, except in ``coalesce`` and ``concat``, which exist to replace it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from layers.expressions.text import NUMBER_WIDTH, as_text, is_missing, longest, rowwise
from layers.i18n import translate

if TYPE_CHECKING:
    from layers.expressions.evaluator import Evaluator
    from layers.expressions.parser import Call, Variable


@dataclass(frozen=True)
class Function:
    arity: tuple[int, int | None]  # fewest and most values (None: any number)
    compute: Callable[[Evaluator, Call, list[Any]], Any]


def _numbers(ev: Evaluator, node: Call, value: Any) -> Any:
    """``value`` as floats (a column) or a float (a scalar); refuses text."""
    if isinstance(value, pd.Series):
        if pd.api.types.is_numeric_dtype(value.dtype):
            return value.astype(float)
        try:
            return pd.to_numeric(value.where(value.notna(), None), errors="raise").astype(float)
        except (TypeError, ValueError):
            pass
    elif is_missing(value):
        return np.nan
    elif isinstance(value, int | float | np.number | bool):
        return float(value)
    raise ev.fail(node, translate("expressions", "{name}() needs numbers, got {kind}").format(
        name=node.name, kind=ev.kind(value)))


def _whole_literal(ev: Evaluator, node: Call, value: Any, low: int, high: int) -> int:
    if isinstance(value, int | np.integer) and not isinstance(value, bool) and low <= value <= high:
        return int(value)
    raise ev.fail(node, translate("expressions", "{name}() needs a whole number from {low} to {high} here, got "
                                  "{value}").format(name=node.name, low=low, high=high, value=ev.kind(value)))


def _round(ev: Evaluator, node: Call, args: list[Any]) -> Any:
    """Half away from zero, as QGIS and a calculator round (Python and numpy round half to even)."""
    digits = _whole_literal(ev, node, args[1], -15, 15) if len(args) > 1 else 0
    x = _numbers(ev, node, args[0])
    scale = 10.0 ** digits
    return np.sign(x) * np.floor(np.abs(x) * scale + 0.5) / scale


def _sqrt(x: Any) -> Any:
    """The square root; of a negative number it is missing (NaN), not a complex number."""
    if isinstance(x, pd.Series):
        return np.sqrt(x.where(x >= 0))
    return math.sqrt(x) if x >= 0 else np.nan


def _unary_number(function: Callable[[Any], Any]) -> Callable[[Evaluator, Call, list[Any]], Any]:
    def compute(ev: Evaluator, node: Call, args: list[Any]) -> Any:
        return function(_numbers(ev, node, args[0]))
    return compute


def _extreme(smallest: bool) -> Callable[[Evaluator, Call, list[Any]], Any]:
    """min(a, b, ...) / max(...) row by row, ignoring missing values (missing only when all are)."""
    def compute(ev: Evaluator, node: Call, args: list[Any]) -> Any:
        numbers = [_numbers(ev, node, value) for value in args]
        if not any(isinstance(v, pd.Series) for v in numbers):
            present = [v for v in numbers if not is_missing(v)]
            return (min(present) if smallest else max(present)) if present else None
        table = pd.concat([ev.column(v) for v in numbers], axis=1)
        return table.min(axis=1) if smallest else table.max(axis=1)
    return compute


def _coalesce(ev: Evaluator, node: Call, args: list[Any]) -> Any:
    if not any(isinstance(v, pd.Series) for v in args):
        return next((v for v in args if not is_missing(v)), None)
    ev.guard_text(node, max(longest(v) if v is not None else 0 for v in args), len(ev.index))
    result = ev.column(args[0]).astype(object)
    for value in args[1:]:
        result = result.where(result.notna(), ev.column(value).astype(object))
    return result.infer_objects()


def _if(ev: Evaluator, node: Call, args: list[Any]) -> Any:
    condition = ev.truth(args[0], node.args[0])
    if not isinstance(condition, pd.Series):
        return args[1] if condition else args[2]
    ev.guard_text(node, max(longest(args[1]), longest(args[2])), len(ev.index))
    chosen = ev.column(args[1]).astype(object).where(condition, ev.column(args[2]).astype(object))
    return chosen.infer_objects()


def _text_function(method: str) -> Callable[[Evaluator, Call, list[Any]], Any]:
    """A ``str`` method (upper, lower, strip) on text, vectorised; numbers are written as text first."""
    def compute(ev: Evaluator, node: Call, args: list[Any]) -> Any:
        ev.guard_text(node, longest(args[0]), ev.rows(args))
        text = as_text(args[0])
        if isinstance(text, pd.Series):
            return getattr(text.str, method)()
        return None if text is None else getattr(text, method)()
    return compute


def _length(ev: Evaluator, node: Call, args: list[Any]) -> Any:
    text = as_text(args[0])
    if not isinstance(text, pd.Series):
        return None if text is None else len(text)
    lengths = text.str.len()
    return lengths.astype(float) if lengths.isna().any() else lengths.astype("int64")


def _concat(ev: Evaluator, node: Call, args: list[Any]) -> Any:
    """Joins the values as text; unlike ``||`` a missing value counts as empty text (QGIS's concat)."""
    ev.guard_text(node, sum(longest(v) for v in args), ev.rows(args))
    result: Any = ""
    for value in args:
        text = as_text(value)
        result = result + (text.fillna("") if isinstance(text, pd.Series) else (text or ""))
    return result


def _converter(ev: Evaluator, node: Call, convert: Callable[[Any], Any], what: str) -> Callable[[Any], Any]:
    """``convert`` with a refusal that names the value it could not read, and the row."""
    def checked(value: Any) -> Any:
        try:
            return convert(value)
        except (TypeError, ValueError, OverflowError):
            raise ev.fail(node, translate("expressions", "{name}() cannot read {value!r} as {what}").format(
                name=node.name, value=value, what=what)) from None
    return checked


def _as_int(value: Any) -> int:
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            return int(float(text))  # "3.7" -> 3, like int(3.7)
    result = int(value)
    if not -2**63 <= result < 2**63:
        raise OverflowError(value)
    return result


def _to_int(ev: Evaluator, node: Call, args: list[Any]) -> Any:
    result = rowwise(_converter(ev, node, _as_int, translate("expressions", "a whole number")), args, ev.index)
    return result.astype("Int64") if isinstance(result, pd.Series) else result


def _to_real(ev: Evaluator, node: Call, args: list[Any]) -> Any:
    result = rowwise(_converter(ev, node, lambda v: float(v.strip() if isinstance(v, str) else v),
                                translate("expressions", "a number")), args, ev.index)
    return result.astype(float) if isinstance(result, pd.Series) else result


def _to_string(ev: Evaluator, node: Call, args: list[Any]) -> Any:
    ev.guard_text(node, max(longest(args[0]), NUMBER_WIDTH), ev.rows(args))
    return as_text(args[0])


FUNCTIONS: dict[str, Function] = {
    "abs": Function((1, 1), _unary_number(np.abs)),
    "round": Function((1, 2), _round),
    "sqrt": Function((1, 1), _unary_number(_sqrt)),
    "floor": Function((1, 1), _unary_number(np.floor)),
    "ceil": Function((1, 1), _unary_number(np.ceil)),
    "min": Function((1, None), _extreme(True)),
    "max": Function((1, None), _extreme(False)),
    "coalesce": Function((1, None), _coalesce),
    "if": Function((3, 3), _if),
    "upper": Function((1, 1), _text_function("upper")),
    "lower": Function((1, 1), _text_function("lower")),
    "trim": Function((1, 1), _text_function("strip")),
    "length": Function((1, 1), _length),
    "concat": Function((1, None), _concat),
    "to_int": Function((1, 1), _to_int),
    "to_real": Function((1, 1), _to_real),
    "to_string": Function((1, 1), _to_string),
}


# -- $ variables: the geometry of each row -----------------------------------------------------------------


def _measured(ev: Evaluator, node: Variable) -> Any:
    """The frame's geometries in metres: as they are in a projected CRS, else in their local UTM zone."""
    geometry = ev.geometry(node)
    if geometry.crs is not None and geometry.crs.is_geographic:
        return geometry.to_crs(geometry.estimate_utm_crs())
    return geometry


def _coordinate(axis: str) -> Callable[[Evaluator, Variable], Any]:
    """x or y of a point (of the centroid for other shapes and multipoints), in the layer's CRS as QGIS gives
    it; missing for a missing or empty geometry."""
    def compute(ev: Evaluator, node: Variable) -> Any:
        centroids = shapely.centroid(np.asarray(ev.geometry(node).array, dtype=object))
        values = shapely.get_x(centroids) if axis == "x" else shapely.get_y(centroids)
        return pd.Series(np.asarray(values, dtype=float), index=ev.index)
    return compute


def _size(ev: Evaluator, node: Variable, attribute: str) -> Any:
    measured = _measured(ev, node)
    values = np.array(getattr(measured, attribute), dtype=float)
    values[np.asarray(measured.isna() | measured.is_empty)] = np.nan
    return pd.Series(values, index=ev.index)


VARIABLES: dict[str, Callable[[Evaluator, Variable], Any]] = {
    "$area": lambda ev, node: _size(ev, node, "area"),
    "$length": lambda ev, node: _size(ev, node, "length"),
    "$x": _coordinate("x"),
    "$y": _coordinate("y"),
}
