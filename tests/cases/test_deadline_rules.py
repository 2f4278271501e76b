"""Deadline rules per jurisdiction and effective date (DESIGN §2): the most specific
jurisdiction wins, and a clock keeps the rule in force on the day it started."""

import datetime

import pytest

from cases.models import Deadline, DeadlineKind, DeadlineRule
from cases.selectors import deadline_rule_for
from core.workcalendar import Counting
from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
ACCEPTANCE = DeadlineKind.ACCEPTANCE


@pytest.fixture
def province_rule(org):
    """A province that decides acceptance within 5 workdays from 2026-06-01 (cf. Zhejiang)."""
    return DeadlineRule.objects.create(
        kind=ACCEPTANCE,
        jurisdiction=org.province,
        effective_from=D(2026, 6, 1),
        days=5,
        counting=Counting.WORKDAYS,
    )


def test_national_default_before_the_province_rule_takes_effect(org, province_rule):
    rule = deadline_rule_for(ACCEPTANCE, org.d1_office, D(2026, 5, 31))
    assert rule.jurisdiction is None and rule.days == 15


def test_province_rule_applies_from_its_effective_date_to_units_below(org, province_rule):
    assert deadline_rule_for(ACCEPTANCE, org.d1_office, D(2026, 6, 1)) == province_rule
    assert deadline_rule_for(ACCEPTANCE, org.other_city_office, D(2026, 9, 1)) == province_rule


def test_the_most_specific_jurisdiction_wins(org, province_rule):
    city_rule = DeadlineRule.objects.create(
        kind=ACCEPTANCE, jurisdiction=org.city, effective_from=D(2026, 1, 1), days=10
    )
    assert deadline_rule_for(ACCEPTANCE, org.d1_office, D(2026, 7, 1)) == city_rule
    assert deadline_rule_for(ACCEPTANCE, org.other_city_office, D(2026, 7, 1)) == province_rule


def test_a_later_rule_of_the_same_jurisdiction_replaces_the_earlier(org, province_rule):
    later = DeadlineRule.objects.create(
        kind=ACCEPTANCE, jurisdiction=org.province, effective_from=D(2026, 10, 1), days=7
    )
    assert deadline_rule_for(ACCEPTANCE, org.d1_office, D(2026, 9, 30)) == province_rule
    assert deadline_rule_for(ACCEPTANCE, org.d1_office, D(2026, 10, 1)) == later


def test_a_case_keeps_the_rule_in_force_when_its_clock_started(
    org, handler1, province_rule, frozen_now
):
    before = register_petition(
        handler1, received_at=datetime.datetime(2026, 5, 29, 10, tzinfo=SHANGHAI)
    ).petition
    after = register_petition(
        handler1, received_at=datetime.datetime(2026, 9, 25, 10, tzinfo=SHANGHAI)
    ).petition
    old_clock = Deadline.objects.get(case=before.case, kind=ACCEPTANCE)
    new_clock = Deadline.objects.get(case=after.case, kind=ACCEPTANCE)
    # 15 calendar days from 2026-05-29 is Saturday 13 June: moved to Monday 15 June.
    assert (old_clock.rule.days, old_clock.due_on) == (15, D(2026, 6, 15))
    # Five workdays from Friday 25 September 2026: 28, 29, 30 September, then the National
    # Day and Mid-Autumn holidays (1-7 October), then Thursday 8 and Friday 9 October.
    assert new_clock.rule == province_rule
    assert new_clock.due_on == D(2026, 10, 9)
    # Changing the rule later does not move a clock that has started.
    province_rule.days = 3
    province_rule.save()
    old_clock.refresh_from_db()
    assert old_clock.due_on == D(2026, 6, 15)


def test_admin_offers_no_rule_for_assignments(admin_client):
    page = admin_client.get("/admin/cases/deadlinerule/add/").content.decode()
    assert 'value="handling"' in page and 'value="objection_window"' in page
    assert 'value="assignment"' not in page
    # Nor for the task clocks escalation registers: their due dates are set by hand too.
    assert 'value="joint_task"' not in page
