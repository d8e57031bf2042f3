"""The SOP catalog: procedures loaded from YAML, validated at load, found by name.

The built-in catalog ships in ``sop_models/catalog/``; an office may add a
folder of its own whose files override built-in codes or add new ones.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from sop_models.procedure import Procedure
from sop_models.validation import CatalogError, Problem, check_procedure, check_unique_codes

BUILTIN_DIR = Path(__file__).with_name("catalog")
BUILTIN_SOURCE = "bawaan"


def _key(text: str) -> str:
    """Lookup key: case-, space- and punctuation-insensitive."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def load_file(path: Path) -> Procedure:
    """One SOP file, fully validated; raises CatalogError listing every problem."""
    source = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError([Problem(source, "readable", str(exc))]) from exc
    except yaml.YAMLError as exc:
        raise CatalogError([Problem(source, "yaml", " ".join(str(exc).split()))]) from exc
    if not isinstance(raw, Mapping):
        raise CatalogError([Problem(source, "shape", "the file must hold one SOP mapping")])
    try:
        proc = Procedure.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(_schema_problems(source, raw, exc)) from exc
    problems = check_procedure(proc, source)
    if problems:
        raise CatalogError(problems)
    return proc


def _schema_problems(source: str, raw: Mapping, exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        step = None
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            steps = raw.get("steps") or []
            entry = steps[loc[1]] if loc[1] < len(steps) else None
            number = entry.get("number") if isinstance(entry, Mapping) else None
            step = number if isinstance(number, int) else loc[1] + 1
            loc = loc[2:]
        where = ".".join(str(part) for part in loc) or "file"
        message = err["msg"].removeprefix("Value error, ")
        value = err.get("input")
        if err["type"] != "missing" and not isinstance(value, Mapping | list):
            message += f" (got {value!r})"
        problems.append(Problem(source, f"schema:{where}", message, step))
    return problems


def _load_folder(folder: Path) -> list[tuple[Procedure, str]]:
    entries: list[tuple[Procedure, str]] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.y*ml")):
        try:
            entries.append((load_file(path), str(path)))
        except CatalogError as exc:
            problems.extend(exc.problems)
    problems.extend(check_unique_codes((p, Path(s).name) for p, s in entries))
    if problems:
        raise CatalogError(problems)
    return entries


@dataclass(frozen=True)
class Catalog:
    procedures: Mapping[str, Procedure]
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for code, proc in self.procedures.items():
            for name in (code, proc.title, *proc.aliases):
                index.setdefault(_key(name), code)
        object.__setattr__(self, "_index", index)
        # The same names recur row after row, cycle after cycle.
        object.__setattr__(self, "_found", {})
        object.__setattr__(self, "_suggested", {})

    def __iter__(self):
        return iter(self.procedures.values())

    def __len__(self) -> int:
        return len(self.procedures)

    def get(self, code: str) -> Procedure:
        return self.procedures[code]

    def lookup(self, name: str) -> Procedure | None:
        """The procedure staff mean by ``name`` (code, title or short name), or None."""
        found: dict[str, str | None] = self._found  # type: ignore[attr-defined]
        if name not in found:
            found[name] = self._index.get(_key(name))  # type: ignore[attr-defined]
        code = found[name]
        return self.procedures[code] if code else None

    def suggest(self, name: str, limit: int = 3) -> list[Procedure]:
        """Closest procedures to a name that did not match."""
        key = _key(name)
        cache: dict[tuple[str, int], list[Procedure]] = self._suggested  # type: ignore[attr-defined]
        if (key, limit) not in cache:
            cache[(key, limit)] = self._closest(key, limit)
        return list(cache[(key, limit)])

    def _closest(self, key: str, limit: int) -> list[Procedure]:
        index: dict[str, str] = self._index  # type: ignore[attr-defined]
        close = difflib.get_close_matches(key, index.keys(), n=limit * 3, cutoff=0.5)
        close += [k for k in index if key and (key in k or k in key) and k not in close]
        codes: list[str] = []
        for k in close:
            if index[k] not in codes:
                codes.append(index[k])
        return [self.procedures[c] for c in codes[:limit]]


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
