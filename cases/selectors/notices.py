"""The written notices: those a user may see (the notices of the cases they see) and those the
petitioner may read on the public portal."""

from django.db.models import Q, QuerySet

from accounts.models import User

from ..models import Case, DeliveryMethod, WrittenNotice
from .scope import cases_visible_to

NOTICE_RELATED = ("case", "unit", "to_unit", "delivered_by", "review")
# What `cases.notices.notice_document` reads besides the petition: a notice with these loaded.
DOCUMENT_RELATED = ("case__answering_unit", "unit", "to_unit", "review__unit__parent")


def notices_visible_to(user: User) -> QuerySet[WrittenNotice]:
    """The notices of the cases `user` sees (never those of a case accusing their unit)."""
    return WrittenNotice.objects.filter(case__in=cases_visible_to(user).values("pk"))


def notice_detail(*, user: User, pk: int) -> WrittenNotice:
    """The notice `pk` if `user` sees its case; raises WrittenNotice.DoesNotExist otherwise."""
    return notices_visible_to(user).select_related(*NOTICE_RELATED).get(pk=pk)


def notices_for_petitioner(case: Case) -> QuerySet[WrittenNotice]:
    """The notices of `case` the public portal may list to its petitioner: those delivered
    (by any method) and those issued for online delivery, oldest first (one query), loaded
    for `cases.notices.notice_docx`. Each has its `title`."""
    return (
        WrittenNotice.objects.filter(case=case)
        .filter(Q(delivered_on__isnull=False) | Q(delivery_method=DeliveryMethod.ONLINE))
        .select_related(*DOCUMENT_RELATED)
        .order_by("issued_on", "pk")
    )
