"""The office's own dates (DESIGN.md §3, the Kalender tab): reading the rows, counting the
dates, and the coming days off staff see in the SOP tab.

Days off by hand (``holidays``, ``ID``, in Indonesian): 24 December 2026 cuti bersama Natal
(a Thursday), 25 December Natal, 1 January 2027 Tahun Baru Masehi, 5 January 2027 Isra
Mikraj; 25 December 2027 falls on a Saturday.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_models.duration import Duration
from syncer.calendar import (
    OFFICE_DAY_OFF,
    DayKind,
    DayOff,
    OfficeDate,
    OffSource,
    WorkingCalendar,
)
from syncer.kalender import KalenderRow, parse_tanggal, read_kalender

WIB = ZoneInfo("Asia/Jakarta")
CAL = WorkingCalendar()
LIBUR, MASUK = DayKind.LIBUR, DayKind.MASUK
NATIONAL, CUTI, KANTOR = OffSource.NATIONAL, OffSource.CUTI_BERSAMA, OffSource.OFFICE


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def due(cal: WorkingCalendar, start: str, waktu: str) -> datetime:
    duration = Duration.parse(waktu)
    assert duration is not None
    return cal.add(datetime.fromisoformat(start), duration)


def office(**dates: tuple[DayKind, str]) -> WorkingCalendar:
    """CAL counting office dates given as ``d2026_12_01=(LIBUR, "HUT Kabupaten")``."""
    return CAL.with_office_dates(
        {date(*map(int, key[1:].split("_"))): OfficeDate(*value) for key, value in dates.items()}
    )


# ------------------------------------------------------------- office dates count


def test_a_libur_moves_the_deadlines_that_cross_it() -> None:
    anniversary = office(d2026_12_01=(LIBUR, "HUT Kabupaten"))
    assert not anniversary.is_working_day(date(2026, 12, 1))
    assert due(CAL, "2026-11-30 10:00", "1 hari") == dt("2026-12-01 10:00")
    assert due(anniversary, "2026-11-30 10:00", "1 hari") == dt("2026-12-02 10:00")
    assert due(anniversary, "2026-11-30 15:30", "2 jam") == dt("2026-12-02 09:00")
    assert due(anniversary, "2026-11-27 10:00", "1 hari") == dt("2026-11-30 10:00")  # before it


def test_a_libur_added_between_two_questions_changes_the_answer() -> None:
    """A calendar remembers its answers; the Kalender tab edited mid-run is another calendar,
    which answers for its own dates, however often the first was asked the same."""
    start, end = dt("2026-12-01 10:00"), dt("2026-12-03 10:00")
    for _ in range(2):
        assert CAL.working_minutes(start, end) == 900
        assert CAL.days_and_minutes(start, end) == (2, 0.0)  # "Terlambat 2 hari"
        assert due(CAL, "2026-12-01 10:00", "1 hari") == dt("2026-12-02 10:00")
    edited = office(d2026_12_02=(LIBUR, "HUT Kabupaten"))
    assert edited.working_minutes(start, end) == 450
    assert edited.days_and_minutes(start, end) == (1, 0.0)
    assert due(edited, "2026-12-01 10:00", "1 hari") == dt("2026-12-03 10:00")
    assert office().working_minutes(start, end) == 900  # the Libur removed again


def test_a_masuk_makes_a_national_day_off_a_working_day() -> None:
    cancelled = office(d2026_12_24=(MASUK, "Cuti bersama dibatalkan"))
    assert due(CAL, "2026-12-23 10:00", "1 hari") == dt("2026-12-28 10:00")
    assert due(cancelled, "2026-12-23 10:00", "1 hari") == dt("2026-12-24 10:00")
    # Thursday's own hours: 16.00 closing
    assert due(cancelled, "2026-12-23 15:30", "1 jam") == dt("2026-12-24 08:00")
    assert due(cancelled, "2026-12-23 16:20", "1 hari") == dt("2026-12-28 07:30")


def test_a_masuk_saturday_works_the_mondays_hours_of_its_week() -> None:
    saturday = office(d2026_11_28=(MASUK, "Hari kerja pengganti"))
    assert saturday.is_working_day(date(2026, 11, 28))
    assert saturday.working_minutes(datetime(2026, 11, 28), datetime(2026, 11, 29)) == 450
    assert due(saturday, "2026-11-27 16:20", "1 hari") == dt("2026-11-28 16:00")
    assert due(saturday, "2026-11-27 16:20", "15 menit") == dt("2026-11-28 07:35")
    # in Ramadan, Ramadan's Monday: 08-12 and 12.30-15
    ramadan = office(d2026_02_21=(MASUK, ""))
    assert ramadan.working_minutes(datetime(2026, 2, 21), datetime(2026, 2, 22)) == 390


def test_dates_that_change_nothing() -> None:
    same = office(d2026_11_29=(LIBUR, "Minggu"), d2026_11_30=(MASUK, "Senin biasa"))
    for start, waktu in (("2026-11-27 16:20", "1 hari"), ("2026-11-30 15:30", "2 jam")):
        assert due(same, start, waktu) == due(CAL, start, waktu)
    assert CAL.with_office_dates({}) is CAL


def test_the_same_dates_give_the_same_calendar_every_cycle() -> None:
    first = CAL.with_office_dates({date(2026, 12, 1): OfficeDate(LIBUR, "HUT")})
    again = CAL.with_office_dates({date(2026, 12, 1): OfficeDate(LIBUR, "HUT")})
    assert again is first and first != CAL
    first.add(datetime(2026, 11, 30, 10), Duration(1, "hari"))
    renamed = CAL.with_office_dates({date(2026, 12, 1): OfficeDate(LIBUR, "HUT ke-80")})
    assert renamed is not first and renamed.office != first.office
    # A new Keterangan alone counts the same days: no year table is built again.
    assert renamed._year(2026) is first._year(2026)
    hut = DayOff(date(2026, 12, 1), "HUT ke-80", KANTOR)
    assert renamed.days_off(date(2026, 12, 1), 1) == (hut,)
    other = CAL.with_office_dates({date(2026, 12, 2): OfficeDate(LIBUR, "HUT")})
    assert other._year(2026) is not first._year(2026)
    assert first.with_office_dates({}) == CAL


office_dates = st.dictionaries(
    st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    st.builds(OfficeDate, st.sampled_from(DayKind), st.just("")),
    max_size=12,
)
moments = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31, 23, 59))
waktu = st.one_of(
    st.builds(Duration, st.integers(1, 900), st.just("menit")),
    st.builds(Duration, st.integers(1, 10), st.just("hari")),
)


@settings(max_examples=150, deadline=None)
@given(office_dates, moments, waktu)
def test_a_libur_never_brings_a_deadline_forward_nor_a_masuk_pushes_it_back(
    dates: dict[date, OfficeDate], start: datetime, duration: Duration
) -> None:
    libur = {day: entry for day, entry in dates.items() if entry.kind is LIBUR}
    masuk = {day: entry for day, entry in dates.items() if entry.kind is MASUK}
    plain = CAL.add(start, duration)
    assert CAL.with_office_dates(libur).add(start, duration) >= plain
    if duration.unit == "menit":  # a hari step keeps its clock time, which a Masuk can change
        assert CAL.with_office_dates(masuk).add(start, duration) <= plain


@settings(max_examples=150, deadline=None)
@given(office_dates, moments)
def test_office_dates_decide_whether_a_day_works(
    dates: dict[date, OfficeDate], moment: datetime
) -> None:
    cal = CAL.with_office_dates(dates)
    day = moment.date()
    expected = CAL.is_working_day(day)
    if day in dates:
        expected = dates[day].kind is MASUK
    assert cal.is_working_day(day) == expected
    minutes = cal.working_minutes(datetime.combine(day, time()), datetime.combine(day, time(23)))
    assert (minutes > 0) == expected


# ----------------------------------------------------------- coming days off


def test_the_coming_days_off_with_their_indonesian_names() -> None:
    assert CAL.days_off(date(2026, 12, 1), 4) == (
        DayOff(date(2026, 12, 24), "Cuti Bersama Hari Raya Natal", CUTI),
        DayOff(date(2026, 12, 25), "Hari Raya Natal", NATIONAL),
        DayOff(date(2027, 1, 1), "Tahun Baru Masehi", NATIONAL),
        DayOff(date(2027, 1, 5), "Isra Mikraj Nabi Muhammad", NATIONAL),
    )
    assert CAL.days_off(date(2026, 12, 25), 1) == (
        DayOff(date(2026, 12, 25), "Hari Raya Natal", NATIONAL),
    )


def test_the_office_dates_and_extra_days_off_are_listed_too() -> None:
    cal = WorkingCalendar(extra_holidays=frozenset({date(2026, 12, 7)})).with_office_dates(
        {
            date(2026, 12, 24): OfficeDate(MASUK, "Cuti bersama dibatalkan"),
            date(2026, 12, 31): OfficeDate(LIBUR, "HUT Kabupaten"),
            date(2026, 12, 30): OfficeDate(LIBUR, ""),
            date(2026, 12, 26): OfficeDate(LIBUR, "Sabtu"),  # a weekend: not listed
            date(2026, 12, 25): OfficeDate(LIBUR, "Natal"),
            date(2027, 1, 5): OfficeDate(LIBUR, "HUT Kabupaten ke-80"),
        }
    )
    assert cal.days_off(date(2026, 12, 1), 6) == (
        DayOff(date(2026, 12, 7), OFFICE_DAY_OFF, OffSource.EXTRA),
        DayOff(date(2026, 12, 25), "Hari Raya Natal", NATIONAL),  # the office's adds nothing
        DayOff(date(2026, 12, 30), OFFICE_DAY_OFF, KANTOR),
        DayOff(date(2026, 12, 31), "HUT Kabupaten", KANTOR),
        DayOff(date(2027, 1, 1), "Tahun Baru Masehi", NATIONAL),
        DayOff(date(2027, 1, 5), "Isra Mikraj Nabi Muhammad; HUT Kabupaten ke-80", NATIONAL),
    )


def test_weekend_holidays_are_left_out() -> None:
    listed = [off.day for off in CAL.days_off(date(2026, 3, 1), 6)]
    assert listed == [date(2026, 3, d) for d in (18, 19, 20, 23, 24)] + [date(2026, 4, 3)]
    assert date(2027, 12, 25) not in [off.day for off in CAL.days_off(date(2027, 12, 1), 3)]


def test_a_calendar_without_holidays_lists_none() -> None:
    assert WorkingCalendar(holiday_categories=()).days_off(date(2026, 1, 1), 5) == ()


# ------------------------------------------------------------- the Kalender rows


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 8, 17),
        datetime(2026, 8, 17, 9, 30),
        date(2026, 8, 17),
        46251,  # the serial number a date cell holds
        46251.0,
        46251.5,
        "17/08/2026",
        "17/8/2026",
        "2026-08-17",
        "17-08-2026",
        "17.08.2026",
        " 17 Agustus 2026 ",
        "17 agu 2026",
        "17 Agt. 2026",
        "17-Agu-2026",
        "17/08/2026 00.00",
    ],
)
def test_a_tanggal_in_any_usual_form(value: object) -> None:
    assert parse_tanggal(value) == date(2026, 8, 17)


@pytest.mark.parametrize(
    ("value", "pesan"),
    [
        (None, "Tanggal kosong. Isi tanggal, mis. 17/08/2026."),
        ("besok", 'Tanggal "besok" bukan tanggal. Tulis seperti 17/08/2026.'),
        ("31/02/2026", 'Tanggal "31/02/2026" tidak ada. Tulis seperti 17/08/2026.'),
        ("17/08/26", 'Tanggal "17/08/26": tahun hanya dua angka.'),
        ("08/17/2026", 'Tanggal "08/17/2026" tidak ada.'),
        ("=TODAY()", "Tanggal berisi rumus"),
        (12, 'Tanggal "12" bukan tanggal.'),
        (True, "bukan tanggal"),
        (float("nan"), "bukan tanggal"),
        ("17 Agustusan 2026", "bukan tanggal"),
    ],
)
def test_a_bad_tanggal_is_explained(value: object, pesan: str) -> None:
    reading = read_kalender([KalenderRow(2, value, "Libur")])
    assert reading.dates == {}
    assert pesan in reading.pesan[2]


def test_the_kalender_rows_become_office_dates() -> None:
    reading = read_kalender(
        [
            KalenderRow(2, "17/08/2026", "libur", "HUT RI"),
            KalenderRow(3, date(2026, 12, 24), " MASUK ", "Cuti bersama dibatalkan"),
            KalenderRow(4),  # a wholly empty row
            KalenderRow(5, "", "  ", None),
            KalenderRow(6, 46357, "Libur", 80),  # 1 December 2026 as a serial
            KalenderRow(7, "2026-12-01", "Libur", "lagi"),  # the same date and Jenis: once
        ]
    )
    assert reading.dates == {
        date(2026, 8, 17): OfficeDate(LIBUR, "HUT RI"),
        date(2026, 12, 24): OfficeDate(MASUK, "Cuti bersama dibatalkan"),
        date(2026, 12, 1): OfficeDate(LIBUR, "80"),
    }
    assert reading.pesan == {}
    cal = CAL.with_office_dates(reading.dates)
    assert due(cal, "2026-12-23 10:00", "1 hari") == dt("2026-12-24 10:00")
    assert due(cal, "2026-11-30 10:00", "1 hari") == dt("2026-12-02 10:00")


def test_a_jenis_with_an_invisible_character_pasted_along_is_the_word_staff_see() -> None:
    reading = read_kalender([KalenderRow(2, "03/12/2026", "Libur\u200b", "HUT Kabupaten")])
    assert reading.pesan == {}
    assert reading.dates == {date(2026, 12, 3): OfficeDate(LIBUR, "HUT Kabupaten")}


def test_a_bad_row_gets_a_pesan_and_is_ignored() -> None:
    reading = read_kalender(
        [
            KalenderRow(2, "01/12/2026", "Libur", "HUT Kabupaten"),
            KalenderRow(3, "2026-12-01", "masuk"),
            KalenderRow(4, "02/12/2026", "Cuti", "x"),
            KalenderRow(5, None, None, "catatan saja"),
            KalenderRow(6, "03/12/2026", None),
            KalenderRow(7, "04/12/2026", "Libur"),
        ]
    )
    assert reading.dates == {date(2026, 12, 4): OfficeDate(LIBUR, "")}
    assert reading.pesan == {
        2: "Tanggal 1 Desember 2026 juga tercantum di baris 3 sebagai Masuk. Satu tanggal hanya "
        "boleh satu Jenis; baris ini diabaikan sampai salah satunya diperbaiki.",
        3: "Tanggal 1 Desember 2026 juga tercantum di baris 2 sebagai Libur. Satu tanggal hanya "
        "boleh satu Jenis; baris ini diabaikan sampai salah satunya diperbaiki.",
        4: 'Jenis "Cuti" tidak dikenal. Isi Libur (bukan hari kerja) atau Masuk (hari kerja '
        "walaupun libur nasional).",
        5: "Tanggal kosong. Isi tanggal, mis. 17/08/2026. Jenis kosong. Isi Libur atau Masuk.",
        6: "Jenis kosong. Isi Libur atau Masuk.",
    }


cells = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["Libur", "masuk", "17/08/2026", "2026-12-01", "31/02/2026", "=A1", " "]),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(cells, cells, cells), max_size=8))
def test_any_cells_give_dates_or_a_pesan_never_an_error(rows: list[tuple]) -> None:
    kalender = [KalenderRow(n + 2, *cells) for n, cells in enumerate(rows)]
    reading = read_kalender(kalender)
    for row in kalender:
        if row.row in reading.pesan:
            assert reading.pesan[row.row].endswith(".")
            continue
        day = parse_tanggal(row.tanggal)
        if isinstance(day, date):  # a used row: its date counts with its Jenis
            assert str(reading.dates[day].kind).casefold() == str(row.jenis).strip().casefold()
        else:  # only a wholly empty row is neither used nor explained
            assert all(
                v is None or (isinstance(v, str) and not v.strip())
                for v in (row.tanggal, row.jenis, row.keterangan)
            )
    assert all(type(day) is date for day in reading.dates)  # a datetime key would count nothing
    CAL.with_office_dates(reading.dates).add(datetime(2026, 12, 1, 9), Duration(1, "hari"))
