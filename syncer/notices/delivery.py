"""After a cycle: plan the notices due now, record them, send what is due, per channel.

:meth:`Notifier.after_cycle` is what the cycle calls once its write is done.
It never raises and never waits for a channel longer than one timeout per
channel: a channel that fails is skipped for the rest of the cycle and its
notices are retried with backoff in later cycles. Nothing is sent outside
working periods. One message per person per channel per cycle: everything due
to an address is gathered into one message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import structlog

from syncer.calendar import WorkingCalendar
from syncer.notices.channels import Channel, ChannelError, send_in_time
from syncer.notices.documents import OpenDocument
from syncer.notices.messages import Item, Message, Style, compose
from syncer.notices.outbox import Entry, Outbox
from syncer.notices.planner import Settings, plan
from syncer.people import Directory, name_key
from syncer.suggest import counted

log = structlog.get_logger("sopsync.notices")

GONE = "no address on this channel in Pegawai any more"

FAILURES_FOR_DOWN = 2
"""Messages of a channel failing in a row, each maybe for its own recipient, that make the
channel down for the rest of the cycle (a gateway's refusal may be the number's or the
device's: a second one says it is the device's)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to one address on one channel, and the notices it carries."""

    channel: str
    address: str
    message: Message
    entries: tuple[Entry, ...]


@dataclass
class DeliveryReport:
    planned: int = 0
    """Notices recorded this cycle (new keys)."""
    sent: int = 0
    """Messages that went out."""
    failed: int = 0
    """Messages that did not (tried again later, or given up)."""
    held: bool = False
    """Outside working periods: nothing planned or sent."""
    error: str = ""
    """Why notices could not run at all this cycle (the outbox), if so."""
    answers: list[str] = field(default_factory=list)
    """The channels' answers to the messages that failed."""
    held_back: int = 0
    """Messages not tried: their channel was down (not an attempt; tried next cycle)."""


@dataclass(frozen=True)
class Notifier:
    """Notices for the sheets of one configuration."""

    channels: tuple[Channel, ...]
    outbox: Path
    calendar: WorkingCalendar
    settings: Settings = field(default_factory=Settings)

    def style(self, link: str | None) -> Style:
        return Style(
            zone=self.calendar.zone,
            day_minutes=self.calendar.day_minutes,
            escalate_after=self.settings.escalate_after,
            link=link,
        )

    def planned(
        self,
        documents: Sequence[OpenDocument],
        directory: Directory,
        enabled_at: datetime,
        now: datetime,
    ) -> list[Entry]:
        """The notices due at ``now``, on every enabled channel the person has an address on."""
        notices = plan(documents, directory, self.calendar, self.settings, enabled_at, now)
        return [
            Entry(notice.key, channel.name, address, notice.person.name, notice.documents)
            for notice in notices
            for channel in self.channels
            if (address := channel.address_of(notice.person))
        ]

    def after_cycle(
        self,
        sheet: str,
        documents: Sequence[OpenDocument],
        directory: Directory,
        now: datetime,
        link: str | None = None,
    ) -> DeliveryReport:
        """Plan, record and send the notices of ``sheet`` due at ``now``; never raises."""
        report = DeliveryReport()
        if not self.channels:
            return report
        try:
            with Outbox.open(self.outbox) as outbox:
                enabled_at = outbox.enabled_at(sheet, now)
                if not self.calendar.is_working_time(now):
                    report.held = True
                    return report
                new = self.planned(documents, directory, enabled_at, now)
                report.planned = outbox.record(sheet, new, now, directory.nips())
                due = self._addressed(outbox, outbox.due(sheet, now), directory, report)
                self._send(outbox, outgoing(due, self.style(link)), now, report)
        except Exception as exc:  # the outbox itself (disk full, locked, damaged)
            log.error("notices failed", sheet=sheet, error=repr(exc))
            report.error = str(exc) or repr(exc)
        log.info(
            "notices",
            sheet=sheet,
            planned=report.planned,
            sent=report.sent,
            failed=report.failed,
            held_back=report.held_back,
            held=report.held,
        )
        return report

    def preview(
        self,
        sheet: str,
        documents: Sequence[OpenDocument],
        directory: Directory,
        now: datetime,
        link: str | None = None,
    ) -> list[Outgoing]:
        """What :meth:`after_cycle` would send at ``now``; records nothing."""
        if not self.channels or not self.calendar.is_working_time(now):
            return []
        if not self.outbox.exists():
            return outgoing(self.planned(documents, directory, now, now), self.style(link))
        with Outbox.open(self.outbox, readonly=True) as outbox:
            enabled_at = outbox.peek_enabled_at(sheet) or now
            new = self.planned(documents, directory, enabled_at, now)
            known = outbox.known(sheet, new, directory.nips())
            enabled = {channel.name for channel in self.channels}
            waiting = [
                replace(e, address=address)
                for e in outbox.due(sheet, now)
                if e.channel in enabled and (address := self._address_now(e, directory))
            ]
            due = waiting + [e for e in new if (e.key, e.channel) not in known]
        return outgoing(due, self.style(link))

    def _addressed(
        self,
        outbox: Outbox,
        due: Sequence[Entry],
        directory: Directory,
        report: DeliveryReport,
    ) -> list[Entry]:
        """``due`` sent where Pegawai says now: a number corrected since a notice was planned
        takes its retries; a notice whose person has no address on its channel any more is
        given up rather than sent where they may no longer read it."""
        current = [(entry, self._address_now(entry, directory)) for entry in due]
        moved = [replace(e, address=a) for e, a in current if a and a != e.address]
        gone = [e for e, a in current if not a]
        if moved:
            outbox.readdress(moved)
        if gone:
            outbox.give_up([e.id for e in gone], GONE)
            report.failed += len({(e.channel, e.address) for e in gone})
            report.answers.append(GONE)
            log.warning("notices given up", reason=GONE, given_up=len(gone))
        return [replace(e, address=a) if a != e.address else e for e, a in current if a]

    def _address_now(self, entry: Entry, directory: Directory) -> str:
        """Where ``entry`` goes now: its person's address on its channel in this cycle's
        Pegawai ("" for none); its own address when its person is not in Pegawai or has a
        row there being edited (a tab being edited must not lose the retries), or its
        channel is no longer enabled (given up when it is tried)."""
        channel = next((c for c in self.channels if c.name == entry.channel), None)
        person = directory.known_as(entry.key.person, entry.name)
        if channel is None or person is None:
            return entry.address
        address = channel.address_of(person)
        if not address and name_key(person.name) in directory.unsettled:
            return entry.address
        return address

    def _send(
        self, outbox: Outbox, messages: Sequence[Outgoing], now: datetime, report: DeliveryReport
    ) -> None:
        """Send each message, recording each outcome as it happens; a channel down is skipped.

        A message not tried because its channel went down earlier in the cycle is held as
        it is: not an attempt, it stays due and goes first when the channel is back.
        """
        by_name = {channel.name: channel for channel in self.channels}
        turns: dict[str, _Turn] = {}
        for out in messages:
            turn = turns.setdefault(out.channel, _Turn())
            if turn.down is not None:
                turn.held += 1
                continue
            try:
                receipt = _deliver(by_name.get(out.channel), out)
            except ChannelError as exc:
                turn.failed(exc)
                report.answers.append(exc.answer)
                report.failed += 1
                given_up = outbox.failed(out.entries, now, exc.answer, exc.final, exc.retry_after)
                log.warning(
                    "notice not sent",
                    channel=out.channel,
                    address=out.address,
                    answer=exc.answer,
                    retry="no" if given_up == len(out.entries) else "later",
                    given_up=given_up,
                )
            else:
                turn.failures = 0
                outbox.sent([e.id for e in out.entries], now, receipt)
                report.sent += 1
        for channel, turn in turns.items():
            if turn.held:
                report.held_back += turn.held
                log.warning(
                    "channel down: messages held for a later cycle",
                    channel=channel,
                    held=turn.held,
                    answer=turn.down.answer if turn.down else "",
                )


@dataclass
class _Turn:
    """One channel in one cycle: is it down, how many messages it failed in a row."""

    down: ChannelError | None = None
    failures: int = 0
    """Failures in a row not about their recipient alone (final ones are)."""
    held: int = 0
    """Messages not tried because the channel was down."""

    def failed(self, error: ChannelError) -> None:
        self.failures = 0 if error.final else self.failures + 1
        if error.down or self.failures >= FAILURES_FOR_DOWN:
            self.down = error


def _deliver(channel: Channel | None, out: Outgoing) -> str:
    """Send one message; any failure, a channel's own bug included, as ChannelError."""
    if channel is None:
        raise ChannelError(f"channel {out.channel} is no longer enabled", final=True, down=False)
    try:
        return send_in_time(channel, out.address, out.message)
    except ChannelError:
        raise
    except Exception as exc:  # a bug in one channel must not stop the others
        raise ChannelError(f"{out.channel}: {exc!r}") from exc


def outgoing(entries: Sequence[Entry], style: Style) -> list[Outgoing]:
    """Entries gathered into one message per channel and address, in the order first due."""
    groups: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        groups.setdefault((entry.channel, entry.address), []).append(entry)
    return [
        Outgoing(
            channel,
            address,
            replace(
                compose(
                    group[0].name,
                    [Item(e.key.kind, e.documents, e.key.occasion) for e in group],
                    style,
                ),
                reference=_reference(style.link, channel, address, group),
            ),
            tuple(group),
        )
        for (channel, address), group in groups.items()
    ]


def _reference(link: str | None, channel: str, address: str, entries: Sequence[Entry]) -> str:
    """A name for one message that its every try shares and no other message has."""
    keys = sorted("|".join(map(str, e.key)) for e in entries)
    text = "\n".join([link or "", channel, address, *keys])
    return "sopsync." + hashlib.sha256(text.encode()).hexdigest()[:32]


def render_preview(messages: Sequence[Outgoing]) -> str:
    """What ``notify preview`` prints: per person and channel, the message that would go now."""
    if not messages:
        return "Nothing to send now."
    blocks = [
        f"== {out.message.recipient} · {out.channel} {out.address}\n"
        f"Subject: {out.message.subject}\n\n{out.message.text.rstrip()}"
        for out in messages
    ]
    return "\n\n".join(blocks) + f"\n\n{counted(len(messages), 'message')} would be sent now."
