from django.contrib import admin

from core.admin_base import ReadOnlyAdmin

from .models import RULED_CLOCKS, Case, DeadlineRule


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "jurisdiction", "effective_from", "days", "counting", "note"]
    list_filter = ["kind", "counting"]
    autocomplete_fields = ["jurisdiction"]
    list_select_related = ["jurisdiction"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Only the clocks a rule governs: the others' due dates are set by hand.
        if db_field.name == "kind":
            kwargs["choices"] = [(kind, kind.label) for kind in RULED_CLOCKS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only: cases change only through the handling services, which keep the timeline."""

    list_display = ["number", "status", "matter_kind", "owner_unit", "received_at"]
    list_filter = ["status", "matter_kind"]
    search_fields = ["number", "summary"]
    list_select_related = ["owner_unit"]
