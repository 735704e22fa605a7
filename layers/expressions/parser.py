"""Turns tokens into a small tree, by precedence climbing, within the depth and size limits.

Precedence, loosest first (Python's order; ``||`` sits between comparisons and ``+`` as in SQL)::

    or  <  and  <  not  <  comparisons (== = != <> < <= > >= in, is, like, ilike; chained as in Python)
        <  ||  <  + -  <  * / // %  <  unary - +  <  ** ^ (right to left)

Recursion happens only where the text nests (brackets, unary operators, call arguments, the right side of a
power), and every recursive step counts one level against ``MAX_DEPTH``; the tree's own depth and its number
of parts are counted as nodes are made. So hostile text is refused before Python's stack or memory is at risk.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from layers.expressions.errors import MAX_DEPTH, MAX_NODES, ExpressionError, ExpressionLimitError
from layers.expressions.functions import FUNCTIONS, VARIABLES
from layers.expressions.lexer import END, FIELD, NAME, NUMBER, OP, QUOTED, TEXT, VARIABLE, Token, tokenize
from layers.i18n import QT_TRANSLATE_NOOP, translate

CONSTANTS = {"true": True, "false": False, "none": None, "null": None}
COMPARISONS = {"==": "==", "=": "==", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
ARITHMETIC = {"+", "-", "*", "/", "//", "%", "**", "^", "||"}
_KEYWORDS = {"and", "or", "not", "in", "is", "like", "ilike", *CONSTANTS}
_BINDING = {"or": 1, "and": 2, "||": 5, "+": 6, "-": 6, "*": 7, "/": 7, "//": 7, "%": 7, "**": 9, "^": 9}
_NOT, _COMPARE, _UNARY = 3, 4, 8
#: Python words a planner might try, and what to say about them.
_PYTHON_WORDS = {
    "for": QT_TRANSLATE_NOOP("expressions", "comprehensions are not allowed"),
    "lambda": QT_TRANSLATE_NOOP("expressions", "lambdas are not allowed"),
    "if": QT_TRANSLATE_NOOP("expressions", "'if ... else' is not allowed; use if(condition, value, otherwise)"),
    "else": QT_TRANSLATE_NOOP("expressions", "'else' is not allowed"),
    "import": QT_TRANSLATE_NOOP("expressions", "imports are not allowed"),
}


@dataclass(eq=False, slots=True)
class Node:
    start: int
    end: int
    depth: int = field(default=1, init=False)


@dataclass(eq=False, slots=True)
class Literal(Node):
    value: object


@dataclass(eq=False, slots=True)
class Field(Node):
    name: object  # the frame's column key (usually a str)


@dataclass(eq=False, slots=True)
class Variable(Node):
    name: str  # "$area", ...


@dataclass(eq=False, slots=True)
class Unary(Node):
    op: str  # "-", "+", "not"
    operand: Node


@dataclass(eq=False, slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False, slots=True)
class Logical(Node):
    op: str  # "and" / "or"
    values: list[Node]


@dataclass(eq=False, slots=True)
class Compare(Node):
    left: Node
    ops: list[str]  # "==", "!=", "<", ..., "in", "not in", "is", "is not", "like", "not ilike", ...
    comparators: list[Node]


@dataclass(eq=False, slots=True)
class Values(Node):
    """The list after ``in``: literal values only."""

    items: list[object]


@dataclass(eq=False, slots=True)
class Call(Node):
    name: str  # lower case, a key of FUNCTIONS
    args: list[Node]


def children(node: Node) -> list[Node]:
    if isinstance(node, Unary):
        return [node.operand]
    if isinstance(node, Binary):
        return [node.left, node.right]
    if isinstance(node, Logical):
        return node.values
    if isinstance(node, Compare):
        return [node.left, *node.comparators]
    if isinstance(node, Call):
        return node.args
    return []


class Parser:
    """Parses one expression. ``fields`` (the frame's columns) decide what a double-quoted word is: a field
    when a field has exactly that name (QGIS), text otherwise (Python); without fields it is always text."""

    def __init__(self, text: str, fields: list[object] | None) -> None:
        self.text = text
        self.fields = None if fields is None else {str(f): f for f in fields}
        self.tokens = tokenize(text)
        self.position = 0
        self.nodes = 0

    # -- helpers ----------------------------------------------------------------------------------------------
    def error(self, problem: str, column: int | None) -> ExpressionError:
        return ExpressionError(self.text, problem, column)

    @property
    def token(self) -> Token:
        return self.tokens[self.position]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def peek(self, offset: int) -> Token:
        return self.tokens[min(self.position + offset, len(self.tokens) - 1)]

    def word(self, offset: int = 0) -> str:
        """The keyword at the current token (plus ``offset``), lower case, or ""."""
        token = self.peek(offset)
        return token.value.lower() if token.kind == NAME and token.value.lower() in _KEYWORDS else ""

    def make(self, node: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionLimitError(self.text, translate("expressions", "has more than {limit:,} parts")
                                       .format(limit=MAX_NODES), "nodes", self.nodes, MAX_NODES, node.start)
        node.depth = 1 + max((child.depth for child in children(node)), default=0)
        if node.depth > MAX_DEPTH:
            raise ExpressionLimitError(self.text, translate("expressions", "nests operations more than {limit} "
                                                            "deep").format(limit=MAX_DEPTH),
                                       "depth", node.depth, MAX_DEPTH, node.start)
        return node

    def unexpected(self, token: Token) -> ExpressionError:
        if token.kind == END:
            return self.error(translate("expressions", "it ends too early"), None)
        hint = _PYTHON_WORDS.get(token.value) if token.kind == NAME else None
        if hint is not None:
            return self.error(translate("expressions", hint), token.start)
        return self.error(translate("expressions", "unexpected {token!r}").format(token=token.value), token.start)

    def expect(self, value: str) -> Token:
        if self.token.kind != OP or self.token.value != value:
            raise self.unexpected(self.token)
        return self.advance()

    # -- grammar ----------------------------------------------------------------------------------------------
    def parse(self) -> Node:
        if self.token.kind == END:
            raise self.error(translate("expressions", "the expression is empty"), None)
        tree = self.expression(0, 1)
        if self.token.kind != END:
            raise self.unexpected(self.token)
        return tree

    def postfix(self, tree: Node) -> ExpressionError:
        """What Python would read as an attribute, a subscript or a call right after ``tree``: all refused."""
        token = self.token
        if token.value == ".":
            name, after = self.peek(1), self.peek(2)
            segment = self.text[tree.start:name.end if name.kind == NAME else token.end]
            if name.kind == NAME and after.kind == OP and after.value == "(":
                return self.error(translate("expressions", "methods are not allowed: {segment!r}; use a "
                                            "function such as upper(field)").format(segment=segment), tree.start)
            return self.error(translate("expressions", "attribute lookups are not allowed: {segment!r}").format(
                segment=segment), tree.start)
        if token.value == "[":
            close = next(t for t in self.tokens[self.position:] if t.value == "]" or t.kind == END)
            return self.error(translate("expressions", "subscripts are not allowed: {segment!r}").format(
                segment=self.text[tree.start:close.end]), tree.start)
        return self.error(translate("expressions", "only the listed functions can be called: {segment!r}")
                          .format(segment=self.text[tree.start:token.start]), tree.start)

    def expression(self, min_binding: int, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise ExpressionLimitError(self.text, translate("expressions", "nests operations more than {limit} "
                                                            "deep").format(limit=MAX_DEPTH),
                                       "depth", depth, MAX_DEPTH, self.token.start)
        left = self.prefix(min_binding, depth)
        while True:
            token = self.token
            word = self.word()
            if word in ("and", "or"):
                binding = _BINDING[word]
                if binding <= min_binding:
                    return left
                left = self.logical(left, word, depth)
            elif self.comparison_ahead():
                if min_binding >= _COMPARE:
                    return left
                left = self.comparison(left, depth)
            elif token.kind == OP and token.value in _BINDING:
                binding = _BINDING[token.value]
                if binding <= min_binding:
                    return left
                self.advance()
                right = self.expression(binding - 1 if binding == _BINDING["**"] else binding, depth + 1)
                op = "**" if token.value == "^" else token.value
                left = self.make(Binary(left.start, right.end, op, left, right))
            elif token.kind == OP and token.value in (".", "[", "("):
                raise self.postfix(left)
            else:
                return left

    def logical(self, first: Node, word: str, depth: int) -> Node:
        values = [first]
        while self.word() == word:
            self.advance()
            values.append(self.expression(_BINDING[word], depth + 1))
        return self.make(Logical(first.start, values[-1].end, word, values))

    def comparison_ahead(self) -> bool:
        token = self.token
        if token.kind == OP:
            return token.value in COMPARISONS
        return self.word() in ("in", "is", "like", "ilike") or (
            self.word() == "not" and self.word(1) in ("in", "like", "ilike"))

    def comparison(self, left: Node, depth: int) -> Node:
        ops: list[str] = []
        comparators: list[Node] = []
        while self.comparison_ahead():
            token = self.advance()
            if token.kind == OP:
                op = COMPARISONS[token.value]
            elif token.value.lower() == "not":
                op = "not " + self.advance().value.lower()
            elif token.value.lower() == "is" and self.word() == "not":
                self.advance()
                op = "is not"
            else:
                op = token.value.lower()
            if op.endswith("in"):
                right = self.values(op, depth)
            else:
                right = self.expression(_COMPARE, depth + 1)
                if op.startswith("is") and not (isinstance(right, Literal) and right.value is None):
                    raise self.error(translate("expressions", "'is' is only allowed as 'is None' / 'IS NULL' "
                                               "or 'is not None' / 'IS NOT NULL'"), right.start)
            ops.append(op)
            comparators.append(right)
        return self.make(Compare(left.start, comparators[-1].end, left, ops, comparators))

    def values(self, op: str, depth: int) -> Node:
        """The literal list after ``in``: ``["a", "b"]`` or ``('a', 'b')``."""
        opening = self.token
        if opening.kind != OP or opening.value not in ("(", "["):
            wrong = self.expression(_COMPARE, depth + 1)
            raise self.error(translate("expressions", "'{op}' needs a list of values such as [\"a\", \"b\"] or "
                                       "('a', 'b'), got {segment!r}").format(
                op=op, segment=self.text[wrong.start:wrong.end]), wrong.start)
        self.advance()
        closing = "]" if opening.value == "[" else ")"
        items: list[object] = []
        while not (self.token.kind == OP and self.token.value == closing):
            element = self.expression(0, depth + 1)
            value = self.literal_value(element)
            if value is _NOT_LITERAL:
                raise self.error(translate("expressions", "lists may hold only literal values, not {segment!r}")
                                 .format(segment=self.text[element.start:element.end]), element.start)
            items.append(value)
            if not (self.token.kind == OP and self.token.value == ","):
                break
            self.advance()
        end = self.expect(closing)
        return self.make(Values(opening.start, end.end, items))

    @staticmethod
    def literal_value(node: Node) -> object:
        if isinstance(node, Literal):
            return node.value
        if (isinstance(node, Unary) and node.op in ("-", "+") and isinstance(node.operand, Literal)
                and isinstance(node.operand.value, int | float) and not isinstance(node.operand.value, bool)):
            return -node.operand.value if node.op == "-" else node.operand.value
        return _NOT_LITERAL

    def prefix(self, min_binding: int, depth: int) -> Node:
        token = self.token
        if self.word() == "not":
            if min_binding > _NOT:
                raise self.unexpected(token)
            self.advance()
            operand = self.expression(_NOT, depth + 1)
            return self.make(Unary(token.start, operand.end, "not", operand))
        if token.kind == OP and token.value in ("-", "+"):
            self.advance()
            operand = self.expression(_UNARY, depth + 1)
            return self.make(Unary(token.start, operand.end, token.value, operand))
        return self.primary(depth)

    def primary(self, depth: int) -> Node:
        token = self.advance()
        if token.kind == NUMBER:
            return self.make(Literal(token.start, token.end, self.number(token)))
        if token.kind == TEXT:
            return self.make(Literal(token.start, token.end, token.value))
        if token.kind == QUOTED:
            if self.fields is not None and token.value in self.fields:
                return self.make(Field(token.start, token.end, self.fields[token.value]))
            self.refuse_misspelt_field(token)
            return self.make(Literal(token.start, token.end, token.value))
        if token.kind == FIELD:
            return self.field(token)
        if token.kind == VARIABLE:
            if token.value.lower() not in VARIABLES:
                raise self.error(translate("expressions", "unknown variable {name!r}; known: {known}").format(
                    name=token.value, known=", ".join(sorted(VARIABLES))), token.start)
            return self.make(Variable(token.start, token.end, token.value.lower()))
        if token.kind == NAME:
            word = token.value.lower()
            if word in CONSTANTS:
                return self.make(Literal(token.start, token.end, CONSTANTS[word]))
            if word in _KEYWORDS:
                raise self.unexpected(token)
            if self.token.kind == OP and self.token.value == "(":
                return self.call(token, depth)
            return self.field(token)
        if token.kind == OP and token.value == "(":
            inner = self.expression(0, depth + 1)
            if self.token.kind == OP and self.token.value == ",":
                raise self.error(translate("expressions", "a list of values is only allowed after 'in'"),
                                 token.start)
            self.expect(")")
            inner.start, inner.end = token.start, self.tokens[self.position - 1].end
            return inner
        if token.kind == OP and token.value == "[":
            raise self.error(translate("expressions", "a list of values is only allowed after 'in'"), token.start)
        raise self.unexpected(token)

    def refuse_misspelt_field(self, token: Token) -> None:
        """A double-quoted word that nearly names a field is a QGIS field name with a typo, not text: taking it
        as text would silently match nothing (``"industri" = 'tech'``)."""
        if self.fields is None:
            return
        close = difflib.get_close_matches(token.value, list(self.fields), n=1, cutoff=0.8)
        if close:
            raise self.error(translate("expressions", "unknown field \"{name}\"; did you mean \"{field}\"? (write "
                                       "text in single quotes: '{name}')").format(name=token.value, field=close[0]),
                             token.start)

    def number(self, token: Token) -> int | float:
        digits = token.value.replace("_", "")
        try:
            if any(mark in digits for mark in ".eE"):
                return float(digits)
            value = int(digits)
        except ValueError:
            raise self.error(translate("expressions", "{token!r} is not a number").format(token=token.value),
                             token.start) from None
        # whole numbers past 64 bits are computed in floating point, as pandas columns are
        return value if abs(value) < 2**63 else float(value)

    def field(self, token: Token) -> Node:
        name = token.value
        if self.fields is None:
            return self.make(Field(token.start, token.end, name))
        if name not in self.fields:
            close = difflib.get_close_matches(name, list(self.fields), n=1)
            hint = (translate("expressions", "; did you mean '{name}'?").format(name=close[0]) if close else
                    translate("expressions", " (fields: {fields})").format(fields=", ".join(self.fields)))
            raise self.error(translate("expressions", "unknown field '{name}'").format(name=name) + hint,
                             token.start)
        return self.make(Field(token.start, token.end, self.fields[name]))

    def call(self, name: Token, depth: int) -> Node:
        function = name.value.lower()
        if function not in FUNCTIONS:
            raise self.error(translate("expressions", "function calls are not allowed: {name!r} (only {known} "
                                       "can be called)").format(name=name.value, known=", ".join(sorted(FUNCTIONS))),
                             name.start)
        self.expect("(")
        args: list[Node] = []
        while not (self.token.kind == OP and self.token.value == ")"):
            args.append(self.expression(0, depth + 1))
            if not (self.token.kind == OP and self.token.value == ","):
                break
            self.advance()
        end = self.expect(")")
        low, high = FUNCTIONS[function].arity
        if not low <= len(args) <= (high if high is not None else len(args)):
            expected = str(low) if low == high else (f"{low}-{high}" if high is not None else f"{low} or more")
            raise self.error(translate("expressions", "{name}() takes {expected} values, got {count}").format(
                name=function, expected=expected, count=len(args)), name.start)
        return self.make(Call(name.start, end.end, function, args))


_NOT_LITERAL = object()


def parse_tree(text: str, fields: list[object] | None) -> Node:
    """The checked tree of ``text`` (already stripped)."""
    return Parser(text, fields).parse()
