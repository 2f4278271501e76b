"""The monthly unit ranking report (通报): the ranked table of a month limited to the units in
the user's area (rates as percentages, the bottom three marked, their streaks), the notices
the month brought, and each notice as a page to print and a .docx."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from core.apiauth import api_or_login_required
from core.exceptions import ValidationError
from core.pages import document_page, docx_download, found_or_404

from ..models import RankingNotice, UnitRanking
from .documents import percent, ranking_notice_document
from .selectors import (
    ranked_months,
    ranking_notice_detail,
    ranking_notices_for,
    rankings_for,
)
from .services import last_month, month_end, parse_month, previous_month


@dataclass
class Row:
    ranking: UnitRanking

    @property
    def on_time_rate(self) -> str:
        return percent(self.ranking.on_time, self.ranking.handled)

    @property
    def satisfaction_rate(self) -> str:
        return percent(self.ranking.satisfied, self.ranking.evaluated)


def _next_month(month: datetime.date) -> datetime.date:
    return month_end(month) + datetime.timedelta(days=1)


def _render(
    request: HttpRequest, month: datetime.date, *, error: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    rows = [Row(ranking) for ranking in rankings_for(user=user, month=month)]
    notices = [
        {
            "notice": notice,
            "print_url": reverse("escalation:ranking_notice_print", args=[notice.pk]),
            "docx_url": reverse("escalation:ranking_notice_docx", args=[notice.pk]),
        }
        for notice in ranking_notices_for(user=user, month=month)
    ]
    newest = last_month()
    following = _next_month(month)
    context = {
        "month": month,
        "month_value": f"{month:%Y-%m}",
        "rows": rows,
        "notices": notices,
        "months": ranked_months(),
        "previous_url": reverse(
            "escalation:ranking_month", args=[f"{previous_month(month):%Y-%m}"]
        ),
        "next_url": reverse("escalation:ranking_month", args=[f"{following:%Y-%m}"])
        if following <= newest
        else "",
        "error": error,
    }
    return render(request, "escalation/ranking_report.html", context, status=status)


@login_required
@require_GET
def ranking_report_view(request: HttpRequest) -> HttpResponse:
    """Last month's ranking; the month picker (`?month=YYYY-MM`) goes to another month."""
    value = request.GET.get("month")
    if value is None:
        return _render(request, last_month())
    try:
        month = parse_month(value)
    except ValidationError as error:
        return _render(request, last_month(), error=error.message_dict["month"][0], status=400)
    return redirect("escalation:ranking_month", month=f"{month:%Y-%m}")


@login_required
@require_GET
def ranking_month_view(request: HttpRequest, month: str) -> HttpResponse:
    try:
        first_day = parse_month(month)
    except ValidationError:
        raise Http404 from None
    return _render(request, first_day)


def _notice_or_404(request: HttpRequest, pk: int) -> RankingNotice:
    return found_or_404(RankingNotice, ranking_notice_detail, user=request.user, pk=pk)


@api_or_login_required
@require_GET
def ranking_notice_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(request, pk)
    return document_page(
        request,
        "escalation/ranking_notice_print.html",
        ranking_notice_document(notice),
        docx_url=reverse("escalation:ranking_notice_docx", args=[notice.pk]),
        back_url=reverse("escalation:ranking_month", args=[f"{notice.month:%Y-%m}"]),
        notice=notice,
    )


@api_or_login_required
@require_GET
def ranking_notice_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(request, pk)
    return docx_download(
        ranking_notice_document(notice), f"ranking-{notice.month:%Y-%m}-{notice.unit.code}.docx"
    )


urlpatterns: list = [
    path("rankings/", ranking_report_view, name="ranking_report"),
    path(
        "rankings/notices/<int:pk>/print/", ranking_notice_print_view, name="ranking_notice_print"
    ),
    path("rankings/notices/<int:pk>/docx/", ranking_notice_docx_view, name="ranking_notice_docx"),
    path("rankings/<str:month>/", ranking_month_view, name="ranking_month"),
]
