"""Reads of the monthly unit ranking, limited to the units in the user's area (the rank shown
is the unit's place among all units ranked that month)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from accounts.models import OrgUnit, User
from accounts.selectors import units_visible_to

from ..models import RankingNotice, UnitRanking


def rankings_for(*, user: User, month: datetime.date) -> QuerySet[UnitRanking]:
    """The month's rows of the units in the user's area, by rank."""
    return (
        UnitRanking.objects.filter(month=month, unit__in=units_visible_to(user))
        .select_related("unit")
        .order_by("rank")
    )


def ranking_notices_for(*, user: User, month: datetime.date) -> QuerySet[RankingNotice]:
    """The notices the month's ranking brought on units in the user's area."""
    return (
        RankingNotice.objects.filter(month=month, unit__in=units_visible_to(user))
        .select_related("unit")
        .order_by("unit__code", "kind")
    )


def ranked_months(*, limit: int = 24) -> list[datetime.date]:
    """The latest months that have a ranking, newest first."""
    return list(
        UnitRanking.objects.order_by("-month").values_list("month", flat=True).distinct()[:limit]
    )


def ranking_notice_detail(*, user: User, pk: int) -> RankingNotice:
    """Notice `pk` if its unit is in the user's area; RankingNotice.DoesNotExist otherwise."""
    return RankingNotice.objects.select_related("unit__parent", "issuing_unit").get(
        pk=pk, unit__in=units_visible_to(user)
    )


def notice_issuer(notice: RankingNotice) -> OrgUnit | None:
    """The unit that issued the notice."""
    return notice.issuing_unit


def streak_rankings(notice: RankingNotice) -> list[UnitRanking]:
    """The unit's rows of the months running in the bottom three up to the notice's month,
    oldest first (what the notice is about)."""
    rows = list(
        UnitRanking.objects.filter(unit=notice.unit, month__lte=notice.month).order_by("-month")[
            :24
        ]
    )
    streak: list[UnitRanking] = []
    for row in rows:
        if not row.in_bottom or (streak and row.bottom_streak != streak[-1].bottom_streak - 1):
            break
        streak.append(row)
    return list(reversed(streak))
