"""Escalation in the admin: read only. Notices, consultations, joint supervisions and rankings
change only through the escalation services, which keep the clocks, the timeline and the
notifications in step; the admin is for looking things up (by number)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Consultation,
    ConsultationTask,
    JointParty,
    JointReport,
    JointSupervision,
    RankingNotice,
    Reminder,
    SupervisionNotice,
    UnitRanking,
)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["deadline", "case_number", "stage", "due_on", "created_at"]
    list_filter = ["stage", "deadline__kind"]
    search_fields = ["deadline__case__number"]
    list_select_related = ["deadline__case"]
    date_hierarchy = "created_at"

    @admin.display(description=_("case"), ordering="deadline__case__number")
    def case_number(self, reminder: Reminder) -> str:
        return reminder.deadline.case.number


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "kind",
        "case",
        "unit",
        "issuing_unit",
        "issued_on",
        "due_on",
        "automatic",
        "responded_on",
    ]
    list_filter = ["kind", "automatic", ("responded_on", admin.EmptyFieldListFilter), "issued_on"]
    search_fields = ["number", "case__number", "unit__code", "unit__name"]
    list_select_related = ["case", "unit", "issuing_unit"]
    date_hierarchy = "issued_on"


class ConsultationTaskInline(ReadOnlyInline):
    model = ConsultationTask
    fields = ["unit", "task", "due_on", "done_on"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["case", "level", "held_on", "recording_unit", "escalated_on"]
    list_filter = ["level", ("escalated_on", admin.EmptyFieldListFilter)]
    search_fields = ["case__number"]
    list_select_related = ["case", "recording_unit"]
    date_hierarchy = "held_on"
    inlines = [ConsultationTaskInline]


@admin.register(ConsultationTask)
class ConsultationTaskAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "unit", "due_on", "done_on"]
    list_filter = [("done_on", admin.EmptyFieldListFilter)]
    search_fields = ["consultation__case__number", "unit__code"]
    list_select_related = ["consultation__case", "unit"]


class JointPartyInline(ReadOnlyInline):
    model = JointParty
    fields = ["role", "unit", "task", "due_on", "done_on"]


@admin.register(JointSupervision)
class JointSupervisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "case", "opening_unit", "opened_on", "status", "closed_on"]
    list_filter = ["status"]
    search_fields = ["number", "case__number"]
    list_select_related = ["case", "opening_unit"]
    date_hierarchy = "opened_on"
    inlines = [JointPartyInline]


@admin.register(JointParty)
class JointPartyAdmin(ReadOnlyAdmin):
    list_display = ["supervision", "role", "unit", "due_on", "done_on"]
    list_filter = ["role", ("done_on", admin.EmptyFieldListFilter)]
    search_fields = ["supervision__number", "supervision__case__number", "unit__code"]
    list_select_related = ["supervision", "unit"]


@admin.register(JointReport)
class JointReportAdmin(ReadOnlyAdmin):
    list_display = ["party", "reported_on", "done", "reported_by"]
    list_filter = ["done"]
    search_fields = ["party__supervision__number", "party__supervision__case__number"]
    list_select_related = ["party__unit", "party__supervision", "reported_by"]


@admin.register(UnitRanking)
class UnitRankingAdmin(ReadOnlyAdmin):
    list_display = [
        "month",
        "rank",
        "unit",
        "handled",
        "on_time",
        "overdue",
        "evaluated",
        "satisfied",
        "in_bottom",
        "bottom_streak",
    ]
    list_filter = ["month", "in_bottom"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit"]


@admin.register(RankingNotice)
class RankingNoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "month", "unit", "kind", "due_on"]
    list_filter = ["kind", "month"]
    search_fields = ["number", "unit__code", "unit__name"]
    list_select_related = ["unit"]
