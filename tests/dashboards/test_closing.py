"""The dashboards after closing (已办结): 一次性办结率 counts any petition on the matter after
the first one, before or after the answer, and a new case on it after closing; a closed case
is neither in work nor 积案. Today is 22 November 2026 (`frozen_now`)."""

import datetime

import pytest

from cases.models import CaseEvent, CaseStatus, DeadlineKind, EventKind
from cases.selectors import filter_backlog
from cases.services import cases_close_lapsed
from dashboards.models import BacklogCase
from dashboards.periods import Period
from dashboards.selectors import stats_summary
from dashboards.services import rollup_rebuild, rollup_refresh
from petitions.models import Channel

from .builders import make_answer, make_case, make_clock, make_petition

D = datetime.date
TODAY = D(2026, 11, 22)
OCTOBER = Period.of(D(2026, 10, 1), D(2026, 10, 31))


@pytest.fixture
def petition(org, city_supervisor):
    from tests.factories import category

    def make(case, day, **flags):
        return make_petition(
            case,
            day,
            channel=Channel.LETTER,
            receiving=org.d1_office,
            location=org.d1_community,
            category=category("0301"),
            by=city_supervisor,
            **flags,
        )

    return make


def first_time_answered(org, petition, clerk, *, received, delivered):
    case = make_case(org.d1_office, received, location=org.d1_community, is_first_time=True)
    petition(case, received, is_first_time=True)
    make_answer(case, delivered, on_time=True, resolved=True, by=clerk)
    return case


def one_time_parts(user, unit) -> list[int]:
    summary = stats_summary(user=user, unit=unit, period=OCTOBER, today=TODAY)
    return summary["rate_parts"]["one_time_rate"]


def test_a_repeat_before_the_answer_means_the_matter_was_not_settled_at_one_go(
    org, frozen_now, city_supervisor, petition
):
    clerk = city_supervisor
    before = first_time_answered(
        org, petition, clerk, received=D(2026, 10, 3), delivered=D(2026, 10, 12)
    )
    petition(before, D(2026, 10, 8), is_repeat=True)  # came again while it was being handled
    after = first_time_answered(
        org, petition, clerk, received=D(2026, 10, 4), delivered=D(2026, 10, 14)
    )
    petition(after, D(2026, 10, 25), is_repeat=True)
    first_time_answered(org, petition, clerk, received=D(2026, 10, 5), delivered=D(2026, 10, 16))

    rollup_rebuild()

    assert one_time_parts(clerk, org.city) == [1, 3]


def test_a_new_case_on_the_matter_after_closing_counts_against_the_answer(
    org, frozen_now, city_supervisor, petition
):
    clerk = city_supervisor
    answered = first_time_answered(
        org, petition, clerk, received=D(2026, 10, 3), delivered=D(2026, 10, 12)
    )
    rollup_rebuild()
    assert one_time_parts(clerk, org.city) == [1, 1]

    answered.status = CaseStatus.CLOSED
    answered.save(update_fields=["status"])
    again = make_case(
        org.d1_office, D(2026, 11, 20), location=org.d1_community, same_matter_as=answered
    )
    petition(again, D(2026, 11, 20))
    CaseEvent.objects.create(case=again, kind=EventKind.REGISTERED, effective_on=D(2026, 11, 20))
    rollup_refresh()  # the new case's event recomputes the day the earlier answer counts on

    assert one_time_parts(clerk, org.city) == [0, 1]


def test_a_closed_case_is_neither_in_work_nor_backlog(org, frozen_now, city_supervisor, petition):
    """Three petitions in two years on an answered case make it 积案 while it is open; once
    its review window has lapsed the closing job closes it, and it is not."""
    clerk = city_supervisor
    case = make_case(org.d1_office, D(2026, 3, 1), location=org.d1_community)
    for day in (D(2026, 3, 1), D(2026, 5, 1), D(2026, 8, 1)):
        petition(case, day, is_repeat=day != D(2026, 3, 1))
    make_answer(case, D(2026, 9, 4), on_time=True, resolved=False, by=clerk)
    make_clock(case, DeadlineKind.REVIEW_REQUEST, D(2026, 10, 8))  # the petitioner's window
    rollup_rebuild()
    summary = stats_summary(user=clerk, unit=org.city, period=OCTOBER, today=TODAY)
    assert summary["backlog"]["count"] == 1 and BacklogCase.objects.filter(case=case).exists()
    assert (summary["open"], summary["overdue"]) == (0, 0)  # the window is no unit's duty

    assert cases_close_lapsed().closed == 1
    rollup_refresh()

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    summary = stats_summary(user=clerk, unit=org.city, period=OCTOBER, today=TODAY)
    assert summary["backlog"]["count"] == 0 and not BacklogCase.objects.exists()
    assert (summary["open"], summary["overdue"]) == (0, 0)
    assert not filter_backlog(type(case).objects.filter(pk=case.pk), True).exists()


def test_the_backlog_filter_reads_the_ledger(org, frozen_now, city_supervisor):
    """The case list's 积案 filter holds what the dashboard counts, the ledger as of the last
    refresh, not the condition evaluated anew: a case that became 积案 since shows up after
    the next refresh, and a ledger row the condition no longer holds stays until then."""
    old = make_case(org.d1_office, D(2025, 1, 10), status=CaseStatus.IN_PROGRESS)
    assert not filter_backlog(type(old).objects.all(), True).exists()  # not refreshed yet
    rollup_refresh()
    assert list(filter_backlog(type(old).objects.all(), True)) == [old]
    stale = make_case(org.d1_office, D(2026, 10, 1), status=CaseStatus.IN_PROGRESS)
    BacklogCase.objects.create(case=stale)
    assert set(filter_backlog(type(old).objects.all(), True)) == {old, stale}
    assert list(filter_backlog(type(old).objects.all(), False)) == []
