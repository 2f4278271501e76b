"""The closing job against real concurrent transactions (PostgreSQL): a review request that
holds the case while the job reads it keeps the case open; two jobs at once close each case
once. The clock is frozen on 22 November 2026 as in test_closing.py."""

import datetime
import threading
import time

import pytest
import time_machine

from cases import services
from cases.models import CaseEvent, CaseStatus, EventKind
from cases.services import closing, reviews
from tests.cases.test_closing import SHANGHAI, WINDOW_END, answered
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 22, 12, tzinfo=SHANGHAI), tick=False):
        yield


def test_a_review_request_holding_the_case_keeps_it_open(
    postgres_only, handler1, city_leader, d1_handler, monkeypatch
):
    case = answered(handler1, city_leader)
    # The request takes the case's lock, then lingers before it meets the window.
    real_effective_date = reviews.effective_date

    def slow_effective_date(*args, **kwargs):
        time.sleep(0.5)
        return real_effective_date(*args, **kwargs)

    monkeypatch.setattr(reviews, "effective_date", slow_effective_date)
    seen: list[list] = []
    real_lapsed_windows = closing.lapsed_windows

    def recorded_lapsed_windows(*args, **kwargs):
        rows = real_lapsed_windows(*args, **kwargs)
        seen.append(rows)
        return rows

    monkeypatch.setattr(closing, "lapsed_windows", recorded_lapsed_windows)
    results = []

    def request():
        services.case_request_review(actor=d1_handler, case=case, request="不服", on=WINDOW_END)

    def close():
        time.sleep(0.15)  # once the request holds the case
        results.append(services.cases_close_lapsed())

    assert run_in_threads(request, close) == []

    assert [row[1] for row in seen[0]] == [case.pk]  # the job read the window as lapsed
    assert results[0].closed == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW_REQUESTED
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.CLOSED).exists()


def test_two_jobs_at_once_close_each_case_once(postgres_only, handler1, city_leader, monkeypatch):
    cases = [answered(handler1, city_leader, delivered=datetime.date(2026, 9, d)) for d in (4, 7)]
    # Both jobs read the same lapsed windows before either locks a case.
    real_lapsed_windows = closing.lapsed_windows

    def slow_lapsed_windows(*args, **kwargs):
        rows = real_lapsed_windows(*args, **kwargs)
        time.sleep(0.3)
        return rows

    monkeypatch.setattr(closing, "lapsed_windows", slow_lapsed_windows)
    results = []
    barrier = threading.Barrier(2, timeout=30)

    def close():
        barrier.wait()
        results.append(services.cases_close_lapsed())

    assert run_in_threads(close, close) == []

    assert sorted(result.closed for result in results) == [0, 2]
    for case in cases:
        assert CaseEvent.objects.filter(case=case, kind=EventKind.CLOSED).count() == 1
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED
