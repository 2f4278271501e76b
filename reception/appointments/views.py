"""Pages: appointments (约访). Booking from a case, an appointment with its opinions,
notices, cancel and move forms, and a reception day's sheet for printing. Thin: parse the
form, call one service, render."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import CLOSED_STATUSES
from cases.pages import case_or_404
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.pages import filtered_list, forbidden, found_or_404, submit
from escalation.permissions import sees_case

from ..filters import AppointmentPageFilter
from ..models import Appointment, AppointmentStatus
from ..notices.documents.links import notice_links
from ..notices.selectors import issue_refusal
from ..selectors import reception_days
from .forms import BookingForm, CancelForm, MoveForm, OpinionForm, day_key
from .selectors import (
    BOOKING_HORIZON_DAYS,
    appointment_detail,
    appointment_list,
    bookable_days,
    bookable_schedules,
    case_attending_units,
    case_is_group,
    case_parties,
    day_sheet,
    leader_serves,
    principal_of,
    sheet_schedule,
    slot_time,
)
from .services.booking import appointment_book, booking_warnings
from .services.changes import appointment_cancel, appointment_move, can_change_appointment
from .services.opinions import can_write_opinion, opinion_units, opinion_write

# --- booking ----------------------------------------------------------------------------------


def _preselected(parties: list, group: bool) -> list[int]:
    principal = principal_of(parties)
    chosen = [principal.petitioner_id] if principal else []
    if group:
        chosen += [p.petitioner_id for p in parties if p.role == "representative"]
    return chosen[:5]


@login_required
@require_http_methods(["GET", "POST"])
def book_view(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    back = reverse("cases:detail", args=[case.number])
    if case.status in CLOSED_STATUSES:
        return forbidden(request, _("A closed case cannot be booked for a reception."), back)
    today = timezone.localdate()
    if not bookable_schedules(request.user):
        return forbidden(request, _("You may not book leaders' receptions."), back)
    days = bookable_days(user=request.user, today=today)
    parties = case_parties(case)
    group = case_is_group(case)
    initial = {}
    wanted = f"{request.GET.get('schedule', '')}:{request.GET.get('date', '')}"
    if any(day_key(d.schedule.pk, d.date) == wanted for d in days):
        initial["day"] = wanted
    else:
        # The first day of a leader whose area holds the matter; none of another district's.
        first = next((d for d in days if leader_serves(d.schedule, case)), None)
        if first is not None:
            initial["day"] = day_key(first.schedule.pk, first.date)
    case_units = case_attending_units(case)
    form = BookingForm(
        request.POST or None,
        initial=initial,
        days=days,
        parties=parties,
        preselected=_preselected(parties, group),
        user=request.user,
        case=case,
        case_units=case_units,
    )
    warnings: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            day = form.chosen_day
            warnings = booking_warnings(case=case, schedule=day.schedule)
            if warnings and not form.cleaned_data["confirm"]:
                # Shown before anything is booked; the next submit confirms.
                form.data = form.data.copy()
                form.data["confirm"] = "True"
                status = 200
            else:
                # Not `run_service`: a conflict (the day filled up, was cancelled) is shown at
                # the day chosen, not as a message.
                try:
                    booking = appointment_book(
                        actor=request.user, case=case, **form.service_kwargs()
                    )
                except ValidationError as error:
                    form.apply_errors(error)
                except NotAllowed as error:
                    return forbidden(request, str(error), back)
                except Conflict as error:
                    form.add_error("day", str(error))
                    status = 409
                else:
                    appointment = booking.appointment
                    for warning in booking.warnings:
                        messages.warning(request, warning)
                    messages.success(
                        request,
                        _("Case %(case)s is booked on %(date)s, slot %(slot)d.")
                        % {
                            "case": case.number,
                            "date": appointment.day.date.isoformat(),
                            "slot": appointment.slot,
                        },
                    )
                    return redirect("reception:appointment", pk=appointment.pk)
    sponsor = case.sponsoring_leader
    rows = [
        {
            "key": day_key(d.schedule.pk, d.date),
            "day": d,
            "time": slot_time(d.schedule, d.booked + 1),
            "other_sponsor": sponsor is not None and sponsor.pk != d.schedule.leader_id,
        }
        for d in days
    ]
    context = {
        "case": case,
        "form": form,
        "rows": rows,
        "group": group,
        "warnings": warnings,
        "confirming": bool(warnings) and status == 200,
        "horizon": BOOKING_HORIZON_DAYS,
    }
    return render(request, "reception/book.html", context, status=status)


# --- one appointment ----------------------------------------------------------------------------


def _appointment_or_404(request: HttpRequest, pk: int) -> Appointment:
    return found_or_404(Appointment, appointment_detail, user=request.user, pk=pk)


def _move_days(appointment: Appointment, today: datetime.date) -> list:
    schedule = appointment.day.schedule
    days = reception_days(
        schedules=[schedule],
        start=today,
        end=today + datetime.timedelta(days=BOOKING_HORIZON_DAYS),
    )
    return [d for d in days if d.is_open and d.free > 0 and d.date != appointment.day.date]


def _render_appointment(
    request: HttpRequest,
    appointment: Appointment,
    *,
    opinion_form: OpinionForm | None = None,
    cancel_form: CancelForm | None = None,
    move_form: MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    schedule = appointment.day.schedule
    changeable = (
        appointment.status == AppointmentStatus.BOOKED
        and appointment.day.date >= today
        and can_change_appointment(user, schedule)
    )
    units = opinion_units(user, appointment)
    own = next((o for o in appointment.opinions.all() if units and o.unit_id == units[0].pk), None)
    may_write = can_write_opinion(user, appointment)
    if may_write and opinion_form is None:
        opinion_form = OpinionForm(initial={"text": own.text if own else ""})
    if changeable:
        cancel_form = cancel_form or CancelForm()
        move_form = move_form or MoveForm(days=_move_days(appointment, today))
    notices = notice_links(appointment, user=user)
    context = {
        "appointment": appointment,
        "schedule": schedule,
        "case": appointment.case,
        "time": slot_time(schedule, appointment.slot),
        "petitioners": list(appointment.petitioners.all()),
        "opinions": list(appointment.opinions.all()),
        "attending": list(appointment.attending_units.all()),
        "opinion_form": opinion_form if may_write else None,
        "opinion_unit": units[0] if units else None,
        "cancel_form": cancel_form if changeable else None,
        "move_form": move_form if changeable else None,
        "notices": notices,
        # Some not issued yet (only those who may issue them see such a link) and issuable now.
        "notices_missing": any(not link["issued"] for link in notices)
        and not issue_refusal(appointment, today),
        "record": appointment.record_or_none,
        "case_visible": sees_case(user, appointment.case_id),
    }
    return render(request, "reception/appointment.html", context, status=status)


@login_required
@require_GET
def appointment_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_appointment(request, _appointment_or_404(request, pk))


def _appointment_url(pk: int) -> str:
    return reverse("reception:appointment", args=[pk])


def _change(
    request: HttpRequest,
    appointment: Appointment,
    service: Callable[..., Any],
    success: Callable[[Any], str],
    **posted: OpinionForm | CancelForm | MoveForm,
) -> HttpResponse:
    """A change posted from the appointment's page with its one form (`posted`, under its
    name on the page): `service(actor=, appointment=, **the form's fields)`, then back to the
    page with the success message, or the 403 page, or the page again with the posted form
    and its errors (400; the appointment read afresh after a refused change) or with the
    conflict's message (409)."""
    ((name, form),) = posted.items()
    pk = appointment.pk
    valid = form.is_valid()
    done = submit(
        request,
        form,
        lambda: service(actor=request.user, appointment=appointment, **form.cleaned_data),
        valid=valid,
        back=_appointment_url(pk),
        success=success,
    )
    if done.response is not None:
        return done.response
    if valid:
        # The service refused it: show the appointment as it now is.
        appointment = _appointment_or_404(request, pk)
    if done.status == 409:
        return _render_appointment(request, appointment, status=409)
    return _render_appointment(request, appointment, **{name: form}, status=400)


@login_required
@require_POST
def opinion_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(
        request,
        _appointment_or_404(request, pk),
        opinion_write,
        lambda opinion: _("The preliminary opinion of %(unit)s is saved.")
        % {"unit": opinion.unit.name},
        opinion_form=OpinionForm(request.POST),
    )


@login_required
@require_POST
def cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(
        request,
        _appointment_or_404(request, pk),
        appointment_cancel,
        lambda _cancelled: _("The appointment is cancelled; its slot is free again."),
        cancel_form=CancelForm(request.POST),
    )


@login_required
@require_POST
def move_view(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk)
    days = _move_days(appointment, timezone.localdate())
    return _change(
        request,
        appointment,
        appointment_move,
        lambda moved: _("The appointment is moved to %(date)s, slot %(slot)d.")
        % {"date": moved.day.date.isoformat(), "slot": moved.slot},
        move_form=MoveForm(request.POST, days=days),
    )


# --- the list ----------------------------------------------------------------------------------


@login_required
@require_GET
def appointment_list_view(request: HttpRequest) -> HttpResponse:
    """The appointments the user sees, filtered by area, leader, days, status and whether
    resolved on the spot; the dashboard's reception figures drill down here."""
    user = request.user
    listed = appointment_list(user=user).select_related("record")
    appointments = AppointmentPageFilter(request.GET, queryset=listed, user=user)
    return filtered_list(
        request,
        appointments,
        row=lambda appointment: (
            appointment,
            sum(1 for person in appointment.petitioners.all() if person.active),
        ),
        template="reception/appointment_list.html",
        filters="reception/_appointment_filters.html",
        table="reception/_appointment_table.html",
        status=200 if appointments.is_valid() else 400,
    )


# --- the day's sheet ----------------------------------------------------------------------------


@login_required
@require_GET
def day_sheet_view(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    schedule = sheet_schedule(user=request.user, pk=pk)
    if schedule is None:
        raise Http404
    views = reception_days(schedules=[schedule], start=date, end=date)
    view = views[0] if views else None
    rows = day_sheet(user=request.user, schedule=schedule, date=date)
    context = {
        "schedule": schedule,
        "date": date,
        "view": view,
        "rows": rows,
        "attending": list(schedule.attending_units.all()),
    }
    return render(request, "reception/day_sheet.html", context)


urlpatterns: list = [
    path("cases/<str:number>/book/", book_view, name="book"),
    path("appointments/", appointment_list_view, name="appointment_list"),
    path("appointments/<int:pk>/", appointment_view, name="appointment"),
    path("appointments/<int:pk>/opinion/", opinion_view, name="appointment_opinion"),
    path("appointments/<int:pk>/cancel/", cancel_view, name="appointment_cancel"),
    path("appointments/<int:pk>/move/", move_view, name="appointment_move"),
    re_path(
        r"^schedules/(?P<pk>[0-9]{1,18})/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/$",
        day_sheet_view,
        name="day_sheet",
    ),
]
