"""Pages: field visits (下访 / 带案下访): the list of the visits in the user's area, newest
first, filtered by area, leader and days (the dashboard drills down to it), and the form to
record one with the cases taken along. Thin: parse the forms, call one service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import ValidationError
from core.pages import apply_service_errors, filtered_list, forbidden, submit

from ..filters import VisitPageFilter
from .forms import VisitCaseFormSet, VisitForm
from .selectors import field_visit_list, leaders_for_visits
from .services import field_visit_record


@login_required
@require_GET
def visit_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    visits = VisitPageFilter(request.GET, queryset=field_visit_list(user=user), user=user)
    return filtered_list(
        request,
        visits,
        row=lambda visit: visit,
        template="reception/visit_list.html",
        filters="reception/_visit_filters.html",
        table="reception/_visit_table.html",
        status=200 if visits.is_valid() else 400,
        may_record=leaders_for_visits(user).exists(),
    )


def _apply_errors(error: ValidationError, form: VisitForm, cases) -> None:
    """The service's errors at their fields; those on the cases above the case rows."""
    if not hasattr(error, "error_dict"):
        apply_service_errors(error, form)
        return
    found = error.message_dict
    others = {name: found[name] for name in found if name != "cases"}
    if others:
        apply_service_errors(ValidationError(others), form)
    cases.non_form_errors().extend(found.get("cases", []))


@login_required
@require_http_methods(["GET", "POST"])
def visit_new_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    back = reverse("reception:visit_list")
    if not leaders_for_visits(user).exists():
        return forbidden(request, _("You may not record field visits."), back)
    data = request.POST if request.method == "POST" else None
    form = VisitForm(data, user=user, initial={"date": timezone.localdate()})
    cases = VisitCaseFormSet(data, prefix="cases", form_kwargs={"user": user})
    done = submit(
        request,
        form,
        lambda: field_visit_record(actor=user, cases=cases.cases(), **form.cleaned_data),
        valid=form.is_valid() and cases.is_valid(),
        back=back,
        place_errors=lambda error: _apply_errors(error, form, cases),
        success=_("The field visit is recorded."),
    )
    return done.response or render(
        request, "reception/visit_new.html", {"form": form, "cases": cases}, status=done.status
    )


urlpatterns: list = [
    path("field-visits/", visit_list_view, name="visit_list"),
    path("field-visits/new/", visit_new_view, name="visit_new"),
]
