"""Page: the numbers of leader reception per leader for a date range."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from .forms import NumbersForm
from .selectors import reception_numbers


@login_required
@require_GET
def numbers_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    initial = {"start": today.replace(day=1), "end": today}
    bound = "start" in request.GET or "end" in request.GET
    form = NumbersForm(request.GET if bound else None, initial=initial)
    rows = []
    status = 200
    if bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if bound else initial
        rows = reception_numbers(user=request.user, start=data["start"], end=data["end"])
    totals = {
        "receptions": sum(r.receptions for r in rows),
        "petitioners": sum(r.petitioners for r in rows),
    }
    return render(
        request,
        "reception/numbers.html",
        {"form": form, "rows": rows, "totals": totals, "today": today},
        status=status,
    )


urlpatterns: list = [
    path("numbers/", numbers_view, name="numbers"),
]
