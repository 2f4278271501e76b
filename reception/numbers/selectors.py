"""The numbers of leader reception (issue 5 §8), per leader, for a date range: what the
reception page shows and the dashboards reuse."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import User

from ..models import Appointment, AppointmentPetitioner, AppointmentStatus, ReceptionRecord
from ..selectors import schedules_visible_to


@dataclass(frozen=True)
class LeaderNumbers:
    """One leader's receptions from `start` to `end` (by the date of the reception day).

    - `receptions`: reception days held, i.e. days with at least one petitioner received;
    - `petitioners`: petitioners received (person-times, 人次: one per appointment attended);
    - `cases`: distinct cases received;
    - `attended`: appointments attended; `resolved_on_spot`: of those, resolved on the spot;
    - `instructions`: instructions that became assignments; `instructions_due`: those
      reported back or past their due date (the others cannot be judged yet);
      `instructions_on_time`: those reported back by their due date.
    """

    leader: User
    receptions: int = 0
    petitioners: int = 0
    cases: int = 0
    attended: int = 0
    resolved_on_spot: int = 0
    instructions: int = 0
    instructions_due: int = 0
    instructions_on_time: int = 0

    @property
    def resolved_share(self) -> float | None:
        """Share of the receptions held that were resolved on the spot (None: none held)."""
        return self.resolved_on_spot / self.attended if self.attended else None

    @property
    def on_time_share(self) -> float | None:
        """Share of the instructions due so far that were done on time (None: none due)."""
        return self.instructions_on_time / self.instructions_due if self.instructions_due else None


def reception_numbers(
    *, user: User, start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> list[LeaderNumbers]:
    """Per leader whose reception schedule lies in the user's area (their own included),
    in the order of their units, the numbers of the receptions from `start` to `end`
    inclusive. Leaders with nothing in the range are listed with zeros. Four queries."""
    today = today or timezone.localdate()
    schedules = schedules_visible_to(user).values("pk")
    leaders = list(
        User.objects.filter(reception_schedules__in=schedules)
        .select_related("org_unit")
        .distinct()
        .order_by("org_unit__path", "last_name", "first_name", "username")
    )
    held = Appointment.objects.filter(
        day__schedule__in=schedules,
        day__date__range=(start, end),
        status=AppointmentStatus.ATTENDED,
    )
    appointments = {
        row["day__schedule__leader"]: row
        for row in held.values("day__schedule__leader").annotate(
            receptions=Count("day__date", distinct=True),
            cases=Count("case", distinct=True),
            attended=Count("pk", distinct=True),
        )
    }
    petitioners = {
        row["appointment__day__schedule__leader"]: row["count"]
        for row in AppointmentPetitioner.objects.filter(
            appointment__in=held.values("pk"), active=True
        )
        .values("appointment__day__schedule__leader")
        .annotate(count=Count("pk"))
    }
    assignment_due = Q(assignment__isnull=False) & (
        Q(assignment__reported_on__isnull=False) | Q(assignment__due_on__lt=today)
    )
    records = {
        row["appointment__day__schedule__leader"]: row
        for row in ReceptionRecord.objects.filter(appointment__in=held.values("pk"))
        .values("appointment__day__schedule__leader")
        .annotate(
            resolved=Count("pk", filter=Q(resolved_on_spot=True)),
            instructions=Count("assignment"),
            due=Count("pk", filter=assignment_due),
            on_time=Count("pk", filter=Q(assignment__reported_on__lte=F("assignment__due_on"))),
        )
    }
    numbers = []
    for leader in leaders:
        seen: Mapping[str, Any] = appointments.get(leader.pk, {})
        recorded: Mapping[str, Any] = records.get(leader.pk, {})
        numbers.append(
            LeaderNumbers(
                leader=leader,
                receptions=seen.get("receptions", 0),
                petitioners=petitioners.get(leader.pk, 0),
                cases=seen.get("cases", 0),
                attended=seen.get("attended", 0),
                resolved_on_spot=recorded.get("resolved", 0),
                instructions=recorded.get("instructions", 0),
                instructions_due=recorded.get("due", 0),
                instructions_on_time=recorded.get("on_time", 0),
            )
        )
    return numbers
