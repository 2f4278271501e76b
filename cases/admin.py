from django.contrib import admin

from .models import DeadlineRule


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "jurisdiction", "effective_from", "days", "counting", "note"]
    list_filter = ["kind", "counting"]
    autocomplete_fields = ["jurisdiction"]
    list_select_related = ["jurisdiction"]
