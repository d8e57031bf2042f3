"""A sheet's notices after its cycle (DESIGN §8): where a cycle's report meets the notifier.

``sync`` and ``run`` call :func:`notify_after_cycle` once a cycle has completed (written,
or nothing to write; never after a failed write, never in a dry run); ``notify preview``
calls :func:`preview_after_cycle` after a dry-run cycle. Both give the notifier the same
things: the cycle's open documents, who held each role in that cycle (Pegawai over
``[people]``), the office's calendar (its Kalender included), the sheet's key in the outbox
(its target: a workbook's path, a spreadsheet's id) and where staff find the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog

from syncer import logs
from syncer.config import Config
from syncer.cycle import Report
from syncer.notices.delivery import DeliveryReport, Notifier, Outgoing
from syncer.notices.documents import OpenDocument
from syncer.people import Directory

log = structlog.get_logger("sopsync.notices")

GOOGLE_LINK = "https://docs.google.com/spreadsheets/d/{}/edit"


def sheet_link(config: Config) -> str:
    """Where staff find the sheet: a Google Sheet's address, or the workbook's path."""
    if config.backend == "google":
        return GOOGLE_LINK.format(config.google.spreadsheet)
    return str(config.xlsx.path.absolute())


@dataclass(frozen=True)
class _Cycle:
    """What the notifier needs from one cycle of one sheet."""

    notifier: Notifier
    documents: list[OpenDocument]
    people: Directory


def _of(config: Config, report: Report) -> _Cycle | None:
    """None when notices are off, or the cycle was not asked for its documents."""
    if not config.notices.enabled or report.rules is None or report.documents is None:
        return None
    rules = report.rules
    return _Cycle(config.notices.notifier(rules.calendar), report.documents, rules.people)


def notify_after_cycle(config: Config, report: Report, now: datetime) -> DeliveryReport | None:
    """Plan, record and send the notices due after the cycle ``report`` tells of.

    None when notices are off (or the cycle did not list its documents). Never raises: a
    failing channel, outbox or bug in notices is logged and never fails the cycle.
    """
    try:
        cycle = _of(config, report)
        if cycle is None:
            return None
        return cycle.notifier.after_cycle(
            report.target, cycle.documents, cycle.people, now, sheet_link(config)
        )
    except Exception as exc:  # a bug in notices must not fail the sheet's cycle
        logs.crashed(log, "notices crashed", sheet=report.target)
        return DeliveryReport(error=f"{type(exc).__name__}: {exc}")


def preview_after_cycle(config: Config, report: Report, now: datetime) -> list[Outgoing]:
    """What :func:`notify_after_cycle` would send at ``now``; records nothing."""
    cycle = _of(config, report)
    if cycle is None:
        return []
    return cycle.notifier.preview(
        report.target, cycle.documents, cycle.people, now, sheet_link(config)
    )
