"""Text values of the expression language: sizes known before computing, missing values kept, LIKE matching.

A value is either a scalar or a pandas Series over the frame's rows. Text columns are pandas' nullable string
dtype (``TEXT``), so joining, upper-casing and measuring are vectorised and a missing value stays missing.
The evaluator sizes every text it would make from ``longest`` / ``text_length`` before making it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

#: Characters a number or a true/false value takes at most when written as text (``-1.2345678901234567e-308``).
NUMBER_WIDTH = 32
#: The dtype of computed text: missing is pd.NA, comparisons give nullable booleans (same in pandas 2 and 3).
TEXT = pd.StringDtype("python")


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and value != value


def is_text(value: Any) -> bool:
    """A text scalar or a column that may hold text (pandas keeps text in object or string columns)."""
    if isinstance(value, pd.Series):
        return value.dtype == object or pd.api.types.is_string_dtype(value.dtype)
    return isinstance(value, str)


def _only_text(series: pd.Series) -> bool:
    return series.dtype != object or pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")


def all_text(value: Any) -> bool:
    """A text scalar, or a column whose present values are all text (so pandas can join them at once)."""
    if isinstance(value, pd.Series):
        return is_text(value) and _only_text(value)
    return isinstance(value, str)


def text_length(value: Any) -> int:
    """Characters of the longest text in ``value`` (0 when it holds none)."""
    if isinstance(value, str):
        return len(value)
    if not (isinstance(value, pd.Series) and is_text(value)):
        return 0
    if _only_text(value):
        lengths = (value if value.dtype != object else value.astype(TEXT)).str.len()
        return int(lengths.max()) if lengths.notna().any() else 0
    return max((len(v) for v in value.to_numpy(dtype=object) if isinstance(v, str)), default=0)


def longest(value: Any) -> int:
    """Characters of the longest value of ``value`` written as text (numbers count ``NUMBER_WIDTH``)."""
    if isinstance(value, pd.Series) and is_text(value) and not _only_text(value):
        return max(text_length(value), NUMBER_WIDTH)
    if isinstance(value, pd.Series) and is_text(value) or isinstance(value, str):
        return text_length(value)
    return 0 if is_missing(value) else NUMBER_WIDTH


def to_text(value: Any) -> str | None:
    """One value as text, as Python's ``str`` writes it; missing stays missing."""
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    return value if isinstance(value, str) else str(value)


def as_text(value: Any) -> Any:
    """``value`` as text: a TEXT column or a str / None scalar."""
    if isinstance(value, pd.Series):
        if value.dtype == object and not _only_text(value):
            return value.map(to_text).astype(TEXT)
        return value.astype(TEXT)
    return to_text(value)


def rowwise(function: Callable[..., Any], values: list[Any], index: pd.Index) -> Any:
    """``function`` applied row by row to scalars and columns; a missing input gives a missing output."""
    if not any(isinstance(v, pd.Series) for v in values):
        return None if any(is_missing(v) for v in values) else function(*values)
    columns = [v.to_numpy(dtype=object) if isinstance(v, pd.Series) else [v] * len(index) for v in values]
    out = [None if any(is_missing(v) for v in row) else function(*row) for row in zip(*columns, strict=True)]
    return pd.Series(out, index=index, dtype=object).infer_objects()


class LikePattern:
    """A SQL LIKE pattern (``%`` any run, ``_`` one character, ``\\%`` and ``\\_`` themselves) matched without
    backtracking: the pieces between ``%`` have a fixed length, so the leftmost place of each is the right one."""

    def __init__(self, pattern: str, ignore_case: bool) -> None:
        self.flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
        pieces: list[list[str]] = [[]]
        literal: list[list[str] | None] = [[]]  # the piece's plain text while it has no '_'
        position = 0
        while position < len(pattern):
            char = pattern[position]
            position += 1
            if char == "%":
                pieces.append([])
                literal.append([])
                continue
            if char == "_":
                pieces[-1].append(".")
                literal[-1] = None
                continue
            if char == "\\" and position < len(pattern) and pattern[position] in "%_\\":
                char = pattern[position]
                position += 1
            pieces[-1].append(re.escape(char))
            if literal[-1] is not None:
                literal[-1].append(char)
        self.pieces = [(re.compile("".join(piece), self.flags), len(piece)) for piece in pieces]
        self.plain = [None if chars is None else "".join(chars) for chars in literal]
        #: The whole pattern as one regular expression, used only with at most two '%': ``.*x.*`` cannot
        #: backtrack more than linearly, three or more pieces could (then ``matches`` goes row by row).
        self.regex = ".*".join("".join(piece) for piece in pieces) if len(pieces) <= 3 else None

    def matches(self, text: str) -> bool:
        (first, first_length), *middle = self.pieces
        if not middle:
            return len(text) == first_length and first.fullmatch(text) is not None
        if first.match(text) is None:
            return False
        last, last_length = middle.pop()
        position, end = first_length, len(text) - last_length
        for piece, length in middle:
            found = piece.search(text, position, end)
            if found is None:
                return False
            position = found.start() + length
        return position <= end and last.fullmatch(text, end) is not None

    def vectorised(self, text: pd.Series) -> pd.Series | None:
        """The common shapes with pandas' string methods (``abc``, ``abc%``, ``%abc``, ``%abc%`` as plain
        text, other patterns with at most two '%' as one regular expression), else None."""
        plain = self.plain
        if self.flags & re.IGNORECASE or any(piece is None for piece in plain):
            if self.regex is None:
                return None
            return text.str.fullmatch(self.regex, case=not self.flags & re.IGNORECASE, flags=re.DOTALL)
        if len(plain) == 1:
            return text == plain[0]
        if len(plain) == 2 and not plain[1]:
            return text.str.startswith(plain[0])
        if len(plain) == 2 and not plain[0]:
            return text.str.endswith(plain[1])
        if len(plain) == 3 and not plain[0] and not plain[2]:
            return text.str.contains(plain[1], regex=False)
        return None


def like(values: Any, pattern: Any, ignore_case: bool, index: pd.Index) -> Any:
    """True where the text of ``values`` matches ``pattern``; missing on either side is missing."""
    values, pattern = as_text(values), as_text(pattern)
    if isinstance(pattern, str):
        compiled = LikePattern(pattern, ignore_case)
        if isinstance(values, pd.Series):
            fast = compiled.vectorised(values)
            if fast is not None:
                return fast
        return rowwise(compiled.matches, [values], index)
    cache: dict[str, LikePattern] = {}

    def match(text: str, text_pattern: str) -> bool:
        if text_pattern not in cache:
            cache[text_pattern] = LikePattern(text_pattern, ignore_case)
        return cache[text_pattern].matches(text)

    return rowwise(match, [values, pattern], index)
