"""Pages: leaders' reception schedules and days (领导接访日). The month calendar of every
leader's days in the user's area, a leader's own coming days with their bookings, the list of
schedules with the form to set one up or change it, and the form that cancels or replaces
one day. Thin: parse the form, call one service, render."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from core.pages import filtered_list, forbidden, found_or_404, person_name, submit

from ..filters import ReceptionDayFilter
from ..models import ReceptionDay, ReceptionSchedule, ScheduleKind
from ..permissions import can_manage_schedule
from ..selectors import DayView, reception_day_on
from .forms import WEEKDAYS, DayCancelForm, ScheduleForm
from .selectors import (
    day_list,
    leaders_for_schedules,
    leaders_with_schedules,
    month_calendar,
    schedule_detail,
    schedule_list,
    upcoming_days,
)
from .services.days import reception_day_cancel
from .services.schedules import schedule_create, schedule_deactivate, schedule_update

# --- display helpers --------------------------------------------------------------------------


def recurrence_text(schedule: ReceptionSchedule) -> str:
    """每周四 / 每月10、20、30日."""
    if schedule.kind == ScheduleKind.WEEKLY:
        names = dict(WEEKDAYS)
        days = "、".join(str(names[number]) for number in schedule.weekdays if number in names)
        return _("Every %(days)s") % {"days": days}
    days = "、".join(str(number) for number in schedule.days)
    return _("Monthly on the %(days)s") % {"days": days}


def short_date(day: datetime.date) -> str:
    return pgettext("short date", "%(month)d/%(day)d") % {"month": day.month, "day": day.day}


def day_sheet_url(schedule_pk: int, day: datetime.date) -> str:
    """The day's sheet (the appointments helper's page), if it is there."""
    try:
        return reverse("reception:day_sheet", args=[schedule_pk, day.isoformat()])
    except NoReverseMatch:
        return ""


@dataclass
class DayEntry:
    """One reception day as the calendar and the leader's list show it."""

    view: DayView
    sheet_url: str
    cancel_url: str
    replaces: datetime.date | None

    @property
    def moved_from_text(self) -> str:
        return "、".join(short_date(day) for day in self.view.moved_from)

    @property
    def moved_from_iso(self) -> str:
        return " ".join(day.isoformat() for day in self.view.moved_from)

    @property
    def replaces_text(self) -> str:
        return short_date(self.replaces) if self.replaces else ""


def _entry(
    user: User, view: DayView, today: datetime.date, replaces: datetime.date | None
) -> DayEntry:
    may_cancel = (
        view.is_open and view.date >= today and can_manage_schedule(user, view.schedule.leader)
    )
    cancel_url = (
        reverse("reception:day_cancel", args=[view.schedule.pk, view.date.isoformat()])
        if may_cancel
        else ""
    )
    return DayEntry(
        view=view,
        sheet_url=day_sheet_url(view.schedule.pk, view.date),
        cancel_url=cancel_url,
        replaces=replaces,
    )


def _parse_month(value: str | None, today: datetime.date) -> datetime.date | None:
    if not value:
        return today.replace(day=1)
    try:
        month = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None
    return month if 2000 <= month.year <= 2100 else None


# --- calendar and the leader's days -----------------------------------------------------------


@login_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    month = _parse_month(request.GET.get("month"), today)
    status = 200
    if month is None:
        messages.warning(request, _("Give the month as YYYY-MM; showing this month."))
        month, status = today.replace(day=1), 400
    leader = (request.GET.get("leader") or "").strip()[:150]
    grid = month_calendar(user=user, month=month, leader=leader, today=today)
    weeks = [
        [
            {
                "cell": cell,
                "entries": [
                    _entry(
                        user,
                        view,
                        today,
                        grid.replaced_dates.get(view.row.pk) if view.row else None,
                    )
                    for view in cell.days
                ],
            }
            for cell in week
        ]
        for week in grid.weeks
    ]
    context = {
        "calendar": grid,
        "weeks": weeks,
        "weekday_names": [label for _number, label in WEEKDAYS],
        "leader": leader,
        "leaders": leaders_with_schedules(user),
        "may_set_up": leaders_for_schedules(user).exists(),
    }
    return render(request, "reception/calendar.html", context, status=status)


@login_required
@require_GET
def my_days_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    days = upcoming_days(leader=user, today=today)
    entries = [
        {"entry": _entry(user, day.view, today, day.replaces), "appointments": day.appointments}
        for day in days
    ]
    context = {"entries": entries, "today": today, "until": today + datetime.timedelta(days=60)}
    return render(request, "reception/my_days.html", context)


@login_required
@require_GET
def day_list_view(request: HttpRequest) -> HttpResponse:
    """The stored reception days (those something happened on: every day held is one),
    filtered by area, leader, days and state; the dashboard's reception figures drill down
    here."""
    days = ReceptionDayFilter(request.GET, queryset=day_list(user=request.user), user=request.user)
    return filtered_list(
        request,
        days,
        row=lambda day: day,
        template="reception/day_list.html",
        filters="reception/_day_filters.html",
        table="reception/_day_table.html",
        status=200 if days.is_valid() else 400,
    )


# --- schedules --------------------------------------------------------------------------------


def _state(schedule: ReceptionSchedule, today: datetime.date) -> tuple[str, str]:
    if not schedule.is_active or (schedule.valid_until and schedule.valid_until < today):
        return "ended", _("Ended")
    if schedule.valid_from > today:
        return "coming", _("From %(date)s") % {"date": schedule.valid_from.isoformat()}
    return "current", _("In force")


@login_required
@require_GET
def schedule_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    leader = (request.GET.get("leader") or "").strip()[:150]
    rows = []
    for schedule in schedule_list(user=user, leader=leader):
        state, state_text = _state(schedule, today)
        rows.append(
            {
                "schedule": schedule,
                "recurrence": recurrence_text(schedule),
                "state": state,
                "state_text": state_text,
                "may_manage": state != "ended" and can_manage_schedule(user, schedule.leader),
            }
        )
    context = {
        "rows": rows,
        "leader": leader,
        "may_set_up": leaders_for_schedules(user).exists(),
    }
    return render(request, "reception/schedule_list.html", context)


def _schedule_or_404(request: HttpRequest, pk: int) -> ReceptionSchedule:
    return found_or_404(ReceptionSchedule, schedule_detail, user=request.user, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_new_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    back = reverse("reception:schedule_list")
    if not leaders_for_schedules(user).exists():
        return forbidden(
            request, _("Only leaders and reception staff set up reception schedules."), back
        )
    form = ScheduleForm(request.POST or None, user=user)
    done = submit(
        request,
        form,
        lambda: schedule_create(actor=user, **form.service_kwargs()),
        back=back,
        success=lambda schedule: _(
            "The reception schedule of %(leader)s is set up: %(recurrence)s."
        )
        % {"leader": person_name(schedule.leader), "recurrence": recurrence_text(schedule)},
        to=lambda schedule: f"{reverse('reception:calendar')}?leader={schedule.leader.username}",
    )
    context = {"form": form, "schedule": None}
    return done.response or render(
        request, "reception/schedule_form.html", context, status=done.status
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    schedule = _schedule_or_404(request, pk)
    back = reverse("reception:schedule_list")
    if not can_manage_schedule(user, schedule.leader):
        return forbidden(
            request, _("Only the leader or the reception staff of the area change it."), back
        )
    form = ScheduleForm(request.POST or None, user=user, schedule=schedule)
    done = submit(
        request,
        form,
        lambda: schedule_update(actor=user, schedule=schedule, **form.service_kwargs()),
        back=back,
        success=lambda changed: _("The schedule is changed from %(date)s on.")
        % {"date": max(changed.valid_from, timezone.localdate()).isoformat()},
    )
    if done.response is not None:
        return done.response
    context = {
        "form": form,
        "schedule": schedule,
        "recurrence": recurrence_text(schedule),
        "started": schedule.valid_from < timezone.localdate(),
    }
    return render(request, "reception/schedule_form.html", context, status=done.status)


@login_required
@require_POST
def schedule_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule_or_404(request, pk)
    back = reverse("reception:schedule_list")
    done = submit(
        request,
        None,
        lambda: schedule_deactivate(actor=request.user, schedule=schedule),
        back=back,
        success=lambda _ended: _("The reception schedule of %(leader)s has ended.")
        % {"leader": person_name(schedule.leader)},
    )
    return done.response or redirect(back)


# --- one day ----------------------------------------------------------------------------------


def _date_or_404(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def day_cancel_view(request: HttpRequest, pk: int, date: str) -> HttpResponse:
    user = request.user
    schedule = _schedule_or_404(request, pk)
    day = _date_or_404(date)
    view = reception_day_on(schedule, day)
    if view is None:
        raise Http404
    back = f"{reverse('reception:calendar')}?month={day:%Y-%m}"
    if not can_manage_schedule(user, schedule.leader):
        return forbidden(
            request, _("Only the leader or the reception staff of the area cancel a day."), back
        )
    form = DayCancelForm(request.POST or None)

    def cancelled_text(cancelled: ReceptionDay) -> str:
        if cancelled.replacement is not None:
            return _("The reception day %(date)s is cancelled and replaced by %(new)s.") % {
                "date": day.isoformat(),
                "new": cancelled.replacement.date.isoformat(),
            }
        return _("The reception day %(date)s is cancelled.") % {"date": day.isoformat()}

    def month_shown(cancelled: ReceptionDay) -> str:
        target = cancelled.replacement.date if cancelled.replacement else day
        return f"{reverse('reception:calendar')}?month={target:%Y-%m}"

    done = submit(
        request,
        form,
        lambda: reception_day_cancel(actor=user, schedule=schedule, date=day, **form.cleaned_data),
        back=back,
        success=cancelled_text,
        to=month_shown,
    )
    if done.response is not None:
        return done.response
    context = {
        "form": form,
        "schedule": schedule,
        "view": view,
        "entry": _entry(user, view, timezone.localdate(), None),
        "back": back,
    }
    return render(request, "reception/schedule_day_cancel.html", context, status=done.status)


urlpatterns: list = [
    path("calendar/", calendar_view, name="calendar"),
    path("my-days/", my_days_view, name="my_days"),
    path("days/", day_list_view, name="day_list"),
    path("schedules/", schedule_list_view, name="schedule_list"),
    path("schedules/new/", schedule_new_view, name="schedule_new"),
    path("schedules/<int:pk>/edit/", schedule_edit_view, name="schedule_edit"),
    path("schedules/<int:pk>/end/", schedule_deactivate_view, name="schedule_deactivate"),
    path("schedules/<int:pk>/days/<str:date>/cancel/", day_cancel_view, name="day_cancel"),
]
