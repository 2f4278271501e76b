"""The reception panel on the case detail page (registered in `ReceptionConfig.ready`): the
case's appointments with their day, leader and state, and a button to book a reception for
those who may. A fragment, loaded by htmx; 404 for a case the user may not see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from cases.pages import case_or_404

from .appointments.selectors import bookable_schedules, case_appointments, slot_time


@login_required
@require_GET
def case_panel_view(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    appointments = case_appointments(case)
    rows = [{"appointment": a, "time": slot_time(a.day.schedule, a.slot)} for a in appointments]
    context = {
        "case": case,
        "rows": rows,
        "may_book": case.is_open and bool(bookable_schedules(request.user)),
    }
    return render(request, "reception/_case_panel.html", context)


urlpatterns: list = [
    path("cases/<str:number>/panel/", case_panel_view, name="case_panel"),
]
