"""The dashboards' bench plans believable cases: the course of each case stays in order and
before today, repeat petitions come after the case's first, and the clocks follow the course."""

import random

import pytest
from django.utils import timezone

from bench.dashboard.orgs import Org, Slot, kept_org
from bench.dashboard.plan import HANDLING_DAYS, plan_petitions
from bench.dashboard.rows import CASE_COLUMNS, case_rows, deadline_rows
from cases.models import CaseStatus, DeadlineKind

SLOTS = [Slot(location=10, owner=10, office=1), Slot(location=11, owner=12, office=2)]
ORG = Org(
    city=None,
    district=None,
    offices={"national": 3, "province": 4, "city": 5},
    slots=SLOTS,
    clerk=None,
    city_supervisor=None,
    district_supervisor=None,
)


def plans_for(petitions: int = 400):
    now = timezone.now()
    return now, plan_petitions(
        random.Random(7), petitions, ORG, [100, 101, 102], timezone.localdate(now), now
    )


def test_the_cases_and_repeat_petitions_share_out_the_petitions():
    now, (plans, repeats) = plans_for()
    assert len(plans) == 260 and len(repeats) == 140
    assert repeats == sorted(repeats)
    for received_at, index in repeats:
        assert plans[index].received_at <= received_at <= now


def test_each_course_runs_forward_and_stops_before_today():
    now, (plans, _repeats) = plans_for()
    today = timezone.localdate(now)
    for plan in plans:
        steps = [plan.received_on, plan.decided_on, plan.delivered_on, plan.evaluated_on]
        dated = [day for day in steps if day is not None]
        assert dated == sorted(dated) and dated[-1] <= today
        if plan.delivered_on is not None:
            assert plan.accepted_on is not None
        assert (plan.status == CaseStatus.EVALUATED) == (plan.evaluated_on is not None)
        assert plan.slot in SLOTS and plan.receiving in {1, 2, 3, 4, 5}
    assert {plan.status for plan in plans} >= {
        CaseStatus.IN_PROGRESS,
        CaseStatus.REPLIED,
        CaseStatus.EVALUATED,
    }


def test_the_clocks_follow_each_course():
    _now, (plans, repeats) = plans_for(60)
    clocks = list(deadline_rows(plans))
    kinds = [clock[1] for clock in clocks]
    assert kinds.count(DeadlineKind.ACCEPTANCE) == len(plans)
    assert kinds.count(DeadlineKind.HANDLING) == sum(p.accepted_on is not None for p in plans)
    assert kinds.count(DeadlineKind.REVIEW_REQUEST) == sum(
        p.delivered_on is not None for p in plans
    )
    summaries = {100: "甲", 101: "乙", 102: "丙"}
    rows = case_rows(plans, repeats, summaries)
    cases = [dict(zip(CASE_COLUMNS, row, strict=True)) for row in rows]
    assert [case["id"] for case in cases] == list(range(1, len(plans) + 1))
    # Each case keeps its petition facts: its first petition and its repeats.
    assert sum(case["petition_count"] for case in cases) == len(plans) + len(repeats)
    for received_at, index in repeats:
        assert cases[index]["last_received_at"] >= received_at
    for case, plan in zip(cases, plans, strict=True):
        if plan.delivered_on is None:
            assert case["answered_on_time"] is None
        else:
            late = (plan.delivered_on - plan.accepted_on).days > HANDLING_DAYS
            assert case["answered_on_time"] is not late


@pytest.mark.django_db
def test_a_new_database_has_no_kept_city():
    assert kept_org() is None
