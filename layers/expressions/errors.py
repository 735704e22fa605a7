"""The one error type the expression language raises, and the limits that keep hostile text harmless.

A filter typed into the attribute table or read from a shared project must never exhaust memory, recurse
until Python gives up or hang the workbench. Every limit below counts work (characters, nesting, parts,
bytes), never seconds, and a refusal names the limit and the value found.
"""

from __future__ import annotations

from layers.errors import LamplightError
from layers.i18n import translate

#: Characters in one expression. A long hand-written filter is a few hundred.
MAX_LENGTH = 5_000
#: Nesting of brackets, operators and function calls (also what bounds the parser's and evaluator's recursion).
MAX_DEPTH = 100
#: Parts (fields, values, operators, calls) in one expression.
MAX_NODES = 1_000
#: Characters in one computed text value (``name * 3``, ``a || b``, ``concat(...)``).
MAX_TEXT_LENGTH = 100_000
#: Bytes of one computed text column, estimated as rows x (Python's per-string overhead + longest value).
MAX_COLUMN_BYTES = 512 * 2**20
#: Bytes of all text computed by one evaluation together.
MAX_TOTAL_TEXT_BYTES = 4 * MAX_COLUMN_BYTES
#: What one Python ``str`` in a pandas column costs beyond its characters (CPython 3.11: 49 bytes, rounded up).
STRING_OVERHEAD = 56


class ExpressionError(LamplightError, ValueError):
    """The expression cannot be parsed or evaluated; the message names the offending token and its column."""

    def __init__(self, expression: str, problem: str, column: int | None = None) -> None:
        self.expression = expression
        self.problem = problem
        self.column = column
        shown = expression if len(expression) <= 80 else expression[:77] + "..."  # a label, not a dump
        where = (translate("ExpressionError", " (at column {column})").format(column=column + 1)
                 if column is not None else "")
        super().__init__(translate("ExpressionError", "expression {expression}: {problem}{where}").format(
            expression=repr(shown), problem=problem, where=where))


class ExpressionLimitError(ExpressionError):
    """The expression is refused before it is parsed or computed because it exceeds one of the limits above."""

    def __init__(self, expression: str, problem: str, limit: str, value: int, maximum: int,
                 column: int | None = None) -> None:
        self.limit = limit
        self.value = value
        self.maximum = maximum
        super().__init__(expression, problem, column)
