"""The backlog ledger's time limit in the one deadline scan: due soon to the lead unit, overdue
to it and the sponsoring leader, escalated after `REMINDER_ESCALATE_WORKDAYS` workdays to the
sponsor and the supervisors of the government above; each stage once per time limit (a rerun
sends nothing), a new round after the extension, nothing once off the ledger."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

import pytest

from escalation.deadlines.services import deadlines_scan
from ledgers.backlog.services import backlog_end, backlog_extend
from ledgers.models import LedgerEvent, LedgerReminder
from notifications.models import Notification

from .backlog_fixtures import SHANGHAI, D, d1_leader, old_case, place

__all__ = ["d1_leader"]  # a fixture, used by name


def at(time_machine, day) -> None:
    time_machine.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


def received(stage: str) -> Counter:
    """Who got the backlog ledger's reminders of `stage` (the case's own clocks are reminded by
    the same scan, with links to the case)."""
    return Counter(
        Notification.objects.filter(kind=stage, url__startswith="/ledgers/backlog/").values_list(
            "recipient__username", flat=True
        )
    )


def scan(time_machine, day) -> dict:
    at(time_machine, day)
    return deadlines_scan(today=day).steps["backlog"]


@pytest.fixture
def entry(org, time_machine, handler1, d1_supervisor, d1_leader, street_handler):
    """Put on on Friday 2026-11-20, due Wednesday the 25th, the district leader sponsoring."""
    at(time_machine, D(2026, 11, 20))
    return place(
        d1_supervisor,
        old_case(handler1),
        org.d1_street,
        sponsoring_leader=d1_leader,
        due_on=D(2026, 11, 25),
    )


def test_due_soon_is_reminded_once_to_the_lead_unit(entry, time_machine):
    steps = scan(time_machine, D(2026, 11, 23))  # Monday: the 25th is within three workdays
    assert steps["backlog_due_soon"] == 1
    assert received("due_soon") == {"street_handler": 1}
    assert scan(time_machine, D(2026, 11, 23))["backlog_due_soon"] == 0
    scan(time_machine, D(2026, 11, 24))
    assert received("due_soon") == {"street_handler": 1}


def test_overdue_goes_to_the_lead_unit_and_the_sponsor_once(entry, time_machine):
    steps = scan(time_machine, D(2026, 11, 26))
    assert steps["backlog_overdue"] == 1 and steps["backlog_escalated"] == 0
    assert received("overdue") == {"street_handler": 1, "d1_leader": 1}
    scan(time_machine, D(2026, 11, 27))
    assert received("overdue") == {"street_handler": 1, "d1_leader": 1}


def test_long_overdue_is_escalated_once_to_the_sponsor_and_the_supervisors_above(
    entry, time_machine
):
    # Five workdays after the 25th: the 26th, 27th, 30th, 1st and 2nd of December.
    assert scan(time_machine, D(2026, 12, 1))["backlog_escalated"] == 0
    steps = scan(time_machine, D(2026, 12, 2))
    assert steps["backlog_escalated"] == 1
    # The street's government above is the district: its supervisor.
    assert received("escalated") == {"d1_leader": 1, "d1_supervisor": 1}
    history = LedgerEvent.objects.filter(ledger="backlog", object_id=entry.pk, kind="escalated")
    assert history.count() == 1
    assert scan(time_machine, D(2026, 12, 3))["backlog_escalated"] == 0
    assert received("escalated") == {"d1_leader": 1, "d1_supervisor": 1}
    assert history.count() == 1


def test_without_a_sponsor_the_leaders_above_are_escalated_to(
    org, time_machine, handler1, d1_supervisor, d1_leader
):
    at(time_machine, D(2026, 11, 20))
    place(d1_supervisor, old_case(handler1), org.d1_street, due_on=D(2026, 11, 25))
    scan(time_machine, D(2026, 12, 2))
    assert received("escalated") == {"d1_leader": 1, "d1_supervisor": 1}


def test_the_extension_starts_a_new_round(entry, time_machine, d1_supervisor):
    scan(time_machine, D(2026, 11, 26))
    assert received("overdue") == {"street_handler": 1, "d1_leader": 1}
    backlog_extend(actor=d1_supervisor, entry=entry, due_on=D(2026, 12, 18), reason="延期")
    assert scan(time_machine, D(2026, 11, 27)) == {
        "backlog_overdue": 0,
        "backlog_escalated": 0,
        "backlog_due_soon": 0,
    }
    assert scan(time_machine, D(2026, 12, 16))["backlog_due_soon"] == 1
    assert received("due_soon") == {"street_handler": 1}
    assert scan(time_machine, D(2026, 12, 21))["backlog_overdue"] == 1
    assert received("overdue") == {"street_handler": 2, "d1_leader": 2}
    assert set(LedgerReminder.objects.values_list("stage", "due_on")) == {
        ("overdue", D(2026, 11, 25)),
        ("due_soon", D(2026, 12, 18)),
        ("overdue", D(2026, 12, 18)),
    }


def test_an_entry_off_the_ledger_is_not_reminded(entry, time_machine, d1_supervisor):
    backlog_end(actor=d1_supervisor, entry=entry, outcome="resolved", note="已化解")
    steps = scan(time_machine, D(2026, 12, 2))
    assert steps == {"backlog_overdue": 0, "backlog_escalated": 0, "backlog_due_soon": 0}
    assert not LedgerReminder.objects.filter(ledger="backlog").exists()


def test_the_scans_result_is_json(entry, time_machine):
    at(time_machine, D(2026, 12, 2))
    result = deadlines_scan(today=D(2026, 12, 2))
    assert result.steps["backlog"] == {
        "backlog_overdue": 1,
        "backlog_escalated": 1,
        "backlog_due_soon": 0,
    }
    json.dumps(vars(result))  # what the Celery task returns
