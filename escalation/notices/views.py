"""Pages: supervision notices (督办通知书 / 催办). The list with its tabs, a notice with the
unit's response form, the supervisor's issue form on a case, and the notice as a printable
page and a .docx. Thin: parse the form, call one service, render."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from cases.pages import case_or_404
from core.apiauth import api_or_login_required
from core.forms import bootstrap
from core.pages import (
    PAGE_SIZE,
    DaysLeft,
    document_page,
    docx_download,
    forbidden,
    found_or_404,
    submit,
)

from ..models import SupervisionNotice
from ..permissions import can_respond_to_notice, sees_case
from .documents import notice_document, notice_title
from .filters import NoticeFilter
from .forms import NoticeIssueForm, NoticeRespondForm
from .selectors import NoticeTab, notice_detail, notice_list, notices_awaiting_response
from .services import supervision_notice_issue, supervision_notice_respond


@dataclass(frozen=True)
class NoticeRow:
    """One line of the notice list, formatted once in Python."""

    notice: SupervisionNotice
    title: str
    days_left: DaysLeft | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left.overdue


def _row(notice: SupervisionNotice, today) -> NoticeRow:
    return NoticeRow(
        notice=notice,
        title=notice_title(notice),
        days_left=DaysLeft.until(notice.due_on, today) if notice.is_open else None,
    )


def _notice_or_404(request: HttpRequest, pk: int) -> SupervisionNotice:
    return found_or_404(SupervisionNotice, notice_detail, user=request.user, pk=pk)


@login_required
@require_GET
def notice_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    default = NoticeTab.ISSUED if user.has_role(Role.SUPERVISOR) else NoticeTab.AWAITING
    tab = request.GET.get("tab") or default
    if tab not in NoticeTab.values:
        tab = default
    notices = NoticeFilter(request.GET, queryset=notice_list(user=user, tab=tab), user=user)
    bootstrap(notices.form)
    page = Paginator(notices.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["tab"] = tab
    today = timezone.localdate()
    tabs = [
        (NoticeTab.AWAITING, _("Awaiting our response")),
        (NoticeTab.ISSUED, _("Issued in my area")),
        (NoticeTab.ALL, _("All")),
    ]
    context = {
        "tab": tab,
        "tabs": tabs,
        "awaiting_count": notices_awaiting_response(user).count(),
        "page": page,
        "rows": [_row(notice, today) for notice in page.object_list],
        "filter": notices,
        "query": query.urlencode(),
    }
    status = 200 if notices.is_valid() else 400
    return render(request, "escalation/notice_list.html", context, status=status)


def _render_detail(
    request: HttpRequest,
    notice: SupervisionNotice,
    *,
    form: NoticeRespondForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    may_respond = notice.is_open and can_respond_to_notice(user, notice.unit)
    if may_respond and form is None:
        form = NoticeRespondForm()
    context = {
        "notice": notice,
        "row": _row(notice, timezone.localdate()),
        "form": form if may_respond else None,
        "case_visible": sees_case(user, notice.case_id),
    }
    return render(request, "escalation/notice_detail.html", context, status=status)


@login_required
@require_GET
def notice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _notice_or_404(request, pk))


@login_required
@require_POST
def notice_respond_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(request, pk)
    form = NoticeRespondForm(request.POST)
    done = submit(
        request,
        form,
        lambda: supervision_notice_respond(
            actor=request.user, notice=notice, **form.service_kwargs()
        ),
        back=reverse("escalation:notice_detail", args=[notice.pk]),
        success=_("The response to notice %(number)s is recorded.") % {"number": notice.number},
    )
    if done.response is not None:
        return done.response
    if done.status == 409:
        return _render_detail(request, _notice_or_404(request, pk), status=409)
    return _render_detail(request, notice, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def notice_issue_view(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    user = request.user
    back = reverse("cases:detail", args=[case.number])
    if not user.has_role(Role.SUPERVISOR):
        return forbidden(request, _("Only a supervisor may issue a supervision notice."), back)
    form = NoticeIssueForm(request.POST or None, user=user, case=case)
    done = submit(
        request,
        form,
        lambda: supervision_notice_issue(actor=user, case=case, **form.service_kwargs()),
        back=back,
        success=lambda notice: _("Notice %(number)s is issued.") % {"number": notice.number},
        to=lambda notice: reverse("escalation:notice_detail", args=[notice.pk]),
    )
    return done.response or render(
        request, "escalation/notice_issue.html", {"case": case, "form": form}, status=done.status
    )


@api_or_login_required
@require_GET
def notice_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(request, pk)
    return document_page(
        request,
        "escalation/notice_print.html",
        notice_document(notice),
        docx_url=reverse("escalation:notice_docx", args=[notice.pk]),
        back_url=reverse("escalation:notice_detail", args=[notice.pk]),
        notice=notice,
    )


@api_or_login_required
@require_GET
def notice_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(request, pk)
    return docx_download(notice_document(notice), f"notice-{notice.pk}.docx")


urlpatterns: list = [
    path("notices/", notice_list_view, name="notice_list"),
    path("notices/<int:pk>/", notice_detail_view, name="notice_detail"),
    path("notices/<int:pk>/respond/", notice_respond_view, name="notice_respond"),
    path("notices/<int:pk>/print/", notice_print_view, name="notice_print"),
    path("notices/<int:pk>/docx/", notice_docx_view, name="notice_docx"),
    path("cases/<str:number>/notices/new/", notice_issue_view, name="notice_issue"),
]
