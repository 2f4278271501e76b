"""The ledgers in the admin: read only. Rounds, reports and disputes change only through the
ledgers' services, which keep their history and reminders in step; the admin is for looking
things up."""

from django.contrib import admin

from core.admin_base import ReadOnlyAdmin

from .models import DisputeItem, LedgerEvent, ScreeningReport, ScreeningRound


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


@admin.register(LedgerEvent)
class LedgerEventAdmin(ReadOnlyAdmin):
    list_display = ["ledger", "object_id", "kind", "actor", "created_at"]
    list_filter = ["ledger", "kind"]
    list_select_related = ["actor"]
