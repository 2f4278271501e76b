"""Reads of the escalation app, scoped by the user's units (DESIGN §4). Each mechanism keeps
its own section here or a module of its own (`selectors_joint.py`, …)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import OrgUnit, User
from accounts.selectors import acting_filter, units_visible_to
from cases.models import Case
from cases.selectors import case_scope_filter
from cases.selectors_accusations import hidden_from

from .models import Consultation, ConsultationTask, JointParty, SupervisionNotice

# --- supervision notices (督办通知书 / 催办) --------------------------------------------------


class NoticeTab:
    """The tabs of the notice list."""

    AWAITING = "awaiting"  # addressed to the user's units and not answered yet
    ISSUED = "issued"  # issued by a unit in the user's area
    ALL = "all"  # every notice the user may see

    values = (AWAITING, ISSUED, ALL)


def _not_accused(user: User) -> Q:
    """Never a case that accuses the user's unit or a unit above it (Art. 30)."""
    return hidden_from(user, prefix="case__")


def notices_visible_to(user: User) -> QuerySet[SupervisionNotice]:
    """Notices on a case the user may see, or addressed to a unit the user acts for; never
    on a case accusing the user's unit."""
    if not user.is_authenticated:
        return SupervisionNotice.objects.none()
    include, exclude = case_scope_filter(user, prefix="case__")
    # `exclude` is the accusation rule (Art. 30) for every row, the acting ones too.
    return SupervisionNotice.objects.filter(include | acting_filter(user)).exclude(exclude)


def notices_awaiting_response(user: User) -> QuerySet[SupervisionNotice]:
    """Open notices addressed to the units the user acts for."""
    if not user.is_authenticated:
        return SupervisionNotice.objects.none()
    return SupervisionNotice.objects.filter(acting_filter(user), responded_on__isnull=True).exclude(
        _not_accused(user)
    )


def _for_display(queryset: QuerySet[SupervisionNotice]) -> QuerySet[SupervisionNotice]:
    return queryset.select_related("case", "unit", "issuing_unit", "issued_by", "responded_by")


def notice_list(*, user: User, tab: str = NoticeTab.ALL) -> QuerySet[SupervisionNotice]:
    """The notices of one tab of the list, newest first, with what a row shows (one query)."""
    if tab == NoticeTab.AWAITING:
        queryset = notices_awaiting_response(user).order_by("due_on", "pk")
    elif tab == NoticeTab.ISSUED:
        queryset = notices_visible_to(user).filter(issuing_unit__in=units_visible_to(user))
    else:
        queryset = notices_visible_to(user)
    return _for_display(queryset)


def notice_detail(*, user: User, pk: int) -> SupervisionNotice:
    """The notice `pk` if the user may see it; raises SupervisionNotice.DoesNotExist."""
    return _for_display(notices_visible_to(user)).get(pk=pk)


def case_notices(case: Case) -> list[SupervisionNotice]:
    """The notices on a case the user may already see, oldest first (one query)."""
    return list(
        SupervisionNotice.objects.filter(case=case)
        .select_related("unit", "issuing_unit")
        .order_by("issued_on", "pk")
    )


# --- who takes part -------------------------------------------------------------------------


def units_taking_part(case: Case, unit_ids: QuerySet) -> QuerySet[OrgUnit]:
    """The units among `unit_ids` that take part in the case's escalation, and so see what
    they were given of it: a notice's addressee, a joint supervision's party, a
    consultation's attending or tasked unit (registered with
    `cases.selectors_accusations.register_participation`: an accusation against such a unit
    does not join the case)."""
    consultations = Consultation.objects.filter(case=case)
    tasks = ConsultationTask.objects.filter(consultation__in=consultations)
    return OrgUnit.objects.filter(pk__in=unit_ids).filter(
        Q(pk__in=SupervisionNotice.objects.filter(case=case).values("unit_id"))
        | Q(pk__in=JointParty.objects.filter(supervision__case=case).values("unit_id"))
        | Q(pk__in=consultations.values("units"))
        | Q(pk__in=tasks.values("unit_id"))
    )
