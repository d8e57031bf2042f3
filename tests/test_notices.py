"""Notices end to end below the sheet: the engine decides, the planner plans, the outbox
keeps, real channels (local Telegram and SMTP servers) carry; the clock is fixed per cycle.

Each scenario is an office: its Dokumen rows, decided by the real engine cycle after
cycle, and its Pegawai rows, read as a sheet gives them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from structlog.testing import capture_logs

from sop_models import Duration, load_catalog
from syncer.calendar import WorkingCalendar
from syncer.config import (
    EmailConfig,
    NoticesConfig,
    TelegramConfig,
    WhatsAppCloudConfig,
    WhatsAppGatewayConfig,
)
from syncer.engine import Record, Rules, StaffRow, decide_rows
from syncer.notices.channels import Channel
from syncer.notices.delivery import DeliveryReport, Notifier, Outgoing, render_preview
from syncer.notices.documents import open_documents
from syncer.notices.messages import Message
from syncer.notices.outbox import MAX_ATTEMPTS, REFUSED, SENT, Outbox
from syncer.notices.planner import Kind, Settings
from syncer.notices.setup import channel_of, settings
from syncer.people import COLUMNS, Directory, catalog_roles, read_pegawai
from tests.notice_servers import (
    HOST,
    CloudApiServer,
    GatewayServer,
    MailServer,
    TelegramServer,
    flood,
    self_signed,
)

WIB = ZoneInfo("Asia/Jakarta")
CATALOG = load_catalog()
ROLES = catalog_roles(CATALOG)
CALENDAR = WorkingCalendar()
LINK = "https://docs.google.com/spreadsheets/d/1AbC/edit"

AHMAD, SITI, BUDI, RINA, ANI, DEDI, JOKO = "1001", "1002", "1003", "1004", "1005", "1006", "1007"
PEGAWAI = [
    # Peran, Nama, NIP, Email, WhatsApp, Telegram, Mulai, Sampai, Jenis
    ["Camat", "Drs. Ahmad Fauzi", "", "", "", AHMAD, "", "", ""],
    ["Camat", "Siti Aminah", "", "", "", SITI, "02/12/2026", "03/12/2026", "Plh."],
    ["Sekcam", "Budi Santoso", "", "", "", BUDI, "", "", ""],
    ["Kasubag Evapor", "Rina Marlina", "", "rina@sukamaju.go.id", "", RINA, "", "", ""],
    ["Staf", "Ani", "", "", "", ANI, "", "", ""],
    ["Staf", "Dedi", "", "", "", DEDI, "", "", ""],
    ["Kasubag Umum", "Joko", "", "", "", JOKO, "", "", ""],
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


@dataclass
class Office:
    """A sheet's documents and people, cycled by the real engine, notified for real."""

    outbox: Path
    channels: tuple[Channel, ...]
    settings: Settings = field(default_factory=Settings)
    pegawai: list[list[object]] = field(default_factory=lambda: [list(r) for r in PEGAWAI])
    rows: list[StaffRow] = field(default_factory=list)
    records: dict[str, Record] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rules = Rules(catalog=CATALOG, calendar=CALENDAR)
        self.notifier = Notifier(self.channels, self.outbox, CALENDAR, self.settings)

    def put(self, doc_id: str, prosedur: str, langkah: object = None, judul: str = "") -> None:
        """A row typed (or retyped) by staff."""
        for i, row in enumerate(self.rows):
            if row.id == doc_id:
                self.rows[i] = StaffRow(row.row, doc_id, prosedur, langkah, row.judul)
                return
        judul = judul or f"Dokumen {doc_id}"
        self.rows.append(StaffRow(len(self.rows) + 2, doc_id, prosedur, langkah, judul))

    def cycle(self, when: str, notifier: Notifier | None = None) -> DeliveryReport:
        now = at(when)
        decisions = decide_rows(self.rules, self.rows, self.records, now)
        self.records = decisions.records
        documents = open_documents(self.rules, self.rows, decisions)
        return (notifier or self.notifier).after_cycle(
            "kantor", documents, self.directory(), now, LINK
        )

    def preview(self, when: str, notifier: Notifier | None = None) -> list[Outgoing]:
        """What ``notify preview`` would show at ``when`` (a dry cycle: nothing kept)."""
        decisions = decide_rows(self.rules, self.rows, self.records, at(when))
        documents = open_documents(self.rules, self.rows, decisions)
        return (notifier or self.notifier).preview("kantor", documents, self.directory(), at(when))

    def directory(self) -> Directory:
        return read_pegawai(list(COLUMNS), self.pegawai, ROLES, zone=WIB).directory


def telegram_channel(server: TelegramServer) -> Channel:
    return channel_of(TelegramConfig(token_env="TEST_TELEGRAM_TOKEN", base_url=server.url), 30)


@pytest.fixture
def office(tmp_path, telegram):
    return Office(tmp_path / "sopsync-outbox.sqlite3", (telegram_channel(telegram),))


def sections(text: str, title: str) -> list[str]:
    """The sections of a message whose title starts with ``title`` (a blank line ends one)."""
    return [block for block in text.split("\n\n") if block.startswith(title)]


def morning_days(mornings: list[str]) -> list[str]:
    """The day each Ringkasan pagi section is for: ``Kamis, 3 Desember 2026``."""
    return [block.split("Ringkasan pagi ", 1)[1].split(":")[0] for block in mornings]


def told(server: TelegramServer, chat: str, title: str, doc_id: str = "") -> int:
    """Messages to ``chat`` with a section ``title`` (naming ``doc_id`` in that section)."""
    return sum(
        1
        for text in server.texts_to(chat)
        if any(f"{doc_id} — " in block or not doc_id for block in sections(text, title))
    )


def test_a_move_tells_the_new_actor_once_however_many_cycles_run(office, telegram):
    office.put("LB-1", "laporan-bulanan", 1, "Laporan Bulanan November")
    for minute in ("08:00", "08:05", "08:10"):
        office.cycle(f"2026-11-30T{minute}")
    assert told(telegram, RINA, "Tugas baru", "LB-1") == 1
    office.put("LB-1", "laporan-bulanan", 2)
    for when in ("2026-11-30T09:00", "2026-11-30T09:05", "2026-11-30T14:00"):
        office.cycle(when)
    assert told(telegram, ANI, "Tugas baru", "LB-1") == 1  # the Staf role: both holders
    assert told(telegram, DEDI, "Tugas baru", "LB-1") == 1
    assert told(telegram, RINA, "Tugas baru", "LB-1") == 1  # not told of the move away
    text = next(t for t in telegram.texts_to(ANI) if "Tugas baru" in t)
    assert "LB-1 — Laporan Bulanan November" in text
    assert "Penyusunan Laporan Bulanan, langkah 2: " in text
    assert "Tenggat: 1 Desember 2026 pukul 09.00" in text
    assert f"Buka lembar kerja: {LINK}" in text


def test_a_document_already_open_when_notices_are_enabled_is_not_announced(office, telegram):
    enabled = office.notifier
    office.notifier = Notifier((), office.outbox, CALENDAR)  # no channel yet
    office.put("LB-1", "laporan-bulanan", 1)
    office.cycle("2026-11-30T07:45")
    office.notifier = enabled
    office.put("LB-2", "laporan-bulanan", 1)
    office.cycle("2026-11-30T08:00")
    assert told(telegram, RINA, "Tugas baru", "LB-2") == 1
    assert told(telegram, RINA, "Tugas baru", "LB-1") == 0
    assert told(telegram, RINA, "Ringkasan pagi", "LB-1") == 1  # in the queue all the same


def test_one_message_per_person_per_channel_per_cycle(tmp_path, telegram, monkeypatch):
    cert = self_signed(tmp_path)
    mail = MailServer(cert, "starttls").start()
    settings = EmailConfig(
        host=HOST, port=mail.port, from_address="sopsync@sukamaju.go.id", ca_file=cert[0]
    )
    email = channel_of(settings, timeout=30)
    office = Office(tmp_path / "outbox.sqlite3", (email, telegram_channel(telegram)))
    for n in (1, 2, 3):
        office.put(f"LB-{n}", "laporan-bulanan", 1)
    try:
        office.cycle("2026-11-30T08:00")
    finally:
        mail.stop()
    (text,) = telegram.texts_to(RINA)
    (received,) = mail.received
    for body in (text, received.part("plain")):
        (new,) = sections(body, "Tugas baru")
        (morning,) = sections(body, "Ringkasan pagi")
        assert all(f"LB-{n} — " in new and f"LB-{n} — " in morning for n in (1, 2, 3))
    # A long subject is folded after "Subject:"; unfolded, its leading space is not its text.
    assert received.message["Subject"].strip() == (
        "Pemberitahuan SOP: 3 tugas baru, ringkasan pagi 30 November 2026"
    )


def test_a_stand_ins_dates_switch_the_recipient_on_the_right_day(office, telegram):
    office.put("LB-5", "laporan-bulanan", 5)  # a document already in flight, at the Camat
    office.cycle("2026-12-01T10:00")
    assert told(telegram, AHMAD, "Tugas baru", "LB-5") == 1
    office.cycle("2026-12-02T07:30")  # the Plh. holds the role on 2 and 3 December
    assert told(telegram, SITI, "Ringkasan pagi", "LB-5") == 1
    assert told(telegram, AHMAD, "Ringkasan pagi") == 1  # 1 December's only
    office.put("LB-6", "laporan-bulanan", 5)
    office.cycle("2026-12-03T10:00")
    assert told(telegram, SITI, "Tugas baru", "LB-6") == 1
    assert told(telegram, AHMAD, "Tugas baru", "LB-6") == 0
    office.cycle("2026-12-04T07:30")  # back to the holder
    assert told(telegram, AHMAD, "Ringkasan pagi", "LB-6") == 1
    assert told(telegram, SITI, "Ringkasan pagi") == 2  # 2 and 3 December
    # The holder learns of the work that arrived while he was away, once.
    assert told(telegram, AHMAD, "Tugas baru", "LB-6") == 1


def test_the_morning_queue_once_per_working_day_not_on_saturday_or_a_holiday(office, telegram):
    office.put("RKA-1", "rka", 3, "RKA 2027")  # Tim: nobody holds it
    office.put("LB-1", "laporan-bulanan", 2, "Laporan Oktober")  # Staf, 1 hari
    office.put("LB-2", "laporan-bulanan", 2, "Laporan November")
    office.cycle("2026-12-03T10:00")
    office.put("LB-3", "laporan-bulanan", 2, "Laporan Desember")
    for when in (
        "2026-12-04T07:00",  # before the set time
        "2026-12-04T07:30",
        "2026-12-04T10:00",
        "2026-12-05T08:00",  # Saturday
        "2026-12-07T07:45",  # Monday
        "2026-12-07T13:00",
        "2026-12-24T07:30",  # cuti bersama
        "2026-12-25T07:30",  # Christmas
        "2026-12-28T07:30",
    ):
        office.cycle(when)
    mornings = [block for t in telegram.texts_to(ANI) for block in sections(t, "Ringkasan pagi")]
    assert morning_days(mornings) == [
        "Kamis, 3 Desember 2026",
        "Jumat, 4 Desember 2026",
        "Senin, 7 Desember 2026",
        "Senin, 28 Desember 2026",
    ]
    friday = mornings[1]  # LB-1 and LB-2 due Friday 10.00, LB-3 (begun 07.00) Monday 07.30
    assert friday.index("LB-1") < friday.index("LB-2") < friday.index("LB-3")
    assert "(terlambat " not in friday
    december = mornings[3]  # late first, the latest Tenggat last
    assert december.index("LB-1") < december.index("LB-2") < december.index("LB-3")
    assert december.count("(terlambat ") == 3


def test_late_is_told_once_then_escalated_once_after_a_working_day(office, telegram):
    office.put("RKA-1", "rka", 2, "RKA 2027")  # Sekcam, 30 menit: due 09:30
    for when in ("2026-11-30T09:00", "2026-11-30T09:20"):
        office.cycle(when)
    assert told(telegram, BUDI, "Terlambat") == 0
    for when in ("2026-11-30T09:35", "2026-11-30T10:00", "2026-12-01T09:29"):
        office.cycle(when)
    assert told(telegram, BUDI, "Terlambat", "RKA-1") == 1
    assert told(telegram, AHMAD, "Perlu perhatian") == 0
    for when in ("2026-12-01T09:31", "2026-12-01T10:00", "2026-12-02T08:00"):
        office.cycle(when)
    # The Sekcam's supervisor is the Camat: escalated once, with who holds the document.
    escalated = "Perlu perhatian (terlambat lebih dari 1 hari kerja)"
    assert told(telegram, AHMAD, escalated, "RKA-1") == 1
    # Whoever comes to hold the role later is told too: the Plh. from 2 December.
    assert told(telegram, SITI, "Perlu perhatian", "RKA-1") == 1
    assert told(telegram, BUDI, "Terlambat", "RKA-1") == 1
    escalation = next(t for t in telegram.texts_to(AHMAD) if "Perlu perhatian" in t)
    assert "Tenggat: 30 November 2026 pukul 09.30 (terlambat 1 hari" in escalation
    assert "Pelaksana: Sekcam" in escalation


def test_escalation_follows_the_configured_time_and_supervisors(tmp_path, telegram):
    settings = Settings(escalate_after=Duration(2, "jam"), supervisors={"Staf": "Kasubag Umum"})
    office = Office(tmp_path / "o.sqlite3", (telegram_channel(telegram),), settings)
    office.put("LB-1", "laporan-bulanan", 2)  # Staf, 1 hari
    office.put("RKA-1", "rka", 2)  # Sekcam: no supervisor in these settings
    office.cycle("2026-11-30T09:00")
    office.cycle("2026-12-01T10:59")
    assert told(telegram, JOKO, "Perlu perhatian") == 0
    office.cycle("2026-12-01T11:01")
    assert told(telegram, JOKO, "Perlu perhatian (terlambat lebih dari 2 jam kerja)", "LB-1") == 1
    assert told(telegram, RINA, "Perlu perhatian") == 0 and told(telegram, AHMAD, "Perlu") == 0


def test_escalation_after_n_hari_counts_days_as_a_tenggat_does_in_ramadan_too(office, telegram):
    """DESIGN §3: N hari is the same clock time on the Nth working day. A Ramadan day is
    shorter than the average working day, and the supervisor is told all the same at the
    moment the row's Pesan starts to read "Terlambat 1 hari"."""
    office.put("LB-1", "laporan-bulanan", 2)  # Staf, 1 hari; supervisor: Kasubag Evapor
    office.cycle("2027-02-12T14:30")  # a Friday in Ramadan 1448 H: due Monday 14.30
    office.cycle("2027-02-16T14:29")
    assert told(telegram, RINA, "Perlu perhatian") == 0
    office.cycle("2027-02-16T14:31")
    assert told(telegram, RINA, "Perlu perhatian (terlambat lebih dari 1 hari kerja)", "LB-1") == 1


def test_supervisors_are_configured_in_any_case(tmp_path, telegram):
    configured = NoticesConfig(
        escalate_after="2 jam", supervisors={"staf": "sekcam", "KASUBAG EVAPOR": ""}
    )
    office = Office(tmp_path / "o.sqlite3", (telegram_channel(telegram),), settings(configured))
    office.put("LB-1", "laporan-bulanan", 2)  # Staf: escalated to the Sekcam, not the default
    office.put("LB-2", "laporan-bulanan", 1)  # Kasubag Evapor: "" is nobody, not the default
    office.cycle("2026-11-30T09:00")
    office.cycle("2026-12-01T11:01")
    assert told(telegram, BUDI, "Perlu perhatian", "LB-1") == 1
    assert told(telegram, BUDI, "Perlu perhatian", "LB-2") == 0
    assert told(telegram, RINA, "Perlu perhatian") == 0


def test_a_morning_queue_not_sent_gives_way_to_the_next_days(office, telegram):
    """DESIGN §8: the queue of each working day. One that could not go out on its day gives
    way to the next day's: it is not told as that day's queue."""
    office.put("LB-1", "laporan-bulanan", 2, "Laporan Oktober")  # Staf, 1 hari
    telegram.stop()
    office.cycle("2026-12-03T07:30")  # Thursday's queue fails
    office.cycle("2026-12-04T07:30")  # and Friday's
    telegram.start()
    outgoing = office.preview("2026-12-04T08:00")
    retried = [
        out
        for out in outgoing
        if any(e.key.kind is Kind.RINGKASAN_PAGI and e.attempts for e in out.entries)
    ]
    assert retried  # Thursday's queue is still to go, with Friday's
    for out in outgoing:
        mornings = sections(out.message.text, "Ringkasan pagi")
        assert morning_days(mornings) in ([], ["Jumat, 4 Desember 2026"])


def test_a_channel_down_for_three_cycles_delivers_everything_once_when_it_returns(office, telegram):
    telegram.stop()
    for n, minute in enumerate(("08:00", "08:05", "08:10"), start=1):
        office.put(f"LB-{n}", "laporan-bulanan", 1)
        report = office.cycle(f"2026-11-30T{minute}")
        assert report.sent == 0 and report.failed == 1
    telegram.start()
    for minute in ("08:15", "08:20", "08:25", "09:00"):
        office.cycle(f"2026-11-30T{minute}")
    (text,) = telegram.texts_to(RINA)  # everything gathered in one message
    assert all(f"LB-{n} — " in text for n in (1, 2, 3))
    with Outbox.open(office.outbox) as outbox:
        assert outbox.states("kantor") == {SENT: 4}  # 3 Tugas baru, 1 Ringkasan pagi


def every(minutes: int, first: str, last: str) -> list[str]:
    """The moments from ``first`` to ``last`` (ISO, same day), ``minutes`` apart."""
    start, end = datetime.fromisoformat(first), datetime.fromisoformat(last)
    count = int((end - start) / timedelta(minutes=minutes)) + 1
    return [(start + timedelta(minutes=minutes * n)).isoformat() for n in range(count)]


def tugas_baru_tries(server: TelegramServer, doc_id: str) -> int:
    """Requests (answered or not) that carried ``doc_id``'s Tugas baru."""
    return sum(
        any(f"{doc_id} — " in block for block in sections(r.body["text"], "Tugas baru"))
        for r in server.requests
    )


def test_a_failing_channel_is_retried_after_growing_waits_then_given_up(
    office, telegram, monkeypatch
):
    monkeypatch.setenv("TEST_TELEGRAM_TOKEN", "000:revoked")  # every send: 401 Unauthorized
    office.put("LB-1", "laporan-bulanan", 1)
    tried = []
    for moment in every(1, "2026-11-30T08:00", "2026-11-30T11:59"):
        office.cycle(moment)
        if tugas_baru_tries(telegram, "LB-1") > len(tried):
            tried.append(moment[11:16])
    # Waits of 1, 2, 4, 8, 16 and 32 minutes, then an hour each.
    assert tried == [
        "08:00",
        "08:01",
        "08:03",
        "08:07",
        "08:15",
        "08:31",
        "09:03",
        "10:03",
        "11:03",
    ]

    # On from lunch, every 10 minutes of four working days: hourly tries in working time
    # (3 more on Monday, 8 on Tuesday, 4 on Wednesday), the last one given up.
    later = every(10, "2026-11-30T12:00", "2026-11-30T16:50") + [
        moment
        for day in ("2026-12-01", "2026-12-02", "2026-12-03")
        for moment in every(10, f"{day}T07:00", f"{day}T16:50")
    ]
    last_try = ""
    with capture_logs() as logs:
        for moment in later:
            office.cycle(moment)
            if not last_try and tugas_baru_tries(telegram, "LB-1") == MAX_ATTEMPTS:
                last_try = moment
    assert last_try == "2026-12-02T10:30:00"
    assert tugas_baru_tries(telegram, "LB-1") == MAX_ATTEMPTS  # never tried again after it
    with sqlite3.connect(office.outbox) as db:
        row = db.execute(
            "SELECT state, attempts, answer FROM notice WHERE kind = 'tugas baru'"
        ).fetchone()
    assert row == (REFUSED, MAX_ATTEMPTS, "Telegram 401: Unauthorized")
    # The log says so, in the cycle of the last try: the Tugas baru and Monday's morning
    # queue given up, the morning queues of later days (in the same message) still retried.
    first = next(e for e in logs if e.get("given_up"))
    assert first == {
        "event": "notice not sent",
        "log_level": "warning",
        "channel": "telegram",
        "address": RINA,
        "answer": "Telegram 401: Unauthorized",
        "retry": "later",
        "given_up": 2,
    }


def test_a_sent_notice_keeps_its_key_not_its_documents(office, telegram):
    import sqlite3

    for n in range(30):
        office.put(f"LB-{n}", "laporan-bulanan", 1, "Laporan bulanan kecamatan")
    office.cycle("2026-11-30T08:00")
    office.cycle("2026-11-30T09:00")
    assert len(telegram.texts_to(RINA)) == 1  # the keys still say what was sent
    with sqlite3.connect(office.outbox) as db:
        kept = db.execute("SELECT state, documents FROM notice").fetchall()
    assert len(kept) == 31 and set(kept) == {(SENT, "[]")}  # 30 Tugas baru, 1 Ringkasan pagi


def test_telegram_flood_control_is_waited_out_in_later_cycles(office, telegram):
    telegram.scripted.append(flood(150))
    office.put("LB-1", "laporan-bulanan", 1)
    report = office.cycle("2026-11-30T08:00")
    assert report.answers == ["Telegram 429: Too Many Requests: retry after 150"]
    office.cycle("2026-11-30T08:02")
    assert len(telegram.requests) == 1  # not asked again before retry_after
    office.cycle("2026-11-30T08:03")
    assert len(telegram.requests) == 2 and told(telegram, RINA, "Tugas baru", "LB-1") == 1


def test_a_flood_wait_past_any_sense_is_taken_as_a_day(office, telegram):
    telegram.scripted.append(flood(10**30))  # a broken proxy's answer
    office.put("LB-1", "laporan-bulanan", 1)
    report = office.cycle("2026-11-30T08:00")
    assert report.error == "" and report.failed == 1  # recorded, not an outbox failure
    office.cycle("2026-11-30T16:00")
    assert len(telegram.requests) == 1  # waited out
    office.cycle("2026-12-01T08:00")
    assert told(telegram, RINA, "Tugas baru", "LB-1") == 1


def test_a_notice_due_at_night_goes_out_at_the_next_opening(office, telegram):
    office.cycle("2026-11-30T15:00")
    office.put("LB-1", "laporan-bulanan", 1)  # someone works late
    for when in ("2026-11-30T22:00", "2026-11-30T23:00", "2026-12-01T07:00", "2026-12-01T07:29"):
        assert office.cycle(when).held
    assert telegram.sent == []
    office.cycle("2026-12-01T07:30")
    (text,) = telegram.texts_to(RINA)
    (new,) = sections(text, "Tugas baru")
    assert "LB-1 — " in new


class KilledAfterSending:
    """A channel that delivers, then the process dies before the outbox records it."""

    def __init__(self, channel: Channel):
        self.channel = channel
        self.name = channel.name
        self.timeout = channel.timeout

    def address_of(self, person):  # noqa: ANN001, ANN201
        return self.channel.address_of(person)

    def problems(self) -> list[str]:
        return []

    def send(self, address: str, message: Message) -> str:
        self.channel.send(address, message)
        raise SystemExit(137)  # SIGKILL: nothing after this line runs


def test_a_crash_between_sending_and_recording_repeats_only_that_message(office, telegram):
    office.put("LB-1", "laporan-bulanan", 1)
    office.cycle("2026-11-30T08:00")
    office.put("LB-2", "laporan-bulanan", 1)
    killed = Notifier(
        (KilledAfterSending(telegram_channel(telegram)),), office.outbox, CALENDAR, office.settings
    )
    with pytest.raises(SystemExit):
        office.cycle("2026-11-30T09:00", killed)
    office.put("LB-3", "laporan-bulanan", 1)
    for when in ("2026-11-30T09:05", "2026-11-30T09:10"):
        office.cycle(when)
    assert told(telegram, RINA, "Tugas baru", "LB-1") == 1
    assert told(telegram, RINA, "Tugas baru", "LB-2") == 2  # the killed cycle's, repeated once
    assert told(telegram, RINA, "Tugas baru", "LB-3") == 1


def test_a_re_engagement_error_is_reported_and_not_retried(tmp_path, monkeypatch):
    cloud = CloudApiServer().start()
    monkeypatch.setenv("TEST_WA_TOKEN", cloud.token)
    settings = WhatsAppCloudConfig(
        provider="cloud",
        phone_number_id=cloud.phone_number_id,
        token_env="TEST_WA_TOKEN",
        base_url=f"{cloud.url}/v21.0",
    )
    channel = channel_of(settings, timeout=30)
    office = Office(tmp_path / "o.sqlite3", (channel,))
    office.pegawai[4][4] = "0812-3456-7890"  # Ani
    office.pegawai[5][4] = "+62 813 1111 2222"  # Dedi
    cloud.stale.add("6281234567890")
    office.put("LB-1", "laporan-bulanan", 2)
    try:
        report = office.cycle("2026-11-30T08:00")
        later = office.cycle("2026-11-30T09:00")
    finally:
        cloud.stop()
    assert report.sent == 1 and report.failed == 1
    assert report.answers[0].startswith("WhatsApp Cloud API error 131047")
    assert later.sent == later.failed == 0
    assert [b["to"] for b in cloud.sent] == ["6281311112222"]
    with Outbox.open(office.outbox) as outbox:
        assert outbox.states("kantor") == {SENT: 2, REFUSED: 2}  # Tugas baru, Ringkasan pagi


def test_an_unusable_outbox_is_logged_and_never_raises(tmp_path, telegram):
    office = Office(tmp_path / "missing" / "outbox.sqlite3", (telegram_channel(telegram),))
    office.put("LB-1", "laporan-bulanan", 1)
    report = office.cycle("2026-11-30T08:00")
    assert report.error and report.sent == 0


def test_preview_shows_what_would_go_out_now_and_records_nothing(office, telegram):
    office.put("LB-1", "laporan-bulanan", 1)
    office.cycle("2026-11-30T06:00")  # enables notices; outside working time
    decisions = decide_rows(office.rules, office.rows, office.records, at("2026-11-30T08:00"))
    documents = open_documents(office.rules, office.rows, decisions)
    directory = read_pegawai(list(COLUMNS), office.pegawai, ROLES, zone=WIB).directory
    first = office.notifier.preview("kantor", documents, directory, at("2026-11-30T08:00"))
    again = office.notifier.preview("kantor", documents, directory, at("2026-11-30T08:00"))
    assert [(o.channel, o.address) for o in first] == [("telegram", RINA)]
    assert first == again and telegram.sent == []
    printed = render_preview(first)
    assert printed.startswith(f"== Rina Marlina · telegram {RINA}\nSubject: Pemberitahuan SOP: ")
    assert "1. LB-1 — " in printed and printed.endswith("1 message would be sent now.")
    assert office.notifier.preview("kantor", documents, directory, at("2026-11-30T20:00")) == []


def test_morning_time_is_a_setting(tmp_path, telegram):
    office = Office(tmp_path / "o.sqlite3", (telegram_channel(telegram),), Settings(time(9, 0)))
    office.put("LB-1", "laporan-bulanan", 2)
    office.cycle("2026-11-27T15:00")
    office.cycle("2026-11-30T08:59")
    assert told(telegram, ANI, "Ringkasan pagi") == 1  # Friday's only
    office.cycle("2026-11-30T09:00")
    assert told(telegram, ANI, "Ringkasan pagi") == 2


def test_open_documents_are_those_at_a_step_each_once(office):
    office.put("LB-1", "laporan-bulanan", 1)
    office.put("LB-2", "laporan-bulanan", "Selesai")
    office.put("X-1", "bukan sop", 1)
    now = at("2026-11-30T08:00")
    decisions = decide_rows(office.rules, office.rows, office.records, now)
    office.records = decisions.records
    office.rows.append(StaffRow(9, "LB-1", "laporan-bulanan", 1, "salinan"))  # a copied row
    decisions = decide_rows(office.rules, office.rows, office.records, at("2026-11-30T09:00"))
    (doc,) = open_documents(office.rules, office.rows, decisions)
    assert (doc.id, doc.step, doc.role, doc.procedure_title) == (
        "LB-1",
        1,
        "Kasubag Evapor",
        "Penyusunan Laporan Bulanan",
    )
    assert doc.since == now and doc.due == at("2026-12-01T08:00") and doc.late_minutes == 0


def test_a_long_message_is_cut_to_telegrams_limit_keeping_the_link(office, telegram):
    for n in range(40):
        office.put(f"LB-{n:02d}", "laporan-bulanan", 1, "Laporan bulanan kecamatan " * 3)
    office.cycle("2026-11-30T08:00")
    (text,) = telegram.texts_to(RINA)
    assert len(text) <= 4096
    assert "\n…\n\n" in text
    assert text.endswith(
        f"Buka lembar kerja: {LINK}\nPesan otomatis dari sopsync; tidak perlu dibalas.\n"
    )


def unreadable_tugas_baru(office: Office, telegram: TelegramServer) -> None:
    """A Tugas baru not sent (the channel down) whose row another version wrote."""
    office.put("LB-1", "laporan-bulanan", 1)
    telegram.stop()
    office.cycle("2026-11-30T08:00")
    with sqlite3.connect(office.outbox) as db:
        db.execute("UPDATE notice SET documents = '[{\"id\": 1}]' WHERE kind = 'tugas baru'")


def test_an_outbox_row_this_version_cannot_read_is_given_up_not_retried(office, telegram):
    unreadable_tugas_baru(office, telegram)
    telegram.start()
    office.cycle("2026-11-30T08:30")
    (text,) = telegram.texts_to(RINA)
    assert sections(text, "Ringkasan pagi") and not sections(text, "Tugas baru")
    with Outbox.open(office.outbox) as outbox:
        assert outbox.states("kantor") == {SENT: 1, REFUSED: 1}


def test_preview_only_reads_the_outbox(office, telegram):
    unreadable_tugas_baru(office, telegram)
    before = office.outbox.read_bytes()
    shown = office.preview("2026-11-30T09:00")
    assert [out.message.subject for out in shown] == [
        "Pemberitahuan SOP: ringkasan pagi 30 November 2026"
    ]
    assert office.outbox.read_bytes() == before  # the unreadable row left to the worker
    with sqlite3.connect(office.outbox) as db:
        assert db.execute("SELECT state FROM notice WHERE kind = 'tugas baru'").fetchall() == [
            ("failed",)
        ]


def test_how_late_counts_a_ramadan_day_as_a_day(office, telegram):
    """A Ramadan working day is 6.5 hours: one of them late says 1 hari, as the row's Pesan."""
    office.put("LB-1", "laporan-bulanan", 2)  # Staf, 1 hari: due Tuesday 10.00
    office.cycle("2026-02-23T10:00")
    office.cycle("2026-02-25T10:00")
    late = next(t for t in telegram.texts_to(ANI) if "Terlambat" in t)
    assert "Tenggat: 24 Februari 2026 pukul 10.00 (terlambat 1 hari)" in late


@pytest.fixture
def gateway(tmp_path, monkeypatch):
    """An office whose Kasubag Evapor and two Staf have WhatsApp numbers, on a gateway."""
    server = GatewayServer().start()
    monkeypatch.setenv("TEST_GATEWAY_TOKEN", server.token)
    settings = WhatsAppGatewayConfig(
        provider="gateway", url=f"{server.url}/send", token_env="TEST_GATEWAY_TOKEN"
    )
    office = Office(tmp_path / "o.sqlite3", (channel_of(settings, timeout=30),))
    for row, number in ((3, "6281200000004"), (4, "6281200000005"), (5, "6281200000006")):
        office.pegawai[row][4] = number  # Rina, Ani, Dedi
    yield office, server
    server.stop()


def attempts(outbox: Path) -> dict[str, tuple[str, int]]:
    """Per WhatsApp number, the state and attempts of its notices (one each here)."""
    with sqlite3.connect(outbox) as db:
        rows = db.execute(
            "SELECT address, state, attempts FROM notice WHERE kind = 'tugas baru'"
        ).fetchall()
    return {address: (state, tries) for address, state, tries in rows}


def test_a_number_the_gateway_refuses_does_not_stop_the_others(gateway):
    office, server = gateway
    server.invalid_targets.add("6281200000005")  # Ani's number is not on WhatsApp
    office.put("LB-1", "laporan-bulanan", 2)  # the Staf: Ani, then Dedi
    report = office.cycle("2026-11-30T08:00")
    assert (report.sent, report.failed, report.held_back) == (1, 1, 0)
    assert report.answers == ["WhatsApp gateway HTTP 200: target invalid"]
    assert [body["target"] for body in server.sent] == ["6281200000006"]  # Dedi told
    assert attempts(office.outbox) == {
        "6281200000005": ("failed", 1),  # tried again later, on its own backoff
        "6281200000006": ("sent", 1),
    }


def test_a_gateway_refusing_its_device_is_down_after_two_messages_and_holds_the_rest(
    gateway, monkeypatch
):
    office, server = gateway
    monkeypatch.setenv("TEST_GATEWAY_TOKEN", "expired-device-token")
    office.put("LB-1", "laporan-bulanan", 1)  # Rina
    office.put("LB-2", "laporan-bulanan", 2)  # Ani and Dedi
    report = office.cycle("2026-11-30T08:00")  # one message each: Tugas baru, morning queue
    assert (report.sent, report.failed, report.held_back) == (0, 2, 1)
    assert len(server.requests) == 2  # the third message was not tried
    assert attempts(office.outbox) == {
        "6281200000004": ("failed", 1),
        "6281200000005": ("failed", 1),
        "6281200000006": ("pending", 0),  # not tried: not an attempt, due first next cycle
    }
    monkeypatch.setenv("TEST_GATEWAY_TOKEN", server.token)  # the admin renews the token
    report = office.cycle("2026-11-30T08:00")  # the same minute: only the held one is due
    assert (report.sent, report.failed, report.held_back) == (1, 0, 0)
    assert [body["target"] for body in server.sent] == ["6281200000006"]
    report = office.cycle("2026-11-30T08:01")  # the others after their first backoff
    assert report.sent == 2 and all(s == "sent" for s, _ in attempts(office.outbox).values())


RINA_NIP = "19850312 201001 2 004"


def test_a_name_corrected_in_pegawai_is_not_told_again_when_the_nip_is_given(office, telegram):
    office.pegawai[3][2] = RINA_NIP
    office.put("LB-1", "laporan-bulanan", 1)
    office.cycle("2026-11-30T08:00")
    office.pegawai[3][1] = "Rina Marlina, S.E."  # the admin adds her degree
    office.cycle("2026-11-30T09:00")
    assert len(telegram.texts_to(RINA)) == 1  # neither the Tugas baru nor the morning queue
    office.put("LB-2", "laporan-bulanan", 1)
    office.cycle("2026-11-30T10:00")
    (_, text) = telegram.texts_to(RINA)
    assert text.startswith("Yth. Rina Marlina, S.E.,") and told(telegram, RINA, "Tugas", "LB-2")


@pytest.mark.parametrize("corrected", ["19850312 201001 2 005", "", "-"])
def test_a_nip_corrected_or_cleared_tells_nobody_again(office, telegram, corrected):
    office.pegawai[3][2] = RINA_NIP
    office.put("LB-1", "laporan-bulanan", 1)
    office.cycle("2026-11-30T08:00")
    office.pegawai[3][2] = corrected
    office.cycle("2026-11-30T09:00")
    assert len(telegram.texts_to(RINA)) == 1


def test_nips_filled_in_later_tell_nobody_again(office, telegram):
    office.put("LB-1", "laporan-bulanan", 1)
    office.cycle("2026-11-30T08:00")  # recorded under her name: no NIP yet
    office.pegawai[3][2] = RINA_NIP
    office.cycle("2026-11-30T09:00")
    assert len(telegram.texts_to(RINA)) == 1


def test_two_staff_of_one_name_told_apart_by_their_nip(office, telegram):
    office.pegawai[4][1:3] = ["Dedi", "19900101 201501 1 001"]  # Ani's row: another Dedi
    office.pegawai[5][2] = "19920202 201701 1 002"
    office.put("LB-1", "laporan-bulanan", 2)  # the Staf
    office.cycle("2026-11-30T08:00")
    assert told(telegram, ANI, "Tugas baru", "LB-1") == told(telegram, DEDI, "Tugas baru", "LB-1")
    assert told(telegram, ANI, "Tugas baru", "LB-1") == 1
    assert told(telegram, ANI, "Ringkasan pagi") == told(telegram, DEDI, "Ringkasan pagi") == 1


def test_one_person_in_two_roles_gets_one_morning_queue_whichever_row_has_the_nip(office, telegram):
    office.pegawai[2][2] = "19750505 200003 1 003"  # Budi, Sekcam, with his NIP
    office.pegawai.append(["Kasubag Umum", "Budi Santoso", "", "", "", BUDI, "", "", "Plt."])
    office.put("LB-1", "laporan-bulanan", 4)  # the Sekcam's step
    office.put("LB-2", "laporan-bulanan", 6)  # the Kasubag Umum's: Budi stands in
    office.cycle("2026-11-30T08:00")
    (text,) = telegram.texts_to(BUDI)
    (morning,) = sections(text, "Ringkasan pagi")
    assert "LB-1 — " in morning and "LB-2 — " in morning


def test_an_e_mail_sent_again_after_its_answer_was_lost_shows_once_in_a_mailbox(tmp_path):
    cert = self_signed(tmp_path)
    mail = MailServer(cert, "starttls").start()
    settings = EmailConfig(
        host=HOST, port=mail.port, from_address="sopsync@sukamaju.go.id", ca_file=cert[0]
    )
    office = Office(tmp_path / "outbox.sqlite3", (channel_of(settings, timeout=1),))
    office.put("LB-1", "laporan-bulanan", 1)
    office.put("LB-2", "laporan-bulanan", 2)  # Staf: no e-mail address
    try:
        mail.holding = True  # the message arrives; the server's answer never reaches us
        lost = office.cycle("2026-11-30T08:00")
        mail.holding = False
        mail.release.set()
        again = office.cycle("2026-11-30T08:01")  # after the first backoff
        office.put("LB-3", "laporan-bulanan", 1)
        later = office.cycle("2026-11-30T09:00")
    finally:
        mail.stop()
    assert (lost.failed, again.sent, later.sent) == (1, 1, 1)
    first, second, third = (received.message for received in mail.received)
    # The same message, tried twice: one Message-ID, which mail programs show once.
    assert first["Message-ID"] == second["Message-ID"]
    assert first.get_body(("plain",)).get_content() == second.get_body(("plain",)).get_content()
    assert third["Message-ID"] != first["Message-ID"]  # another message, its own
    assert first["Message-ID"].endswith("@sukamaju.go.id>")


def test_a_channel_answering_a_byte_at_a_time_is_given_up_after_three_timeouts(tmp_path, telegram):
    channel = channel_of(TelegramConfig(token_env="TEST_TELEGRAM_TOKEN", base_url=telegram.url), 1)
    office = Office(tmp_path / "outbox.sqlite3", (channel,))
    office.put("LB-1", "laporan-bulanan", 1)
    office.put("LB-2", "laporan-bulanan", 2)  # Rina, Ani and Dedi: three messages
    telegram.trickling = True  # every read gets a byte in time; the answer takes a minute
    report = office.cycle("2026-11-30T08:00")
    assert report.answers == ["telegram: no complete answer within 3 s"]
    assert (report.failed, report.held_back, len(telegram.requests)) == (1, 2, 1)
    telegram.trickling = False
    office.cycle("2026-11-30T08:01")  # the channel is itself again
    assert told(telegram, ANI, "Tugas baru", "LB-2") == told(telegram, DEDI, "Tugas baru") == 1
    assert told(telegram, RINA, "Tugas baru", "LB-1") >= 1  # the trickled one may land too


def test_a_stand_in_row_without_addresses_is_told_at_the_persons_own(office, telegram):
    office.pegawai[2][2] = "19750505 200003 1 003"  # Budi, Sekcam, his NIP and Telegram
    office.pegawai.append(["Kasubag Umum", "Budi Santoso", "", "", "", "", "", "", "Plt."])
    office.put("LB-1", "laporan-bulanan", 6)  # the Kasubag Umum's step: Budi stands in
    office.cycle("2026-11-30T07:00")  # before opening: notices enabled, nothing sent
    office.put("LB-2", "laporan-bulanan", 6)
    office.cycle("2026-11-30T08:00")
    assert told(telegram, BUDI, "Tugas baru", "LB-2") == 1
    assert told(telegram, JOKO, "Tugas baru") == 0  # the stand-in holds the role


def test_a_gateway_url_that_answers_a_web_page_sends_nothing(gateway):
    office, server = gateway
    server.page = "<!DOCTYPE html>\n<html><head><title>Masuk</title></head></html>"
    office.put("LB-1", "laporan-bulanan", 1)
    report = office.cycle("2026-11-30T08:00")
    assert (report.sent, report.failed) == (0, 1)
    assert report.answers == [
        "WhatsApp gateway HTTP 200: its answer is a web page (<!DOCTYPE html> <html><head>"
        "<title>Masuk</title></head></html>): check [notices.whatsapp] url"
    ]
    server.page = None
    assert office.cycle("2026-11-30T08:01").sent == 1  # tried again once the url is right


def test_a_gateway_answering_json_labelled_as_a_web_page_is_understood(gateway):
    office, server = gateway  # some PHP gateways label every answer text/html
    server.page = '{"status": true, "id": ["81234"]}'
    office.put("LB-1", "laporan-bulanan", 1)
    report = office.cycle("2026-11-30T08:00")
    assert (report.sent, report.failed) == (1, 0)
    server.page = '{"status": false, "reason": "target invalid"}'
    office.put("LB-2", "laporan-bulanan", 1)
    report = office.cycle("2026-11-30T08:01")
    assert (report.sent, report.failed) == (0, 1)
    assert report.answers == ["WhatsApp gateway HTTP 200: target invalid"]


def test_notices_of_a_channel_taken_out_of_the_configuration_are_given_up_at_once(
    tmp_path, telegram
):
    office = Office(tmp_path / "outbox.sqlite3", (telegram_channel(telegram),))
    telegram.stop()
    office.put("LB-1", "laporan-bulanan", 1)
    office.put("LB-2", "laporan-bulanan", 2)
    office.cycle("2026-11-30T08:00")  # three messages: one tried, two held
    # [notices.telegram] removed, [notices.email] added
    cut = Notifier((channel_of_email(tmp_path),), office.outbox, CALENDAR, office.settings)
    assert {out.channel for out in office.preview("2026-11-30T08:05", cut)} == {"email"}
    gone = "channel telegram is no longer enabled"
    report = office.cycle("2026-11-30T08:05", cut)
    assert report.answers.count(gone) == 3 and report.held_back == 0
    assert gone not in office.cycle("2026-11-30T09:00", cut).answers  # not every cycle again
    with sqlite3.connect(office.outbox) as db:
        states = db.execute("SELECT state, COUNT(*) FROM notice WHERE channel = 'telegram'")
        assert states.fetchall() == [(REFUSED, 6)]  # 3 Tugas baru, 3 morning queues


def channel_of_email(tmp_path: Path) -> Channel:
    """An e-mail channel whose server is not there."""
    settings = EmailConfig(host=HOST, port=1, from_address="sopsync@sukamaju.go.id")
    return channel_of(settings, timeout=30)


def test_a_channel_that_cannot_be_reached_says_so_in_one_short_line(office, telegram):
    telegram.stop()
    office.put("LB-1", "laporan-bulanan", 1)
    report = office.cycle("2026-11-30T08:00")
    assert report.answers == [
        f"Telegram: cannot connect to {HOST}:{telegram.port}: Connection refused"
    ]


def test_a_number_corrected_in_pegawai_takes_the_retries(gateway):
    office, server = gateway
    server.invalid_targets.add("6281200000005")  # Ani's number, mistyped
    office.put("LB-1", "laporan-bulanan", 2)
    office.cycle("2026-11-30T08:00")
    office.pegawai[4][4] = "0812-0000-0015"  # the admin corrects it
    report = office.cycle("2026-11-30T08:01")
    assert report.sent == 1
    assert [body["target"] for body in server.sent] == ["6281200000006", "6281200000015"]
    assert attempts(office.outbox)["6281200000015"] == ("sent", 2)


def test_a_notice_whose_person_lost_their_address_is_given_up(gateway):
    office, server = gateway
    server.invalid_targets.add("6281200000005")  # someone else's number, typed for Ani
    office.put("LB-1", "laporan-bulanan", 2)
    office.cycle("2026-11-30T08:00")
    office.pegawai[4][4] = ""  # the admin removes it
    report = office.cycle("2026-11-30T08:01")
    assert report.answers == ["no address on this channel in Pegawai any more"]
    assert len(server.requests) == 2  # never tried at the old number again
    assert attempts(office.outbox)["6281200000005"] == ("refused", 1)


def test_a_nip_and_a_number_corrected_together_take_the_retries(gateway):
    office, server = gateway
    office.pegawai[4][2] = "19900101 201501 2 001"
    server.invalid_targets.add("6281200000005")
    office.put("LB-1", "laporan-bulanan", 2)
    office.cycle("2026-11-30T08:00")
    office.pegawai[4][2] = "19900101 201501 2 009"  # both were mistyped
    office.pegawai[4][4] = "0812-0000-0015"
    office.cycle("2026-11-30T08:01")
    assert [body["target"] for body in server.sent] == ["6281200000006", "6281200000015"]


def test_retries_wait_while_the_persons_pegawai_row_is_being_edited(gateway):
    office, server = gateway
    office.pegawai.append(["Kasubag Umum", "Ani", "", "", "", "", "", "", "Plt."])
    server.invalid_targets.add("6281200000005")
    office.put("LB-1", "laporan-bulanan", 2)
    office.cycle("2026-11-30T08:00")
    office.pegawai[4][4] = "0812-00"  # half typed: the row gets a Pesan and is ignored
    report = office.cycle("2026-11-30T08:01")
    assert "no address on this channel in Pegawai any more" not in report.answers
    office.pegawai[4][4] = "0812-0000-0015"
    office.cycle("2026-11-30T08:10")
    assert [body["target"] for body in server.sent] == ["6281200000006", "6281200000015"]


def test_messages_never_tried_go_before_retries(gateway):
    office, server = gateway
    server.invalid_targets |= {"6281200000005", "6281200000006"}  # both Staf mistyped
    office.put("LB-1", "laporan-bulanan", 2)
    office.cycle("2026-11-30T07:30")
    office.put("LB-2", "laporan-bulanan", 1)  # Rina's: new, after two retries that fail
    report = office.cycle("2026-11-30T08:00")
    assert (report.sent, report.held_back) == (1, 0)
    assert server.sent[-1]["target"] == "6281200000004"


def test_a_gateway_answering_plain_text_took_the_message(gateway):
    office, server = gateway
    server.page, server.page_type = "OK", "text/plain"
    office.put("LB-1", "laporan-bulanan", 1)
    assert office.cycle("2026-11-30T08:00").sent == 1
    assert office.cycle("2026-11-30T08:01").sent == 0 and len(server.requests) == 1
