"""A deliberately tiny formula evaluator.

Supported: number literals, string literals (``"a""b"``), unary ``+``/``-``, binary
``+ - * /`` and parentheses. Numeric strings are coerced in arithmetic as Sheets does.
Everything else (cell references, function calls, names, ``&``, comparisons ...) evaluates
to the error value ``#NAME?`` (``errorValue.type == "NAME"``); a division by zero gives
``#DIV/0!`` and arithmetic on non-numeric text ``#VALUE!``. This is not Google's formula
engine: tests must not rely on anything beyond the list above.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r'|(?P<str>"(?:[^"]|"")*")|(?P<op>[-+*/()]))'
)

ERROR_MESSAGES = {
    "NAME": "Unknown function or name.",
    "DIV_BY_ZERO": "Function DIVIDE parameter 2 cannot be zero.",
    "VALUE": "Text cannot be used in arithmetic.",
}


class FormulaError(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def error_value(kind: str) -> dict[str, Any]:
    type_ = {"DIV_BY_ZERO": "DIVIDE_BY_ZERO"}.get(kind, kind)
    return {"errorValue": {"type": type_, "message": ERROR_MESSAGES.get(kind, kind)}}


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FormulaError("NAME")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise FormulaError("NAME")
        self.i += 1
        return tok

    def expr(self) -> Any:
        value = self.term()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            rhs = self.term()
            value = _num(value) + _num(rhs) if tok[1] == "+" else _num(value) - _num(rhs)
        return value

    def term(self) -> Any:
        value = self.unary()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in "*/":
            self.take()
            rhs = self.unary()
            if tok[1] == "*":
                value = _num(value) * _num(rhs)
            else:
                d = _num(rhs)
                if d == 0:
                    raise FormulaError("DIV_BY_ZERO")
                value = _num(value) / d
        return value

    def unary(self) -> Any:
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in "+-":
            self.take()
            v = _num(self.unary())
            return -v if tok[1] == "-" else v
        return self.atom()

    def atom(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if text == "(":
            value = self.expr()
            if self.take() != ("op", ")"):
                raise FormulaError("NAME")
            return value
        raise FormulaError("NAME")


def _num(value: Any) -> float:
    if isinstance(value, float):
        return value
    try:
        return float(str(value).replace(",", ""))
    except ValueError as exc:
        raise FormulaError("VALUE") from exc


def evaluate(formula: str) -> dict[str, Any]:
    """Evaluate ``=...``; returns an ExtendedValue dict (number, string or error)."""
    body = formula[1:] if formula.startswith("=") else formula
    try:
        parser = _Parser(_tokens(body))
        value = parser.expr()
        if parser.peek() is not None:
            raise FormulaError("NAME")
    except FormulaError as exc:
        return error_value(exc.kind)
    except RecursionError:
        return error_value("NAME")
    if isinstance(value, float):
        return {"numberValue": value}
    return {"stringValue": value}
