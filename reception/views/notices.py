"""Pages: the notices of an appointment (四书) as printable pages and .docx files.

Opening a notice that is not issued yet issues the appointment's notices first (for those
who may issue them), so printing or downloading twice gives the same document and tells
nobody twice. Thin: look up, call the service, lay out."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.apiauth import api_or_login_required
from accounts.exceptions import Conflict, NotAllowed
from accounts.http import attachment
from cases.officialdoc import DOCX_TYPE, OfficialDocument, officialdoc_docx
from cases.views.common import forbidden

from ..documents import notice_document, notice_docx_url, notice_links
from ..models import Appointment, NoticeKind
from ..selectors_notices import NoticeAccess, find_notice, issued_notices, notice_access
from ..services.notices import notices_issue

MAX_ID = 2**63 - 1


def _access_or_404(request: HttpRequest, pk: int) -> NoticeAccess:
    if not 0 < pk <= MAX_ID:
        raise Http404
    try:
        return notice_access(user=request.user, pk=pk)
    except Appointment.DoesNotExist:
        raise Http404 from None


def back_url(appointment: Appointment) -> str:
    """The appointment's page when it exists, else the case's."""
    try:
        return reverse("reception:appointment", args=[appointment.pk])
    except NoReverseMatch:
        return reverse("cases:detail", args=[appointment.case.number])


class Refused(Exception):
    """The notice is not issued and cannot be issued now: `response` says why."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _document(request: HttpRequest, pk: int, kind: str) -> tuple[NoticeAccess, OfficialDocument]:
    """The notice `kind` (with `?unit=CODE` for a unit's) of appointment `pk`, issued first if
    it is not yet and the user may issue it; 404 for what the user may not see."""
    access = _access_or_404(request, pk)
    if kind not in NoticeKind.values:
        raise Http404
    unit = None
    if kind == NoticeKind.UNIT:
        unit = access.unit_by_code(request.GET.get("unit", ""))
        if unit is None:
            raise Http404
    if not access.may_open(kind, unit):
        raise Http404
    appointment = access.appointment
    notice = find_notice(issued_notices(appointment), kind, unit)
    if notice is None:
        if not access.may_issue:
            raise Http404
        try:
            notices = notices_issue(actor=request.user, appointment=appointment)
        except (NotAllowed, Conflict) as error:
            response = forbidden(request, str(error), back_url(appointment))
            if isinstance(error, Conflict):
                response.status_code = 409
            raise Refused(response) from None
        notice = find_notice(notices, kind, unit)
        if notice is None:
            raise Http404
    notice.appointment = appointment
    return access, notice_document(notice, units=access.units)


@api_or_login_required
@require_GET
def notice_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    try:
        access, document = _document(request, pk, kind)
    except Refused as refused:
        return refused.response
    appointment = access.appointment
    unit = request.GET.get("unit") if kind == NoticeKind.UNIT else None
    context = {
        "appointment": appointment,
        "document": document,
        "docx_url": notice_docx_url(appointment, kind, access.unit_by_code(unit) if unit else None),
        # An attending unit's user sees this notice only, not the appointment: back to the inbox.
        "back": back_url(appointment) if access.area else reverse("notifications:inbox"),
        "back_label": _("Back to the appointment") if access.area else _("Back to my messages"),
        "links": notice_links(appointment, access=access),
        "current": request.get_full_path(),
    }
    return render(request, "reception/notice.html", context)


@api_or_login_required
@require_GET
def notice_docx_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    try:
        _access, document = _document(request, pk, kind)
    except Refused as refused:
        return refused.response
    return attachment(
        officialdoc_docx(document), DOCX_TYPE, document.filename, f"reception-{pk}-{kind}.docx"
    )


urlpatterns: list = [
    path("appointments/<int:pk>/notices/<str:kind>/", notice_view, name="notice"),
    path("appointments/<int:pk>/notices/<str:kind>/docx/", notice_docx_view, name="notice_docx"),
]
