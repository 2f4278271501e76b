"""Reads of the four-level consultation, scoped to the user.

A user sees a case's consultations when they see the case itself, or when their unit (for a
petition office: also its government) attended one of its consultations or was given a task
in one: a department called to a level-2 meeting must see what it was asked to do, though
the case belongs to another unit. An accused unit sees nothing of the case (Art. 30).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from accounts.selectors import acted_unit_ids
from cases.models import Case
from cases.selectors import cases_visible_to
from cases.selectors.accusations import hidden_from

from ..models import Consultation, ConsultationTask


def consultation_case_ids(user: User) -> QuerySet:
    """Ids of the cases whose consultations `user` sees (a subquery)."""
    acting = acted_unit_ids(user)
    taking_part = Consultation.objects.filter(
        Q(units__in=acting) | Q(tasks__unit__in=acting)
    ).values("case_id")
    return (
        Case.objects.filter(Q(pk__in=cases_visible_to(user).values("pk")) | Q(pk__in=taking_part))
        .exclude(hidden_from(user))
        .values("pk")
    )


def consultation_case(*, user: User, number: str) -> Case:
    """The case `number`, if `user` sees its consultations; Case.DoesNotExist otherwise."""
    if "\x00" in number:
        raise Case.DoesNotExist
    return (
        Case.objects.filter(pk__in=consultation_case_ids(user))
        .select_related("owner_unit", "receiving_unit")
        .get(number=number)
    )


def with_details(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    """What a consultation's record shows, in a fixed number of queries for any number."""
    return queryset.select_related(
        "case", "recorded_by", "recording_unit", "escalated_by"
    ).prefetch_related(
        Prefetch(
            "units",
            queryset=Consultation.units.field.related_model._default_manager.order_by("path"),
        ),
        Prefetch(
            "tasks",
            queryset=ConsultationTask.objects.select_related("unit", "deadline").order_by("pk"),
        ),
    )


def case_consultations(case: Case) -> list[Consultation]:
    """Every level's record on the case, lowest level first."""
    return list(with_details(Consultation.objects.filter(case=case).order_by("level")))


def consultations_visible_to(user: User) -> QuerySet[Consultation]:
    """The consultations on the cases whose consultations `user` sees."""
    return Consultation.objects.filter(case_id__in=consultation_case_ids(user))


def consultation_list(*, user: User, case_number: str | None = None) -> QuerySet[Consultation]:
    """The consultations `user` sees, newest first; of one case when `case_number` is given."""
    queryset = consultations_visible_to(user)
    if case_number is not None:
        queryset = queryset.filter(case__number=case_number)
    return with_details(queryset.order_by("-held_on", "-pk"))


def consultation_detail(*, user: User, pk: int) -> Consultation:
    """Consultation `pk` if `user` sees it; Consultation.DoesNotExist otherwise."""
    return with_details(Consultation.objects.filter(case_id__in=consultation_case_ids(user))).get(
        pk=pk
    )


def consultation_task_detail(*, user: User, pk: int) -> ConsultationTask:
    """Task `pk` if `user` sees its consultation; ConsultationTask.DoesNotExist otherwise."""
    return ConsultationTask.objects.select_related("unit", "deadline", "consultation__case").get(
        pk=pk, consultation__case_id__in=consultation_case_ids(user)
    )
