import datetime

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import register_unit_scope, unit_picker
from core.forms import UnitChoiceField, date_widget

from .periods import PRESETS, Period, month_end, preset
from .selectors import dashboard_units, default_unit


@register_unit_scope("dashboard_area")
def _area_units(user: User, context: object) -> QuerySet[OrgUnit]:
    return dashboard_units(user)


# A longer range is almost surely a typo, and would read years of rows.
MAX_RANGE_DAYS = 366 * 10
DEFAULT_PRESET = "year"


class AreaChoiceField(UnitChoiceField):
    """A unit of the user's scope, indented by its depth below the top of the scope."""

    def __init__(self, *args, top_depth: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.top_depth = top_depth

    def label_from_instance(self, unit: OrgUnit) -> str:
        depth = max(len(unit.ancestor_ids) - 1 - self.top_depth, 0)
        return "\u3000" * depth + super().label_from_instance(unit)


class AreaForm(forms.Form):
    """A form with the `unit` whose area is shown: one of the user's scope, by default the
    top of it."""

    def __init__(self, data=None, *, user: User, today: datetime.date | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today or timezone.localdate()
        top = default_unit(user)
        self.fields["unit"] = AreaChoiceField(
            label=_("Area"),
            queryset=OrgUnit.objects.none(),
            to_field_name="code",
            required=False,
            empty_label=None,
            top_depth=len(top.ancestor_ids) - 1 if top else 0,
        )
        self.default_unit = top
        # The picker renders only the unit chosen (`accounts.pickers`): with none in the
        # address, the top of the scope, which the dashboards show then.
        unit_picker(self.fields["unit"], user=user, scope="dashboard_area")
        key = self.add_prefix("unit")
        if self.is_bound and top is not None and not self.data.get(key):
            self.data = self.data.copy()
            self.data[key] = top.code

    def unit(self) -> OrgUnit | None:
        return self.cleaned_data.get("unit") or self.default_unit


class DashboardFilterForm(AreaForm):
    """The area and the period of the dashboards: the page, its exports and the API read it.
    A preset wins over typed dates; with neither, this year up to today."""

    preset = forms.ChoiceField(
        label=_("Period"), choices=[("", _("Custom dates")), *PRESETS.items()], required=False
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=date_widget())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=date_widget())
        self.order_fields(["unit", "preset", "from", "to"])

    def clean(self):
        data = super().clean()
        if data.get("preset") or self.errors:
            return data
        start, end = self._bounds(data)
        if start > end:
            self.add_error(
                "to" if data.get("to") else "from", _("The end date is before the start date.")
            )
        elif (end - start).days >= MAX_RANGE_DAYS:
            self.add_error("from", _("Choose a period of at most ten years."))
        return data

    def _bounds(self, data: dict) -> tuple[datetime.date, datetime.date]:
        """Typed dates, the missing end being today and the missing start 1 January."""
        end = data.get("to") or self.today
        return data.get("from") or end.replace(month=1, day=1), end

    def period(self) -> Period:
        data = self.cleaned_data
        if data.get("preset"):
            return preset(data["preset"], self.today)
        if not (data.get("from") or data.get("to")):
            return preset(DEFAULT_PRESET, self.today)
        return Period.of(*self._bounds(data))


class ReportForm(AreaForm):
    """The month of the monthly report (信访工作月报)."""

    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Enter the month as YYYY-MM, e.g. 2026-10.")},
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.order_fields(["month", "unit"])

    def clean_month(self) -> datetime.date:
        first = datetime.date.fromisoformat(self.cleaned_data["month"] + "-01")
        if first > self.today:
            raise forms.ValidationError(_("Choose a month that has begun."))
        return first

    def period(self) -> Period:
        first = self.cleaned_data["month"]
        return Period(first, month_end(first), 1)
