"""The rows of the dashboards' bench in each table, from the planned cases, and their loading
(COPY on PostgreSQL)."""

from __future__ import annotations

import datetime
import heapq
import random
import time
from collections.abc import Iterator

from django.core.management.base import OutputWrapper
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import OrgUnit
from bench.database import load, reset_sequences
from bench.timing import since
from cases.models import (
    Case,
    CaseEvent,
    CaseReach,
    CaseStatus,
    Deadline,
    DeadlineKind,
    Evaluation,
    EventKind,
    LegalChannel,
    NotAcceptReason,
    Reply,
    ReplyStatus,
)
from cases.services.reach import reach_refresh
from petitions.models import Category, Petition

from .orgs import Org
from .plan import (
    ACCEPTANCE_DAYS,
    CHANNELS,
    DELIVERY,
    HANDLING_DAYS,
    LEVELS,
    OPINIONS,
    REVIEW_WINDOW_DAYS,
    CasePlan,
    plan_petitions,
)

SEED = 20260101


def fill(out: OutputWrapper, petitions: int, org: Org, today: datetime.date) -> dict[str, int]:
    """Plan the cases and petitions and load their rows; the number of rows of each table."""
    rng = random.Random(SEED)
    now = timezone.now()
    start = time.perf_counter()
    categories = dict(
        Category.objects.filter(children__isnull=True).order_by("code").values_list("pk", "name")
    )
    plans, repeats = plan_petitions(rng, petitions, org, list(categories), today, now)
    out.write(
        f"planned {len(plans):,} cases and {len(repeats):,} repeat petitions "
        f"in {since(start):.1f} s"
    )
    summaries = {pk: f"关于{name}的信访事项" for pk, name in categories.items()}
    clerk = org.clerk.pk
    counts = {}
    for model, columns, rows in (
        (Case, CASE_COLUMNS, case_rows(plans, repeats, summaries)),
        (Petition, PETITION_COLUMNS, petition_rows(rng, plans, repeats, org, summaries, clerk)),
        (Deadline, DEADLINE_COLUMNS, deadline_rows(plans)),
        (Reply, REPLY_COLUMNS, reply_rows(rng, plans, clerk)),
        (Evaluation, EVALUATION_COLUMNS, evaluation_rows(plans, clerk)),
    ):
        start = time.perf_counter()
        counts[model._meta.verbose_name_plural] = written = load(model, columns, rows)
        out.write(f"loaded {written:>9,} {model._meta.db_table:<20} in {since(start):6.1f} s")
    reset_sequences((Case,))
    start = time.perf_counter()
    counts[CaseReach._meta.verbose_name_plural] = written = fill_reach()
    out.write(f"filled   {written:>9,} {CaseReach._meta.db_table:<20} in {since(start):6.1f} s")
    return counts


def fill_reach() -> int:
    """The units that see each loaded case (`cases.services.reach`), as the services keep
    them (the loaded cases have no assignments): on PostgreSQL in one statement over each
    unit's ancestors, elsewhere by the service."""
    if connection.vendor != "postgresql":
        return reach_refresh(Case.objects.values_list("pk", flat=True))
    pairs = [
        (unit_id, ancestor)
        for unit_id, path in OrgUnit.objects.values_list("pk", "path")
        for ancestor in (int(part) for part in path.strip("/").split("/") if part)
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_ancestor (unit_id bigint, ancestor_id bigint)")
        with cursor.copy("COPY bench_ancestor FROM STDIN") as copy:
            for pair in pairs:
                copy.write_row(pair)
        cursor.execute(
            f"""
            INSERT INTO {CaseReach._meta.db_table} (unit_id, case_id)
            SELECT DISTINCT a.ancestor_id, reached.case_id FROM (
                SELECT id AS case_id, receiving_unit_id AS unit_id FROM {Case._meta.db_table}
                UNION SELECT id, owner_unit_id FROM {Case._meta.db_table}
                UNION SELECT case_id, receiving_unit_id FROM {Petition._meta.db_table}
            ) reached JOIN bench_ancestor a ON a.unit_id = reached.unit_id
            """
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE bench_ancestor")
    return written


def columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


CASE_COLUMNS = columns(
    "id number status matter_kind receiving_unit_id owner_unit_id location_unit_id summary "
    "received_at is_first_time simplified accepted_on decision_reason legal_channel guided_to "
    "answering_unit_id resolved answered_on_time sponsor_responsibility last_step_on "
    "created_at updated_at petition_count last_received_at"
)


def case_rows(
    plans: list[CasePlan], repeats: list[tuple[datetime.datetime, int]], summaries: dict[int, str]
) -> Iterator[tuple]:
    # The petition facts each case keeps (`Case.petition_count`, `last_received_at`), as
    # registration keeps them: the first petition and the repeats.
    counts = [1] * len(plans)
    last = [plan.received_at for plan in plans]
    for received_at, index in repeats:
        counts[index] += 1
        last[index] = max(last[index], received_at)
    for pk, plan in enumerate(plans, start=1):
        answered = plan.delivered_on is not None
        yield (
            pk,
            f"BENCH-C{pk:08d}",
            plan.status,
            plan.matter_kind,
            plan.receiving,
            plan.slot.owner,
            plan.slot.location,
            summaries[plan.category],
            plan.received_at,
            plan.first_time,
            False,
            plan.accepted_on,
            NotAcceptReason.OUTSIDE_REMIT if plan.status == CaseStatus.NOT_ACCEPTED else "",
            LegalChannel.LITIGATION if plan.status == CaseStatus.DIVERTED else "",
            "人民法院" if plan.status == CaseStatus.DIVERTED else "",
            plan.slot.owner if answered else None,
            plan.resolved if answered else None,
            (plan.delivered_on - plan.accepted_on).days <= HANDLING_DAYS if answered else None,
            "",
            plan.evaluated_on or plan.delivered_on or plan.decided_on or plan.received_on,
            plan.received_at,
            plan.received_at,
            counts[pk - 1],
            last[pk - 1],
        )


PETITION_COLUMNS = columns(
    "number case_id channel received_at receiving_unit_id location_unit_id authority_unit_id "
    "category_id matter_kind accused_person person_count summary content demands is_group "
    "is_repeat is_skip_level is_first_time is_superior_assigned superior_reference "
    "query_code_hash registered_by_id created_at"
)


def petition_rows(
    rng: random.Random,
    plans: list[CasePlan],
    repeats: list[tuple[datetime.datetime, int]],
    org: Org,
    summaries: dict[int, str],
    clerk: int,
) -> Iterator[tuple]:
    """Every petition in the order received: each case's first, and the repeat ones."""
    firsts = ((plan.received_at, index, False) for index, plan in enumerate(plans))
    later = ((received_at, index, True) for received_at, index in repeats)
    above_district = set(org.offices.values())
    for number, (received_at, index, repeat) in enumerate(
        heapq.merge(firsts, later, key=lambda item: item[0]), start=1
    ):
        plan = plans[index]
        if repeat:
            level = LEVELS[rng.randrange(len(LEVELS))]
            receiving = plan.slot.office if level == "district" else org.offices[level]
        else:
            receiving = plan.receiving
        group = rng.random() < 0.03
        if group:
            persons = rng.randrange(5, 51)
        else:
            persons = 1 if rng.random() < 0.85 else rng.randrange(2, 5)
        yield (
            f"BENCH-P{number:08d}",
            index + 1,
            CHANNELS[rng.randrange(len(CHANNELS))],
            received_at,
            receiving,
            plan.slot.location,
            plan.slot.owner,
            plan.category,
            plan.matter_kind,
            "",
            persons,
            summaries[plan.category],
            "",
            "",
            group,
            repeat,
            receiving in above_district and rng.random() < 0.15,
            plan.first_time and not repeat,
            False,
            "",
            "bench",
            clerk,
            received_at,
        )


DEADLINE_COLUMNS = columns(
    "case_id kind responsible_unit_id starts_on due_on met_at met_on extended_days paused_days"
)


def met_at(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())


def deadline_rows(plans: list[CasePlan]) -> Iterator[tuple]:
    """The acceptance clock of every case, the answer clock of every accepted one, and the
    review request window of every answered one (open: the closing job ends it)."""

    def clock(pk, kind, unit, start, days, met_on=None) -> tuple:
        due = start + datetime.timedelta(days=days)
        return (pk, kind, unit, start, due, met_at(met_on), met_on, 0, 0)

    for pk, plan in enumerate(plans, start=1):
        yield clock(
            pk,
            DeadlineKind.ACCEPTANCE,
            plan.slot.office,
            plan.received_on,
            ACCEPTANCE_DAYS,
            plan.decided_on,
        )
        if plan.accepted_on is not None:
            yield clock(
                pk,
                DeadlineKind.HANDLING,
                plan.slot.owner,
                plan.accepted_on,
                HANDLING_DAYS,
                plan.delivered_on,
            )
        if plan.delivered_on is not None:
            yield clock(
                pk,
                DeadlineKind.REVIEW_REQUEST,
                plan.slot.owner,
                plan.delivered_on,
                REVIEW_WINDOW_DAYS,
            )


REPLY_COLUMNS = columns(
    "case_id request facts_and_reasons opinion legal_basis resolved status unit_id "
    "drafted_by_id drafted_on approved_by_id approved_on delivery_method delivered_on"
)


def reply_rows(rng: random.Random, plans: list[CasePlan], clerk: int) -> Iterator[tuple]:
    for pk, plan in enumerate(plans, start=1):
        delivered = plan.delivered_on
        if delivered is None:
            continue
        yield (
            pk,
            "信访人诉求",
            "经调查核实",
            OPINIONS[rng.randrange(len(OPINIONS))],
            "",
            plan.resolved,
            ReplyStatus.DELIVERED,
            plan.slot.owner,
            clerk,
            max(plan.accepted_on, delivered - datetime.timedelta(days=3)),
            clerk,
            max(plan.accepted_on, delivered - datetime.timedelta(days=1)),
            DELIVERY[rng.randrange(len(DELIVERY))],
            delivered,
        )


EVALUATION_COLUMNS = ("case_id", "result", "contact", "note", "evaluated_on", "recorded_by_id")


def evaluation_rows(plans: list[CasePlan], clerk: int) -> Iterator[tuple]:
    for pk, plan in enumerate(plans, start=1):
        if plan.evaluated_on is not None:
            yield (pk, plan.result, "信访人", "", plan.evaluated_on, clerk)


def backdate_closing_events() -> int:
    """Beat writes each closing event early on the day after its window ended, not all of
    them now, as the bench's one run over three years did: entered so, they are history to
    the rollup, whose refresh reads the events entered since its last run."""
    entered = ExpressionWrapper(
        Cast("effective_on", DateTimeField()) + datetime.timedelta(days=1, minutes=10),
        output_field=DateTimeField(),
    )
    return CaseEvent.objects.filter(kind=EventKind.CLOSED).update(created_at=entered)
