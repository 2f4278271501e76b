"""Rows for the dashboards' tests, written straight to the tables with exact dates and states:
the figures of a hand-counted fixture must not depend on the services' own date rules."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

from accounts.models import OrgUnit, User
from cases.models import (
    Case,
    CaseStatus,
    Deadline,
    DeadlineKind,
    Evaluation,
    MatterKind,
    Reply,
    ReplyStatus,
)
from petitions.models import Category, Petition
from tests.factories import recount_petitions

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def make_case(
    owner: OrgUnit,
    received: datetime.date,
    *,
    status: str = CaseStatus.ACCEPTED,
    location: OrgUnit | None = None,
    **fields,
) -> Case:
    return Case.objects.create(
        number=f"T-{next(_numbers):06d}",
        status=status,
        matter_kind=MatterKind.COMPLAINT,
        receiving_unit=owner,
        owner_unit=owner,
        location_unit=location or owner,
        summary="测试事项",
        received_at=at(received),
        last_step_on=received,
        **fields,
    )


def make_petition(
    case: Case,
    received: datetime.date,
    *,
    channel: str,
    receiving: OrgUnit,
    location: OrgUnit,
    category: Category,
    persons: int = 1,
    by: User,
    hour: int = 10,
    **flags,
) -> Petition:
    petition = Petition.objects.create(
        number=f"P-{next(_numbers):06d}",
        case=case,
        channel=channel,
        received_at=at(received, hour),
        receiving_unit=receiving,
        location_unit=location,
        authority_unit=location,
        category=category,
        matter_kind=MatterKind.COMPLAINT,
        person_count=persons,
        summary="测试信访件",
        query_code_hash="x",
        registered_by=by,
        **flags,
    )
    recount_petitions(case)
    return petition


def make_clock(
    case: Case,
    kind: str,
    due: datetime.date,
    *,
    unit: OrgUnit | None = None,
    met: datetime.date | None = None,
) -> Deadline:
    return Deadline.objects.create(
        case=case,
        kind=kind,
        responsible_unit=unit or case.owner_unit,
        starts_on=due - datetime.timedelta(days=15),
        due_on=due,
        met_on=met,
        met_at=at(met) if met else None,
    )


def make_answer(
    case: Case,
    delivered: datetime.date,
    *,
    on_time: bool,
    resolved: bool,
    by: User,
    status: str = CaseStatus.REPLIED,
) -> Reply:
    """The case's answer delivered on `delivered`, as `reply_deliver` leaves it."""
    case.status = status
    case.answering_unit = case.owner_unit
    case.answered_on_time = on_time
    case.resolved = resolved
    case.save()
    return Reply.objects.create(
        case=case,
        request="要求",
        facts_and_reasons="事实",
        resolved=resolved,
        status=ReplyStatus.DELIVERED,
        unit=case.owner_unit,
        drafted_by=by,
        drafted_on=delivered,
        approved_on=delivered,
        delivered_on=delivered,
    )


def make_evaluation(case: Case, on: datetime.date, result: str, *, by: User) -> Evaluation:
    case.status = CaseStatus.EVALUATED
    case.save()
    return Evaluation.objects.create(
        case=case, result=result, contact="信访人", evaluated_on=on, recorded_by=by
    )


ANSWER = DeadlineKind.HANDLING
