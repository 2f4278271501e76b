"""The written notices of a case: the .docx download and the form recording a delivery."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.pages import on_case_or_404
from core.apiauth import api_or_login_required
from core.pages import docx_download, run_service

from ..forms import NoticeDeliverForm
from ..models import WrittenNotice
from ..notices import notice_document
from ..selectors.notices import DOCUMENT_RELATED
from ..services import notice_deliver
from .detail import render_detail


def _notice_or_404(request: HttpRequest, number: str, pk: int) -> WrittenNotice:
    """The notice `pk` of case `number`, if the user may see the case and it is on it."""
    return on_case_or_404(
        request, number, WrittenNotice.objects.select_related(*DOCUMENT_RELATED), pk
    )


@api_or_login_required
@require_GET
def notice_docx(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """The notice as a Word document in the official layout, as a download."""
    notice = _notice_or_404(request, number, pk)
    return docx_download(notice_document(notice), f"notice-{notice.pk}.docx")


@login_required
@require_POST
def notice_deliver_view(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """Record how and when the notice reached the petitioner; the case page again with the
    form's errors (400) or the reason it was refused (409)."""
    notice = _notice_or_404(request, number, pk)
    form = NoticeDeliverForm(
        request.POST, case=notice.case, user=request.user, prefix=f"notice-{notice.pk}"
    )
    if not form.is_valid():
        return render_detail(request, number, notice_form=(notice.pk, form), status=400)
    outcome = run_service(
        request,
        form,
        lambda: notice_deliver(actor=request.user, notice=notice, **form.service_kwargs()),
        back=reverse("cases:detail", args=[number]),
    )
    if outcome.refused is not None:
        return outcome.refused
    if not outcome.ok:
        return render_detail(request, number, notice_form=(notice.pk, form), status=outcome.status)
    messages.success(request, _("Delivery of %(number)s recorded.") % {"number": notice.number})
    return redirect("cases:detail", number=number)
