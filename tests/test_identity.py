"""Row identity when a write races with staff sorting (see syncer.identity)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from syncer.engine import Record, StaffRow
from syncer.identity import fingerprint, reconcile

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def row(n: int, doc_id: str | None, judul: str, prosedur: str = "rka") -> StaffRow:
    return StaffRow(n, id=doc_id, prosedur=prosedur, judul=judul, langkah=1)


def record(doc_id: str, judul: str, pending: bool = False, prosedur: str = "rka") -> Record:
    print_ = fingerprint(row(0, None, judul, prosedur))
    return Record(doc_id, "rka", 1, T0, sidik=print_, claim=print_ if pending else "")


def ids(result) -> list[object]:
    return [r.id for r in result.rows]


def test_without_pending_claims_nothing_changes():
    rows = [row(2, "RKA-1", "a"), row(3, None, "b")]
    result = reconcile(rows, {"RKA-1": record("RKA-1", "a")})
    assert result.id_writes == {} and ids(result) == ["RKA-1", None]


def test_a_confirmed_claim_costs_no_write():
    rows = [row(2, "RKA-2", "new doc")]
    records = {"RKA-2": record("RKA-2", "new doc", pending=True)}
    result = reconcile(rows, records)
    assert result.id_writes == {} and result.records == records


def test_an_id_written_onto_a_sorted_row_is_moved_and_the_overwritten_id_restored():
    # Read: row 3 = new doc "baru" (blank ID); the worker wrote RKA-9 to row 3, but staff had
    # sorted: row 3 held "lama" (RKA-1) by then. "baru" is now row 2, still blank.
    rows = [row(2, None, "baru"), row(3, "RKA-9", "lama")]
    records = {"RKA-1": record("RKA-1", "lama"), "RKA-9": record("RKA-9", "baru", pending=True)}
    result = reconcile(rows, records)
    assert ids(result) == ["RKA-9", "RKA-1"]
    assert result.id_writes == {0: "RKA-9", 1: "RKA-1"}
    assert result.records["RKA-9"].claim  # verified again by the next cycle


def test_two_new_documents_whose_ids_were_swapped_get_their_own_back():
    rows = [row(2, "RKA-1", "b"), row(3, "RKA-2", "a")]
    records = {"RKA-1": record("RKA-1", "a", pending=True), "RKA-2": record("RKA-2", "b", True)}
    result = reconcile(rows, records)
    assert ids(result) == ["RKA-2", "RKA-1"]


def test_a_wrongly_filled_new_row_goes_back_to_blank():
    # the misplaced write hit another new, still unnumbered document "c"
    rows = [row(2, None, "a"), row(3, "RKA-5", "c")]
    records = {"RKA-5": record("RKA-5", "a", pending=True)}
    result = reconcile(rows, records)
    assert ids(result) == ["RKA-5", ""]


def test_staff_editing_the_title_after_numbering_is_not_a_misplacement():
    rows = [row(2, "RKA-3", "judul diperbaiki"), row(3, None, "lain")]
    records = {"RKA-3": record("RKA-3", "judul salah ketik", pending=True)}
    result = reconcile(rows, records)
    assert result.id_writes == {}
    assert result.records["RKA-3"].claim == ""
