"""The ledgers in the admin: read only. Rounds, reports, disputes and backlog cases change only
through the ledgers' services, which keep their history, the case's timeline and reminders in
step; the admin is for looking things up."""

from django.contrib import admin

from core.admin_base import ReadOnlyAdmin

from .models import (
    BacklogEntry,
    BacklogProgress,
    DisputeItem,
    LedgerEvent,
    ScreeningReport,
    ScreeningRound,
)


@admin.register(ScreeningRound)
class ScreeningRoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "organizing_unit", "due_on", "opened_at"]
    list_filter = ["kind"]
    search_fields = ["title", "organizing_unit__name"]
    list_select_related = ["organizing_unit"]


@admin.register(ScreeningReport)
class ScreeningReportAdmin(ReadOnlyAdmin):
    list_display = ["round", "unit", "due_on", "submitted_at", "nothing_found", "item_count"]
    list_filter = ["nothing_found"]
    search_fields = ["unit__name", "unit__code", "round__title"]
    list_select_related = ["round", "unit"]


@admin.register(DisputeItem)
class DisputeItemAdmin(ReadOnlyAdmin):
    list_display = ["number", "found_on", "kind", "risk_level", "responsible_unit", "status"]
    list_filter = ["status", "risk_level", "kind"]
    search_fields = ["number", "place"]
    list_select_related = ["responsible_unit"]
    date_hierarchy = "found_on"


@admin.register(BacklogEntry)
class BacklogEntryAdmin(ReadOnlyAdmin):
    list_display = ["number", "case", "lead_unit", "sponsoring_leader", "due_on", "status"]
    list_filter = ["status", "candidate"]
    search_fields = ["number", "case__number"]
    list_select_related = ["case", "lead_unit", "sponsoring_leader"]
    date_hierarchy = "placed_on"


@admin.register(BacklogProgress)
class BacklogProgressAdmin(ReadOnlyAdmin):
    list_display = ["entry", "reported_on", "unit", "reported_by"]
    search_fields = ["entry__number"]
    list_select_related = ["entry", "unit", "reported_by"]


@admin.register(LedgerEvent)
class LedgerEventAdmin(ReadOnlyAdmin):
    list_display = ["ledger", "object_id", "kind", "actor", "created_at"]
    list_filter = ["ledger", "kind"]
    list_select_related = ["actor"]
