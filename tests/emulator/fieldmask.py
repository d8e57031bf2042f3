"""Field masks: the ``fields`` query parameter (partial responses) and update masks.

Syntax accepted (as Google's partial-response syntax): comma-separated paths, nested with
``.`` or ``/``, sub-selections in parentheses, ``*`` for everything::

    sheets(properties(sheetId,title),data(startRow,rowData(values(effectiveValue))))
    sheets.properties.title,spreadsheetId
    gridProperties/rowCount,gridProperties/columnCount

"Field names can be specified in camelCase or separated_by_underscores" (Sheets API guide,
Use field masks): names are kept in camelCase, as the JSON members are.

An update mask, as the same guide puts it: "The update request ignores any fields that
aren't specified in the field mask, leaving them with their current values. You can also
unset a field by not specifying it in the updated message, but adding the field to the
mask." A path selects its whole subtree; ``*`` selects every member.
"""

from __future__ import annotations

import copy
from typing import Any

Tree = dict[str, "Tree | None"]


class MaskError(ValueError):
    pass


def parse(mask: str) -> Tree:
    text = "".join(mask.split())
    tree: Tree = {}
    pos = _parse_list(text, 0, tree)
    if pos != len(text):
        raise MaskError(mask)
    return tree


def camel(name: str) -> str:
    """``user_entered_value`` -> ``userEnteredValue``; camelCase and ``*`` unchanged."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _merge(tree: Tree, path: list[str], sub: Tree | None) -> None:
    node = tree
    for i, name in enumerate(path):
        last = i == len(path) - 1
        if last:
            if sub is None or (name in node and node[name] is None):
                node[name] = None
            else:
                existing = node.get(name)
                if existing is None and name in node:
                    return
                merged = existing or {}
                for k, v in sub.items():
                    _merge(merged, [k], v)
                node[name] = merged
        else:
            if name in node and node[name] is None:
                return  # already selecting the whole subtree
            node = node.setdefault(name, {})  # type: ignore[assignment]


def _parse_list(text: str, pos: int, tree: Tree) -> int:
    while pos < len(text):
        pos = _parse_item(text, pos, tree)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return pos


def _parse_item(text: str, pos: int, tree: Tree) -> int:
    path: list[str] = []
    while True:
        start = pos
        while pos < len(text) and (text[pos].isalnum() or text[pos] in "_*@"):
            pos += 1
        if pos == start:
            raise MaskError(text)
        path.append(camel(text[start:pos]))
        if pos < len(text) and text[pos] in "./":
            pos += 1
            continue
        break
    sub: Tree | None = None
    if pos < len(text) and text[pos] == "(":
        sub = {}
        pos = _parse_list(text, pos + 1, sub)
        if pos >= len(text) or text[pos] != ")":
            raise MaskError(text)
        pos += 1
    _merge(tree, path, sub)
    return pos


def apply(tree: Tree | None, value: Any) -> Any:
    """Keep only the selected members of a response value."""
    if tree is None or "*" in tree:
        return value
    if isinstance(value, list):
        return [apply(tree, v) for v in value]
    if isinstance(value, dict):
        return {k: apply(sub, value[k]) for k, sub in tree.items() if k in value}
    return value


def selects(tree: Tree | None, path: list[str]) -> bool:
    """Whether the mask selects anything at or below `path`."""
    node = tree
    for name in path:
        if node is None or "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
    return True


def check(tree: Tree, schema_id: str, schemas: dict[str, Any]) -> list[str]:
    """Unknown member names in a response mask, checked against the response schema."""
    bad: list[str] = []

    def walk(node: Tree, sid: str) -> None:
        props = schemas[sid].get("properties", {})
        for name, sub in node.items():
            if name == "*":
                continue
            spec = props.get(name)
            if spec is None:
                bad.append(name)
                continue
            while spec.get("type") == "array":
                spec = spec.get("items", {})
            if sub is not None and "$ref" in spec:
                walk(sub, spec["$ref"])
            elif sub is not None:
                bad.extend(sub.keys())

    walk(tree, schema_id)
    return bad


def apply_update(target: dict[str, Any], source: dict[str, Any], tree: Tree) -> None:
    """Apply an update mask: each selected member is copied from `source`, or cleared when
    `source` lacks it; members the mask does not select are left as they are."""
    if "*" in tree:
        for key in list(target):
            if key not in source:
                del target[key]
        for key, value in source.items():
            target[key] = copy.deepcopy(value)
        return
    for name, sub in tree.items():
        if sub is None:
            if name in source:
                target[name] = copy.deepcopy(source[name])
            else:
                target.pop(name, None)
        else:
            child = target.get(name)
            if not isinstance(child, dict):
                child = {}
            apply_update(child, source.get(name) or {}, sub)
            if child:
                target[name] = child
            else:
                target.pop(name, None)
