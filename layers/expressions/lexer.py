"""Splits an expression into tokens, refusing over-long text and over-deep brackets before anything is parsed.

Both spellings a planner may know are read: Python's (``"text"``, ``==``, ``and``) and QGIS's (``'text'``,
``"field name"``, ``=``, ``<>``, ``AND``, ``||``, ``$area``). Whether a double-quoted word is a field or text
is decided by the parser, which knows the fields. Scanning is one pass, linear in the length, with no regular
expression that can backtrack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layers.expressions.errors import MAX_DEPTH, MAX_LENGTH, ExpressionError, ExpressionLimitError
from layers.i18n import translate

#: Token kinds.
NUMBER, TEXT, QUOTED, FIELD, NAME, VARIABLE, OP, END = (
    "number", "text", "quoted", "field", "name", "variable", "op", "end")

_NUMBER = re.compile(r"(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[^\W\d]\w*")
_OPERATORS = ("**", "//", "==", "!=", "<>", "<=", ">=", "||", "+", "-", "*", "/", "%", "^", "<", ">", "=",
              "(", ")", "[", "]", ",", ".")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}
_OPENING = {"(": ")", "[": "]"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    value: str
    start: int  # character offsets in the expression as typed (stripped)
    end: int


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (already stripped), ending with an END token."""
    if len(text) > MAX_LENGTH:
        raise ExpressionLimitError(text, translate("expressions", "is {length:,} characters long; at most {limit:,} "
                                                   "are allowed").format(length=len(text), limit=MAX_LENGTH),
                                   "length", len(text), MAX_LENGTH)
    tokens: list[Token] = []
    open_brackets: list[Token] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        token = _next_token(text, position)
        if token.value in _OPENING and token.kind == OP:
            open_brackets.append(token)
            if len(open_brackets) > MAX_DEPTH:
                raise ExpressionLimitError(text, translate("expressions", "nests brackets more than {limit} deep")
                                           .format(limit=MAX_DEPTH), "depth", len(open_brackets), MAX_DEPTH,
                                           token.start)
        elif token.kind == OP and token.value in (")", "]"):
            if not open_brackets or _OPENING[open_brackets[-1].value] != token.value:
                raise ExpressionError(text, translate("expressions", "unexpected {token!r}").format(
                    token=token.value), token.start)
            open_brackets.pop()
        tokens.append(token)
        position = token.end
    if open_brackets:
        bracket = open_brackets[-1]
        raise ExpressionError(text, translate("expressions", "the bracket {bracket!r} is not closed").format(
            bracket=bracket.value), bracket.start)
    tokens.append(Token(END, "", len(text), len(text)))
    return tokens


def _next_token(text: str, position: int) -> Token:
    char = text[position]
    if char in "'\"":
        value, end = _quoted(text, position)
        return Token(TEXT if char == "'" else QUOTED, value, position, end)
    if char == "`":
        end = text.find("`", position + 1)
        if end < 0:
            raise ExpressionError(text, translate("expressions", "the field name in backticks is not closed"),
                                  position)
        if end == position + 1:
            raise ExpressionError(text, translate("expressions", "empty field name ``"), position)
        return Token(FIELD, text[position + 1:end], position, end + 1)
    if char == "$":
        match = _NAME.match(text, position + 1)
        if match is None:
            raise ExpressionError(text, translate("expressions", "unexpected '$'"), position)
        return Token(VARIABLE, "$" + match.group(0), position, match.end())
    match = _NUMBER.match(text, position)
    if match is not None:
        return Token(NUMBER, match.group(0), position, match.end())
    match = _NAME.match(text, position)
    if match is not None:
        return Token(NAME, match.group(0), position, match.end())
    for operator in _OPERATORS:
        if text.startswith(operator, position):
            return Token(OP, operator, position, position + len(operator))
    raise ExpressionError(text, translate("expressions", "unexpected {char!r}").format(char=char), position)


def _quoted(text: str, start: int) -> tuple[str, int]:
    """Text between quotes: a doubled quote (SQL) or a backslash escape (Python) stands for the quote itself."""
    quote = text[start]
    parts: list[str] = []
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            escaped = text[position + 1]
            parts.append(_ESCAPES.get(escaped, "\\" + escaped))
            position += 2
        elif char == quote:
            if text.startswith(quote, position + 1):
                parts.append(quote)
                position += 2
            else:
                return "".join(parts), position + 1
        else:
            parts.append(char)
            position += 1
    raise ExpressionError(text, translate("expressions", "the text starting with {quote} is not closed").format(
        quote=quote), start)
