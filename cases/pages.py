"""What other apps' pages take from the case pages: the case the user may see, or 404."""

from django.http import Http404, HttpRequest

from .models import Case
from .selectors import case_detail


def case_or_404(request: HttpRequest, number: str) -> Case:
    try:
        return case_detail(user=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404 from None
