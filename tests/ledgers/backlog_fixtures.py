"""What the backlog ledger tests build on (time frozen on 2026-11-22): cases registered
through the intake months ago (backlog cases by the rule) or today (not), a district leader
to sponsor them, and an assignment sheet as a supervisor fills it in."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from cases.models import Case
from ledgers.backlog.services import backlog_place
from ledgers.models import BacklogEntry
from tests.conftest import _user
from tests.factories import group_petitioners, register_petition

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# More than six months before 2026-11-22.
LONG_AGO = D(2026, 4, 10)


def received(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


def old_case(actor, day: datetime.date = LONG_AGO, **overrides) -> Case:
    """A case received at the actor's unit on `day` (by default more than six months before
    2026-11-22, still awaiting its decision: a backlog case by the rule)."""
    return register_petition(actor, received_at=received(day), **overrides).petition.case


def new_case(actor, **overrides) -> Case:
    """A case received an hour ago: no backlog case by the rule."""
    return register_petition(actor, **overrides).petition.case


def group_case(actor, day: datetime.date = LONG_AGO) -> Case:
    """A backlog case whose petition is a group visit (6 people)."""
    return old_case(actor, day, petitioners=group_petitioners(6, 2), summary="集体反映征地补偿")


@pytest.fixture
def d1_leader(org):
    """Leader at the district-1 government D1 (sponsors its backlog cases)."""
    return _user("d1_leader", org.d1, "leader", last_name="区", first_name="领导")


def sheet(case, lead_unit, **overrides) -> dict:
    """An assignment sheet (交办单) as the supervisor fills it in."""
    values = {
        "case": case,
        "lead_unit": lead_unit,
        "sponsoring_leader": None,
        "responsible_persons": "街道办主任、信访办主任",
        "plan": "逐户走访，核实诉求，依法依规解决合理诉求。",
        "due_on": D(2027, 2, 22),
        "reason": "",
        "on": None,
    }
    values.update(overrides)
    return values


def place(actor, case, lead_unit, **overrides) -> BacklogEntry:
    return backlog_place(actor=actor, **sheet(case, lead_unit, **overrides))
