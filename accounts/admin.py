from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identity import mask_phone, normalize_phone
from .models import CalendarDay, OrgUnit, User
from .workcalendar import years_lacking_holiday_list


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    ordering = ["path"]


class UserAdminChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        widgets = {
            "mobile": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "size": 14})
        }

    def clean_mobile(self) -> str:
        """A mainland mobile number (SMS reminders go to it), stored in its plain 11 digits."""
        value = self.cleaned_data.get("mobile", "").strip()
        if not value:
            return ""
        number = normalize_phone(value)
        if "-" in number:
            raise ValidationError(
                _("Enter a mobile number (11 digits): text messages cannot go to a landline."),
                code="landline",
            )
        return number


def _with_mobile(fieldsets):
    """The stock fieldsets with `mobile` after the email address."""
    out = []
    for name, options in fieldsets:
        fields = list(options.get("fields", ()))
        if "email" in fields:
            fields.insert(fields.index("email") + 1, "mobile")
        out.append((name, {**options, "fields": fields}))
    return tuple(out)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminChangeForm
    list_display = ["username", "last_name", "first_name", "org_unit", "masked_mobile", "is_active"]
    list_filter = ["groups", "is_active", "org_unit__level"]
    list_select_related = ["org_unit"]
    autocomplete_fields = ["org_unit"]
    fieldsets = (
        *_with_mobile(BaseUserAdmin.fieldsets),
        (_("Organisation"), {"fields": ["org_unit"]}),
    )

    @admin.display(description=_("mobile phone"))
    def masked_mobile(self, user: User) -> str:
        return mask_phone(user.mobile)

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
