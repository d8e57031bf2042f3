"""Indonesian dates as staff read them (DESIGN §2)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sop_models.idtime import cell_text, hari_tanggal, rentang, tanggal, waktu

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")


def test_a_moment_in_a_sentence_reads_as_the_design_writes_it():
    assert waktu(datetime(2026, 12, 1, 9, 0, tzinfo=WIB)) == "1 Desember 2026 pukul 09.00"
    assert tanggal(date(2027, 1, 31)) == "31 Januari 2027"
    assert hari_tanggal(date(2026, 12, 1)) == "Selasa, 1 Desember 2026"


def test_a_range_of_days_names_its_year_once_when_it_stays_in_one():
    assert rentang(date(2026, 7, 1), date(2026, 12, 31)) == "1 Juli s.d. 31 Desember 2026"
    assert rentang(date(2026, 12, 28), date(2027, 1, 5)) == "28 Desember 2026 s.d. 5 Januari 2027"
    assert rentang(date(2026, 11, 25), date(2026, 11, 25)) == "25 November 2026"


def test_a_moment_is_read_on_the_offices_clock():
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=WIB)
    assert waktu(moment, WITA) == "1 Januari 2027 pukul 00.30"


def test_a_cell_shows_day_month_year_and_a_dotted_time():
    assert cell_text(datetime(2026, 12, 1, 9, 5)) == "01/12/2026 09.05"
