"""A safe expression language for filtering features: ``price_m2 < 200 and industry == "finance"``.

Expressions are parsed with Python's ``ast`` and only a small whitelist is evaluated: field names, literals,
comparisons (``== != < <= > >=``, chained too), ``in`` / ``not in`` a list of literals, ``is None`` /
``is not None``, ``and`` / ``or`` / ``not``, and arithmetic (``+ - * / // % **``). There are no calls, no
attributes, no subscripts, no lambdas: nothing can run code. A field whose name is not an identifier is
written in backticks: ``\u0060floor area\u0060 > 100``. Evaluation is vectorised over a pandas DataFrame and
answers as Python would row by row, except that a missing value never matches ``== < <= > >=`` or ``in`` (it
does match ``!=``, as ``None != "tech"`` does). Arithmetic that cannot be computed (``1 / 0``, ``10.0 ** 400``) is an
``ExpressionError``; a power of two whole numbers is computed in floating point, so ``9 ** 9 ** 9`` overflows at
once instead of building a number with hundreds of millions of digits.

Example::

    mask = evaluate('price_m2 < 200 and industry in ["finance", "tech"]', offices.gdf)
    cheap = offices.gdf[mask]
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


class ExpressionError(ValueError):
    """The expression cannot be parsed or evaluated; the message names the offending token and its column."""

    def __init__(self, expression: str, problem: str, column: int | None = None) -> None:
        self.expression = expression
        self.problem = problem
        self.column = column
        where = f" (at column {column + 1})" if column is not None else ""
        super().__init__(f"expression {expression!r}: {problem}{where}")


_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
}
_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
}
_NODE_NAMES = {
    ast.Call: "function calls", ast.Attribute: "attribute lookups", ast.Subscript: "subscripts",
    ast.Lambda: "lambdas", ast.NamedExpr: "assignments", ast.IfExp: "if/else", ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions", ast.DictComp: "comprehensions", ast.GeneratorExp: "comprehensions",
    ast.Dict: "dictionaries", ast.JoinedStr: "f-strings", ast.Starred: "starred expressions",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slices",
}
_BACKTICK = re.compile(r"`([^`]+)`")
#: Placeholder letter for backticked names: a valid identifier character no one types in a field name.
_MARK = "\u01c2"


class _Source:
    """The expression as typed and as parsed (backticked names replaced by placeholders of the same length).

    ``ast`` reports UTF-8 byte offsets; ``span`` turns them into character positions of the typed text, so
    messages quote exactly what the planner wrote, Chinese field names included.
    """

    def __init__(self, expression: str) -> None:
        self.text = expression.strip()
        self.quoted: dict[str, str] = {}
        self.parsed = _BACKTICK.sub(self._placeholder, self.text)

    def _placeholder(self, match: re.Match[str]) -> str:
        token = _MARK + str(len(self.quoted))
        token += _MARK * max(0, len(match.group(0)) - len(token))
        self.quoted[token] = match.group(1)
        return token

    def name(self, identifier: str) -> str:
        return self.quoted.get(identifier, identifier)

    def column(self, byte_offset: int | None) -> int | None:
        if byte_offset is None:
            return None
        return len(self.parsed.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

    def segment(self, node: ast.AST) -> str:
        start = self.column(getattr(node, "col_offset", None))
        end = self.column(getattr(node, "end_col_offset", None))
        return self.text[start:end] if start is not None and end is not None else type(node).__name__


def parse(expression: str, fields: list[str] | pd.Index | None = None) -> ast.Expression:
    """Parse and check ``expression`` against the whitelist (and the known ``fields``, when given)."""
    return _parse(_Source(expression) if isinstance(expression, str) else None, expression, fields)


def _parse(source: _Source | None, expression: Any, fields: Any) -> ast.Expression:
    if source is None or not source.text:
        raise ExpressionError(str(expression), "the expression is empty")
    try:
        tree = ast.parse(source.parsed, mode="eval")
    except SyntaxError as exc:
        column = source.column(exc.offset - 1) if exc.offset else None
        rest = source.text[column:].split() if column is not None else []
        detail = f"unexpected {rest[0]!r}" if rest else "it ends too early"
        if rest and rest[0].startswith("=") and not rest[0].startswith("=="):
            detail += "; compare with '=='"
        raise ExpressionError(source.text, f"cannot be read: {detail}", column) from None
    _Checker(source, None if fields is None else [str(f) for f in fields]).visit(tree)
    return tree


_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.BinOp,
            ast.Compare, ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple, ast.Set, *_COMPARE, *_ARITHMETIC,
            ast.In, ast.NotIn, ast.Is, ast.IsNot)


class _Checker(ast.NodeVisitor):
    """Refuses every node outside the whitelist, naming the offending token."""

    def __init__(self, source: _Source, fields: list[str] | None) -> None:
        self.source = source
        self.fields = fields

    def refuse(self, node: ast.AST, problem: str) -> ExpressionError:
        return ExpressionError(self.source.text, problem, self.source.column(getattr(node, "col_offset", None)))

    def generic_visit(self, node: ast.AST) -> None:
        if not isinstance(node, _ALLOWED):
            what = _NODE_NAMES.get(type(node), type(node).__name__)
            token = self.source.segment(node.func if isinstance(node, ast.Call) else node)
            raise self.refuse(node, f"{what} are not allowed: {token!r}")
        super().generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not (node.value is None or isinstance(node.value, bool | int | float | str)):
            raise self.refuse(node, f"the literal {self.source.segment(node)!r} is not allowed")

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in _KEYWORD_CONSTANTS:
            return
        name = self.source.name(node.id)
        if self.fields is not None and name not in self.fields:
            close = difflib.get_close_matches(name, self.fields, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (fields: {', '.join(self.fields)})"
            raise self.refuse(node, f"unknown field '{name}'{hint}")

    def visit_Compare(self, node: ast.Compare) -> None:
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn) and not isinstance(right, ast.List | ast.Tuple | ast.Set):
                raise self.refuse(right, f"'in' needs a list of values such as [\"a\", \"b\"], got "
                                         f"{self.source.segment(right)!r}")
            if isinstance(op, ast.Is | ast.IsNot) and not (isinstance(right, ast.Constant) and right.value is None):
                raise self.refuse(right, "'is' is only allowed as 'is None' / 'is not None'")
        self.generic_visit(node)

    def visit_List(self, node: ast.List | ast.Tuple | ast.Set) -> None:
        for element in node.elts:
            literal = isinstance(element, ast.Constant) or (
                isinstance(element, ast.UnaryOp) and isinstance(element.operand, ast.Constant))
            if not literal:
                raise self.refuse(element, f"lists may hold only literal values, not "
                                           f"{self.source.segment(element)!r}")
        self.generic_visit(node)

    visit_Tuple = visit_List
    visit_Set = visit_List


_KEYWORD_CONSTANTS = {"True": True, "False": False, "None": None}


def evaluate(expression: str, frame: pd.DataFrame) -> np.ndarray:
    """A boolean array, one entry per row of ``frame``: True where ``expression`` holds."""
    source = _Source(expression) if isinstance(expression, str) else None
    tree = _parse(source, expression, list(frame.columns))
    result = _Evaluator(source, frame).value(tree.body)
    if not isinstance(result, pd.Series):
        if not _is_bool(result):
            raise ExpressionError(source.text, f"gives the value {result!r}, not true/false; add a comparison")
        return np.full(len(frame), bool(result))
    if not _is_boolean_column(result):
        raise ExpressionError(source.text, "gives numbers or text, not true/false; add a comparison such as '> 0'")
    return result.fillna(False).to_numpy(dtype=bool)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool | np.bool_)


def _is_whole(value: Any) -> bool:
    """A whole-number literal (not a column, not True/False)."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_boolean_column(series: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(series):
        return True
    return series.dtype == object and series.map(lambda v: v is None or _is_bool(v)).all()


class _Evaluator:
    """Evaluates a checked tree on whole columns at once."""

    def __init__(self, source: _Source, frame: pd.DataFrame) -> None:
        self.source = source
        self.frame = frame

    def fail(self, node: ast.AST, problem: str) -> ExpressionError:
        return ExpressionError(self.source.text, problem, self.source.column(getattr(node, "col_offset", None)))

    def value(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in _KEYWORD_CONSTANTS:
                return _KEYWORD_CONSTANTS[node.id]
            return self.frame[self.source.name(node.id)]
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return [self.value(element) for element in node.elts]
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BinOp):
            left, right = self.value(node.left), self.value(node.right)
            if isinstance(node.op, ast.Pow) and _is_whole(left) and _is_whole(right):
                left = float(left)
            return self.apply(node, _ARITHMETIC[type(node.op)], (left, right))
        if isinstance(node, ast.BoolOp):
            return self.boolean(node)
        return self.compare(node)

    def unary(self, node: ast.UnaryOp) -> Any:
        operand = self.value(node.operand)
        if isinstance(node.op, ast.Not):
            truth = self.truth(operand, node.operand)
            return ~truth if isinstance(truth, pd.Series) else not truth
        return self.apply(node, operator.neg if isinstance(node.op, ast.USub) else operator.pos, (operand,))

    def truth(self, value: Any, node: ast.AST) -> Any:
        """Booleans for and/or/not: a true/false column (missing = false) or a boolean literal."""
        if isinstance(value, pd.Series):
            if _is_boolean_column(value):
                return value.fillna(False).astype(bool)
        elif _is_bool(value):
            return bool(value)
        raise self.fail(node, f"'{self.source.segment(node)}' is not true/false; compare it with something")

    def boolean(self, node: ast.BoolOp) -> Any:
        combine = operator.and_ if isinstance(node.op, ast.And) else operator.or_
        result = self.truth(self.value(node.values[0]), node.values[0])
        for operand in node.values[1:]:
            result = combine(result, self.truth(self.value(operand), operand))
        return result

    def compare(self, node: ast.Compare) -> Any:
        left = self.value(node.left)
        result: Any = None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.value(right_node)
            if isinstance(op, ast.In | ast.NotIn):
                part = _membership(left, right, isinstance(op, ast.NotIn))
            elif isinstance(op, ast.Is | ast.IsNot):
                missing = left.isna() if isinstance(left, pd.Series) else left is None
                part = ~missing if isinstance(op, ast.IsNot) else missing
            else:
                part = self.apply(node, _COMPARE[type(op)], (left, right))
                if isinstance(part, pd.Series):
                    part = part.fillna(False).astype(bool)
            result = part if result is None else result & part
            left = right
        return result

    def apply(self, node: ast.AST, function: Callable[..., Any], operands: tuple[Any, ...]) -> Any:
        try:
            with np.errstate(all="ignore"):
                return function(*operands)
        except ArithmeticError as exc:
            raise self.fail(node, f"'{self.source.segment(node)}' cannot be computed ({exc})") from None
        except (TypeError, ValueError) as exc:
            kinds = " and ".join(_kind(v) for v in operands)
            raise self.fail(node, f"cannot combine {kinds} in '{self.source.segment(node)}' ({exc})") from None


def _membership(left: Any, options: list[Any], negate: bool) -> Any:
    if isinstance(left, pd.Series):
        found = left.isin(options) & left.notna()
        return ~found & left.notna() if negate else found
    return (left not in options) if negate else (left in options)


def _kind(value: Any) -> str:
    if isinstance(value, pd.Series):
        if pd.api.types.is_bool_dtype(value):
            return f"true/false field '{value.name}'"
        if pd.api.types.is_numeric_dtype(value):
            return f"numeric field '{value.name}'"
        return f"text field '{value.name}'"
    return f"{type(value).__name__} {value!r}"


__all__ = ["ExpressionError", "evaluate", "parse"]
