"""Reads of the supervision notices (督办通知书 / 催办), scoped by the user's units (DESIGN §4)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import acting_filter, units_visible_to
from cases.models import Case
from cases.selectors import case_scope_filter
from cases.selectors.accusations import hidden_from

from ..models import SupervisionNotice


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
