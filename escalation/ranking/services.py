"""The monthly unit ranking (通报): how each responsible unit answered petitioners in a month,
ranked, with a rectification notice (限期整改督查通知书) for a unit in the bottom three two
months running and a written self-examination (书面检查) from the third month on.

The figures of a month, per unit (`units_rank`):

- handled (办结): cases whose reply was delivered to the petitioner in the month, counted for
  the unit that answered (`Case.answering_unit`);
- answered on time: those of them not answered late (`Case.answered_on_time` is not False: a
  case answered without an answer clock had nothing to be late against);
- overdue (超期): the unit's clocks (`cases.Deadline.responsible_unit`, every kind except the
  petitioner's own request windows) that either were met in the month after their due date,
  or were still not met when the month ended although due on or before its last day. A clock
  still open over several months counts in each of them; one open at the end of a month and
  met late in the next counts in both;
- evaluated / satisfied: evaluations (回访) recorded in the month on cases the unit answered,
  and how many of them were 满意 or 基本满意.

Ranked are the units that handled a case or had a clock overdue in the month, by on-time rate
(high first), satisfaction rate (high first), overdue count (low first), cases handled (many
first), unit code. A rate without a base (nothing answered, nothing evaluated) counts as 0:
the unit answered nothing, or made no follow-up calls (回访 is the answering unit's own job).
"""

from __future__ import annotations

import calendar
import datetime
import logging
import re
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgKind, OrgUnit
from accounts.numbering import next_document_number
from accounts.roles import Role
from accounts.selectors import government_id_of, users_acting_for
from cases.models import (
    PETITIONER_WINDOWS,
    SATISFIED_RESULTS,
    Case,
    Deadline,
    Evaluation,
    Reply,
    ReplyStatus,
)
from core.exceptions import ValidationError
from core.workcalendar import Counting, due_date
from notifications.services import notify

from ..kinds import EscalationNotificationKind
from ..models import RankingNotice, RankingNoticeKind, UnitRanking
from ..recipients import Recipients

logger = logging.getLogger(__name__)

BOTTOM = 3
# Number series of the notices: <机关代字>整改〔2026〕3号, <机关代字>检查〔2026〕1号.
SERIES: dict[str, str] = {
    RankingNoticeKind.RECTIFICATION: "整改",
    RankingNoticeKind.SELF_EXAMINATION: "检查",
}
# The time the unit is given: to rectify, and to hand in the written self-examination.
TIME_GIVEN: dict[str, tuple[int, Counting]] = {
    RankingNoticeKind.RECTIFICATION: (30, Counting.CALENDAR_DAYS),
    RankingNoticeKind.SELF_EXAMINATION: (10, Counting.WORKDAYS),
}


# --- months -----------------------------------------------------------------------------------


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def last_month(today: datetime.date | None = None) -> datetime.date:
    """The first day of the month before `today`'s (today in China by default)."""
    return previous_month(today or timezone.localdate())


def parse_month(value: str) -> datetime.date:
    """`2026-10` → 2026-10-01; ValidationError on the field `month` for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (value or "").strip())
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and year >= 1900:
            return datetime.date(year, month, 1)
    raise ValidationError({"month": [_("Give the month as YYYY-MM, e.g. 2026-10.")]})


def notice_kind_for(streak: int) -> str | None:
    """Two months running in the bottom three: rectification; three or more: self-examination."""
    if streak >= 3:
        return RankingNoticeKind.SELF_EXAMINATION
    if streak == 2:
        return RankingNoticeKind.RECTIFICATION
    return None


# --- the figures ------------------------------------------------------------------------------


@dataclass
class Figures:
    unit_id: int
    handled: int = 0
    on_time: int = 0
    overdue: int = 0
    evaluated: int = 0
    satisfied: int = 0

    def sort_key(self, code: str) -> tuple:
        on_time = Fraction(self.on_time, self.handled) if self.handled else Fraction(0)
        satisfied = Fraction(self.satisfied, self.evaluated) if self.evaluated else Fraction(0)
        return (-on_time, -satisfied, self.overdue, -self.handled, code)


def month_figures(month: datetime.date) -> dict[int, Figures]:
    """The month's figures of every unit that answered, was evaluated or had a clock overdue
    (three aggregate queries, whatever the number of cases)."""
    start, end = month, month_end(month)
    figures: dict[int, Figures] = {}

    def of(unit_id: int) -> Figures:
        return figures.setdefault(unit_id, Figures(unit_id))

    delivered = Reply.objects.filter(
        case=OuterRef("pk"), status=ReplyStatus.DELIVERED, delivered_on__range=(start, end)
    )
    answered = (
        Case.objects.filter(Exists(delivered), answering_unit__isnull=False)
        .order_by()
        .values("answering_unit")
        .annotate(
            handled=Count("pk"),
            on_time=Count("pk", filter=~Q(answered_on_time=False)),
        )
    )
    for row in answered:
        item = of(row["answering_unit"])
        item.handled, item.on_time = row["handled"], row["on_time"]

    overdue = (
        Deadline.objects.exclude(kind__in=PETITIONER_WINDOWS)
        .filter(
            Q(met_on__range=(start, end), met_on__gt=F("due_on"))
            | Q(due_on__lte=end) & (Q(met_on__isnull=True) | Q(met_on__gt=end))
        )
        .order_by()
        .values("responsible_unit")
        .annotate(overdue=Count("pk"))
    )
    for late in overdue:
        of(late["responsible_unit"]).overdue = late["overdue"]

    evaluations = (
        Evaluation.objects.filter(
            evaluated_on__range=(start, end), case__answering_unit__isnull=False
        )
        .order_by()
        .values("case__answering_unit")
        .annotate(
            evaluated=Count("pk"),
            satisfied=Count("pk", filter=Q(result__in=SATISFIED_RESULTS)),
        )
    )
    for evaluated in evaluations:
        item = of(evaluated["case__answering_unit"])
        item.evaluated, item.satisfied = evaluated["evaluated"], evaluated["satisfied"]
    return figures


# --- who issues the notices --------------------------------------------------------------------


def notice_issuers(units: list[OrgUnit]) -> dict[int, OrgUnit]:
    """The unit that issues a ranked unit's notice: for a department of a government
    (business, stability, judicial, discipline, other), that government's own petition office,
    which runs the joint-conference office of its area; for a government or a petition office,
    the petition office of the government one level up (`Recipients.issuer_above`). A
    province-level government or petition office, with nobody above, is noticed by its own
    province's petition office."""
    if not units:
        return {}
    above = Recipients(units)
    governments = {government_id_of(unit) for unit in units}
    offices = {
        office.parent_id: office
        for office in OrgUnit.objects.filter(
            parent__in=governments, kind=OrgKind.PETITION_OFFICE, is_active=True
        ).order_by("-pk")
    }
    issuers = {}
    for unit in units:
        if unit.kind in (OrgKind.GOVERNMENT, OrgKind.PETITION_OFFICE):
            issuer = above.issuer_above(unit)
            if issuer.pk == unit.pk:
                issuer = offices.get(government_id_of(unit), unit)
        else:
            issuer = offices.get(government_id_of(unit)) or above.issuer_above(unit)
        issuers[unit.pk] = issuer
    return issuers


# --- the ranking --------------------------------------------------------------------------------


@dataclass
class RankingResult:
    month: datetime.date
    rankings: list[UnitRanking] = field(default_factory=list)
    notices: list[RankingNotice] = field(default_factory=list)
    notifications: int = 0

    def summary(self) -> dict:
        return {
            "month": f"{self.month:%Y-%m}",
            "ranked": len(self.rankings),
            "bottom": [r.unit.code for r in self.rankings if r.in_bottom],
            "notices": [notice.number for notice in self.notices],
            "notifications": self.notifications,
        }


@transaction.atomic
def units_rank(*, month: datetime.date) -> RankingResult:
    """Rank the responsible units for `month` (its first day), store one `UnitRanking` per
    ranked unit, and give the units in the bottom three two months running a rectification
    notice, three or more months running a written self-examination, notifying the unit's
    leaders and handlers.

    The bottom three are marked only when more than three units are ranked. The streak
    continues the previous month's stored ranking (rank that month first). Running it again
    for the same month updates the rows in place, drops the rows of units no longer ranked,
    and issues no second notice and no second notification; a notice once issued stays."""
    if not isinstance(month, datetime.date) or month.day != 1:
        raise ValidationError({"month": [_("Give the first day of a month.")]})
    this_month = timezone.localdate().replace(day=1)
    if month >= this_month:
        raise ValidationError({"month": [_("Only a month that has ended can be ranked.")]})

    figures = month_figures(month)
    ranked = {pk: item for pk, item in figures.items() if item.handled or item.overdue}
    units = OrgUnit.objects.in_bulk(list(ranked))
    order = sorted(ranked.values(), key=lambda item: item.sort_key(units[item.unit_id].code))
    previous = dict(
        UnitRanking.objects.filter(month=previous_month(month), in_bottom=True).values_list(
            "unit_id", "bottom_streak"
        )
    )
    bottom_from = len(order) - BOTTOM if len(order) > BOTTOM else len(order)
    rows = []
    for index, item in enumerate(order):
        in_bottom = index >= bottom_from
        rows.append(
            UnitRanking(
                month=month,
                unit_id=item.unit_id,
                handled=item.handled,
                on_time=item.on_time,
                overdue=item.overdue,
                evaluated=item.evaluated,
                satisfied=item.satisfied,
                rank=index + 1,
                in_bottom=in_bottom,
                bottom_streak=previous.get(item.unit_id, 0) + 1 if in_bottom else 0,
            )
        )
    UnitRanking.objects.filter(month=month).exclude(unit_id__in=list(ranked)).delete()
    if rows:
        UnitRanking.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["month", "unit"],
            update_fields=[
                "handled",
                "on_time",
                "overdue",
                "evaluated",
                "satisfied",
                "rank",
                "in_bottom",
                "bottom_streak",
                "computed_at",
            ],
        )
    result = RankingResult(
        month=month,
        rankings=list(
            UnitRanking.objects.filter(month=month).select_related("unit").order_by("rank")
        ),
    )
    _issue_notices(result)
    logger.info("unit ranking %s: %s", f"{month:%Y-%m}", result.summary())
    return result


def _issue_notices(result: RankingResult) -> None:
    due = {
        ranking.unit_id: kind
        for ranking in result.rankings
        if (kind := notice_kind_for(ranking.bottom_streak))
    }
    if not due:
        return
    issued = set(
        RankingNotice.objects.filter(month=result.month, unit__in=list(due)).values_list(
            "unit_id", "kind"
        )
    )
    wanted = [
        r for r in result.rankings if r.unit_id in due and (r.unit_id, due[r.unit_id]) not in issued
    ]
    if not wanted:
        return
    issuers = notice_issuers([ranking.unit for ranking in wanted])
    staff = users_acting_for([r.unit_id for r in wanted], Role.LEADER, Role.HANDLER)
    today = timezone.localdate()
    url = reverse("escalation:ranking_month", args=[f"{result.month:%Y-%m}"])
    for ranking in wanted:
        kind = due[ranking.unit_id]
        days, counting = TIME_GIVEN[kind]
        try:
            # A savepoint: a second run racing this one gives its number back on conflict.
            with transaction.atomic():
                notice = RankingNotice.objects.create(
                    month=result.month,
                    unit=ranking.unit,
                    kind=kind,
                    issuing_unit=issuers[ranking.unit_id],
                    number=next_document_number(
                        unit=issuers[ranking.unit_id], series=SERIES[kind], year=today.year
                    ),
                    due_on=due_date(today, days, counting),
                )
        except IntegrityError:
            continue
        result.notices.append(notice)
        values = {
            "month": f"{result.month:%Y-%m}",
            "unit": ranking.unit.name,
            "months": ranking.bottom_streak,
            "number": notice.number,
            "due": f"{notice.due_on:%Y-%m-%d}",
        }
        if kind == RankingNoticeKind.RECTIFICATION:
            title = (
                _(
                    "Ranking %(month)s: %(unit)s is in the bottom three for %(months)d months "
                    "running. Rectification notice %(number)s: rectify by %(due)s."
                )
                % values
            )
        else:
            title = (
                _(
                    "Ranking %(month)s: %(unit)s is in the bottom three for %(months)d months "
                    "running. Hand in a written self-examination by %(due)s (%(number)s)."
                )
                % values
            )
        rows = notify(
            recipients=staff.get(ranking.unit_id, []),
            kind=EscalationNotificationKind.RANKING,
            title=title,
            body=title,
            url=url,
        )
        result.notifications += len(rows)
