"""Pages: the reception record (接访记录) of an appointment: the form for the receiving leader
(reception staff may record only that the petitioner did not come), then the record with
links to the assignment and the supervision notice. Thin: parse the form, call one service,
render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.models import CLOSED_STATUSES
from cases.services.core import answer_clock
from core.pages import forbidden, found_or_404, submit

from ..appointments.selectors import appointment_detail, slot_time
from ..models import Appointment, AppointmentStatus, ReceptionRecord
from .forms import DID_NOT_COME, RecordForm
from .services import can_record, reception_record


def _appointment_or_404(request: HttpRequest, pk: int) -> Appointment:
    return found_or_404(Appointment, appointment_detail, user=request.user, pk=pk)


def _record_of(appointment: Appointment) -> ReceptionRecord | None:
    return (
        ReceptionRecord.objects.select_related(
            "assignment__lead_unit", "supervision_notice", "recorded_by"
        )
        .filter(appointment=appointment)
        .first()
    )


def _form(request: HttpRequest, appointment: Appointment, data=None) -> RecordForm:
    case = appointment.case
    clock = None if case.awaits_acceptance else answer_clock(case)
    form = RecordForm(data, case=case, answer_due=clock.due_on if clock else None)
    if appointment.day.schedule.leader_id != request.user.pk:
        # Reception staff record only that the petitioner did not come.
        for name in ("instruction", "resolved_on_spot", "responsible_unit"):
            del form.fields[name]
        del form.fields["responsible_person"], form.fields["due"]
        form.fields["attended"].choices = [
            c for c in form.fields["attended"].choices if c[0] == DID_NOT_COME
        ]
        form.fields["attended"].initial = DID_NOT_COME
        form.fields["account"].label = _("Note")
        form.fields["account"].help_text = _("For example: how the petitioner was reached.")
    return form


def _render(
    request: HttpRequest,
    appointment: Appointment,
    *,
    form: RecordForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    record = _record_of(appointment)
    today = timezone.localdate()
    day = appointment.day
    waiting = record is None and appointment.status == AppointmentStatus.BOOKED
    too_early = waiting and today < day.date
    may_record = waiting and not too_early and can_record(user, appointment)
    if may_record and form is None:
        form = _form(request, appointment)
    case = appointment.case
    context = {
        "appointment": appointment,
        "case": case,
        "day": day,
        "schedule": day.schedule,
        "leader": day.schedule.leader,
        "time": slot_time(day.schedule, appointment.slot),
        "petitioners": [p for p in appointment.petitioners.all() if p.active],
        "record": record,
        "form": form if may_record else None,
        "is_leader": day.schedule.leader_id == user.pk,
        "too_early": too_early,
        "case_closed": case.status in CLOSED_STATUSES,
    }
    return render(request, "reception/record.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record_view(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk)
    if request.method == "GET":
        return _render(request, appointment)
    back = reverse("reception:record", args=[appointment.pk])
    if not can_record(request.user, appointment):
        return forbidden(request, _("Only the receiving leader records this reception."), back)
    form = _form(request, appointment, request.POST)
    done = submit(
        request,
        form,
        lambda: reception_record(
            actor=request.user, appointment=appointment, **form.service_kwargs()
        ),
        back=back,
        success=_("The reception is recorded."),
    )
    if done.response is not None:
        return done.response
    if done.status == 409:
        return _render(request, _appointment_or_404(request, pk), status=409)
    return _render(request, appointment, form=form, status=400)


urlpatterns: list = [
    path("appointments/<int:pk>/record/", record_view, name="record"),
]
