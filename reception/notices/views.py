"""Pages: the notices of an appointment (四书) as printable pages and .docx files, and the
button that issues them.

Opening a notice only shows: an issued notice as its sheet, one not issued yet as a page with
the button that issues the appointment's notices (a POST, for those who may issue them), so a
GET never writes a row or tells anyone. Issuing twice creates and sends nothing more. Thin:
look up, call the service, lay out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import OrgUnit
from core.apiauth import api_or_login_required
from core.exceptions import Conflict, NotAllowed
from core.pages import docx_download, forbidden, found_or_404
from core.rest import object_id

from ..models import Appointment, NoticeKind, ReceptionNotice
from .documents.links import notice_docx_url, notice_links, notice_url
from .documents.texts import notice_document
from .selectors import (
    NoticeAccess,
    find_notice,
    issue_refusal,
    issued_notices,
    notice_access,
)
from .services import notices_issue


def _access_or_404(request: HttpRequest, pk: int) -> NoticeAccess:
    return found_or_404(Appointment, notice_access, user=request.user, pk=object_id(pk))


def back_url(appointment: Appointment) -> str:
    """The appointment's page when it exists, else the case's."""
    try:
        return reverse("reception:appointment", args=[appointment.pk])
    except NoReverseMatch:
        return reverse("cases:detail", args=[appointment.case.number])


def _notice(
    request: HttpRequest, pk: int, kind: str
) -> tuple[NoticeAccess, OrgUnit | None, ReceptionNotice | None]:
    """The notice `kind` (with `?unit=CODE` for a unit's) of appointment `pk` as issued, or
    None when it is not issued yet and the user may issue it; 404 for what the user may not
    see (a notice not issued is nothing to those who may not issue it). Reads only."""
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
    notice = find_notice(issued_notices(access.appointment), kind, unit)
    if notice is None and not access.may_issue:
        raise Http404
    return access, unit, notice


@api_or_login_required
@require_GET
def notice_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    access, unit, notice = _notice(request, pk, kind)
    appointment = access.appointment
    document = None
    if notice is not None:
        notice.appointment = appointment
        document = notice_document(notice, units=access.units)
    context = {
        "appointment": appointment,
        "document": document,
        "kind_title": dict(NoticeKind.choices)[kind],
        # Not issued yet: why it cannot be now, else the button that issues it.
        "refusal": issue_refusal(appointment, timezone.localdate()) if notice is None else "",
        "docx_url": notice_docx_url(appointment, kind, unit),
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
    access, unit, notice = _notice(request, pk, kind)
    if notice is None:
        # Nothing to download before it is issued: its page offers the button.
        return redirect(notice_url(access.appointment, kind, unit))
    notice.appointment = access.appointment
    document = notice_document(notice, units=access.units)
    return docx_download(document, f"reception-{pk}-{kind}.docx")


@login_required
@require_POST
def notices_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the appointment's notices not issued yet (again: nothing more), then back to
    `next` (the notice page or the appointment's page)."""
    access = _access_or_404(request, pk)
    if not access.may_issue:
        raise Http404
    appointment = access.appointment
    # Not `run_service`: a button with no form of its own, so a conflict (the notices cannot
    # be issued now) is answered like a refusal, with a page that says why, but as a 409.
    try:
        notices_issue(actor=request.user, appointment=appointment)
    except (NotAllowed, Conflict) as error:
        response = forbidden(request, str(error), back_url(appointment))
        if isinstance(error, Conflict):
            response.status_code = 409
        return response
    messages.success(request, _("The notices of this appointment are issued."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = back_url(appointment)
    return redirect(target)


urlpatterns: list = [
    path("appointments/<int:pk>/notices/issue/", notices_issue_view, name="notices_issue"),
    path("appointments/<int:pk>/notices/<str:kind>/", notice_view, name="notice"),
    path("appointments/<int:pk>/notices/<str:kind>/docx/", notice_docx_view, name="notice_docx"),
]
