"""Notices through the CLI on both backends (DESIGN §8, issue 15): `sopsync sync --now …` cycles
an office's sheet, whose Pegawai tab says who holds each role and where to reach them, and real
servers in this process receive what the worker sends (the Bot API; SMTP for the crash).
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from structlog.testing import capture_logs

from syncer.cli import make_rules, parse_now, sync_once
from syncer.config import load_config
from syncer.cycle import Report
from syncer.kalender import KALENDER
from syncer.people import PEGAWAI
from syncer.worker import Job, run_forever
from tests.fake_clock import FakeClock
from tests.notice_servers import HOST, MailServer, TelegramServer, self_signed
from tests.sheets import GoogleSheet, XlsxSheet, run_cli, said
from tests.test_contract import doc, synced
from tests.test_notices import morning_days, sections, told

AHMAD, SITI, BUDI, RINA, ANI, DEDI, JOKO = "1001", "1002", "1003", "1004", "1005", "1006", "1007"
STAFF = [
    {"Peran": "Camat", "Nama": "Drs. Ahmad Fauzi", "Telegram": AHMAD},
    {"Peran": "Sekcam", "Nama": "Budi Santoso", "Telegram": BUDI},
    {"Peran": "Kasubag Evapor", "Nama": "Rina Marlina", "Telegram": RINA},
    {"Peran": "Staf", "Nama": "Ani", "Telegram": ANI},
    {"Peran": "Staf", "Nama": "Dedi", "Telegram": DEDI},
    {"Peran": "Kasubag Umum", "Nama": "Joko", "Telegram": JOKO},
]
PLH = {
    "Peran": "Camat",
    "Nama": "Siti Aminah",
    "Telegram": SITI,
    "Mulai": "02/12/2026",
    "Sampai": "03/12/2026",
    "Jenis": "Plh.",
}
READS, WRITES = "sheets.spreadsheets.values.batchGet", "sheets.spreadsheets.batchUpdate"


def telegram_config(server: TelegramServer) -> str:
    return f'[notices.telegram]\ntoken_env = "TEST_TELEGRAM_TOKEN"\nbase_url = "{server.url}"\n'


@pytest.fixture(params=["xlsx", "google"])
def make_office(request, tmp_path):
    """An office's sheet on one backend, its configuration ending with ``config_text``."""

    def make(config_text: str, *pegawai: dict[str, object]) -> XlsxSheet | GoogleSheet:
        if request.param == "xlsx":
            sheet: XlsxSheet | GoogleSheet = XlsxSheet(tmp_path, config_text)
        else:
            sheet = GoogleSheet(request.getfixturevalue("emulator"), tmp_path, config_text)
        if pegawai:  # the admin prepares the sheet (init) and fills Pegawai
            sheet.add_rows(*pegawai, tab=PEGAWAI)
        return sheet

    return make


@pytest.fixture
def office(make_office, telegram):
    return make_office(telegram_config(telegram), *STAFF)


def started(sheet, judul: str, prosedur: str, langkah: object = None) -> None:
    row: dict[str, object] = {"Prosedur": prosedur, "Judul": judul}
    if langkah is not None:
        row["Langkah"] = langkah
    sheet.add_rows(row)


def link(sheet) -> str:
    if sheet.kind == "google":
        return f"https://docs.google.com/spreadsheets/d/{sheet.id}/edit"
    return str(sheet.path)


def sheet_requests(sheet) -> dict[str, int]:
    return {k: v for k, v in sheet.emu.counters.items() if k.startswith("sheets.")}


def test_a_move_tells_the_new_actor_once_however_many_cycles_run(office, telegram):
    started(office, "Laporan November", "laporan-bulanan")  # step 1: Kasubag Evapor
    first = synced(office, "2026-11-30T08:00")
    assert "Notices: 1 message sent." in first.out  # Tugas baru and her morning queue
    doc_id = doc(office, "Laporan November")["ID"]
    before = office.fingerprint()
    if office.kind == "google":
        office.emu.reset_counters()
    for minute in ("08:05", "08:10"):
        synced(office, f"2026-11-30T{minute}")
    assert office.fingerprint() == before  # notices on: an idle cycle still writes nothing
    if office.kind == "google":
        assert sheet_requests(office) == {READS: 2}  # one read per cycle
    assert told(telegram, RINA, "Tugas baru", doc_id) == 1

    office.set_by_id(doc_id, "Langkah", 2)  # on to the Staf: Ani and Dedi
    for when in ("2026-11-30T09:00", "2026-11-30T09:05", "2026-11-30T14:00"):
        synced(office, when)
    assert told(telegram, ANI, "Tugas baru", doc_id) == 1
    assert told(telegram, DEDI, "Tugas baru", doc_id) == 1
    assert told(telegram, RINA, "Tugas baru", doc_id) == 1  # not told of the move away
    text = next(t for t in telegram.texts_to(ANI) if "Tugas baru" in t)
    assert f"{doc_id} — Laporan November" in text
    assert "Penyusunan Laporan Bulanan, langkah 2: " in text
    assert "Tenggat: 1 Desember 2026 pukul 09.00" in text
    assert f"Buka lembar kerja: {link(office)}" in text


def test_a_stand_ins_dates_switch_pelaksana_and_the_recipient_on_the_right_day(
    make_office, telegram
):
    office = make_office(telegram_config(telegram), *STAFF, PLH)
    started(office, "Laporan Oktober", "laporan-bulanan", 5)  # in flight, at the Camat
    synced(office, "2026-12-01T10:00")
    first = doc(office, "Laporan Oktober")
    assert first["Pelaksana"] == "Camat — Drs. Ahmad Fauzi"
    assert told(telegram, AHMAD, "Tugas baru", first["ID"]) == 1

    synced(office, "2026-12-02T07:30")  # the Plh. holds the role on 2 and 3 December
    assert doc(office, "Laporan Oktober")["Pelaksana"] == "Camat — Plh. Siti Aminah"
    assert told(telegram, SITI, "Ringkasan pagi", first["ID"]) == 1
    assert told(telegram, AHMAD, "Ringkasan pagi") == 1  # 1 December's only

    started(office, "Laporan November", "laporan-bulanan", 5)
    synced(office, "2026-12-03T10:00")
    second = doc(office, "Laporan November")
    assert second["Pelaksana"] == "Camat — Plh. Siti Aminah"
    assert told(telegram, SITI, "Tugas baru", second["ID"]) == 1
    assert told(telegram, AHMAD, "Tugas baru", second["ID"]) == 0

    synced(office, "2026-12-04T07:30")  # back to the holder
    assert doc(office, "Laporan November")["Pelaksana"] == "Camat — Drs. Ahmad Fauzi"
    assert told(telegram, AHMAD, "Tugas baru", second["ID"]) == 1  # what came while away
    assert told(telegram, AHMAD, "Ringkasan pagi", second["ID"]) == 1
    assert told(telegram, SITI, "Ringkasan pagi") == 2  # 2 and 3 December


def test_the_morning_queue_once_per_working_day_not_on_saturday_or_a_holiday(office, telegram):
    office.add_rows(
        {"Tanggal": "08/12/2026", "Jenis": "Libur", "Keterangan": "HUT Kabupaten"}, tab=KALENDER
    )
    started(office, "Laporan Oktober", "laporan-bulanan", 2)  # the Staf, 1 hari
    synced(office, "2026-12-03T10:00")
    for when in (
        "2026-12-04T07:00",  # before working hours
        "2026-12-04T07:30",
        "2026-12-04T10:00",
        "2026-12-05T08:00",  # Saturday
        "2026-12-07T07:45",
        "2026-12-07T13:00",
        "2026-12-08T07:30",  # the office's own holiday (Kalender)
        "2026-12-09T07:30",
        "2026-12-24T07:30",  # cuti bersama
        "2026-12-25T07:30",  # Christmas
        "2026-12-28T07:30",
    ):
        synced(office, when)
    for chat in (ANI, DEDI):
        mornings = [b for t in telegram.texts_to(chat) for b in sections(t, "Ringkasan pagi")]
        assert morning_days(mornings) == [
            "Kamis, 3 Desember 2026",
            "Jumat, 4 Desember 2026",
            "Senin, 7 Desember 2026",
            "Rabu, 9 Desember 2026",
            "Senin, 28 Desember 2026",
        ]
        assert "(terlambat " in mornings[-1]


def test_a_late_document_is_told_once_then_escalated_once_after_a_working_day(office, telegram):
    started(office, "RKA 2027", "rka", 2)  # the Sekcam, 30 menit: due 09.30
    for when in ("2026-11-30T09:00", "2026-11-30T09:20"):
        synced(office, when)
    doc_id = doc(office, "RKA 2027")["ID"]
    assert told(telegram, BUDI, "Terlambat") == 0
    for when in ("2026-11-30T09:35", "2026-11-30T10:00", "2026-12-01T09:29"):
        synced(office, when)
    assert doc(office, "RKA 2027")["Status"] == "Terlambat"
    assert told(telegram, BUDI, "Terlambat", doc_id) == 1
    assert told(telegram, AHMAD, "Perlu perhatian") == 0
    for when in ("2026-12-01T09:31", "2026-12-01T10:00", "2026-12-02T08:00"):
        synced(office, when)
    # The Sekcam's supervisor is the Camat: told once, with who holds the document.
    assert told(telegram, AHMAD, "Perlu perhatian (terlambat lebih dari 1 hari kerja)", doc_id) == 1
    assert told(telegram, BUDI, "Terlambat", doc_id) == 1
    escalation = next(t for t in telegram.texts_to(AHMAD) if "Perlu perhatian" in t)
    assert "Tenggat: 30 November 2026 pukul 09.30 (terlambat 1 hari" in escalation
    assert "Pelaksana: Sekcam — Budi Santoso" in escalation


def test_a_channel_down_for_three_cycles_delivers_everything_once_when_it_returns(office, telegram):
    telegram.stop()
    for n, minute in enumerate(("08:00", "08:05", "08:10"), start=1):
        started(office, f"Laporan {n}", "laporan-bulanan")
        result = synced(office, f"2026-11-30T{minute}")  # the cycle completes all the same
        assert "Notices: 0 messages sent, 1 not sent (Telegram: " in result.out
        assert doc(office, f"Laporan {n}")["Pelaksana"] == "Kasubag Evapor — Rina Marlina"
    telegram.start()
    for minute in ("08:15", "08:20", "08:25", "09:00"):
        synced(office, f"2026-11-30T{minute}")
    (text,) = telegram.texts_to(RINA)  # everything gathered in one message
    (new,) = sections(text, "Tugas baru")
    assert all(f"{doc(office, f'Laporan {n}')['ID']} — Laporan {n}" in new for n in (1, 2, 3))


def test_a_channel_that_never_answers_costs_the_cycle_one_timeout_and_is_retried(
    make_office, telegram
):
    office = make_office(f"[notices]\ntimeout_seconds = 1\n{telegram_config(telegram)}", *STAFF)
    started(office, "Laporan Oktober", "laporan-bulanan", 2)  # the Staf: Ani and Dedi
    telegram.hanging = True  # takes each request, never answers
    result = synced(office, "2026-11-30T08:00")
    assert "Notices: 0 messages sent, 1 not sent (Telegram: " in result.out
    assert "Read timed out. (read timeout=1.0)), 1 held for the next cycle" in result.out
    assert len(telegram.requests) == 1  # the channel is not tried again in this cycle
    assert doc(office, "Laporan Oktober")["Pelaksana"] == "Staf — Ani, Dedi"  # the cycle wrote
    telegram.hanging = False
    synced(office, "2026-11-30T08:01")  # the backoff's first wait: one minute
    doc_id = doc(office, "Laporan Oktober")["ID"]
    assert (
        told(telegram, ANI, "Tugas baru", doc_id) == told(telegram, DEDI, "Tugas baru", doc_id) == 1
    )


def test_a_notice_due_at_night_goes_out_at_the_next_opening(office, telegram):
    synced(office, "2026-11-30T15:00")
    started(office, "Laporan lembur", "laporan-bulanan")  # someone works late
    for when in ("2026-11-30T22:00", "2026-11-30T23:00", "2026-12-01T07:00", "2026-12-01T07:29"):
        result = synced(office, when)
        assert "Notices: outside working hours; held until the next working period." in result.out
    assert doc(office, "Laporan lembur")["Mulai"] is not None  # the sheet's cycle ran
    assert telegram.sent == []
    synced(office, "2026-12-01T07:30")
    (text,) = telegram.texts_to(RINA)
    (new,) = sections(text, "Tugas baru")
    assert f"{doc(office, 'Laporan lembur')['ID']} — Laporan lembur" in new


def test_no_notice_after_a_failed_write_nor_in_a_dry_run(office, telegram):
    started(office, "Laporan November", "laporan-bulanan")
    dry = synced(office, "2026-11-30T08:00", "--dry-run")
    assert "Notices" not in dry.out
    outbox = office.config.parent / "sopsync-outbox.sqlite3"
    assert not outbox.exists()
    if office.kind == "xlsx":  # open in LibreOffice: the write waits
        lock = office.path.with_name(f".~lock.{office.path.name}#")
        lock.write_text("")
        assert office.sync("2026-11-30T08:05").code == 75
        lock.unlink()
    else:
        office.emu.inject_faults("500", count=50, methods=[WRITES])
        assert office.sync("2026-11-30T08:05").code == 1
        office.emu.clear_faults()
    assert telegram.requests == []
    synced(office, "2026-11-30T08:10")
    assert told(telegram, RINA, "Tugas baru") == 1


def test_an_unusable_outbox_never_fails_the_cycle(make_office, telegram):
    office = make_office(
        f'[notices]\noutbox = "no-such-folder/outbox.sqlite3"\n{telegram_config(telegram)}',
        *STAFF,
    )
    started(office, "Laporan November", "laporan-bulanan")
    result = synced(office, "2026-11-30T08:00")
    missing = office.config.parent / "no-such-folder" / "outbox.sqlite3"
    assert (
        f"Notices: none sent (outbox {missing}: unable to open database file);"
        " tried again next cycle." in result.out
    )
    assert doc(office, "Laporan November")["Pelaksana"] == "Kasubag Evapor — Rina Marlina"


def test_sigkill_between_sending_and_recording_repeats_only_that_cycles_notices(
    make_office, tmp_path
):
    cert = self_signed(tmp_path)
    mail = MailServer(cert, "starttls").start()
    office = make_office(
        f'[notices.email]\nhost = "{HOST}"\nport = {mail.port}\n'
        f'from_address = "sopsync@sukamaju.go.id"\nca_file = "{cert[0]}"\n',
        {"Peran": "Kasubag Evapor", "Nama": "Rina Marlina", "Email": "rina@sukamaju.go.id"},
    )
    try:
        started(office, "Laporan 1", "laporan-bulanan")
        synced(office, "2026-11-30T08:00")
        started(office, "Laporan 2", "laporan-bulanan")
        mail.holding = True  # the next message arrives, and its sender waits for the answer
        worker = subprocess.Popen(
            [sys.executable, "-m", "syncer.cli", "sync", "--config", str(office.config)]
            + ["--now", "2026-11-30T09:00"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert mail.arrived.wait(timeout=120), "the worker never sent its notice"
        finally:
            worker.kill()  # SIGKILL: it never learns the message went out
            worker.wait()
        mail.holding = False
        mail.release.set()
        started(office, "Laporan 3", "laporan-bulanan")
        for when in ("2026-11-30T09:05", "2026-11-30T09:10"):
            synced(office, when)
    finally:
        mail.stop()
    ids = {n: doc(office, f"Laporan {n}")["ID"] for n in (1, 2, 3)}
    assert all(ids.values())  # the killed cycle's write had landed before its notices
    new = [
        block
        for received in mail.received
        for block in sections(received.part("plain"), "Tugas baru")
    ]
    times = {n: sum(f"{ids[n]} — " in block for block in new) for n in ids}
    assert times == {1: 1, 2: 2, 3: 1}  # the killed cycle's notice repeated once, no other


def test_preview_prints_what_would_be_sent_now_and_records_and_writes_nothing(office, telegram):
    synced(office, "2026-11-30T06:00")  # notices enabled; nothing is sent at night
    started(office, "Laporan November", "laporan-bulanan")
    before = office.fingerprint()
    for _ in range(2):
        shown = office.cli("notify", "preview", "--now", "2026-11-30T08:00")
        assert shown.code == 0, shown.err
        assert shown.out.startswith(
            f"== Rina Marlina · telegram {RINA}\nSubject: Pemberitahuan SOP: 1 tugas baru, "
            "ringkasan pagi 30 November 2026\n"
        )
        assert " — Laporan November\n" in shown.out
        assert shown.out.rstrip().endswith("1 message would be sent now.")
    assert office.fingerprint() == before and telegram.requests == []
    night = office.cli("notify", "preview", "--now", "2026-11-30T20:00")
    assert night.out.strip() == (
        "Nothing is sent at 30 November 2026 pukul 20.00: outside working hours; what is due"
        " waits for the next working period (1 Desember 2026 pukul 07.30)."
    )
    synced(office, "2026-11-30T08:00")  # the preview recorded nothing: all of it goes now
    (text,) = telegram.texts_to(RINA)
    assert sections(text, "Tugas baru") and sections(text, "Ringkasan pagi")


def test_a_damaged_outbox_is_named_by_sync_and_preview_and_fails_no_cycle(office, telegram):
    outbox = office.config.parent / "sopsync-outbox.sqlite3"
    outbox.write_bytes(b"not a database, whatever the name says" * 100)
    started(office, "Laporan November", "laporan-bulanan")
    result = synced(office, "2026-11-30T08:00")
    assert f"Notices: none sent (outbox {outbox}: file is not a database)" in result.out
    assert doc(office, "Laporan November")["Pelaksana"] == "Kasubag Evapor — Rina Marlina"
    shown = office.cli("notify", "preview", "--now", "2026-11-30T08:00")
    assert (shown.code, said(shown.err)) == (1, f"sopsync: outbox {outbox}: file is not a database")
    assert telegram.requests == []


def test_a_workbook_named_from_its_folder_is_the_same_sheet_to_the_outbox(
    tmp_path, telegram, monkeypatch
):
    sheet = XlsxSheet(tmp_path, telegram_config(telegram))
    sheet.add_rows(*STAFF, tab=PEGAWAI)
    started(sheet, "Laporan November", "laporan-bulanan")
    monkeypatch.chdir(tmp_path)  # the admin runs one cycle by hand, from the folder
    by_hand = sheet.cli("sync", "--workbook", "kantor.xlsx", "--now", "2026-11-30T08:00")
    assert by_hand.code == 0, by_hand.err
    synced(sheet, "2026-11-30T08:05")  # then cron, with the configuration's own path
    assert len(telegram.texts_to(RINA)) == 1


def test_preview_bad_usage_exits_2(office):
    bad = office.cli("notify", "preview", "--now", "besok pagi")
    assert bad.code == 2 and "--now 'besok pagi' is not ISO 8601" in bad.err


def test_notify_test_tries_two_staff_of_one_name_told_apart_by_their_nip(make_office, telegram):
    anis = (
        {"Peran": "Staf", "Nama": "Ani", "NIP": "19900101 201501 2 001", "Telegram": ANI},
        {"Peran": "Staf", "Nama": "Ani", "NIP": "19920202 201701 2 002", "Telegram": "1015"},
    )
    office = make_office(telegram_config(telegram), *anis)
    result = office.cli("notify", "test", "Ani")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [f"telegram {ANI}: sent (1)", "telegram 1015: sent (2)"]


def test_notify_test_finds_roles_and_names_in_pegawai(make_office, telegram):
    office = make_office(telegram_config(telegram), *STAFF, {**PLH, "Mulai": "", "Sampai": ""})
    by_role = office.cli("notify", "test", "sekcam")
    assert by_role.code == 0, by_role.err
    assert by_role.out.strip() == f"telegram {BUDI}: sent (1)"
    stand_in = office.cli("notify", "test", "Camat")  # the Plh. holds the role now
    assert stand_in.out.strip() == f"telegram {SITI}: sent (2)"
    by_name = office.cli("notify", "test", "ani")
    assert by_name.out.strip() == f"telegram {ANI}: sent (3)"
    assert telegram.sent[0].text.startswith("Yth. Budi Santoso,\n\nIni pesan uji")

    telegram.unknown_chats.add(JOKO)
    refused = office.cli("notify", "test", "Kasubag Umum")
    assert refused.code == 1
    assert refused.err.strip() == (
        f"telegram {JOKO}: not sent: Telegram 400: Bad Request: chat not found"
    )
    nobody = office.cli("notify", "test", "Kasi")
    assert nobody.code == 2 and "nobody holds the role Kasi now (Pegawai or [people])" in nobody.err
    assert [s.chat_id for s in telegram.sent] == [BUDI, SITI, ANI]


def test_notify_takes_its_options_before_or_after_the_action(office, telegram):
    before = office.cli("notify", "test", "tg:42")  # notify --config F test TARGET
    after = run_cli("notify", "test", "tg:43", "--config", office.config)
    preview = run_cli("notify", "preview", "--config", office.config, "--now", "2026-11-30T20:00")
    assert (before.code, after.code, preview.code) == (0, 0, 0), after.err + preview.err
    assert [s.chat_id for s in telegram.sent] == ["42", "43"]


def test_run_sends_after_each_cycle_and_a_channel_down_fails_none(tmp_path, telegram):
    """`run` repeats sync_once, notices included; staff move the document between cycles."""
    sheet = XlsxSheet(tmp_path, telegram_config(telegram))
    sheet.add_rows(*STAFF, tab=PEGAWAI)
    started(sheet, "Laporan November", "laporan-bulanan")
    settings = load_config(sheet.config)
    rules = make_rules(settings)
    moments = iter(["2026-11-30T08:00", "2026-11-30T09:00", "2026-11-30T09:05"])
    clock, stop, between = FakeClock(), threading.Event(), iter(range(3))

    def cycle() -> Report:
        return sync_once(settings, rules, parse_now(next(moments), rules))

    def staff(seconds: float) -> bool:
        step = next(between)
        if step == 0:  # the channel goes down as the document moves on
            telegram.stop()
            sheet.set_by_id(doc(sheet, "Laporan November")["ID"], "Langkah", 2)
        elif step == 1:
            telegram.start()
        else:
            stop.set()
        return clock.wait(seconds)

    with capture_logs() as logs:
        assert run_forever([Job.of(settings, cycle)], stop, clock, staff) == 0
    assert [e["event"] for e in logs if e["event"].startswith("cycle ")] == ["cycle done"] * 3
    notices = [(e["failed"], e["held_back"]) for e in logs if e["event"] == "notices"]
    assert notices == [(0, 0), (1, 1), (0, 0)]  # one tried, the other held: not an attempt
    doc_id = doc(sheet, "Laporan November")["ID"]
    assert told(telegram, RINA, "Tugas baru", doc_id) == 1
    assert told(telegram, ANI, "Tugas baru", doc_id) == 1
    assert told(telegram, DEDI, "Tugas baru", doc_id) == 1


def test_preview_of_a_sheet_not_made_yet_says_so_and_makes_nothing(make_office, telegram):
    office = make_office(telegram_config(telegram))  # no Pegawai rows: init never ran
    before = office.tabs() if office.kind == "google" else None
    result = office.cli("notify", "preview", "--now", "2026-11-30T08:00")
    missing = "does not exist" if office.kind == "xlsx" else "tab Dokumen is missing"
    assert result.code == 1
    assert said(result.err).endswith(
        f"{missing}: run `sopsync init` (or a first sync) to make the sheet"
    )
    if office.kind == "xlsx":
        assert not office.path.exists()
    else:
        assert office.tabs() == before == ["Sheet1"]
