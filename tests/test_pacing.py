"""The pacer keeps the worker inside Google's per-minute quotas, on a fake clock."""

from __future__ import annotations

from syncer.pacing import Kind, Pacer, Quotas
from tests.fake_clock import FakeClock


def paced(clock: FakeClock, limit: int = 3, window: float = 60.0) -> Pacer:
    return Pacer(limit=limit, window=window, clock=clock, sleep=clock.sleep)


def test_requests_under_the_limit_go_at_once():
    clock = FakeClock()
    pacer = paced(clock)
    for _ in range(3):
        pacer.wait()
        clock.now += 10
    assert clock.pauses == []


def test_one_request_too_many_waits_until_the_oldest_leaves_the_window():
    clock = FakeClock()
    pacer = paced(clock)
    sent = []
    for gap in (0, 5, 10, 0, 0):
        clock.now += gap
        pacer.wait()
        sent.append(clock.now)
    # At t=15 three requests (t=0, 5, 15) fill the window: the fourth waits until t=60,
    # when t=0 leaves; the fifth then waits until t=65, when t=5 leaves.
    assert sent == [0, 5, 15, 60, 65]
    assert clock.pauses == [45, 5]


def test_no_more_than_the_limit_in_any_window_however_requests_come():
    clock = FakeClock()
    pacer = paced(clock, limit=60)
    sent = []
    for i in range(300):  # a burst, then a trickle, then another burst
        clock.now += 0.0 if i % 100 < 80 else 2.0
        pacer.wait()
        sent.append(clock.now)
    busiest = max(sum(t <= s < t + 60 for s in sent) for t in sent)
    assert busiest == 60
    assert clock.pauses  # the branch that waits did run


def test_reads_and_writes_are_counted_apart_as_google_counts_them():
    clock = FakeClock()
    pacer = paced(clock, limit=3)
    for _ in range(3):
        pacer.wait(Kind.READ)
    for _ in range(3):
        assert pacer.wait(Kind.WRITE) == 0  # the reads filled their window, not this one
    assert pacer.wait(Kind.READ) == 60
    assert clock.pauses == [60]


def test_one_pacer_per_service_account_whatever_the_sheets_reached_with_it():
    quotas = Quotas(FakeClock())
    one = quotas.pacer("kab@proyek.iam.gserviceaccount.com", "proyek")
    assert quotas.pacer("kab@proyek.iam.gserviceaccount.com", "proyek") is one
    assert quotas.pacer("lain@proyek.iam.gserviceaccount.com", "proyek") is not one


def test_the_accounts_of_one_project_share_its_own_limit():
    clock = FakeClock()
    quotas = Quotas(clock, clock.sleep)
    first = quotas.pacer("a@proyek.iam.gserviceaccount.com", "proyek", per_user=3, per_project=4)
    second = quotas.pacer("b@proyek.iam.gserviceaccount.com", "proyek", per_user=3, per_project=4)
    other = quotas.pacer("c@lain.iam.gserviceaccount.com", "lain", per_user=3, per_project=4)
    for _ in range(3):
        first.wait(Kind.WRITE)
    assert second.wait(Kind.WRITE) == 0  # the project's fourth write
    assert other.wait(Kind.WRITE) == 0  # another project counts apart
    assert second.wait(Kind.WRITE) == 60  # the fifth waits for the project, not for b
