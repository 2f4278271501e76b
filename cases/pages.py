"""What other apps' pages take from the case pages: the case the user may see, or 404."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from .models import Case
from .selectors import case_detail


def case_or_404(request: HttpRequest, number: str) -> Case:
    try:
        return case_detail(user=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404 from None


def on_case_or_404(request: HttpRequest, number: str, rows: QuerySet, pk: int):
    """The row `pk` of `rows` (a reply, a written notice…) on case `number`, if the user may
    see the case and the row is on it; its `case` set to the one read."""
    case = case_or_404(request, number)
    row = rows.filter(case=case, pk=pk).first()
    if row is None:
        raise Http404
    row.case = case
    return row
