from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_base import ReadOnlyAdmin
from core.identity import mask_phone, normalize_mobile
from core.workcalendar import year_statuses

from .calendar.forms import OfficialScheduleForm
from .calendar.services import (
    FIRST_YEAR,
    LAST_YEAR,
    DayEntry,
    calendar_days_set,
    can_edit_calendar,
)
from .models import CalendarDay, DocumentSequence, OrgUnit, User
from .roles import Role, manages_roles, manages_users, role_label


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdmin):
    """The last document number per issuing unit, series and year: changed only by
    numbering (`accounts.numbering`), looked up here."""

    list_display = ["unit", "series", "year", "last_value"]
    list_filter = ["series", "year"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit"]


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(BaseGroupAdmin):
    """Roles are groups named by their code names (`Role`); listed by their labels."""

    list_display = ["label"]

    @admin.display(description=_("role"), ordering="name")
    def label(self, group: Group) -> str:
        return role_label(group)


class RoleFilter(admin.SimpleListFilter):
    """The users' roles by their labels (the groups' own names are code names)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "doc_abbreviation", "level", "kind", "parent", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name", "doc_abbreviation"]
    autocomplete_fields = ["parent"]
    ordering = ["path"]


class UserAdminChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        widgets = {
            "mobile": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "size": 14})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:  # the roles by their labels
            self.fields["groups"].label_from_instance = role_label

    def clean_mobile(self) -> str:
        """A mainland mobile number (SMS reminders go to it), stored in its plain 11 digits."""
        value = self.cleaned_data.get("mobile", "").strip()
        return normalize_mobile(value) if value else ""


class AdministratorSetsPassword:
    """A password an administrator sets (new account, reset) is temporary: with
    PASSWORD_CHANGE_AT_FIRST_LOGIN the user must choose their own at the next login
    (`User.must_change_password`, set by `User.save`). The policy's validators apply."""

    def set_password_and_save(self, user, *args, **kwargs):
        user._password_set_by_administrator = True
        return super().set_password_and_save(user, *args, **kwargs)


class UserAdminCreationForm(AdministratorSetsPassword, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User


class UserAdminPasswordChangeForm(AdministratorSetsPassword, AdminPasswordChangeForm):
    pass


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
    add_form = UserAdminCreationForm
    change_password_form = UserAdminPasswordChangeForm
    list_display = ["username", "last_name", "first_name", "org_unit", "masked_mobile", "is_active"]
    list_filter = [RoleFilter, "is_active", "org_unit__level"]
    list_select_related = ["org_unit"]
    autocomplete_fields = ["org_unit"]
    fieldsets = (
        *_with_mobile(BaseUserAdmin.fieldsets),
        (_("Organisation"), {"fields": ["org_unit"]}),
        (_("Password policy"), {"fields": ["must_change_password", "password_changed_at"]}),
    )
    readonly_fields = ["password_changed_at"]

    @admin.display(description=_("mobile phone"))
    def masked_mobile(self, user: User) -> str:
        return mask_phone(user.mobile)

    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Organisation"), {"fields": ["org_unit", "groups"]}),
    )

    # 三员管理: roles and permissions are the security administrator's (`manages_roles`), the
    # account itself the system administrator's (`manages_users`). A field shown read-only is
    # left out of the form, so a value posted for it is ignored: the split holds server-side.
    ROLE_FIELDS = ("groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        user = request.user
        if not user.is_superuser:
            readonly.append("is_superuser")  # only the break-glass account makes another
        own_account = obj is not None and obj.pk == user.pk and not user.is_superuser
        if not manages_roles(user) or own_account:
            # Nobody but the break-glass account changes their own roles.
            readonly.extend(self.ROLE_FIELDS)
        if obj is not None and not manages_users(user):
            account_fields = {
                field
                for _name, options in self.get_fieldsets(request, obj)
                for field in options.get("fields", ())
            }
            readonly.extend(
                sorted(account_fields - set(self.ROLE_FIELDS) - {"password"} - set(readonly))
            )
        return tuple(dict.fromkeys(readonly))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and not manages_roles(request.user):
            # A new account gets its roles from the security administrator.
            fieldsets = tuple(
                (name, {**options, "fields": [f for f in options["fields"] if f != "groups"]})
                for name, options in fieldsets
            )
        return fieldsets

    def has_add_permission(self, request):
        return super().has_add_permission(request) and manages_users(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and manages_users(request.user)

    def user_change_password(self, request, id, form_url=""):
        if not manages_users(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "note"]

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(
                _("Enter a year from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The admin's days. Every change goes through `accounts.calendar.services`, which
    recomputes the open time limits depending on the days changed, in the same transaction."""

    form = CalendarDayForm
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]

    # Adding or removing a day changes the calendar as much as editing one does.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and can_edit_calendar(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit_calendar(request.user)

    def save_model(self, request, obj, form, change):
        entries = []
        old_date = form.initial.get("date") if change else None
        if old_date is not None and old_date != obj.date:
            entries.append(DayEntry(old_date, None))
        entries.append(DayEntry(obj.date, obj.is_workday, obj.note))
        result = calendar_days_set(actor=request.user, entries=entries)
        saved = CalendarDay.objects.get(date=obj.date)
        obj.pk, obj.note = saved.pk, saved.note
        self._report(request, result)

    def delete_model(self, request, obj):
        self._report(
            request, calendar_days_set(actor=request.user, entries=[DayEntry(obj.date, None)])
        )

    def delete_queryset(self, request, queryset):
        entries = [DayEntry(day, None) for day in queryset.values_list("date", flat=True)]
        self._report(request, calendar_days_set(actor=request.user, entries=entries))

    def _report(self, request, result) -> None:
        if result.moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d open time limit was recomputed.",
                    "%(count)d open time limits were recomputed.",
                    result.moved,
                )
                % {"count": result.moved},
                messages.WARNING,
            )

    def get_urls(self):
        return [
            path(
                "load-official/",
                self.admin_site.admin_view(self.load_official_view),
                name="accounts_calendarday_load_official",
            ),
            *super().get_urls(),
        ]

    def load_official_view(self, request):
        """Load a year's official schedule (the State Council's notice) in one go."""
        if not (self.has_change_permission(request) and can_edit_calendar(request.user)):
            raise PermissionDenied
        form = OfficialScheduleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = form.load(actor=request.user)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    _("The official schedule of %(year)d is loaded.") % {"year": data["year"]},
                    messages.SUCCESS,
                )
                self._report(request, result)
                return redirect("admin:accounts_calendarday_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Load an official holiday schedule"),
            "form": form,
        }
        return TemplateResponse(request, "admin/accounts/calendarday/load_official.html", context)

    def changelist_view(self, request, extra_context=None):
        this_year = timezone.localdate().year
        years = year_statuses(range(this_year - 1, this_year + 3))
        extra_context = {
            **(extra_context or {}),
            "calendar_years": years,
            "provisional_years": [status.year for status in years if status.is_provisional],
            "can_load_official": can_edit_calendar(request.user)
            and self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context=extra_context)
