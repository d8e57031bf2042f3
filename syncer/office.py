"""The office's own tabs, read in every cycle's one read: who holds each role (Pegawai, DESIGN
§7) and the office's own dates (Kalender, §3). They shape the cycle's rules: Pelaksana names
the holder or stand-in of the day, and deadlines count the office's Libur and Masuk days.

A row the worker cannot use gets a Pesan and is ignored; Pesan cells are written only when
they change, so an unchanged tab costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from syncer import contract as c
from syncer.backends import Table
from syncer.engine import Rules
from syncer.kalender import KALENDER, KALENDER_COLUMNS, KalenderRow, read_kalender
from syncer.people import PEGAWAI, catalog_roles, read_pegawai


@dataclass(frozen=True)
class Office:
    """What the admin tabs say for this cycle, and the Pesan to write on them."""

    rules: Rules
    """The cycle's rules: the calendar with the office's dates, the directory of the day."""
    pesan: dict[str, dict[int, str]]
    """Admin tab -> row index (into its table's rows) -> the Pesan to write there."""


def read_office(tables: Mapping[str, Table], rules: Rules) -> Office:
    """The rules of this cycle and the Pesan of every Pegawai and Kalender row that changed."""
    wanted: dict[str, list[str]] = {}
    people = rules.people
    pegawai = tables.get(PEGAWAI)
    if pegawai is not None:
        roles = catalog_roles(rules.catalog)
        reading = read_pegawai(
            pegawai.headers, pegawai.rows, roles, people.names, rules.calendar.zone
        )
        people, wanted[PEGAWAI] = reading.directory, list(reading.pesan)
    calendar = rules.calendar
    kalender = tables.get(KALENDER)
    if kalender is not None:
        dates = read_kalender(_kalender_rows(kalender))
        calendar = calendar.with_office_dates(dates.dates)
        wanted[KALENDER] = [dates.pesan.get(i + 2, "") for i in range(len(kalender.rows))]
    changed = {title: _changed(tables[title], texts) for title, texts in wanted.items()}
    return Office(
        replace(rules, people=people, calendar=calendar),
        {title: cells for title, cells in changed.items() if cells},
    )


def _kalender_rows(table: Table) -> list[KalenderRow]:
    cols = c.column_map(table.headers)
    index = [cols.get(c.header_key(name)) for name in KALENDER_COLUMNS]
    return [
        KalenderRow(number, *(_cell(values, i) for i in index))
        for number, values in enumerate(table.rows, start=2)
    ]


def _changed(table: Table, wanted: Sequence[str]) -> dict[int, str]:
    """Row index -> Pesan, for the rows whose Pesan cell does not show ``wanted`` yet."""
    column = c.column_map(table.headers).get(c.header_key(c.PESAN))
    if column is None:  # its header was removed: init puts it back; nothing to write into
        return {}
    return {
        i: text
        for i, (values, text) in enumerate(zip(table.rows, wanted, strict=True))
        if (_cell(values, column) or "") != text
    }


def _cell(values: Sequence[object], index: int | None) -> object:
    return values[index] if index is not None and index < len(values) else None
