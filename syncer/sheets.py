"""The sheets one configuration serves (DESIGN §11): ``[[sheets]]`` over the file's settings.

A configuration without ``[[sheets]]`` serves one sheet: the file's own target. With
them, each entry is a sheet: its ``name``, its target (``workbook = "kec-a.xlsx"`` or
``spreadsheet = "<id or address>"``; or ``[sheets.xlsx] path`` or ``[sheets.google]
spreadsheet``) and any setting of its own, written as in the file: ``[sheets.calendar]``,
``[sheets.people]``, ``[sheets.sop]``, ``[sheets.notices]``, ``[sheets.worker]``,
``[sheets.google]`` (another service-account key), ``[sheets.laporan]``.

How a sheet's settings are made (:func:`merged`): its table is laid over the file's,
section by section, at every depth. A key the sheet gives replaces the file's; a section
that both give is merged key by key (``[sheets.calendar] zone`` changes the zone and
keeps the file's ``extra_holidays``; ``[sheets.people] Camat`` names the Camat and keeps
the file's other names, and ``Camat = ""`` names none); a list (SOP folders, extra
holidays, ``[[calendar.spans]]``) replaces the file's whole, and so do a week of working
``periods`` and a ``[notices.whatsapp]`` of another ``provider``, each one setting rather
than a set of keys. The process's log format and its quota are the file's alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncer.config import Config, ConfigError, read_toml, validated
from syncer.suggest import did_you_mean

TARGETS = {"workbook": ("xlsx", "path"), "spreadsheet": ("google", "spreadsheet")}
"""A sheet's target as one key: the backend and the setting it stands for."""
WHOLE = frozenset({"periods"})
"""Tables that are one setting (a week): a sheet's replaces the file's whole."""
FILE_WIDE = {
    ("worker", "log_format"): "the worker writes one log",
    ("google", "requests_per_minute"): "sheets of one service account share one quota",
    ("google", "project_requests_per_minute"): "sheets of one project share one quota",
}


@dataclass(frozen=True)
class Sheet:
    """One sheet to serve and its settings (the file's, with its own laid over them)."""

    name: str
    """Its name in ``[[sheets]]``; "" for the one sheet of a file without them."""
    config: Config
    """Its settings; of a sheet with a ``problem``, the file's (only its worker's are used)."""
    problem: str = ""
    """A mistake in the sheet's own settings: a command for it says so (exit 2) and the
    other sheets go on (DESIGN §11: one sheet's failure never stops the others)."""

    def usable(self) -> Sheet:
        """The sheet, or the ConfigError of its mistake."""
        if self.problem:
            raise ConfigError(self.problem)
        return self

    @property
    def target(self) -> str:
        """The workbook's path or the spreadsheet's id."""
        if self.config.backend == "xlsx":
            return str(self.config.xlsx.path)
        return self.config.google.spreadsheet or ""

    @property
    def label(self) -> str:
        """How logs and `status` name it: its name, else its target."""
        return self.name or self.target


def load_sheets(path: Path | None) -> tuple[Sheet, ...]:
    """The sheets of the configuration file (the defaults' one sheet when ``path`` is None)."""
    if path is None:
        return (Sheet("", Config()),)
    raw = read_toml(path)
    entries = raw.pop("sheets", None)
    config = validated(raw, path)
    if entries is None:
        return (Sheet("", config),)
    if not (isinstance(entries, list) and entries and all(isinstance(e, dict) for e in entries)):
        raise ConfigError(
            f"{path}: sheets must be [[sheets]] tables, each with a name and a workbook or"
            " spreadsheet"
        )
    _no_own_target(raw, path)
    sheets: list[Sheet] = []
    for number, entry in enumerate(entries, start=1):
        name = _name(entry, number, path)
        try:
            sheet = _sheet(entry, name, raw, path)
        except ConfigError as exc:
            sheet = Sheet(name, config, problem=str(exc))
        _unique(sheet, sheets, number, path)
        sheets.append(sheet)
    if all(sheet.problem for sheet in sheets):  # nothing can be served: say every mistake
        raise ConfigError("\n".join(sheet.problem for sheet in sheets))
    return tuple(sheets)


def merged(base: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """``own`` laid over ``base`` (the rule in this module's docstring)."""
    out = dict(base)
    for key, value in own.items():
        under = out.get(key)
        if (
            isinstance(value, dict)
            and isinstance(under, dict)
            and key not in WHOLE
            and value.get("provider", under.get("provider")) == under.get("provider")
        ):
            out[key] = merged(under, value)
        else:
            out[key] = value
    return out


def _name(entry: dict[str, Any], number: int, path: Path) -> str:
    """The sheet's name: without one, no command could name the sheet, nor its mistakes."""
    name = entry.get("name")
    if name is None:
        raise ConfigError(f'{path}: [[sheets]] #{number} has no name: add name = "…"')
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(
            f'{path}: [[sheets]] #{number}: name must be text, e.g. name = "Kecamatan Contoh"'
        )
    return name.strip()


def _sheet(entry: dict[str, Any], name: str, raw: dict[str, Any], path: Path) -> Sheet:
    where = f'[[sheets]] "{name}": '
    _known_keys(entry, f"{path}: {where}")
    own = _with_target(entry, f"{path}: {where}")
    return Sheet(name, validated(merged(raw, own), path, where))


def _known_keys(entry: dict[str, Any], where: str) -> None:
    """Every key of the entry is a setting a sheet may have; else one sentence naming it."""
    settings = [f.alias or n for n, f in Config.model_fields.items()]
    known = {*settings, "name", *TARGETS}
    for key, value in entry.items():
        if key == "sheets":
            raise ConfigError(f"{where}[[sheets]] cannot list sheets of their own")
        if key not in known:
            if isinstance(value, dict):
                hint = did_you_mean(key, settings, "sections", lambda s: f"[sheets.{s}]")
                raise ConfigError(f"{where}[sheets.{key}] is not a section; {hint}")
            hint = did_you_mean(key, sorted(known), "settings")
            raise ConfigError(f"{where}{key} is not a setting; {hint}")
    for (section, key), why in FILE_WIDE.items():
        table = entry.get(section)
        if isinstance(table, dict) and key in table:
            raise ConfigError(
                f"{where}[{section}] {key} is a setting of the whole file ({why}):"
                f" set it in the file's [{section}]"
            )


def _with_target(entry: dict[str, Any], where: str) -> dict[str, Any]:
    """The entry's own settings, its target (``workbook`` or ``spreadsheet``) as its
    backend and that backend's setting."""
    own = {k: v for k, v in entry.items() if k != "name" and k not in TARGETS}
    named = [(key, *TARGETS[key]) for key in TARGETS if key in entry]
    named += [
        (f"[sheets.{backend}] {setting}", backend, setting)
        for backend, setting in TARGETS.values()
        if isinstance(own.get(backend), dict) and setting in own[backend]
    ]
    if not named:
        raise ConfigError(
            f'{where}it has no target: add workbook = "….xlsx" or spreadsheet = "<spreadsheet id>"'
        )
    if len(named) > 1:
        raise ConfigError(f"{where}{named[0][0]} and {named[1][0]} are two targets: keep one")
    key, backend, setting = named[0]
    if key in entry:
        value = entry[key]
        if not isinstance(value, str):
            raise ConfigError(f"{where}{key}: {value!r} is not a {key}: put it in quotes")
        if not value.strip():
            example = '"kantor.xlsx"' if key == "workbook" else '"<spreadsheet id>"'
            raise ConfigError(f"{where}{key} is empty: write {key} = {example}")
        section = own.get(backend, {})
        own[backend] = {**(section if isinstance(section, dict) else {}), setting: value}
    if own.get("backend", backend) != backend:
        raise ConfigError(
            f"{where}backend = {own['backend']!r} does not go with {key}: leave backend out"
        )
    own["backend"] = backend
    return own


def _no_own_target(raw: dict[str, Any], path: Path) -> None:
    """A file that lists sheets serves those only: a target of its own would be ignored."""
    for key, (backend, setting) in TARGETS.items():
        section = raw.get(backend)
        if isinstance(section, dict) and setting in section:
            raise ConfigError(
                f"{path}: [{backend}] {setting} is not served when the file lists [[sheets]]:"
                f" give it to a [[sheets]] entry as {key} = …"
            )


def _unique(sheet: Sheet, earlier: list[Sheet], number: int, path: Path) -> None:
    for other in earlier:
        if other.name.casefold() == sheet.name.casefold():
            raise ConfigError(
                f'{path}: [[sheets]] #{number}: the name "{sheet.name}" is taken by another'
                " sheet: give each sheet its own name"
            )
        if not (sheet.problem or other.problem) and _same_target(other, sheet):
            raise ConfigError(
                f'{path}: [[sheets]] "{sheet.name}": {sheet.target} is already the target of'
                f' "{other.name}": each sheet needs its own workbook or spreadsheet'
            )


def _same_target(one: Sheet, other: Sheet) -> bool:
    if one.config.backend != other.config.backend:
        return False
    if one.config.backend == "xlsx":
        return one.config.xlsx.path.resolve() == other.config.xlsx.path.resolve()
    return one.target.strip() == other.target.strip()
