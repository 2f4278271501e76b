"""The list of every consultation the user sees (filtered; the dashboard drills down to it),
and the four-level consultation page of a case: every level's record (date, units, people,
experts, analysis, decision, tasks and their state, the reason it went up), the form to record
the next allowed level, the form to escalate the latest one, and "done" buttons on the tasks
of the user's units. Thin: parse the form, call one service, render."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import Case
from core.exceptions import ValidationError
from core.pages import (
    DaysLeft,
    apply_service_errors,
    filtered_list,
    forbidden,
    found_or_404,
    submit,
)

from ..models import Consultation, ConsultationLevel, ConsultationTask
from ..permissions import can_run_consultation, sees_case
from .filters import ConsultationFilter
from .forms import (
    ConsultationForm,
    EscalateForm,
    task_formset,
)
from .selectors import (
    case_consultations,
    consultation_case,
    consultation_detail,
    consultation_list,
    consultation_task_detail,
)
from .services.followup import can_mark_task_done, consultation_escalate, consultation_task_done
from .services.meetings import LAST_LEVEL, consultation_record, next_level


@dataclass
class TaskRow:
    task: ConsultationTask
    days_left: DaysLeft | None
    may_mark_done: bool

    @property
    def done_in_time(self) -> bool:
        return self.task.done_on is not None and self.task.done_on <= self.task.due_on


@dataclass
class LevelStep:
    """One rung of the ladder at the top of the page."""

    level: int
    label: str
    consultation: Consultation | None
    is_next: bool


def _case_or_404(request: HttpRequest, number: str) -> Case:
    return found_or_404(Case, consultation_case, user=request.user, number=number)


def _render(
    request: HttpRequest,
    case: Case,
    *,
    record_form: ConsultationForm | None = None,
    tasks_formset=None,
    escalate_form: EscalateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    consultations = case_consultations(case)
    held = {c.level: c for c in consultations}
    allowed = next_level(held)
    may_run = can_run_consultation(user, case)
    latest = consultations[-1] if consultations else None
    if may_run and allowed is not None and record_form is None:
        record_form = ConsultationForm(case=case, user=user, level=allowed)
        tasks_formset = task_formset(user=user)
    may_escalate = (
        may_run and latest is not None and latest.escalated_on is None and latest.level < LAST_LEVEL
    )
    if may_escalate and escalate_form is None:
        escalate_form = EscalateForm(
            case=case, user=user, level=latest.level + 1, auto_id="id_escalate_%s"
        )
    records = [
        (
            consultation,
            [
                TaskRow(
                    task=task,
                    days_left=None if task.done_on else DaysLeft.until(task.due_on, today),
                    may_mark_done=task.done_on is None and can_mark_task_done(user, task),
                )
                for task in consultation.tasks.all()
            ],
        )
        for consultation in consultations
    ]
    context = {
        "case": case,
        "sees_case": sees_case(user, case.pk),
        "records": records,
        "ladder": [
            LevelStep(level, label, held.get(level), level == allowed)
            for level, label in ConsultationLevel.choices
        ],
        "allowed_level": allowed,
        "record_label": _level_label(record_form, allowed),
        # A posted form comes back with its errors even when no level may be recorded now.
        "record_form": record_form if may_run else None,
        "tasks_formset": tasks_formset,
        "latest": latest,
        "escalate_form": escalate_form if may_escalate else None,
        "next_label": ConsultationLevel(latest.level + 1).label if may_escalate else "",
        "may_run": may_run,
    }
    return render(request, "escalation/consultations.html", context, status=status)


def _level_label(form: ConsultationForm | None, allowed: int | None) -> str:
    level = allowed
    if form is not None and form.is_bound:
        level = form.cleaned_data.get("level") if hasattr(form, "cleaned_data") else None
    return ConsultationLevel(level).label if level in ConsultationLevel.values else ""


@dataclass
class ListRow:
    """One line of the consultation list: its tasks counted in Python from the prefetch."""

    consultation: Consultation
    tasks: int
    done: int
    overdue: int


def _list_row(consultation: Consultation, today: datetime.date) -> ListRow:
    tasks = list(consultation.tasks.all())
    return ListRow(
        consultation=consultation,
        tasks=len(tasks),
        done=sum(1 for task in tasks if task.done_on is not None),
        overdue=sum(1 for task in tasks if task.done_on is None and task.due_on < today),
    )


@login_required
@require_GET
def consultation_list_view(request: HttpRequest) -> HttpResponse:
    """Every consultation the user sees, filtered by area, days, level and state; the
    dashboard's consultation figures drill down here."""
    user = request.user
    consultations = ConsultationFilter(
        request.GET, queryset=consultation_list(user=user), user=user
    )
    today = timezone.localdate()
    return filtered_list(
        request,
        consultations,
        row=lambda consultation: _list_row(consultation, today),
        template="escalation/consultation_list.html",
        filters="escalation/_consultation_filters.html",
        table="escalation/_consultation_table.html",
        status=200 if consultations.is_valid() else 400,
    )


@login_required
@require_GET
def case_consultations_view(request: HttpRequest, number: str) -> HttpResponse:
    return _render(request, _case_or_404(request, number))


def _back(case: Case) -> str:
    return reverse("escalation:case_consultations", args=[case.number])


@login_required
@require_POST
def consultation_record_view(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    user = request.user
    if not can_run_consultation(user, case):
        return forbidden(
            request,
            _("Consultations are recorded by the petition office or the joint-conference office."),
            _back(case),
        )
    form = ConsultationForm(request.POST, case=case, user=user)
    tasks = task_formset(request.POST, user=user)
    done = submit(
        request,
        form,
        lambda: consultation_record(
            actor=user, case=case, tasks=tasks.drafts(), **form.service_kwargs()
        ),
        valid=form.is_valid() & tasks.is_valid(),
        back=_back(case),
        place_errors=lambda error: _apply_task_errors(error, form, tasks),
        success=lambda consultation: _("Recorded: %(level)s.")
        % {"level": consultation.get_level_display()},
    )
    return done.response or _render(
        request, case, record_form=form, tasks_formset=tasks, status=done.status
    )


def _apply_task_errors(error: ValidationError, form, tasks) -> None:
    """The service's `tasks` errors go above the task rows, the rest onto the form."""
    if hasattr(error, "error_dict") and "tasks" in error.error_dict:
        tasks.service_errors = error.message_dict["tasks"]
        rest = {k: v for k, v in error.message_dict.items() if k != "tasks"}
        if rest:
            apply_service_errors(ValidationError(rest), form)
        return
    apply_service_errors(error, form)


@login_required
@require_POST
def consultation_escalate_view(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = found_or_404(Consultation, consultation_detail, user=request.user, pk=pk)
    case = consultation.case
    form = EscalateForm(request.POST, case=case, user=request.user, auto_id="id_escalate_%s")
    done = submit(
        request,
        form,
        lambda: consultation_escalate(
            actor=request.user, consultation=consultation, **form.service_kwargs()
        ),
        back=_back(case),
        success=lambda _escalated: _("Escalated to %(level)s.")
        % {"level": ConsultationLevel(consultation.level + 1).label},
    )
    if done.response is not None:
        return done.response
    if done.status == 409:
        # The message says what changed; the page shows it as it now is.
        return redirect(_back(case))
    return _render(request, case, escalate_form=form, status=400)


@login_required
@require_POST
def consultation_task_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = found_or_404(ConsultationTask, consultation_task_detail, user=request.user, pk=pk)
    case = task.consultation.case
    day = request.POST.get("date") or None
    try:
        on = datetime.date.fromisoformat(day) if day else None
    except ValueError:
        messages.error(request, _("Enter a valid date."))
        return redirect(_back(case))
    # No form: an input error or a conflict comes back as a message on the consultation page.
    target = f"{_back(case)}#task-{task.pk}"
    done = submit(
        request,
        None,
        lambda: consultation_task_done(actor=request.user, task=task, on=on),
        back=_back(case),
        success=lambda _done: _("Task marked done: %(unit)s.") % {"unit": task.unit.name},
        to=target,
    )
    return done.response or redirect(target)


urlpatterns: list = [
    path("consultations/", consultation_list_view, name="consultation_list"),
    path("cases/<str:number>/consultations/", case_consultations_view, name="case_consultations"),
    path(
        "cases/<str:number>/consultations/record/",
        consultation_record_view,
        name="consultation_record",
    ),
    path(
        "consultations/<int:pk>/escalate/",
        consultation_escalate_view,
        name="consultation_escalate",
    ),
    path(
        "consultations/tasks/<int:pk>/done/",
        consultation_task_done_view,
        name="consultation_task_done",
    ),
]
