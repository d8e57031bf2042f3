"""``sopsync sop migrate CODE --map OLD=NEW,…``: an SOP's documents in flight moved to its
current version, in one cycle of the sheet (``syncer.migration``), after a dry one that
finds whether any document is to move (none: nothing is written)."""

from __future__ import annotations

import argparse
import re
from datetime import datetime

from sop_models import Procedure
from sop_models.version import label
from syncer.backends import NeedsInit
from syncer.cli import EXIT_USAGE, CommandError, _config, parse_now, sync_once
from syncer.config import Config
from syncer.cycle import Report
from syncer.engine import EntryKind, HistoryEntry, Rules
from syncer.migration import Migration, MigrationRefused
from syncer.service import make_rules
from syncer.suggest import counted
from syncer.summary import render_report

_PAIR = re.compile(r"^\s*(\d{1,3})\s*=\s*(\d{1,3})\s*$")


def parse_map(text: str, current: Procedure) -> dict[int, int]:
    """``4=5,5=6`` as old step -> step of the current version; CommandError when it is not."""
    steps: dict[int, int] = {}
    for pair in filter(str.strip, text.split(",")):
        match = _PAIR.match(pair)
        if match is None:
            raise CommandError(
                f"--map {pair.strip()!r} is not OLD=NEW: give step numbers, e.g. --map 4=5,5=6",
                EXIT_USAGE,
            )
        old, new = int(match[1]), int(match[2])
        if steps.get(old, new) != new:
            raise CommandError(f"--map gives step {old} twice ({steps[old]} and {new})", EXIT_USAGE)
        if not current.has_step(new):
            raise CommandError(
                f"--map {old}={new}: step {new} is not a step of the current version of"
                f" {current.code} (1-{current.last})",
                EXIT_USAGE,
            )
        steps[old] = new
    return steps


def migrate_documents(args: argparse.Namespace) -> int:
    config = _config(args)
    rules = make_rules(config)
    current = rules.catalog.lookup(args.code)
    if current is None:
        raise CommandError(f"no SOP {args.code!r}; `sopsync sop list` shows them all", EXIT_USAGE)
    migration = Migration(current.code, parse_map(args.map, current))
    now = parse_now(args.now, rules)
    if config.backend == "xlsx" and not config.xlsx.path.exists():  # a path mistyped
        raise CommandError(f"workbook {config.xlsx.path} does not exist: nothing to migrate")
    try:
        report = _looked(config, rules, now, migration)
        if report is None or (_moved(report) and not args.dry_run):
            report = sync_once(config, rules, now, args.dry_run, migration=migration)
    except MigrationRefused as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    print(render_migration(report, current, args.dry_run))
    return 0


def _looked(config: Config, rules: Rules, now: datetime, migration: Migration) -> Report | None:
    """The migration as a dry cycle first: with nothing to migrate the command writes
    nothing, not even the cycle a `sync` would; None when the sheet needs `init`, which
    the migrating cycle does, as a sync's."""
    try:
        return sync_once(config, rules, now, True, migration=migration)
    except NeedsInit:
        return None


def _moved(report: Report) -> list[HistoryEntry]:
    return [e for e in report.changes.history if e.kind is EntryKind.MIGRATED]


def render_migration(report: Report, current: Procedure, dry_run: bool) -> str:
    moved = _moved(report)
    if not moved:
        return f"No document of {current.code} runs on an older version: nothing to migrate."
    verb = "Dry run: would migrate" if dry_run else "Migrated"
    head = (
        f"{verb} {counted(len(moved), 'document')} of {current.code} to its current version"
        f" {label(current)}, each logged in Riwayat:"
    )
    lines = [head, *(f"  {e.id}: {e.note}" for e in moved), "", render_report(report, dry_run)]
    return "\n".join(lines)
