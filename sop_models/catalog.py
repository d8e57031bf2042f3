"""The SOP catalog: procedures loaded from YAML, validated at load, found by name.

The built-in catalog ships in ``sop_models/catalog/``; an office may add a
folder of its own whose files override built-in codes or add new ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sop_models.procedure import Procedure
from sop_models.validation import (
    CatalogError,
    DefinitionError,
    Problem,
    catalog_problems,
    folder_problems,
    name_key,
)

BUILTIN_DIR = Path(__file__).with_name("catalog")
BUILTIN_SOURCE = "bawaan"


def load_file(path: Path) -> Procedure:
    """One SOP file, fully validated; raises CatalogError listing every problem."""
    import yaml  # here: a process that takes a kept catalog (syncer.kept) never needs it

    source = path.name
    try:
        raw = _parsed(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        bad = exc.object[exc.start : exc.start + 1].hex().upper()
        message = f"line {line}: byte 0x{bad} is not UTF-8 text: save the file as UTF-8"
        raise CatalogError([Problem(source, "readable", message)]) from exc
    except OSError as exc:
        raise CatalogError([Problem(source, "readable", str(exc))]) from exc
    except yaml.YAMLError as exc:
        raise CatalogError([Problem(source, "yaml", " ".join(str(exc).split()))]) from exc
    if not isinstance(raw, Mapping):
        raise CatalogError([Problem(source, "shape", "the file must hold one SOP mapping")])
    return build_procedure(raw, source)


def _parsed(text: str) -> object:
    """The YAML document in ``text``, read by PyYAML's safe loader on libyaml when PyYAML was
    built with it (ten times faster). A file libyaml refuses is parsed again by PyYAML's own
    parser, whose message shows the line and marks the place."""
    import yaml

    fast, plain = _loaders()
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=plain)


@cache
def _loaders() -> tuple[Any, Any]:
    """PyYAML's safe loaders (libyaml's, if built, or None; its own) whose date that does not
    exist (``2026-02-30``) is a YAMLError marking its place, not a bare ValueError."""
    import yaml

    def timestamp(loader: Any, node: Any) -> object:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value} is not a date ({exc})", node.start_mark
            ) from None

    def marked(base: Any) -> Any:
        loader: Any = type(f"Dated{base.__name__}", (base,), {})
        loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
        return loader

    libyaml = getattr(yaml, "CSafeLoader", None)
    return (marked(libyaml) if libyaml is not None else None), marked(yaml.SafeLoader)


def build_procedure(raw: Mapping[str, Any], source: str) -> Procedure:
    """A Procedure from its mapping, or CatalogError naming ``source`` with every problem."""
    try:
        return Procedure.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            cause = err.get("ctx", {}).get("error")
            if isinstance(cause, DefinitionError):
                raise cause.located(source) from None
        raise CatalogError(_schema_problems(source, raw, exc)) from None


def _schema_problems(source: str, raw: Mapping[str, Any], exc: ValidationError) -> list[Problem]:
    problems = []
    errors = exc.errors(include_url=False)
    in_steps = any(len(err["loc"]) > 1 and err["loc"][0] == "steps" for err in errors)
    for err in errors:
        loc = err["loc"]
        if in_steps and loc == ("steps",) and err["type"] == "too_short":
            continue  # no step was valid: each one's own problem says why
        step = None
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            steps = raw.get("steps") or []
            entry = steps[loc[1]] if loc[1] < len(steps) else None
            number = entry.get("number") if isinstance(entry, Mapping) else None
            whole = isinstance(number, int) and not isinstance(number, bool)
            step = number if whole else loc[1] + 1
            loc = loc[2:]
        where = ".".join(str(part) for part in loc) or "file"
        message = err["msg"].removeprefix("Value error, ")
        value = err.get("input")
        ours = err["type"] == "value_error"  # our validators name the value themselves
        if err["type"] != "missing" and not ours and not isinstance(value, Mapping | list):
            message += f" (got {value!r})"
        problems.append(Problem(source, f"schema:{where}", message, step))
    return problems


def _load_folder(folder: Path) -> list[tuple[Procedure, str]]:
    entries: list[tuple[Procedure, str]] = []
    problems: list[Problem] = []
    for path in _files(folder):
        try:
            entries.append((load_file(path), str(path)))
        except CatalogError as exc:
            problems.extend(exc.problems)
    problems.extend(folder_problems([(p, Path(s).name) for p, s in entries]))
    if problems:
        raise CatalogError(problems)
    return entries


@dataclass(frozen=True)
class Catalog:
    """The SOPs an office runs, by code; no two of them answer to the same name or ID prefix."""

    procedures: Mapping[str, Procedure]
    sources: Mapping[str, str] = field(default_factory=dict)
    _index: dict[str, str] = field(init=False, repr=False, compare=False)
    # The same names recur row after row, cycle after cycle.
    _found: dict[str, str | None] = field(init=False, repr=False, compare=False)
    _suggested: dict[tuple[str, int], list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entries = [(proc, self.file_of(code)) for code, proc in self.procedures.items()]
        problems = catalog_problems(entries)
        if problems:
            raise CatalogError(problems)
        index = {
            name_key(name): code
            for code, proc in self.procedures.items()
            for name in (code, proc.title, *proc.aliases)
        }
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_found", {})
        object.__setattr__(self, "_suggested", {})

    def file_of(self, code: str) -> str:
        """The file an SOP comes from, for messages: ``rka.yaml (bawaan)`` for a built-in one."""
        source = self.sources.get(code, BUILTIN_SOURCE)
        return f"{code}.yaml ({BUILTIN_SOURCE})" if source == BUILTIN_SOURCE else Path(source).name

    def __iter__(self) -> Iterator[Procedure]:
        return iter(self.procedures.values())

    def __len__(self) -> int:
        return len(self.procedures)

    def get(self, code: str) -> Procedure:
        return self.procedures[code]

    @property
    def roles(self) -> tuple[str, ...]:
        """Every actor of every SOP, in order of first appearance."""
        return tuple(dict.fromkeys(actor for proc in self for actor in proc.actors))

    def lookup(self, name: str) -> Procedure | None:
        """The procedure staff mean by ``name`` (code, title or short name), or None."""
        if name not in self._found:
            self._found[name] = self._index.get(name_key(name))
        code = self._found[name]
        return self.procedures[code] if code else None

    def suggest(self, name: str, limit: int = 3) -> list[Procedure]:
        """Closest procedures to a name that did not match."""
        key = name_key(name)
        if (key, limit) not in self._suggested:
            self._suggested[(key, limit)] = self._closest(key, limit)
        return [self.procedures[code] for code in self._suggested[(key, limit)]]

    def _closest(self, key: str, limit: int) -> list[str]:
        close = difflib.get_close_matches(key, self._index.keys(), n=limit * 3, cutoff=0.5)
        close += [k for k in self._index if key and (key in k or k in key) and k not in close]
        return list(dict.fromkeys(self._index[k] for k in close))[:limit]


def sources(extra_dirs: Iterable[Path] = ()) -> list[Path]:
    """The files ``load_catalog(extra_dirs)`` reads, in its order (folders that are not
    there are left out: loading says so)."""
    folders = [BUILTIN_DIR, *(Path(folder) for folder in extra_dirs)]
    return [path for folder in folders if folder.is_dir() for path in _files(folder)]


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.y*ml"))


def load_catalog(extra_dirs: Iterable[Path] = ()) -> Catalog:
    """The built-in catalog, then each office folder (same code overrides)."""
    procedures: dict[str, Procedure] = {}
    sources: dict[str, str] = {}
    for proc, _ in _load_folder(BUILTIN_DIR):
        procedures[proc.code] = proc
        sources[proc.code] = BUILTIN_SOURCE
    for folder in extra_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise CatalogError([Problem(str(folder), "folder", "SOP folder does not exist")])
        for proc, source in _load_folder(folder):
            procedures[proc.code] = proc
            sources[proc.code] = source
    return Catalog(procedures, sources)
