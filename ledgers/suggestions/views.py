"""Pages of the people's suggestions (人民建议征集): the register with its filters, its tab
of adopted suggestions and its export; the case page's panel (decision, answer due,
commendations); the commendation form. Thin: parse the form, call one service, render."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import ADOPTED_DECISIONS, MatterKind
from cases.pages import case_or_404
from core.http import attachment
from core.pages import filtered_list, forbidden, submit

from ..exports import XLSX_TYPE, suggestions_workbook
from ..permissions import can_commend_suggestion
from .filters import SuggestionFilter
from .forms import CommendForm
from .selectors import suggestion_register
from .services import suggestion_commend


class SuggestionRow:
    """One line of the register: the case with its answer, and whether it is late today."""

    def __init__(self, case, today: datetime.date) -> None:
        self.case = case
        self.answered = case.answered_on is not None
        self.late = (case.answered_on_time is False) or (
            not self.answered and case.answer_due is not None and case.answer_due < today
        )
        self.commendations = list(case.suggestion_commendations.all())


@login_required
@require_GET
def suggestion_list_view(request: HttpRequest) -> HttpResponse:
    cases = SuggestionFilter(
        request.GET, queryset=suggestion_register(request.user), user=request.user
    )
    today = timezone.localdate()
    return filtered_list(
        request,
        cases,
        row=lambda case: SuggestionRow(case, today),
        template="ledgers/suggestions/list.html",
        filters="ledgers/suggestions/_filters.html",
        table="ledgers/suggestions/_table.html",
        adopted_tab=request.GET.get("adopted") == "true",
    )


@login_required
@require_GET
def suggestion_export_view(request: HttpRequest) -> HttpResponse:
    cases = SuggestionFilter(
        request.GET, queryset=suggestion_register(request.user), user=request.user
    )
    if not cases.is_valid():
        return suggestion_list_view(request)
    content, filename = suggestions_workbook(cases.qs, today=timezone.localdate())
    return attachment(content, XLSX_TYPE, filename)


@login_required
@require_GET
def suggestion_case_panel_view(request: HttpRequest, number: str) -> HttpResponse:
    """The case page's panel: the suggestion's decision, its answer's due date, its
    commendations, and the button to record one."""
    case = case_or_404(request, number)
    found = None
    if case.matter_kind == MatterKind.SUGGESTION:
        found = suggestion_register(request.user).filter(pk=case.pk).first()
    context = {
        "case": case,
        "row": SuggestionRow(found, timezone.localdate()) if found is not None else None,
        "suggestion": case.matter_kind == MatterKind.SUGGESTION,
        "may_commend": found is not None
        and found.decision in ADOPTED_DECISIONS
        and can_commend_suggestion(request.user, case),
    }
    return render(request, "ledgers/suggestions/_case_panel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_commend_view(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    user = request.user
    back = reverse("cases:detail", args=[case.number])
    if not can_commend_suggestion(user, case):
        return forbidden(
            request,
            _(
                "Only the petition office's staff or the leaders of the competent unit or above "
                "record a commendation."
            ),
            back,
        )
    form = CommendForm(request.POST or None, user=user, case=case)
    done = submit(
        request,
        form,
        lambda: suggestion_commend(actor=user, case=case, **form.cleaned_data),
        back=back,
        success=_("The commendation of the suggester of case %(case)s is recorded.")
        % {"case": case.number},
    )
    return done.response or render(
        request,
        "ledgers/suggestions/commend.html",
        {"case": case, "form": form},
        status=done.status,
    )


urlpatterns: list = [
    path("suggestions/", suggestion_list_view, name="suggestion_list"),
    path("suggestions/export/", suggestion_export_view, name="suggestion_export"),
    path(
        "suggestions/cases/<str:number>/panel/",
        suggestion_case_panel_view,
        name="suggestion_case_panel",
    ),
    path(
        "suggestions/cases/<str:number>/commend/",
        suggestion_commend_view,
        name="suggestion_commend",
    ),
]
