"""An OData ``$filter`` compiler: text → a predicate over Graph entities (plain dicts).

Supports what Graph clients actually send: ``eq ne gt ge lt le``, ``and or not``,
parentheses, ``in (...)``, nested paths with ``/``, string/number/bool/null/datetime
literals, ``contains startswith endswith tolower toupper trim length``, and ``any``/``all``
lambdas over collections.  String comparisons ignore case, as Exchange and Entra ID do.
Compiling to closures once keeps filtering 30,000 messages fast.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from typing import Any

Getter = Callable[[Any, dict[str, Any]], Any]

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_@$][\w@.$]*)
  | (?P<punct>[(),:/])
""", re.VERBOSE)
_COMPARISONS = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "ge": operator.ge,
                "lt": operator.lt, "le": operator.le}
_MISSING = object()


class FilterError(ValueError):
    """The filter text is not valid OData (Graph answers 400 BadRequest)."""


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise FilterError(f"Syntax error at position {pos} in '{text}'.")
        pos = match.end()
        if match.lastgroup != "space":
            tokens.append((match.lastgroup or "", match.group()))
    return tokens


def parse_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, dt.datetime) or isinstance(right, dt.datetime):
        left, right = parse_datetime(left), parse_datetime(right)
    if left is None or right is None:
        return (left is right) if op == "eq" else (left is not right) if op == "ne" else False
    try:
        return bool(_COMPARISONS[op](_fold(left), _fold(right)))
    except TypeError:
        return op == "ne"


def resolve(value: Any, segments: tuple[str, ...]) -> Any:
    for segment in segments:
        if not isinstance(value, dict):
            return None
        found = value.get(segment, _MISSING)
        if found is _MISSING:  # Graph property names are case-insensitive in queries
            lowered = segment.lower()
            found = next((v for k, v in value.items() if k.lower() == lowered), None)
        value = found
    return value


def _string_function(fn: Callable[[str, str], bool]) -> Callable[..., bool]:
    def call(a: Any, b: Any) -> bool:
        return isinstance(a, str) and isinstance(b, str) and fn(a.casefold(), b.casefold())
    return call


_FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "contains": (2, _string_function(lambda a, b: b in a)),
    "startswith": (2, _string_function(str.startswith)),
    "endswith": (2, _string_function(str.endswith)),
    "tolower": (1, lambda a: a.lower() if isinstance(a, str) else None),
    "toupper": (1, lambda a: a.upper() if isinstance(a, str) else None),
    "trim": (1, lambda a: a.strip() if isinstance(a, str) else None),
    "length": (1, lambda a: len(a) if isinstance(a, (str, list)) else None),
}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.variables: list[str] = []

    # --- token helpers ---
    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.pos += 1
        return token

    def expect(self, value: str) -> None:
        kind, text = self.take()
        if text != value:
            found = text or "end of expression"
            raise FilterError(f"Syntax error: expected '{value}' but found '{found}' in "
                              f"'{self.text}'.")

    def keyword(self, *words: str) -> str | None:
        kind, text = self.peek()
        if kind == "name" and text in words:
            self.pos += 1
            return text
        return None

    # --- grammar ---
    def parse(self) -> Getter:
        expression = self.disjunction()
        if self.peek()[0] != "end":
            raise FilterError(f"Syntax error: unexpected '{self.peek()[1]}' in '{self.text}'.")
        return expression

    def disjunction(self) -> Getter:
        parts = [self.conjunction()]
        while self.keyword("or"):
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        return lambda item, env: any(part(item, env) for part in parts)

    def conjunction(self) -> Getter:
        parts = [self.negation()]
        while self.keyword("and"):
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        return lambda item, env: all(part(item, env) for part in parts)

    def negation(self) -> Getter:
        if self.keyword("not"):
            inner = self.negation()
            return lambda item, env: not inner(item, env)
        return self.comparison()

    def comparison(self) -> Getter:
        left = self.operand()
        op = self.keyword(*_COMPARISONS, "in")
        if op is None:
            return left
        if op == "in":
            self.expect("(")
            values = [self.literal()]
            while self.peek()[1] == ",":
                self.take()
                values.append(self.literal())
            self.expect(")")
            folded = [_fold(v(None, {})) for v in values]
            return lambda item, env: _fold(left(item, env)) in folded
        right = self.operand()
        return lambda item, env: compare(op, left(item, env), right(item, env))

    def literal(self) -> Getter:
        kind, text = self.take()
        if kind == "string":
            value: Any = text[1:-1].replace("''", "'")
        elif kind == "number":
            value = float(text) if any(c in text for c in ".eE") else int(text)
        elif kind == "datetime":
            value = parse_datetime(text if "T" in text else text + "T00:00:00Z")
            if value is None:
                raise FilterError(f"Invalid date/time literal '{text}'.")
        elif kind == "name" and text in ("true", "false", "null"):
            value = {"true": True, "false": False, "null": None}[text]
        else:
            raise FilterError(f"Syntax error: expected a literal but found '{text}' in "
                              f"'{self.text}'.")
        return lambda item, env: value

    def operand(self) -> Getter:
        kind, text = self.peek()
        if text == "(":
            self.take()
            inner = self.disjunction()
            self.expect(")")
            return inner
        if kind in ("string", "number", "datetime") or text in ("true", "false", "null"):
            return self.literal()
        if kind != "name":
            raise FilterError(f"Syntax error: unexpected '{text or 'end'}' in '{self.text}'.")
        if self.peek(1)[1] == "(":
            return self.function()
        return self.path()

    def function(self) -> Getter:
        _, name = self.take()
        if name not in _FUNCTIONS:
            raise FilterError(f"An unknown function with name '{name}' was found.")
        arity, fn = _FUNCTIONS[name]
        self.expect("(")
        args = [self.operand()]
        while self.peek()[1] == ",":
            self.take()
            args.append(self.operand())
        self.expect(")")
        if len(args) != arity:
            raise FilterError(f"Function '{name}' takes {arity} argument(s).")
        return lambda item, env: fn(*(arg(item, env) for arg in args))

    def path(self) -> Getter:
        _, first = self.take()
        segments = [first]
        while self.peek()[1] == "/":
            self.take()
            kind, name = self.take()
            if kind != "name":
                raise FilterError(f"Syntax error: expected a property after '/' in "
                                  f"'{self.text}'.")
            if name in ("any", "all") and self.peek()[1] == "(":
                return self.lambda_(tuple(segments), name)
            segments.append(name)
        return self._getter(tuple(segments))

    def _getter(self, segments: tuple[str, ...]) -> Getter:
        head, rest = segments[0], segments[1:]
        if head in self.variables:
            return lambda item, env: resolve(env.get(head), rest)
        return lambda item, env: resolve(item, segments)

    def lambda_(self, segments: tuple[str, ...], kind: str) -> Getter:
        collection = self._getter(segments)
        self.expect("(")
        if self.peek()[1] == ")":
            self.take()
            return lambda item, env: bool(collection(item, env))
        _, variable = self.take()
        self.expect(":")
        self.variables.append(variable)
        body = self.disjunction()
        self.variables.pop()
        self.expect(")")
        quantifier = any if kind == "any" else all

        def evaluate(item: Any, env: dict[str, Any]) -> bool:
            values = collection(item, env)
            if not isinstance(values, list):
                return False
            return quantifier(bool(body(item, {**env, variable: v})) for v in values)
        return evaluate


def compile_filter(text: str) -> Callable[[dict[str, Any]], bool]:
    """Compile an OData filter; raises :class:`FilterError` with Graph-like wording."""
    expression = _Parser(text).parse()
    return lambda item: bool(expression(item, {}))
