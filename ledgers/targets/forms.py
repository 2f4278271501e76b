"""The forms of the targets and assessment pages: which area and year, a unit's targets, the
assessment's weights. The services check everything again on the locked row."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import register_unit_scope, unit_picker
from accounts.selectors import scope_path, units_visible_to
from core.forms import UnitChoiceField, bootstrap, textarea

from ..models import FACTORS
from .assessment import FACTOR_LABELS
from .selectors import TargetStatus


@register_unit_scope("targets_area")
def _area_units(user: User, context: object) -> QuerySet[OrgUnit]:
    return units_visible_to(user).filter(is_active=True).order_by("path")


def top_of_scope(user: User) -> OrgUnit | None:
    unit = user.org_unit
    if unit is None:
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return OrgUnit.objects.filter(path=scope_path(unit)).first()


class YearAreaForm(forms.Form):
    """Which area (its unit and the units directly below) and which year; by default the top
    of the user's area and this year."""

    area = UnitChoiceField(
        label=_("Area"), queryset=OrgUnit.objects.none(), to_field_name="code", required=False
    )
    year = forms.IntegerField(label=_("Year"), required=False)

    def __init__(self, data=None, *, user: User, **kwargs):
        super().__init__(data, **kwargs)
        self.today = timezone.localdate()
        unit_picker(self.fields["area"], user=user, scope="targets_area")
        self.fields["year"] = forms.IntegerField(
            label=_("Year"),
            required=False,
            min_value=self.today.year - 5,
            max_value=self.today.year + 1,
            widget=forms.NumberInput(attrs={"placeholder": self.today.year}),
        )
        self.user = user
        bootstrap(self)

    def clean_area(self) -> OrgUnit | None:
        return self.cleaned_data.get("area") or top_of_scope(self.user)

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or self.today.year


class TargetFilterForm(YearAreaForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any")), *TargetStatus.choices, ("none", _("No target"))],
        required=False,
    )


def _cut_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        max_digits=4,
        initial=Decimal(0),
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )


def _base_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"placeholder": _("from the figures")}),
    )


class TargetForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    batch_ceiling = forms.IntegerField(
        label=_("Ceiling on petitions (batches)"),
        min_value=0,
        max_value=10_000_000,
        help_text=_("信访总量控制数: the area's petitions of the year, all channels."),
    )
    skip_level_cut = _cut_field(_("Skip-level petitions down by (%)"))
    repeat_cut = _cut_field(_("Repeat petitions down by (%)"))
    group_cut = _cut_field(_("Group petitions down by (%)"))
    capital_cut = _cut_field(_("Petitions to Beijing and the province down by (%)"))
    skip_level_base = _base_field(_("Skip-level petitions last year"))
    repeat_base = _base_field(_("Repeat petitions last year"))
    group_base = _base_field(_("Group petitions last year"))
    capital_base = _base_field(_("Petitions to Beijing and the province last year"))
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2))


class WeightsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for factor in FACTORS:
            self.fields[factor] = forms.IntegerField(
                label=FACTOR_LABELS[factor], min_value=0, max_value=100
            )
        bootstrap(self)

    def clean(self):
        cleaned = super().clean()
        points = [cleaned.get(factor) for factor in FACTORS]
        if all(value is not None for value in points) and sum(points) != 100:
            raise forms.ValidationError(
                _("The weights add up to %(total)d; they must add up to 100.")
                % {"total": sum(points)}
            )
        return cleaned

    @property
    def weights(self) -> dict[str, int]:
        return {factor: self.cleaned_data[factor] for factor in FACTORS}
