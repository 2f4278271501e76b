"""Keeping the dashboards' rollup (`DailyStat`, `DailyCategoryStat`) current.

`rollup_refresh` (Celery beat, every `DASHBOARD_REFRESH_SECONDS`) finds the cases that had an
event since its last run and recomputes every day those cases count on: the days their
petitions were received, their acceptance and answer clocks are due, and their answer was
delivered. A day is always recomputed whole, from the source tables, so a refresh never adds
to a stale figure. `rollup_rebuild` recomputes everything: on first use, when the unit tree
has changed (a row sums a unit's subtree), and nightly, which also picks up the few facts that
leave a day without an event on it (an approved extension moves an answer clock's due day).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import OrgUnit
from cases.models import (
    ACCEPTANCE_CLOCKS,
    ANSWER_CLOCKS,
    SATISFIED_RESULTS,
    Case,
    CaseEvent,
    Deadline,
    Evaluation,
    EventKind,
    Reply,
    ReplyStatus,
)
from cases.selectors import backlog_condition
from core.workcalendar import start_of_day
from petitions.models import Petition, ReceivedLevel

from .models import COUNT_FIELDS, BacklogCase, DailyCategoryStat, DailyStat, RollupState

# Events are written inside their transactions: one committed a little after a refresh read
# the newer ones must still be seen, so each refresh looks back this far past its watermark.
WATERMARK_MARGIN = datetime.timedelta(minutes=2)
# Days recomputed per transaction in a rebuild.
REBUILD_CHUNK_DAYS = 31
PETITION_FLAGS = (
    ("is_skip_level", "skip_level"),
    ("is_group", "group"),
    ("is_repeat", "repeat"),
    ("is_first_time", "first_time"),
)


@dataclass(frozen=True)
class RollupResult:
    days: int
    rebuilt: bool = False


Key = tuple[datetime.date, int]


class DayCounts:
    """The counts of a run of days being recomputed, summed into every ancestor of the unit
    each fact belongs to."""

    def __init__(self, ancestors: dict[int, list[int]]) -> None:
        self.ancestors = ancestors
        self.stats: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
        self.categories: dict[tuple[datetime.date, int, int], list[int]] = defaultdict(
            lambda: [0, 0]
        )

    def add(self, day: datetime.date, unit_id: int, counts: dict[str, int]) -> None:
        for ancestor in self.ancestors.get(unit_id, ()):
            row = self.stats[(day, ancestor)]
            for name, value in counts.items():
                row[name] += value

    def add_category(
        self, day: datetime.date, unit_id: int, category_id: int, batches: int, persons: int
    ) -> None:
        for ancestor in self.ancestors.get(unit_id, ()):
            row = self.categories[(day, ancestor, category_id)]
            row[0] += batches
            row[1] += persons


def unit_ancestors() -> tuple[dict[int, list[int]], str]:
    """Every unit's id with the ids of itself and its ancestors, and a digest of the tree."""
    units = list(OrgUnit.objects.only("pk", "path").order_by("pk"))
    digest = hashlib.sha256(";".join(f"{unit.pk}:{unit.path}" for unit in units).encode())
    return {unit.pk: unit.ancestor_ids for unit in units}, digest.hexdigest()


def _petition_counts(counts: DayCounts, start: datetime.date, end: datetime.date) -> None:
    rows = (
        Petition.objects.filter(
            received_at__gte=start_of_day(start),
            received_at__lt=start_of_day(end + datetime.timedelta(days=1)),
        )
        .annotate(day=TruncDate("received_at"))
        .values(
            "day",
            "location_unit",
            "channel",
            "receiving_unit__level",
            "category",
            *(flag for flag, _ in PETITION_FLAGS),
        )
        .annotate(n=Count("pk"), people=Sum("person_count"))
        .order_by()
    )
    for row in rows:
        batches, persons = row["n"], row["people"]
        level = ReceivedLevel.of(row["receiving_unit__level"])
        values = {
            "batches": batches,
            "persons": persons,
            f"{row['channel']}_batches": batches,
            f"{row['channel']}_persons": persons,
            f"{level}_batches": batches,
            f"{level}_persons": persons,
        }
        for flag, prefix in PETITION_FLAGS:
            if row[flag]:
                values[f"{prefix}_batches"] = batches
                values[f"{prefix}_persons"] = persons
        counts.add(row["day"], row["location_unit"], values)
        counts.add_category(row["day"], row["location_unit"], row["category"], batches, persons)


def _clock_counts(counts: DayCounts, start: datetime.date, end: datetime.date) -> None:
    rows = (
        Deadline.objects.filter(
            due_on__range=(start, end),
            kind__in=ACCEPTANCE_CLOCKS + ANSWER_CLOCKS,
            assignment__isnull=True,
        )
        .values("due_on", "responsible_unit", "kind")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(met_on__lte=F("due_on"))),
            met=Count("pk", filter=Q(met_at__isnull=False)),
            open=Count("pk", filter=Q(met_at__isnull=True)),
        )
        .order_by()
    )
    for row in rows:
        if row["kind"] in ACCEPTANCE_CLOCKS:
            values = {
                "acceptance_due": row["due"],
                "acceptance_on_time": row["on_time"],
                "acceptance_open": row["open"],
            }
        else:
            values = {
                "answer_due": row["due"],
                "answer_due_met": row["met"],
                "answer_due_open": row["open"],
            }
        counts.add(row["due_on"], row["responsible_unit"], values)


def _answer_counts(counts: DayCounts, start: datetime.date, end: datetime.date) -> None:
    evaluations = Evaluation.objects.filter(case=OuterRef("case"))
    # The matter raised again at any time after the first petition, before the answer or
    # after it: a repeat petition on the case, or a new case on the same matter once this
    # one was closed. Either way it was not settled at one go (一次性办结).
    repeats = Petition.objects.filter(case=OuterRef("case"), is_repeat=True)
    raised_again = Case.objects.filter(same_matter_as=OuterRef("case"))
    first_time = Q(case__is_first_time=True)
    rows = (
        Reply.objects.filter(status=ReplyStatus.DELIVERED, delivered_on__range=(start, end))
        .annotate(
            was_evaluated=Exists(evaluations),
            was_satisfied=Exists(evaluations.filter(result__in=SATISFIED_RESULTS)),
            repeated=Exists(repeats),
            raised_again=Exists(raised_again),
        )
        .values("delivered_on", "case__answering_unit")
        .annotate(
            answered=Count("pk"),
            answered_on_time=Count("pk", filter=Q(case__answered_on_time=True)),
            resolved=Count("pk", filter=Q(case__resolved=True)),
            evaluated=Count("pk", filter=Q(was_evaluated=True)),
            satisfied=Count("pk", filter=Q(was_satisfied=True)),
            first_time_answered=Count("pk", filter=first_time),
            first_time_repeated=Count(
                "pk", filter=first_time & (Q(repeated=True) | Q(raised_again=True))
            ),
        )
        .order_by()
    )
    # Plain dicts, edited in place into the counts of the day and unit.
    for row in cast("Iterable[dict[str, Any]]", rows):
        day, unit_id = row.pop("delivered_on"), row.pop("case__answering_unit")
        if unit_id is None:
            continue
        row["unevaluated"] = row["answered"] - row["evaluated"]
        counts.add(day, unit_id, row)


STAT_KEY = ("day", "unit_id")
CATEGORY_KEY = ("day", "unit_id", "category_id")
CATEGORY_VALUES = ("batches", "persons")


def _write(counts: DayCounts, start: datetime.date, end: datetime.date, *, replace: bool) -> None:
    """Write the days' rows: all of them into emptied tables (a rebuild), else only the rows
    that changed (a refresh: most of a recomputed day is as it was, and rewriting it whole
    made the writes and their indexes most of a refresh's time)."""
    stats = {
        key: tuple(values[name] for name in COUNT_FIELDS) for key, values in counts.stats.items()
    }
    categories = {key: tuple(values) for key, values in counts.categories.items()}
    if replace:
        _write_changes(DailyStat, STAT_KEY, COUNT_FIELDS, stats, start, end)
        _write_changes(DailyCategoryStat, CATEGORY_KEY, CATEGORY_VALUES, categories, start, end)
        return
    _insert(DailyStat, (*STAT_KEY, *COUNT_FIELDS), (k + v for k, v in stats.items()))
    _insert(
        DailyCategoryStat, (*CATEGORY_KEY, *CATEGORY_VALUES), (k + v for k, v in categories.items())
    )


def _write_changes(
    model,
    key_fields: tuple[str, ...],
    value_fields: tuple[str, ...],
    rows: dict[tuple, tuple[int, ...]],
    start: datetime.date,
    end: datetime.date,
) -> None:
    """Make the days' stored rows of `model` equal to `rows` (key → values): delete the
    rows no longer counted, update those whose counts changed, insert the new ones."""
    width = len(key_fields)
    stored = {
        row[1 : 1 + width]: (row[0], row[1 + width :])
        for row in model.objects.filter(day__range=(start, end))
        .values_list("pk", *key_fields, *value_fields)
        .order_by()
        .iterator(chunk_size=5000)
    }
    gone = [pk for key, (pk, _values) in stored.items() if key not in rows]
    changed = [
        model(pk=stored[key][0], **dict(zip(value_fields, values, strict=True)))
        for key, values in rows.items()
        if key in stored and stored[key][1] != values
    ]
    for first in range(0, len(gone), 500):
        model.objects.filter(pk__in=gone[first : first + 500]).delete()
    model.objects.bulk_update(changed, value_fields, batch_size=500)
    _insert(
        model,
        (*key_fields, *value_fields),
        (key + values for key, values in rows.items() if key not in stored),
    )


def _insert(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert many rows: by COPY on PostgreSQL (twice as fast as INSERT for a rebuild's
    three million rows), else in batches."""
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000
    )


def _recompute(
    ancestors: dict[int, list[int]],
    start: datetime.date,
    end: datetime.date,
    *,
    replace: bool = True,
) -> None:
    """Count the days `start`…`end` again and write their rows (in place of the old ones,
    unless the rebuild has emptied the tables already)."""
    counts = DayCounts(ancestors)
    _petition_counts(counts, start, end)
    _clock_counts(counts, start, end)
    _answer_counts(counts, start, end)
    _write(counts, start, end, replace=replace)


def _runs(
    days: Iterable[datetime.date], longest: int
) -> Iterator[tuple[datetime.date, datetime.date]]:
    """Consecutive days as (first, last) runs of at most `longest` days."""
    start: datetime.date | None = None
    end = datetime.date.min  # read only once `start` is set
    for day in sorted(set(days)):
        if (
            start is not None
            and day == end + datetime.timedelta(days=1)
            and (day - start).days < longest
        ):
            end = day
            continue
        if start is not None:
            yield start, end
        start = end = day
    if start is not None:
        yield start, end


# Events that move a counted fact to another day, and the key of their data that holds the
# day it left (whose rows must lose it).
MOVED_FROM: dict[str, str] = {EventKind.EXTENSION_APPROVED: "old_due"}


def _fact_days(since: datetime.datetime) -> set[datetime.date]:
    """The days on which the cases with an event since `since` count, and the days their
    facts have moved from."""
    events = CaseEvent.objects.filter(created_at__gte=since)
    changed = events.values("case_id")
    # A new case on the same matter counts against the answer of the case it follows.
    followed = Case.objects.filter(pk__in=changed, same_matter_as__isnull=False).values(
        "same_matter_as"
    )
    left = events.filter(kind__in=list(MOVED_FROM)).values_list("kind", "data")
    days = {
        datetime.date.fromisoformat(data[MOVED_FROM[kind]])
        for kind, data in left
        if data.get(MOVED_FROM[kind])
    }
    days.update(
        Petition.objects.filter(case__in=changed)
        .annotate(day=TruncDate("received_at"))
        .values_list("day", flat=True)
        .distinct()
    )
    days.update(
        Deadline.objects.filter(case__in=changed, kind__in=ACCEPTANCE_CLOCKS + ANSWER_CLOCKS)
        .values_list("due_on", flat=True)
        .distinct()
    )
    delivered = (
        Reply.objects.filter(Q(case__in=changed) | Q(case__in=followed), delivered_on__isnull=False)
        .values_list("delivered_on", flat=True)
        .distinct()
    )
    days.update(cast("QuerySet[Reply, datetime.date]", delivered))  # not null, filtered
    return days


def _backlog_update() -> int:
    """Write the backlog cases of today (the whole list: it changes with the date too)."""
    current = set(Case.objects.filter(backlog_condition()).values_list("pk", flat=True).order_by())
    stored = set(BacklogCase.objects.values_list("case_id", flat=True))
    BacklogCase.objects.filter(case_id__in=stored - current).delete()
    BacklogCase.objects.bulk_create(
        [BacklogCase(case_id=pk) for pk in current - stored], batch_size=2000
    )
    return len(current)


def _all_days() -> tuple[datetime.date, datetime.date] | None:
    """The first and last day any fact counts on."""
    first = Petition.objects.order_by("received_at").values_list("received_at", flat=True).first()
    if first is None:
        return None
    last_due = Deadline.objects.order_by("-due_on").values_list("due_on", flat=True).first()
    today = timezone.localdate()
    return timezone.localtime(first).date(), max(today, last_due or today)


def _locked_state() -> RollupState:
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


@transaction.atomic
def rollup_rebuild() -> RollupResult:
    """Recompute the whole rollup in one transaction: readers see the old figures until
    it commits, and a refresh started meanwhile waits for it."""
    state = _locked_state()
    started = timezone.now()
    ancestors, digest = unit_ancestors()
    span = _all_days()
    DailyStat.objects.all().delete()
    DailyCategoryStat.objects.all().delete()
    days = 0
    if span is not None:
        first, last = span
        days = (last - first).days + 1
        for start, end in _runs(_every_day(first, last), REBUILD_CHUNK_DAYS):
            _recompute(ancestors, start, end, replace=False)
    _backlog_update()
    state.watermark = state.refreshed_at = state.rebuilt_at = started
    state.tree_digest = digest
    state.save()
    return RollupResult(days=days, rebuilt=True)


def _every_day(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    for offset in range((last - first).days + 1):
        yield first + datetime.timedelta(days=offset)


def rollup_refresh() -> RollupResult:
    """Recompute the days touched by case events since the last run (see the module)."""
    with transaction.atomic():
        state = _locked_state()
        ancestors, digest = unit_ancestors()
        if state.watermark is not None and digest == state.tree_digest:
            started = timezone.now()
            days = _fact_days(state.watermark - WATERMARK_MARGIN)
            for start, end in _runs(days, REBUILD_CHUNK_DAYS):
                _recompute(ancestors, start, end)
            _backlog_update()
            state.watermark = state.refreshed_at = started
            state.save(update_fields=["watermark", "refreshed_at"])
            return RollupResult(days=len(days))
    return rollup_rebuild()
