"""Validation against Google's Sheets v4 discovery document.

The discovery document is read from the installed ``googleapiclient`` package (never
copied into this repository). It drives:

* routing: every method's ``httpMethod`` + ``flatPath`` becomes a path pattern;
* query parameters: type, enum and ``repeated``;
* request bodies, checked recursively against the method's ``request`` schema with
  Google's JSON-parser messages (``Invalid JSON payload received. Unknown name ...``,
  ``Invalid value at 'a.b_c[0]' (TYPE_INT32), "x"``), every violation collected;
* responses, checked strictly (no unknown fields, exact JSON types).

Request bodies come back *normalised*: ``null`` members dropped, snake_case member names
(which Google's proto JSON parser also accepts) renamed to camelCase, numeric strings for
integer/double fields turned into numbers and enum numbers into enum names.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

SHEETS_PACKAGE = "googleapiclient.discovery_cache"
DOCUMENT_NAME = "sheets.v4.json"
PROTO_PACKAGE = "type.googleapis.com/google.apps.sheets.v4."

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
UINT32_MAX = 2**32 - 1

# The proto field that carries the HTTP body when it is not the whole request message
# ("body: data" in the API's HTTP rules). Seen in recorded traffic for values.update
# ("Invalid value at 'data.values'"); for values.append it is a guess by analogy.
BODY_FIELD = {
    "sheets.spreadsheets.values.update": "data",
    "sheets.spreadsheets.values.append": "data",
    "sheets.spreadsheets.create": "spreadsheet",
}

# Google names an enum by its proto type. The discovery document does not carry enum type
# names, so they are looked up here by (schema, field); unknown ones fall back to the
# field name in UpperCamelCase.
ENUM_TYPE_NAMES = {
    "majorDimension": "Dimension",
    "dimension": "Dimension",
    "valueInputOption": "ValueInputOption",
    "valueRenderOption": "ValueRenderOption",
    "responseValueRenderOption": "ValueRenderOption",
    "dateTimeRenderOption": "DateTimeRenderOption",
    "responseDateTimeRenderOption": "DateTimeRenderOption",
    "insertDataOption": "InsertDataOption",
    "sheetType": "SheetType",
    "autoRecalc": "RecalculationInterval",
    "locationType": "DeveloperMetadataLocationType",
    "visibility": "DeveloperMetadataVisibility",
    "locationMatchingStrategy": "DeveloperMetadataLocationMatchingStrategy",
    "sortOrder": "SortOrder",
    "commentsViewMode": "CommentsViewMode",
    "horizontalAlignment": "HorizontalAlign",
    "verticalAlignment": "VerticalAlign",
    "wrapStrategy": "WrapStrategy",
    "hyperlinkDisplayType": "HyperlinkDisplayType",
    "textDirection": "TextDirection",
    "mergeType": "MergeType",
    "pasteType": "PasteType",
    "pasteOrientation": "PasteOrientation",
    "shiftDimension": "Dimension",
    "themeColor": "ThemeColorType",
    "colorType": "ThemeColorType",
}
ENUM_TYPE_NAMES_BY_SCHEMA = {
    ("NumberFormat", "type"): "NumberFormatType",
    ("ErrorValue", "type"): "ErrorType",
    ("BooleanCondition", "type"): "ConditionType",
    ("InterpolationPoint", "type"): "InterpolationPointType",
    ("Border", "style"): "Style",
}

# oneof groups the discovery document cannot express.
ONEOFS = {
    "Request": ("kind", None),  # None: every property belongs to the oneof
    "ExtendedValue": (
        "value",
        ("numberValue", "stringValue", "boolValue", "formulaValue", "errorValue"),
    ),
    "DataFilter": ("filter", ("developerMetadataLookup", "a1Range", "gridRange")),
    "DeveloperMetadataLocation": ("location", ("spreadsheet", "sheetId", "dimensionRange")),
    "UpdateCellsRequest": ("area", ("start", "range")),
}


@cache
def snake(name: str) -> str:
    """camelCase -> snake_case, the proto field name Google uses in error paths."""
    out = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return out.lower()


def camel(name: str) -> str:
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def join_path(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def show(value: Any) -> str:
    """How Google's parser quotes an offending JSON value in its message."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Method:
    id: str
    http_method: str
    flat_path: str
    pattern: re.Pattern[str]
    params: dict[str, dict[str, Any]]
    request: str | None
    response: str | None
    path_params: list[str] = field(default_factory=list)


@dataclass
class Violation:
    field: str
    description: str


class Discovery:
    """The Sheets v4 discovery document, indexed for routing and validation."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.schemas: dict[str, dict[str, Any]] = doc["schemas"]
        self.global_params: dict[str, dict[str, Any]] = doc.get("parameters", {})
        self.methods: list[Method] = []
        self._collect(doc.get("resources", {}))
        # Paths ending in a custom verb (":batchUpdate") are tried before bare ones.
        self.methods.sort(key=lambda m: (":" not in m.flat_path.rsplit("/", 1)[-1], m.id))
        self.by_id = {m.id: m for m in self.methods}

    def _collect(self, resources_: dict[str, Any]) -> None:
        for res in resources_.values():
            for m in res.get("methods", {}).values():
                flat = m.get("flatPath") or m["path"]
                regex, names = self._path_regex(flat)
                self.methods.append(
                    Method(
                        id=m["id"],
                        http_method=m["httpMethod"],
                        flat_path=flat,
                        pattern=regex,
                        params=m.get("parameters", {}),
                        request=(m.get("request") or {}).get("$ref"),
                        response=(m.get("response") or {}).get("$ref"),
                        path_params=names,
                    )
                )
            self._collect(res.get("resources", {}))

    @staticmethod
    def _path_regex(flat: str) -> tuple[re.Pattern[str], list[str]]:
        out, names, pos = [], [], 0
        for mt in re.finditer(r"\{\+?([A-Za-z0-9_]+)\}", flat):
            out.append(re.escape(flat[pos : mt.start()]))
            name = mt.group(1)
            names.append(name)
            # ids never contain ':' (the custom-verb separator); ranges may (A1:B2).
            out.append(f"(?P<{name}>[^/:]+)" if name != "range" else f"(?P<{name}>[^/]+)")
            pos = mt.end()
        out.append(re.escape(flat[pos:]))
        return re.compile("^/" + "".join(out) + "$"), names

    def route(self, http_method: str, raw_path: str) -> tuple[Method, dict[str, str]] | None:
        """Match a raw (still percent-encoded) path. Returns None when nothing matches."""
        for m in self.methods:
            if m.http_method != http_method:
                continue
            mt = m.pattern.match(raw_path)
            if mt:
                return m, mt.groupdict()
        return None

    # ------------------------------------------------------------------ enum names
    def enum_type(self, schema: str | None, prop: str) -> str:
        name = ENUM_TYPE_NAMES_BY_SCHEMA.get((schema or "", prop)) or ENUM_TYPE_NAMES.get(prop)
        if not name:
            name = prop[:1].upper() + prop[1:]
        return PROTO_PACKAGE + name

    # ------------------------------------------------------------------ query params
    def validate_query(self, method: Method, query: dict[str, list[str]]) -> dict[str, Any]:
        """Check query parameters; returns typed values (lists for repeated ones)."""
        violations: list[Violation] = []
        out: dict[str, Any] = {}
        for name, values in query.items():
            spec = method.params.get(name)
            if spec is None or spec.get("location") != "query":
                spec = self.global_params.get(name)
            if spec is None:
                msg = (
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
                    f"parameter. Field '{name}' could not be found in request message."
                )
                violations.append(Violation("", msg))
                continue
            if not spec.get("repeated") and len(values) > 1:
                # Guess: Google's exact wording for a repeated non-repeated parameter is
                # not documented.
                msg = (
                    f"Invalid JSON payload received. Repeated values for non-repeated field "
                    f"'{snake(name)}'."
                )
                violations.append(Violation(snake(name), msg))
                continue
            typed = []
            for raw in values:
                ok, val = self._query_scalar(spec, name, raw)
                if not ok:
                    violations.append(Violation(snake(name), val))
                else:
                    typed.append(val)
            out[name] = typed if spec.get("repeated") else (typed[0] if typed else None)
        if violations:
            from .errors import bad_request_violations

            raise bad_request_violations([(v.field, v.description) for v in violations])
        return out

    def _query_scalar(self, spec: dict[str, Any], name: str, raw: str) -> tuple[bool, Any]:
        typ = spec.get("type")
        where = snake(name)
        if typ == "boolean":
            low = raw.lower()
            if low in ("true", "1"):
                return True, True
            if low in ("false", "0"):
                return True, False
            return False, f"Invalid value at '{where}' (TYPE_BOOL), {show(raw)}"
        if typ == "integer":
            try:
                v = int(raw)
            except ValueError:
                return False, f"Invalid value at '{where}' (TYPE_INT32), {show(raw)}"
            if not INT32_MIN <= v <= INT32_MAX:
                return False, f"Invalid value at '{where}' (TYPE_INT32), {show(raw)}"
            return True, v
        if "enum" in spec and raw not in spec["enum"]:
            return False, f"Invalid value at '{where}' ({self.enum_type(None, name)}), {show(raw)}"
        return True, raw

    # ------------------------------------------------------------------ bodies
    def validate_request(self, method: Method, body: Any) -> tuple[Any, list[Violation]]:
        if not method.request:
            return body, []
        checker = _Checker(self, strict=False)
        root = BODY_FIELD.get(method.id, "")
        value = checker.message(method.request, body, root)
        return value, checker.violations

    def validate_response(self, method: Method, body: Any) -> list[Violation]:
        if not method.response:
            return []
        checker = _Checker(self, strict=True)
        checker.message(method.response, body, "")
        return checker.violations

    def validate_schema(self, schema: str, body: Any, strict: bool = True) -> list[Violation]:
        checker = _Checker(self, strict=strict)
        checker.message(schema, body, "")
        return checker.violations


class _Checker:
    """One pass over a JSON value, collecting violations and building a normalised copy."""

    def __init__(self, disc: Discovery, strict: bool) -> None:
        self.disc = disc
        self.strict = strict  # responses: exact JSON types, camelCase names only
        self.violations: list[Violation] = []
        self._seen: set[tuple[int, str]] = set()

    def bad(self, path: str, label: str, value: Any) -> None:
        self.violations.append(
            Violation(path, f"Invalid value at '{path}' ({label}), {show(value)}")
        )

    def message(self, schema_id: str, value: Any, path: str) -> Any:
        schema = self.disc.schemas[schema_id]
        if not isinstance(value, dict):
            self.bad(path, PROTO_PACKAGE + schema_id, value)
            return None
        if self.strict:  # responses share objects (formats): check each one once
            key = (id(value), schema_id)
            if key in self._seen:
                return value
            self._seen.add(key)
        props: dict[str, dict[str, Any]] = schema.get("properties", {})
        additional = schema.get("additionalProperties")
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = key
            spec = props.get(key)
            if spec is None and not self.strict:
                cam = camel(key)
                if cam in props:
                    name, spec = cam, props[cam]
            if spec is None and additional is not None:
                spec = additional
            if spec is None:
                where = f" at '{path}'" if path else ""
                self.violations.append(
                    Violation(
                        path,
                        f'Invalid JSON payload received. Unknown name "{key}"{where}: '
                        "Cannot find field.",
                    )
                )
                continue
            if item is None:
                if self.strict:
                    self.bad(join_path(path, snake(name)), "null", item)
                continue
            sub = join_path(path, snake(name)) if spec is not additional else f"{path}[{key}]"
            out[name] = self.value(schema_id, name, spec, item, sub)
        self.check_oneof(schema_id, value, path)
        return out

    def check_oneof(self, schema_id: str, value: dict[str, Any], path: str) -> None:
        if schema_id not in ONEOFS:
            return
        group, members = ONEOFS[schema_id]
        props = self.disc.schemas[schema_id].get("properties", {})
        seen: list[str] = []
        for key, item in value.items():
            name = key if key in props or self.strict else camel(key)
            if item is None or name not in props:
                continue
            if members is not None and name not in members:
                continue
            seen.append(name)
        if len(seen) > 1:
            # Wording recalled from Google's proto JSON parser, not from documentation.
            self.violations.append(
                Violation(
                    path,
                    f"Invalid value at '{path}' (oneof), oneof field '{group}' is already set. "
                    f"Cannot set '{seen[1]}'",
                )
            )

    def value(self, schema_id: str, prop: str, spec: dict[str, Any], item: Any, path: str) -> Any:
        if "$ref" in spec:
            return self.message(spec["$ref"], item, path)
        typ = spec.get("type")
        if typ == "array":
            inner = spec.get("items", {})
            if not isinstance(item, list):
                self.bad(path, self.label(schema_id, prop, inner), item)
                return None
            return [
                self.value(schema_id, prop, inner, x, f"{path}[{i}]") for i, x in enumerate(item)
            ]
        if typ == "any":
            return item
        if typ == "object" and "additionalProperties" in spec:
            if not isinstance(item, dict):
                self.bad(path, "type.googleapis.com/google.protobuf.Struct", item)
                return None
            return {
                k: self.value(schema_id, prop, spec["additionalProperties"], v, f"{path}[{k}]")
                for k, v in item.items()
            }
        return self.scalar(schema_id, prop, spec, item, path)

    def label(self, schema_id: str, prop: str, spec: dict[str, Any]) -> str:
        if "$ref" in spec:
            return PROTO_PACKAGE + spec["$ref"]
        typ, fmt = spec.get("type"), spec.get("format")
        if typ == "array" and spec.get("items", {}).get("type") == "any":
            return "type.googleapis.com/google.protobuf.ListValue"
        if typ == "any":
            return "type.googleapis.com/google.protobuf.Value"
        if "enum" in spec:
            return self.disc.enum_type(schema_id, prop)
        return {
            ("integer", "int32"): "TYPE_INT32",
            ("integer", "uint32"): "TYPE_UINT32",
            ("string", "int64"): "TYPE_INT64",
            ("string", "uint64"): "TYPE_UINT64",
            ("number", "double"): "TYPE_DOUBLE",
            ("number", "float"): "TYPE_FLOAT",
            ("boolean", None): "TYPE_BOOL",
            ("string", "google-datetime"): "type.googleapis.com/google.protobuf.Timestamp",
            ("string", "google-duration"): "type.googleapis.com/google.protobuf.Duration",
            ("string", "google-fieldmask"): "type.googleapis.com/google.protobuf.FieldMask",
            ("string", "byte"): "TYPE_BYTES",
        }.get((typ, fmt), "TYPE_STRING")

    def scalar(self, schema_id: str, prop: str, spec: dict[str, Any], item: Any, path: str) -> Any:
        typ, fmt = spec.get("type"), spec.get("format")
        if typ == "string" and fmt is None and "enum" not in spec and isinstance(item, str):
            return item  # the common case, checked first
        label = self.label(schema_id, prop, spec)
        if "enum" in spec:
            enum = spec["enum"]
            if isinstance(item, str) and item in enum:
                return item
            if (
                not self.strict
                and isinstance(item, int)
                and not isinstance(item, bool)
                and 0 <= item < len(enum)
            ):
                return enum[item]
            self.bad(path, label, item)
            return None
        if typ == "boolean":
            if isinstance(item, bool):
                return item
            self.bad(path, label, item)
            return None
        if typ == "integer" or (typ == "string" and fmt in ("int64", "uint64")):
            return self.integer(fmt, item, path, label)
        if typ == "number":
            if isinstance(item, bool):
                self.bad(path, label, item)
                return None
            if isinstance(item, int | float):
                return item
            if not self.strict and isinstance(item, str):
                if item in ("NaN", "Infinity", "-Infinity"):
                    return float(item)
                try:
                    return float(item)
                except ValueError:
                    pass
            self.bad(path, label, item)
            return None
        if typ == "string":
            if not isinstance(item, str):
                self.bad(path, label, item)
                return None
            if fmt == "google-datetime" and not re.match(
                r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", item
            ):
                self.bad(path, label, item)
            return item
        return item

    def integer(self, fmt: str | None, item: Any, path: str, label: str) -> int | None:
        value = _as_int(item, lenient=not self.strict, wide=fmt in ("int64", "uint64"))
        if value is None:
            self.bad(path, label, item)
            return None
        lo, hi = {
            "int32": (INT32_MIN, INT32_MAX),
            "uint32": (0, UINT32_MAX),
            "int64": (-(2**63), 2**63 - 1),
            "uint64": (0, 2**64 - 1),
        }.get(fmt or "int32", (INT32_MIN, INT32_MAX))
        if not lo <= value <= hi:
            self.bad(path, label, item)
            return None
        return value


def _as_int(item: Any, lenient: bool, wide: bool) -> int | None:
    """Proto JSON integers: numbers; in requests also integral floats and numeric strings
    (int64 values are strings in responses too)."""
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return item
    if isinstance(item, float):
        return int(item) if lenient and math.isfinite(item) and item.is_integer() else None
    if isinstance(item, str) and (lenient or wide) and re.fullmatch(r"-?\d+", item.strip()):
        return int(item)
    return None


@cache
def discovery() -> Discovery:
    """Load (once) the discovery document shipped with google-api-python-client."""
    ref = resources.files(SHEETS_PACKAGE).joinpath("documents", DOCUMENT_NAME)
    return Discovery(json.loads(ref.read_text(encoding="utf-8")))
