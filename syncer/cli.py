"""The command line (DESIGN §5): init, sync, run, sop, demo.

Exit codes: 0 the command completed (invalid rows are the staff's business);
1 the sheet could not be read or written, or a command failed; 2 bad usage or
configuration (argparse's own code; a missing key file, an invalid SOP file or
workbook path included); 75 the sheet is busy (open in Excel or LibreOffice, being
written, or held by another worker): try again later. Whatever fails, an admin reads
one sentence on stderr, never a traceback (that goes to the log, see ``logs``).

With ``[[sheets]]`` (``syncer.sheets``) `init` and `sync` do each sheet in turn (or the
one ``--sheet`` names): a sheet that fails is one sentence naming it, the others go on,
and the exit code is the most severe of the sheets' (2 over 1 over 75 over 0). `run`
serves them all (``syncer.worker``); `status` prints what their cycles recorded.
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias
from zoneinfo import ZoneInfo

import structlog

from sop_models import Catalog, CatalogError, Procedure, load_catalog, load_file
from syncer import kept, logs
from syncer.backends import Backend, BackendError, Busy, Misconfigured, NeedsInit
from syncer.calendar import NoWorkingTime
from syncer.config import MAX_INTERVAL, Config, ConfigError, here, load_config
from syncer.cycle import Report, run_cycle
from syncer.engine import Rules
from syncer.last_cycle import LastCycle
from syncer.monitoring.refresh import KinerjaTerms
from syncer.monitoring.refresh_record import RefreshRecord
from syncer.people import Directory, catalog_roles
from syncer.service import Shared, SheetService, Transports, make_rules
from syncer.sheets import Sheet, load_sheets
from syncer.status import Last, StatusBook, render_status
from syncer.suggest import counted, did_you_mean, either
from syncer.summary import render_report

if TYPE_CHECKING:
    from syncer.migration import Migration
    from syncer.worker import Stopper

EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 1, 2, 75
SEVERITY = {0: 0, EXIT_BUSY: 1, EXIT_FAILED: 2, EXIT_USAGE: 3}
"""Of several sheets' exit codes, `sync` and `init` exit with the most severe."""

log = structlog.get_logger("sopsync")


class CommandError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


def _target_options(
    parser: argparse.ArgumentParser, config_default: object = None, creates: bool = True
) -> None:
    """``--config`` and the sheet; ``creates``: the command makes a missing workbook."""
    _config_option(parser, config_default)
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--workbook",
        type=Path,
        help="local .xlsx workbook"
        + (" (created if missing; its folder must exist)" if creates else ""),
    )
    target.add_argument("--spreadsheet", help="Google spreadsheet id")
    target.add_argument(
        "--sheet", metavar="NAME", help="only this sheet of the configuration's [[sheets]]"
    )


def _config_option(parser: argparse.ArgumentParser, default: object = None) -> None:
    """``--config``; an action's own (``default=argparse.SUPPRESS``) lets it come after the
    action too, as ``sopsync notify preview --config F``, and overrides none given before."""
    parser.add_argument(
        "--config", type=Path, default=default, help="TOML configuration file (optional)"
    )


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; of the commands, only ``command``'s when it names one (a cron
    ``sync`` need not build the other eight), else all of them, for help and mistakes."""
    parser = argparse.ArgumentParser(
        prog="sopsync",
        description="Run government SOPs (Permenpan RB 35/2012) from a shared spreadsheet.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, add in _PARSERS.items():
        if command in (None, name) or command not in _PARSERS:
            add(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` asks for: its first word that is not an option."""
    return next((word for word in argv if not word.startswith("-")), None)


Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _init_parser(sub: Subparsers) -> None:
    init = sub.add_parser("init", help="create or upgrade the sheet's tabs, columns and formats")
    _target_options(init)


def _sync_parser(sub: Subparsers) -> None:
    sync = sub.add_parser("sync", help="run one cycle and exit")
    _target_options(sync)
    sync.add_argument("--now", help="fix the clock (ISO 8601; no offset = configured zone)")
    sync.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")


def _run_parser(sub: Subparsers) -> None:
    run = sub.add_parser("run", help="repeat sync on a schedule until stopped")
    _target_options(run)
    run.add_argument("--every", type=float, metavar="SECONDS", help="interval between cycles")


def _sop_parser(sub: Subparsers) -> None:
    sop = sub.add_parser("sop", help="list, show or check SOP definitions")
    sop.add_argument("--config", type=Path, help="TOML configuration (for the office SOP folders)")
    sop_sub = sop.add_subparsers(dest="sop_command", required=True, metavar="ACTION")
    listed = sop_sub.add_parser("list", help="every SOP: code, title, steps, standard time, source")
    show = sop_sub.add_parser("show", help="the steps of one SOP")
    show.add_argument("code")
    show.add_argument("--mermaid", action="store_true", help="print a Mermaid flowchart")
    check = sop_sub.add_parser("check", help="validate an SOP YAML file")
    check.add_argument("file", type=Path)
    render = sop_sub.add_parser("render", help="write the Permenpan SOP document (PDF or SVG)")
    render.add_argument("codes", nargs="*", metavar="CODE", help="SOP code, title or short name")
    render.add_argument("--all", action="store_true", help="every SOP of the catalog")
    render.add_argument("--out", type=Path, default=Path("."), metavar="DIR", help="folder (.)")
    render.add_argument("--format", choices=("pdf", "svg"), default="pdf")
    render.add_argument("--paper", choices=("a4", "f4"), default="a4", help="landscape (a4)")
    migrate = sop_sub.add_parser(
        "migrate", help="move an SOP's documents in flight to its current version"
    )
    migrate.add_argument("code", metavar="CODE")
    migrate.add_argument(
        "--map",
        default="",
        metavar="OLD=NEW,…",
        help="the current version's step for each older step documents are at (e.g. 4=5,5=6);"
        " a step whose work, actor and time are unchanged needs none",
    )
    migrate.add_argument("--dry-run", action="store_true", help="print the moves, write nothing")
    migrate.add_argument("--now", help="the clock (ISO 8601) of the cycle that migrates")
    _target_options(migrate, config_default=argparse.SUPPRESS, creates=False)
    for action in (listed, show, check, render):  # --config after the action too, as notify's
        _config_option(action, argparse.SUPPRESS)


def _notify_parser(sub: Subparsers) -> None:
    notify = sub.add_parser("notify", help="notices to people: preview them, send a test message")
    notify.add_argument("--config", type=Path, help="TOML configuration with [notices]")
    notify_sub = notify.add_subparsers(dest="notify_command", required=True, metavar="ACTION")
    trial = notify_sub.add_parser("test", help="send one test message on the enabled channels")
    trial.add_argument("target", help="a role, a person's name, or an address (email:, wa:, tg:)")
    preview = notify_sub.add_parser(
        "preview", help="print, per person and channel, what would be sent now (sends nothing)"
    )
    preview.add_argument("--now", help="the clock (ISO 8601; no offset = configured zone)")
    for action in (trial, preview):  # --config after the action too; it overrides none given
        _target_options(action, config_default=argparse.SUPPRESS, creates=False)


def _laporan_parser(sub: Subparsers) -> None:
    laporan = sub.add_parser(
        "laporan", help="write the Permenpan monitoring form of a period (.xlsx or .pdf)"
    )
    _target_options(laporan, creates=False)
    laporan.add_argument("--dari", metavar="DATE", help="first day (YYYY-MM-DD)")
    laporan.add_argument("--sampai", metavar="DATE", help="last day (YYYY-MM-DD)")
    laporan.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx|FILE.pdf")
    laporan.add_argument("--now", help="the clock (ISO 8601): printing date, open documents")


def _status_parser(sub: Subparsers) -> None:
    status = sub.add_parser("status", help="each sheet's last cycle, as the worker recorded it")
    status.add_argument("--config", type=Path, help="TOML configuration file")


def _demo_parser(sub: Subparsers) -> None:
    demo = sub.add_parser("demo", help="create a demo workbook with example documents and sync it")
    demo.add_argument("path", type=Path, nargs="?", default=Path("sopsync-demo.xlsx"))
    demo.add_argument("--now", help="the demo's clock (ISO 8601); default: now")
    demo.add_argument(
        "--history",
        action="store_true",
        help="first fill Riwayat with a simulated semester (figures for `laporan`)",
    )


_PARSERS: dict[str, Callable[[Subparsers], None]] = {
    "init": _init_parser,
    "sync": _sync_parser,
    "run": _run_parser,
    "sop": _sop_parser,
    "notify": _notify_parser,
    "laporan": _laporan_parser,
    "status": _status_parser,
    "demo": _demo_parser,
}
"""Each command's parser, in the order ``--help`` lists them."""


def _load_sheets(path: Path | None) -> tuple[Sheet, ...]:
    """The configuration's sheets, as a sync from cron kept them (``syncer.kept``); without
    one, the defaults' sheet, its state file in the current folder (``config.here``)."""
    if path is None:
        return (Sheet("", here()),)
    return kept.configuration(path, load_sheets, tuple)


def _sheets(args: argparse.Namespace) -> tuple[Sheet, ...]:
    """The sheets a command is for: the configuration's (or the one ``--sheet`` names),
    with the command line's ``--workbook``, ``--spreadsheet`` and ``--every``."""
    sheets = _load_sheets(args.config)
    listed = bool(sheets[0].name)
    if listed and (getattr(args, "workbook", None) or getattr(args, "spreadsheet", None)):
        raise CommandError(
            f"{args.config} lists [[sheets]]: choose one with --sheet NAME,"
            " not --workbook or --spreadsheet",
            EXIT_USAGE,
        )
    name = getattr(args, "sheet", None)
    if name is not None:
        sheets = (_named(sheets, name, args.config),)
    return tuple(replace(sheet, config=_overridden(sheet.config, args)) for sheet in sheets)


def _config(args: argparse.Namespace) -> Config:
    """The settings of the one sheet a command is for (`laporan`, `notify`, `sop migrate`):
    of a file that lists several, the one ``--sheet`` names."""
    sheets = _sheets(args)
    if len(sheets) > 1:
        names = either([f'"{sheet.name}"' for sheet in sheets])
        raise CommandError(f"this command is for one sheet: add --sheet {names}", EXIT_USAGE)
    return sheets[0].usable().config


def _named(sheets: Sequence[Sheet], name: str, path: Path | None) -> Sheet:
    if not sheets[0].name:
        if path is None:
            raise CommandError(
                f"--sheet {name}: name the configuration that lists [[sheets]] with --config FILE",
                EXIT_USAGE,
            )
        raise CommandError(f"--sheet {name}: {path} lists no [[sheets]]", EXIT_USAGE)
    for sheet in sheets:
        if sheet.name.casefold() == name.strip().casefold():
            return sheet
    hint = did_you_mean(name, [s.name for s in sheets], "sheets", lambda s: f'"{s}"')
    raise CommandError(f'--sheet "{name}" is not a sheet of {path}; {hint}', EXIT_USAGE)


def _overridden(config: Config, args: argparse.Namespace) -> Config:
    updates: dict[str, object] = {}
    if getattr(args, "workbook", None):
        updates["backend"] = "xlsx"
        updates["xlsx"] = config.xlsx.model_copy(update={"path": args.workbook})
    if getattr(args, "spreadsheet", None):
        updates["backend"] = "google"
        updates["google"] = config.google.model_copy(update={"spreadsheet": args.spreadsheet})
    every = getattr(args, "every", None)
    if every is not None:
        if not 1 <= every <= MAX_INTERVAL:  # nan is neither
            raise ConfigError(
                f"--every must be at least 1 second and at most {MAX_INTERVAL} (a week),"
                f" not {every:g}"
            )
        updates["worker"] = config.worker.model_copy(update={"interval_seconds": every})
    return config.model_copy(update=updates) if updates else config


def make_backend(config: Config, rules: Rules, transports: Transports | None = None) -> Backend:
    from syncer.service import make_backend as backend_of

    return backend_of(config, rules.calendar.zone, transports)


FIRST_YEAR, LAST_YEAR = 1970, 2100
"""The years ``--now``, ``--dari`` and ``--sampai`` may name: a clock set to replay or
rehearse, a period to report, not a typo's year 9999."""


def parse_now(text: str | None, rules: Rules) -> datetime:
    return parse_at(text, rules.calendar.zone)


def parse_at(text: str | None, zone: ZoneInfo) -> datetime:
    """``--now`` in ``zone`` (the clock's now without it)."""
    if text is None:
        return datetime.now(zone)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise CommandError(f"--now {text!r} is not ISO 8601 (e.g. 2026-11-24T10:00)", 2) from exc
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise CommandError(f"--now {text}: the year must be {FIRST_YEAR} to {LAST_YEAR}", 2)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def sync_once(
    config: Config,
    rules: Rules,
    now: datetime,
    dry_run: bool = False,
    sleep: Callable[[float], None] | None = time.sleep,
    backend: Backend | None = None,
    record: RefreshRecord | None = None,
    migration: Migration | None = None,
    memory: LastCycle | None = None,
) -> Report:
    """One cycle under the sheet's lock, then its notices; raises BackendError.

    A sheet that changed under the cycle is read again (a file another program is
    still writing, after a pause that doubles each time: 1 s, 2 s, 4 s …; with no
    ``sleep``, not waited for: the cycle raises Busy). ``run``
    passes the same backend to every cycle: a Google backend keeps its credentials
    and connection between cycles, nothing else; and the same ``record`` of when the
    Kinerja tab is next due, which a ``sync`` reads from the local state file. Notices
    follow a completed cycle (never a failed or dry one), still under the lock, so that
    two workers never send from one outbox at once; they never raise. ``memory``: the
    sheet's last cycle, which ``run`` keeps (``syncer.last_cycle``).
    """
    from syncer.runlock import held

    backend = backend or make_backend(config, rules)
    notices = config.notices.enabled and not dry_run
    record = record or RefreshRecord(config.worker.state_file)
    with held(backend.target):
        terms = KinerjaTerms(record.due(backend.target), config.laporan.good_share)
        report = run_cycle(
            backend,
            rules,
            now,
            dry_run,
            attempts=config.worker.retries + 1,
            sleep=sleep,
            documents=notices,
            kinerja=terms,
            migration=migration,
            memory=memory,
        )
        if report.kinerja_due is not None and not dry_run:
            record.keep(backend.target, report.kinerja_due)
        if notices:
            from syncer.notices.after_cycle import notify_after_cycle

            report.notices = notify_after_cycle(config, report, now)
        return report


def each_sheet(sheets: Sequence[Sheet], command: str, action: Callable[[Sheet], None]) -> int:
    """``action`` for each sheet in turn. One sheet raises what it raises, as ever; of
    several, each failure is one sentence naming its sheet, the others go on, and the
    exit code is the most severe of theirs."""
    if len(sheets) == 1:
        action(sheets[0].usable())
        return 0
    codes: dict[str, int] = {}
    for sheet in sheets:
        try:
            action(sheet.usable())
        except Exception as exc:
            code, text = failure(exc, command)
            print(f"sopsync: {sheet.label}: {text}", file=sys.stderr)
        else:
            code = 0
        codes[sheet.label] = code
    failed = [name for name, code in codes.items() if code]
    tail = f"; not done: {', '.join(failed)}" if failed else ""
    print(f"\n{len(sheets)} sheets: {len(sheets) - len(failed)} done{tail}")
    return max(codes.values(), key=SEVERITY.__getitem__)


def cmd_init(args: argparse.Namespace) -> int:
    from syncer.runlock import held

    sheets = _sheets(args)
    shared = Shared()

    def init(sheet: Sheet) -> None:
        rules = make_rules(sheet.config, shared.catalogs)
        backend = make_backend(sheet.config, rules, shared.transports)
        with held(backend.target):
            done = backend.init(rules)
        where = f"{sheet.name} · {backend.target}" if sheet.name else backend.target
        print(f"{where}: " + ("; ".join(done) if done else "already up to date"))

    return each_sheet(sheets, "init", init)


def cmd_sync(args: argparse.Namespace) -> int:
    sheets = _sheets(args)
    parse_at(args.now, sheets[0].config.calendar.zone)  # a bad --now: before any sheet
    shared = Shared(waits=len(sheets) == 1)

    def sync(sheet: Sheet) -> None:
        service = SheetService(
            sheet,
            sync_once,
            now=lambda zone: parse_at(args.now, zone),
            shared=shared,
            dry_run=args.dry_run,
        )
        report = service.cycle()
        if len(sheets) > 1:
            print()
        print(render_report(report, dry_run=args.dry_run, name=sheet.name))

    return each_sheet(sheets, "sync", sync)


def cmd_run(args: argparse.Namespace) -> int:
    from syncer.worker import stop_on_signals

    sheets = _sheets(args)
    # Of many sheets, one that fails is retried on its own backoff, not inside its cycle.
    one = len(sheets) == 1
    shared = Shared(Transports(retry_faults=one), waits=one)
    return serve(sheets, shared, datetime.now, stop_on_signals())


def serve(
    sheets: Sequence[Sheet],
    shared: Shared,
    now: Callable[[ZoneInfo], datetime],
    stop: Stopper,
    clock: Callable[[], float] = time.monotonic,
    wait: Callable[[float], object] | None = None,
) -> int:
    """`run`: the loop over these sheets until ``stop`` (``worker.run_forever``)."""
    from syncer.worker import Job, run_forever

    many = len(sheets) > 1
    if not many:
        sheets[0].usable()
    services = {
        sheet.name: SheetService(
            sheet, sync_once, now=now, shared=shared, hold=True, keep_backend=not many
        )
        for sheet in sheets
        if not sheet.problem
    }
    try:
        if not many:  # as ever: an unusable configuration or a busy sheet stops it here
            services[sheets[0].name].open()
        jobs = [
            Job.of(s.config, partial(_refused, s), s.name)
            if s.problem
            else Job.of(s.config, services[s.name].cycle, s.name)
            for s in sheets
        ]
        return run_forever(jobs, stop, clock, wait)
    finally:
        for service in services.values():
            service.close()


def _refused(sheet: Sheet) -> Report:
    """The cycle of a sheet whose own settings have a mistake: `run` logs it each turn."""
    raise ConfigError(sheet.problem)


def cmd_status(args: argparse.Namespace) -> int:
    """Each sheet's last cycle, from the worker's state file its cycles were recorded in
    (without --config, the current folder's, as a `sync` given none recorded it)."""
    sheets = _load_sheets(args.config)
    recorded: dict[str, Last] = {}
    for path in dict.fromkeys(sheet.config.worker.state_file for sheet in sheets):
        names = [sheet.name for sheet in sheets if sheet.config.worker.state_file == path]
        try:
            recorded.update(StatusBook(path).last(names) if path else {})
        except sqlite3.Error as exc:
            raise CommandError(f"{path} cannot be read: {exc}") from exc
    print(render_status(sheets, recorded))
    return 0


def cmd_sop(args: argparse.Namespace) -> int:
    if args.sop_command == "check":
        if args.file.is_dir():
            raise CommandError(f"{args.file} is a folder: check one SOP file (.yaml)", EXIT_USAGE)
        if not args.file.is_file():
            raise CommandError(f"{args.file}: no such file", EXIT_USAGE)
        try:
            checked = load_file(args.file)
            _beside_the_catalog(checked, args.file, load_config(args.config).sop.folders)
        except CatalogError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print(f"{args.file}: {counted(len(exc.problems), 'problem')}", file=sys.stderr)
            return EXIT_USAGE
        steps = counted(checked.last, "step")
        print(f"{args.file}: ok: {checked.code} ({checked.title}), {steps}")
        return 0
    if args.sop_command == "migrate":
        from syncer.sop_migrate import migrate_documents

        return migrate_documents(args)
    from sop_models.render import render_list, render_mermaid, render_procedure

    config = load_config(args.config)
    catalog = load_catalog(config.sop.folders)
    if args.sop_command == "list":
        print(render_list(catalog))
        return 0
    if args.sop_command == "render":
        from syncer.sop_render import render_documents

        return render_documents(args, catalog)
    found = catalog.lookup(args.code)
    if found is None:
        near = either([p.code for p in catalog.suggest(args.code)])
        hint = f"did you mean {near}?" if near else "`sopsync sop list` shows them all"
        raise CommandError(f"no SOP {args.code!r}; {hint}", EXIT_USAGE)
    if args.mermaid:
        print(render_mermaid(found))
    else:
        print(render_procedure(found))
    return 0


def _beside_the_catalog(proc: Procedure, path: Path, folders: Sequence[Path]) -> None:
    """CatalogError when ``proc`` clashes with the SOPs it would join (the built-in ones and
    the configuration's folders'): a name or an ID prefix that reads the same as another's.
    Folders that do not load yet are left out: `sopsync sop list` names their problems."""
    try:
        catalog = load_catalog(folders)
    except CatalogError:
        catalog = load_catalog()
    Catalog({**catalog.procedures, proc.code: proc}, {**catalog.sources, proc.code: str(path)})


def parse_day(flag: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"{flag} {text} is not a date: write 2026-12-01 (YYYY-MM-DD)", EXIT_USAGE
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CommandError(f"{flag} {text}: the year must be {FIRST_YEAR} to {LAST_YEAR}", 2)
    return day


def cmd_laporan(args: argparse.Namespace) -> int:
    """The monitoring form of a period (default: the current semester) from Riwayat."""
    from syncer.backends.workbook_file import write_atomically
    from syncer.monitoring.laporan import make_laporan
    from syncer.monitoring.laporan_pdf import write_pdf
    from syncer.monitoring.laporan_xlsx import write_xlsx
    from syncer.monitoring.measures import Period
    from syncer.versions import Pins, read_kept

    out: Path = args.out
    writers = {".xlsx": write_xlsx, ".pdf": write_pdf}
    if out.suffix.lower() not in writers:
        raise CommandError(f"--out {out}: the report is written as FILE.xlsx or FILE.pdf", 2)
    if out.is_dir():
        raise CommandError(f"--out {out} is a folder: name the report's file in it", EXIT_USAGE)
    if not out.absolute().parent.is_dir():
        raise CommandError(
            f"--out {out}: no folder {out.absolute().parent} (the worker creates no folders)",
            EXIT_USAGE,
        )
    first, last = parse_day("--dari", args.dari), parse_day("--sampai", args.sampai)
    config = _config(args)
    _not_a_sheet(out, (*_load_sheets(args.config), Sheet("", config)))
    rules = make_rules(config)
    now = parse_now(args.now, rules)
    try:
        period = Period.between(first, last, now.date())
    except ValueError as exc:
        raise CommandError(f"--sampai is before --dari: {exc}", EXIT_USAGE) from None
    snapshot = make_backend(config, rules).read(full_history=True)
    entries = snapshot.history or []
    pins = Pins(
        {doc_id: r.version for doc_id, r in snapshot.records.items()},
        read_kept(snapshot.meta).versions,
    )
    report = make_laporan(
        entries,
        rules.catalog,
        rules.calendar,
        config.laporan,
        period,
        now,
        pins,
        snapshot.history_unreadable,
    )
    made = io.BytesIO()
    writers[out.suffix.lower()](report, made)
    try:
        write_atomically(out, made.getbuffer())
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
    measured = sum(p.measured for p in report.measures.procedures)
    print(f"{out}: monitoring form for {period.label}: {counted(measured, 'step move')} measured")
    return 0


def _not_a_sheet(out: Path, sheets: Sequence[Sheet]) -> None:
    """Refuse to write a report over a workbook the worker keeps (its documents, its Riwayat)."""
    for sheet in sheets:
        book = sheet.config.xlsx.path
        if sheet.problem or sheet.config.backend != "xlsx":
            continue
        if out.exists() and book.exists() and out.samefile(book):
            whose = f"sheet {sheet.name}'s" if sheet.name else "the sheet's own"
            raise CommandError(
                f"--out {out} is {whose} workbook: name another file for the report", EXIT_USAGE
            )


def cmd_demo(args: argparse.Namespace) -> int:
    from syncer.backends.workbook_file import check_path
    from syncer.demo import build_demo

    check_path(args.path)
    if args.path.exists():
        raise CommandError(
            f"{args.path} exists; the demo makes a new workbook: name another file", EXIT_USAGE
        )
    config = load_config(None)
    rules = make_rules(config)
    now = parse_now(args.now, rules)
    report = build_demo(args.path, rules, now, args.history)
    print(render_report(report))
    print(f"\nOpen {args.path} in Excel or LibreOffice; run `sopsync sync --workbook {args.path}`")
    print("after editing a Langkah cell to see the worker check the move.")
    return 0


def cmd_notify(args: argparse.Namespace) -> int:
    config = _config(args)
    rules = make_rules(config)
    if not config.notices.enabled:
        raise ConfigError(
            "no channel is enabled: add [notices.email], [notices.telegram] or"
            " [notices.whatsapp] (see config/notices.example.toml)"
        )
    if args.notify_command == "preview":
        return _notify_preview(config, rules, parse_now(args.now, rules))
    return _notify_test(config, rules, args.target)


def _notify_preview(config: Config, rules: Rules, now: datetime) -> int:
    """The sheet read as a dry-run cycle (nothing written), then what would be sent now."""
    from sop_models.idtime import waktu
    from syncer.notices.after_cycle import preview_after_cycle
    from syncer.notices.delivery import render_preview
    from syncer.notices.outbox import OutboxError

    backend = make_backend(config, rules)
    attempts = config.worker.retries + 1
    kinerja = KinerjaTerms(RefreshRecord(config.worker.state_file).due(backend.target))
    try:
        report = run_cycle(
            backend, rules, now, dry_run=True, attempts=attempts, documents=True, kinerja=kinerja
        )
    except NeedsInit as exc:
        raise CommandError(
            f"{exc}: run `sopsync init` (or a first sync) to make the sheet"
        ) from exc
    calendar = (report.rules or rules).calendar
    if not calendar.is_working_time(now):
        opens = calendar.next_working_start(now)
        print(
            f"Nothing is sent at {waktu(now, calendar.zone)}: outside working hours;"
            f" what is due waits for the next working period ({waktu(opens, calendar.zone)})."
        )
        return 0
    try:
        messages = preview_after_cycle(config, report, now)
    except OutboxError as exc:
        raise CommandError(str(exc)) from exc
    print(render_preview(messages))
    return 0


def _notify_test(config: Config, rules: Rules, target: str) -> int:
    from syncer.notices.channels import ChannelError, send_in_time, shown_name
    from syncer.notices.messages import Style, trial_message
    from syncer.notices.trial import TargetError, resolve

    notifier = config.notices.notifier(rules.calendar)
    now = parse_now(None, rules)
    try:
        destinations = resolve(
            target,
            notifier.channels,
            lambda: _people_now(config, rules),
            catalog_roles(rules.catalog),
            now,
        )
    except TargetError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from exc
    problems = [p for d in destinations for p in d.channel.problems()]
    if problems:
        raise ConfigError("; ".join(dict.fromkeys(problems)))
    failed = 0
    for d in destinations:
        style = Style(zone=rules.calendar.zone)
        message = trial_message(d.name, shown_name(d.channel), now, style)
        try:
            receipt = send_in_time(d.channel, d.address, message)
        except ChannelError as exc:
            failed += 1
            print(f"{d.channel.name} {d.address}: not sent: {exc.answer}", file=sys.stderr)
        else:
            print(f"{d.channel.name} {d.address}: sent" + (f" ({receipt})" if receipt else ""))
    return EXIT_FAILED if failed else 0


def _people_now(config: Config, rules: Rules) -> Directory:
    """Who holds each role: the sheet's Pegawai tab over ``[people]`` (one read, no write).

    A sheet not made yet, or without its Pegawai tab, has no one but ``[people]``.
    """
    from syncer.office import read_office

    try:
        snapshot = make_backend(config, rules).read()
    except NeedsInit as exc:
        log.info("the sheet has no Pegawai tab yet: [people] only", reason=str(exc))
        return rules.people
    return read_office(snapshot.tables, rules).rules.people


COMMANDS = {
    "init": cmd_init,
    "sync": cmd_sync,
    "run": cmd_run,
    "sop": cmd_sop,
    "notify": cmd_notify,
    "laporan": cmd_laporan,
    "demo": cmd_demo,
    "status": cmd_status,
}


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_of(words)).parse_args(words)
    _configure_logs(args)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # What reads the output stopped early (`sopsync sop list | head`): it had all it
        # wanted, and whatever the command changed was done before it printed.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        code, text = failure(exc, args.command)
        print(f"sopsync: {text}", file=sys.stderr)
        return code


def failure(exc: Exception, command: str) -> tuple[int, str]:
    """The exit code of what stopped a command, and the sentence an admin reads (after
    "sopsync: "); called while ``exc`` is being handled (a bug's traceback is logged)."""
    if isinstance(exc, ConfigError | Misconfigured):
        return EXIT_USAGE, f"configuration error: {exc}"
    if isinstance(exc, NoWorkingTime):
        return EXIT_USAGE, (
            f"calendar error: {exc} ([calendar] in the configuration, Libur rows of the"
            " Kalender tab)"
        )
    if isinstance(exc, CatalogError):
        where = " " if len(exc.problems) == 1 else "\n"
        return EXIT_USAGE, f"invalid SOP definitions:{where}{exc}"
    if isinstance(exc, Busy):
        log.warning("sheet busy", reason=str(exc))
        return EXIT_BUSY, f"{exc}; nothing written, try again later"
    if isinstance(exc, BackendError):
        log.error(f"{command} failed", reason=str(exc))
        return EXIT_FAILED, str(exc)
    if isinstance(exc, CommandError):
        return exc.code, str(exc)
    logs.crashed(log, "command crashed", command=command)  # a bug: its traceback in the log
    return EXIT_FAILED, (
        f"unexpected error ({type(exc).__name__}: {exc}); nothing more was done."
        " Please report it with the log of the same command run with -v."
    )


def _configure_logs(args: argparse.Namespace) -> None:
    """Logs in the configured format, stamped in the configured zone (defaults if unusable)."""
    logs.configure(verbose=args.verbose)  # reading the configuration may log: on stderr too
    try:
        config = kept.configuration(getattr(args, "config", None), load_config, Config)
    except ConfigError:
        config = Config()  # the command itself says what is wrong with the file
    try:
        zone: ZoneInfo | None = ZoneInfo(str(config.calendar.zone))
    except (ValueError, KeyError):
        zone = None
    logs.configure(config.worker.log_format, verbose=args.verbose, zone=zone)


if __name__ == "__main__":
    # `python -m syncer.cli`: run the module as sopsync's own code imports it, so that the
    # errors other modules raise (syncer.cli.CommandError) are the ones main() catches.
    from syncer.cli import main as imported_main

    raise SystemExit(imported_main())
