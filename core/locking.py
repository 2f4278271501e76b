"""Row locks that survive a concurrent change of a foreign key."""

from typing import TypeVar

from django.db.models import Manager, Model, QuerySet

M = TypeVar("M", bound=Model)


def lock_and_read(queryset: QuerySet[M] | Manager[M], pk: int) -> M:
    """Lock row `pk` of the queryset's table until the transaction ends, then read it afresh
    through `queryset` (with its joins).

    The lock is taken on the table alone: on PostgreSQL a locking SELECT that had to wait for
    another transaction re-checks its joins against the row that transaction wrote, and a
    row whose foreign key changed meanwhile (a case forwarded, an appointment moved) would
    vanish from the result, as if it did not exist."""
    model = queryset.model
    model._default_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
    return queryset.get(pk=pk)
