"""Leader reception in the admin: read only. Schedules, days, appointments, notices, records
and field visits change only through the reception services, which keep the slots, the
petitioners' dates, the notices and the cases in step; the admin is for looking things up.
Petitioners appear by name only (no ID numbers or phones)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Appointment,
    AppointmentPetitioner,
    FieldVisit,
    FieldVisitCase,
    PreliminaryOpinion,
    ReceptionDay,
    ReceptionNotice,
    ReceptionRecord,
    ReceptionSchedule,
)


@admin.register(ReceptionSchedule)
class ReceptionScheduleAdmin(ReadOnlyAdmin):
    list_display = [
        "leader",
        "unit",
        "kind",
        "numbers",
        "start_time",
        "end_time",
        "place",
        "slots",
        "valid_from",
        "valid_until",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["leader__username", "leader__last_name", "unit__code", "place"]
    list_select_related = ["leader", "unit"]
    filter_horizontal = ["attending_units"]

    @admin.display(description=_("days"))
    def numbers(self, schedule: ReceptionSchedule) -> str:
        numbers = schedule.weekdays if schedule.kind == "weekly" else schedule.days
        return ", ".join(str(number) for number in numbers)


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "schedule", "status", "reason", "replaces"]
    list_filter = ["status"]
    search_fields = ["schedule__leader__username", "schedule__place", "reason"]
    list_select_related = ["schedule__leader", "replaces__schedule__leader"]
    date_hierarchy = "date"


class AppointmentPetitionerInline(ReadOnlyInline):
    model = AppointmentPetitioner
    fields = ["petitioner", "date", "active"]
    show_change_link = False


class PreliminaryOpinionInline(ReadOnlyInline):
    model = PreliminaryOpinion
    fields = ["unit", "text", "written_by", "written_at"]
    readonly_fields = ["written_at"]


class ReceptionNoticeInline(ReadOnlyInline):
    model = ReceptionNotice
    fields = ["number", "kind", "unit", "issued_by", "issued_at"]
    readonly_fields = ["issued_at"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["day_date", "leader", "slot", "case", "status", "booked_by", "booked_at"]
    list_filter = ["status"]
    search_fields = ["case__number", "day__schedule__leader__username"]
    list_select_related = ["day__schedule__leader", "case", "booked_by"]
    date_hierarchy = "day__date"
    inlines = [AppointmentPetitionerInline, PreliminaryOpinionInline, ReceptionNoticeInline]

    @admin.display(description=_("date"), ordering="day__date")
    def day_date(self, appointment: Appointment):
        return appointment.day.date

    @admin.display(description=_("leader"), ordering="day__schedule__leader__username")
    def leader(self, appointment: Appointment):
        return appointment.day.schedule.leader


@admin.register(PreliminaryOpinion)
class PreliminaryOpinionAdmin(ReadOnlyAdmin):
    list_display = ["appointment", "unit", "written_by", "written_at"]
    search_fields = ["appointment__case__number", "unit__code"]
    list_select_related = ["appointment__day__schedule__leader", "appointment__case", "unit"]


@admin.register(ReceptionNotice)
class ReceptionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "appointment", "unit", "issued_by", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["number", "appointment__case__number", "unit__code"]
    list_select_related = [
        "appointment__day__schedule__leader",
        "appointment__case",
        "unit",
        "issued_by",
    ]
    date_hierarchy = "issued_at"


@admin.register(ReceptionRecord)
class ReceptionRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "appointment",
        "attended",
        "resolved_on_spot",
        "assignment",
        "supervision_notice",
        "recorded_by",
        "recorded_at",
    ]
    list_filter = ["attended", "resolved_on_spot"]
    search_fields = ["appointment__case__number"]
    list_select_related = [
        "appointment__day__schedule__leader",
        "appointment__case",
        "assignment",
        "supervision_notice",
        "recorded_by",
    ]
    date_hierarchy = "recorded_at"


class FieldVisitCaseInline(ReadOnlyInline):
    model = FieldVisitCase
    fields = ["case", "outcome"]
    show_change_link = False


@admin.register(FieldVisit)
class FieldVisitAdmin(ReadOnlyAdmin):
    list_display = ["date", "leader", "place", "recorded_by"]
    search_fields = ["leader__username", "place", "cases__case__number"]
    list_select_related = ["leader", "recorded_by"]
    date_hierarchy = "date"
    inlines = [FieldVisitCaseInline]
