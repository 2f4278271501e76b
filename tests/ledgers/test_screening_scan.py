"""Dispute screening in the one deadline scan: the monthly rounds opened, reports and
disputes reminded once per stage and due date (a rerun sends nothing), late reports listed
for the supervisors who organised the round, ended disputes left alone."""

from __future__ import annotations

import json
import zoneinfo
from collections import Counter
from datetime import datetime

import pytest

from escalation.deadlines.services import deadlines_scan
from ledgers.models import LedgerReminder, ResolutionMethod, ScreeningRound
from ledgers.screening.services import (
    dispute_register,
    dispute_resolve,
    screening_report_submit,
    screening_round_open,
)
from notifications.models import Notification

from .screening_fixtures import D, draft

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(time_machine, day) -> None:
    time_machine.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


def received(kind: str) -> Counter:
    return Counter(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def round_(org, time_machine, d1_supervisor, street_handler, community_handler):
    """A round opened on Friday 2026-11-20, due Wednesday the 25th."""
    at(time_machine, D(2026, 11, 20))
    return screening_round_open(
        actor=d1_supervisor,
        title="专项排查",
        due_on=D(2026, 11, 25),
        units=[org.d1_street, org.d1_community],
    )


def test_reports_due_soon_are_reminded_once(round_, time_machine):
    at(time_machine, D(2026, 11, 23))  # Monday: the 25th is within three workdays
    result = deadlines_scan(today=D(2026, 11, 23))
    assert result.steps["screening"]["screening_report_due_soon"] == 2
    assert received("due_soon") == {"street_handler": 1, "community_handler": 1}
    again = deadlines_scan(today=D(2026, 11, 23))
    assert again.steps["screening"]["screening_report_due_soon"] == 0
    assert received("due_soon") == {"street_handler": 1, "community_handler": 1}


def test_a_missing_report_is_reminded_and_listed_for_the_organisers(
    org, round_, time_machine, community_handler
):
    screening_report_submit(
        actor=community_handler,
        report=round_.reports.get(unit=org.d1_community),
        nothing_found=True,
    )
    at(time_machine, D(2026, 11, 26))
    result = deadlines_scan(today=D(2026, 11, 26))
    assert result.steps["screening"]["screening_report_overdue"] == 1
    # The street did not report: its handler, and the district's supervisor who opened it.
    assert received("overdue") == {"street_handler": 1, "d1_supervisor": 1}
    deadlines_scan(today=D(2026, 11, 27))
    assert received("overdue") == {"street_handler": 1, "d1_supervisor": 1}


def test_disputes_are_reminded_before_and_after_their_day_but_not_once_ended(
    org, time_machine, community_handler, street_handler
):
    at(time_machine, D(2026, 11, 20))
    open_one = dispute_register(
        actor=community_handler, draft=draft(org.d1_street, due_on=D(2026, 11, 24))
    )
    ended = dispute_register(
        actor=community_handler, draft=draft(org.d1_street, due_on=D(2026, 11, 24))
    )
    dispute_resolve(
        actor=community_handler, item=ended, method=ResolutionMethod.MEDIATION, outcome="化解"
    )
    Notification.objects.all().delete()
    at(time_machine, D(2026, 11, 23))
    deadlines_scan(today=D(2026, 11, 23))
    assert received("due_soon") == {"street_handler": 1}
    at(time_machine, D(2026, 11, 25))
    result = deadlines_scan(today=D(2026, 11, 25))
    assert result.steps["screening"]["dispute_overdue"] == 1
    assert received("overdue") == {"street_handler": 1}
    assert set(LedgerReminder.objects.values_list("object_id", flat=True)) == {open_one.pk}


def test_the_scan_opens_the_monthly_rounds_and_its_result_is_json(org, time_machine):
    at(time_machine, D(2026, 12, 1))
    result = deadlines_scan(today=D(2026, 12, 1))
    assert result.steps["screening"]["rounds_opened"] == 2
    assert ScreeningRound.objects.count() == 2
    json.dumps(vars(result))  # what the Celery task returns
