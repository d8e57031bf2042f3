"""A configuration mistake in plain words, where the admin wrote it in the TOML file.

Pydantic says "Input should be a valid date or datetime, invalid character in year"
about ``calendar.extra_holidays.0``; an admin reads "[calendar] extra_holidays:
17-08-2026 is not a date: write 2026-08-17", and for a misspelt key the key meant.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from syncer.suggest import did_you_mean

DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
YEAR_FIRST = re.compile(r"\d{4}-\d{2}-\d{2}")
EXAMPLE_DATE = "2026-08-17"


def explain(error: ErrorDetails, model: type[BaseModel]) -> str:
    """One configuration error of ``model`` as one line: where, then what is wrong."""
    sections, key = _where(error["loc"], model)
    if error["type"] == "extra_forbidden":
        return _unknown_key(sections, key, error["input"], model)
    where = " ".join(p for p in (_label(sections), ".".join(key)) if p)
    return f"{where}: {_what(error)}"


def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _table(annotation: Any) -> type[BaseModel] | None:
    """The model a field's value is a table of (itself, in a list, or optional)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _table(arg)
        if found is not None:
            return found
    return None


def _is_mapping(annotation: Any) -> bool:
    if get_origin(annotation) is dict:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_mapping(arg) for arg in get_args(annotation))
    return False


def _where(
    loc: Sequence[int | str], model: type[BaseModel]
) -> tuple[list[tuple[str, int | None]], list[str]]:
    """The TOML tables an error is in (with an index in an array of tables), and its key."""
    sections: list[tuple[str, int | None]] = []
    parts = list(loc)
    node: type[BaseModel] | None = model
    while node is not None and parts and isinstance(parts[0], str):
        field = _fields(node).get(parts[0])
        if field is None:
            break
        inner = _table(field.annotation)
        if inner is None and not _is_mapping(field.annotation):
            break
        name = str(parts.pop(0))
        index = parts.pop(0) if parts and isinstance(parts[0], int) else None
        sections.append((name, index if isinstance(index, int) else None))
        node = inner
    return sections, [str(p) for p in parts if isinstance(p, str)]


def _label(sections: list[tuple[str, int | None]]) -> str:
    if not sections:
        return ""
    names = ".".join(name for name, _ in sections)
    indexes = [i for _, i in sections if i is not None]
    if indexes:
        return f"[[{names}]] #{indexes[-1] + 1}"
    return f"[{names}]"


def _model_at(sections: list[tuple[str, int | None]], model: type[BaseModel]) -> type[BaseModel]:
    node = model
    for name, _ in sections:
        inner = _table(_fields(node)[name].annotation)
        if inner is None:
            break
        node = inner
    return node


def _unknown_key(
    sections: list[tuple[str, int | None]], key: list[str], value: object, model: type[BaseModel]
) -> str:
    name = key[-1] if key else ""
    node = _model_at(sections, model)
    fields = _fields(node)
    if not sections and isinstance(value, dict):
        tables = [k for k, f in fields.items() if _table(f.annotation) or _is_mapping(f.annotation)]
        hint = did_you_mean(name, tables, "sections", lambda s: f"[{s}]")
        return f"[{name}] is not a section; {hint}"
    where = f"{_label(sections)} " if sections else ""
    return f"{where}{name} is not a setting; {did_you_mean(name, fields, 'settings')}"


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return value if isinstance(value, str) else repr(value)


def _iso_hint(value: object) -> str:
    """How to write a date the admin wrote day first (17-08-2026 -> 2026-08-17)."""
    match = DAY_FIRST.fullmatch(str(value).strip())
    if match:
        day, month, year = map(int, match.groups())
        try:
            return f"write {date(year, month, day).isoformat()}"
        except ValueError:
            pass
    elif YEAR_FIRST.fullmatch(str(value).strip()):
        return "there is no such day"
    return f"write it as year-month-day, e.g. {EXAMPLE_DATE}"


def _bound(word: str, ctx_key: str) -> Callable[[ErrorDetails], str]:
    def message(error: ErrorDetails) -> str:
        limit = (error.get("ctx") or {})[ctx_key]
        return f"must be {word} {_show(limit)} (got {_show(error['input'])})"

    return message


MESSAGES: dict[str, Callable[[ErrorDetails], str]] = {
    "missing": lambda e: "is required",
    "float_parsing": lambda e: f"{_show(e['input'])} is not a number",
    "float_type": lambda e: f"{_show(e['input'])} is not a number",
    "int_parsing": lambda e: f"{_show(e['input'])} is not a whole number",
    "int_type": lambda e: f"{_show(e['input'])} is not a whole number",
    "int_from_float": lambda e: f"{_show(e['input'])} is not a whole number",
    "greater_than": _bound("more than", "gt"),
    "greater_than_equal": _bound("at least", "ge"),
    "less_than": _bound("less than", "lt"),
    "less_than_equal": _bound("at most", "le"),
    "literal_error": lambda e: (
        f"{_show(e['input'])} is not allowed: write {(e.get('ctx') or {}).get('expected')}"
    ),
    "bool_parsing": lambda e: f"{_show(e['input'])} is not true or false",
    "bool_type": lambda e: f"{_show(e['input'])} is not true or false",
    "string_type": lambda e: f"{_show(e['input'])} is not text: put it in quotes",
    "path_type": lambda e: f"{_show(e['input'])} is not a path: put it in quotes",
    "list_type": lambda e: f'{_show(e["input"])} is not a list: write ["…", "…"]',
    "dict_type": lambda e: f"must be a section of settings, not {_show(e['input'])}",
    "model_type": lambda e: f"must be a section of settings, not {_show(e['input'])}",
}
for _kind in (
    "date_parsing",
    "date_type",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
):
    MESSAGES[_kind] = lambda e: f"{_show(e['input'])} is not a date: {_iso_hint(e['input'])}"


def _what(error: ErrorDetails) -> str:
    known = MESSAGES.get(error["type"])
    if known is not None:
        return known(error)
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, dict | list):
        return message
    return f"{message} (got {_show(value)})"
