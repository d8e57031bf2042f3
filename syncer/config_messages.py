"""A configuration mistake in plain words, where the admin wrote it in the TOML file.

Pydantic says "Input should be a valid number, unable to parse string as a number"
about ``worker.interval_seconds``; an admin reads "[worker] interval_seconds: sering is
not a number", and for a misspelt key or section the one meant. (Values with a parser
of their own, such as dates and working periods, say what is wrong themselves.)
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable, Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from syncer.suggest import did_you_mean

Sections = list[tuple[str, int | None]]
"""The TOML tables an error is in: names, with an index in an array of tables."""


def explain(error: ErrorDetails, model: type[BaseModel]) -> str:
    """One configuration error of ``model`` as one line: where, then what is wrong."""
    sections, key, tables = _where(error["loc"], model)
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(sections, key[-1] if key else "", error["input"], tables)
    if kind == "union_tag_invalid":
        ctx = error.get("ctx") or {}
        key = [*key, str(ctx.get("discriminator", "")).strip("'")]
        error = {**error, "input": ctx.get("tag"), "ctx": {"expected": ctx.get("expected_tags")}}
        kind = "literal_error"
    if kind == "union_tag_not_found":  # a table of one of several kinds, without its kind
        tag = str((error.get("ctx") or {}).get("discriminator", "")).strip("'")
        allowed = _expected({**error, "ctx": {"expected": _tags(tables, tag)}})
        return f"{_place(sections, [*key, tag])} is required: write {allowed}"
    where = _place(sections, key)
    if kind == "missing":
        return f"{where} is required"
    return f"{where}: {_what({**error, 'type': kind})}"


def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _tables(annotation: Any) -> list[type[BaseModel]]:
    """The models a field's value is a table of (itself, in a list, optional, one of several)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _tables(arg)]


def _is_mapping(annotation: Any) -> bool:
    if get_origin(annotation) is dict:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_mapping(arg) for arg in get_args(annotation))
    return False


def _is_table(field: FieldInfo) -> bool:
    return bool(_tables(field.annotation)) or _is_mapping(field.annotation)


def _tagged(models: list[type[BaseModel]], tag: str) -> list[type[BaseModel]]:
    """The model of a tagged union that a tag in an error's location names."""
    return [
        m for m in models if any(tag in get_args(f.annotation) for f in m.model_fields.values())
    ]


def _where(
    loc: Sequence[int | str], model: type[BaseModel]
) -> tuple[Sections, list[str], list[type[BaseModel]]]:
    """The tables an error is in, its key within the last, and the models that table may be."""
    sections: Sections = []
    parts = list(loc)
    tables = [model]
    while tables and parts and isinstance(parts[0], str):
        found = [f for t in tables if (f := _fields(t).get(str(parts[0]))) is not None]
        if not found:
            tagged = _tagged(tables, str(parts[0])) if len(tables) > 1 else []
            if not tagged:
                break
            tables = tagged
            parts.pop(0)
            continue
        if not _is_table(found[0]):
            break
        name = str(parts.pop(0))
        index = parts.pop(0) if parts and isinstance(parts[0], int) else None
        sections.append((name, index if isinstance(index, int) else None))
        tables = _tables(found[0].annotation)
    return sections, [str(p) for p in parts if isinstance(p, str)], tables


def _tags(models: list[type[BaseModel]], key: str) -> str:
    """The values of ``key`` that tell the models of a tagged union apart ("'a', 'b'")."""
    return ", ".join(
        repr(tag)
        for model in models
        if key in model.model_fields
        for tag in get_args(model.model_fields[key].annotation)
    )


def _place(sections: Sections, key: list[str]) -> str:
    return " ".join(p for p in (_label(sections), ".".join(key)) if p)


def _label(sections: Sections) -> str:
    if not sections:
        return ""
    names = ".".join(name for name, _ in sections)
    indexes = [i for _, i in sections if i is not None]
    if indexes:
        return f"[[{names}]] #{indexes[-1] + 1}"
    return f"[{names}]"


def _unknown_key(
    sections: Sections, name: str, value: object, tables: list[type[BaseModel]]
) -> str:
    fields = {k: f for t in tables for k, f in _fields(t).items()}
    if isinstance(value, dict):  # a [table] of its own
        inner = [k for k, f in fields.items() if _is_table(f)]
        prefix = "".join(f"{n}." for n, _ in sections)
        hint = did_you_mean(name, inner, "sections", lambda s: f"[{prefix}{s}]")
        return f"[{prefix}{name}] is not a section; {hint}"
    where = f"{_label(sections)} " if sections else ""
    return f"{where}{name} is not a setting; {did_you_mean(name, fields, 'settings')}"


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return value if isinstance(value, str) else _toml(value)


def _toml(value: object) -> str:
    """A value as it was written in the configuration (TOML, not Python)."""
    match value:
        case bool():
            return "true" if value else "false"
        case str():
            return json.dumps(value, ensure_ascii=False)
        case dict():
            return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
        case list() | tuple():
            return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _not_a_list(error: ErrorDetails) -> str:
    value = error["input"]
    if isinstance(value, dict):
        name = ".".join(str(part) for part in error["loc"])
        return f"{_show(value)} is one section: write [[{name}]] above each of them"
    return f'{_show(value)} is not a list: write ["…", "…"]'


def _expected(error: ErrorDetails) -> str:
    """Pydantic's list of allowed values ("'a', 'b' or 'c'", or "'a', 'b' for tags")."""
    text = str((error.get("ctx") or {}).get("expected", ""))
    head, comma, last = text.rpartition(", ")
    return f"{head} or {last}" if comma and " or " not in text else text


def _bound(word: str, ctx_key: str) -> Callable[[ErrorDetails], str]:
    def message(error: ErrorDetails) -> str:
        limit = (error.get("ctx") or {})[ctx_key]
        return f"must be {word} {_show(limit)} (got {_show(error['input'])})"

    return message


MESSAGES: dict[str, Callable[[ErrorDetails], str]] = {
    "float_parsing": lambda e: f"{_show(e['input'])} is not a number",
    "float_type": lambda e: f"{_show(e['input'])} is not a number",
    "finite_number": lambda e: f"{_show(e['input'])} is not a number",
    "int_parsing": lambda e: f"{_show(e['input'])} is not a whole number",
    "int_type": lambda e: f"{_show(e['input'])} is not a whole number",
    "int_from_float": lambda e: f"{_show(e['input'])} is not a whole number",
    "greater_than": _bound("more than", "gt"),
    "greater_than_equal": _bound("at least", "ge"),
    "less_than": _bound("less than", "lt"),
    "less_than_equal": _bound("at most", "le"),
    "literal_error": lambda e: f"{_show(e['input'])} is not allowed: write {_expected(e)}",
    "bool_parsing": lambda e: f"{_show(e['input'])} is not true or false",
    "bool_type": lambda e: f"{_show(e['input'])} is not true or false",
    "string_type": lambda e: f"{_show(e['input'])} is not text: put it in quotes",
    "path_type": lambda e: f"{_show(e['input'])} is not a path: put it in quotes",
    "list_type": _not_a_list,
    "dict_type": lambda e: f"must be a section of settings, not {_show(e['input'])}",
    "model_type": lambda e: f"must be a section of settings, not {_show(e['input'])}",
    "model_attributes_type": lambda e: f"must be a section of settings, not {_show(e['input'])}",
    "time_parsing": lambda e: f"{_show(e['input'])} is not a time of day: write it as 07:30",
    "time_type": lambda e: f"{_show(e['input'])} is not a time of day: write it as 07:30",
}


def _what(error: ErrorDetails) -> str:
    known = MESSAGES.get(error["type"])
    if known is not None:
        return known(error)
    ours = (error.get("ctx") or {}).get("error")
    if error["type"] == "value_error" and ours is not None:
        return str(ours)  # our own validators name the value and what is allowed
    message = error["msg"]
    value = error.get("input")
    if isinstance(value, dict | list) or _show(value) in message:
        return message
    return f"{message} (got {_show(value)})"
