from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, OrgUnit, User
from .workcalendar import years_lacking_holiday_list


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    ordering = ["path"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "org_unit", "is_active"]
    list_filter = ["groups", "is_active", "org_unit__level"]
    list_select_related = ["org_unit"]
    autocomplete_fields = ["org_unit"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Organisation"), {"fields": ["org_unit"]}))
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Organisation"), {"fields": ["org_unit", "groups"]}),
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]

    def changelist_view(self, request, extra_context=None):
        this_year = timezone.localdate().year
        extra_context = {
            **(extra_context or {}),
            "years_lacking": years_lacking_holiday_list(list(range(this_year - 1, this_year + 3))),
        }
        return super().changelist_view(request, extra_context=extra_context)
