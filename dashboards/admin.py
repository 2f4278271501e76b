from django.contrib import admin

from core.admin_base import ReadOnlyAdmin

from .models import RollupState


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    """How current the dashboards' figures are (the rows themselves are derived data: rebuild
    them with `manage.py rollup_dashboards --rebuild`)."""

    list_display = ["refreshed_at", "rebuilt_at", "watermark"]
