"""Forms of the dispute screening pages. Field names are the API's; `service_kwargs` maps
them onto the services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import register_unit_scope, unit_picker
from accounts.selectors import units_visible_to
from cases.models import MatterKind
from core.forms import (
    UnitChoiceField,
    UnitMultipleChoiceField,
    bootstrap,
    date_widget,
    focus_first,
    textarea,
)
from core.limits import LONG_TEXT
from petitions.models import Category

from ..models import DisputeKind, PartyRole, ResolutionMethod, RiskLevel
from .services import DisputeDraft, PetitionFacts, default_resolve_by, reporting_units


@register_unit_scope("dispute_responsible")
def dispute_responsible_units(user: User, context: object) -> QuerySet[OrgUnit]:
    """A dispute's responsible unit: a unit of the user's area, or one above their unit
    (a street's dispute handed to the district)."""
    unit = getattr(user, "org_unit", None)
    above = unit.ancestor_ids if unit is not None else []
    return (
        OrgUnit.objects.filter(Q(pk__in=units_visible_to(user).values("pk")) | Q(pk__in=above))
        .filter(is_active=True)
        .order_by("path")
    )


class RoundOpenForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=100,
        help_text=_("e.g. Screening before the Spring Festival."),
    )
    due = forms.DateField(label=_("Reports due"), widget=date_widget())
    units = UnitMultipleChoiceField(
        label=_("Units that must report"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Empty: every street, township, village and community of your area."),
    )
    instructions = forms.CharField(
        label=_("Instructions"), max_length=LONG_TEXT, required=False, widget=textarea(4)
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        unit_picker(self.fields["units"], user=user, scope="visible_active")
        bootstrap(self)
        focus_first(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["due_on"] = data.pop("due")
        units = list(data.pop("units") or [])
        if not units and self.user.org_unit is not None:
            units = reporting_units(self.user.org_unit)
        data["units"] = units
        return data


class ReportSubmitForm(forms.Form):
    nothing_found = forms.BooleanField(
        label=_("Nothing found (零报告)"),
        required=False,
        help_text=_("Tick when the unit found no dispute in this round."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=LONG_TEXT, required=False, widget=textarea(2)
    )
    date = forms.DateField(
        label=_("Back-entry date"),
        required=False,
        widget=date_widget(),
        help_text=_("The day a paper report was handed in, if earlier than today."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["on"] = data.pop("date")
        return data


PARTY_FIELDS = {
    "applicants": PartyRole.APPLICANT,
    "respondents": PartyRole.RESPONDENT,
    "others": PartyRole.OTHER,
}


def split_names(text: str) -> list[str]:
    """Names typed in one field, separated by 、，, ; or new lines."""
    for separator in "，,;；\n":
        text = text.replace(separator, "、")
    return [name.strip() for name in text.split("、") if name.strip()]


class DisputeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of dispute"), choices=DisputeKind.choices)
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.GENERAL
    )
    applicants = forms.CharField(
        label=_("Applicant side"), max_length=300, help_text=_("Names, separated by 、")
    )
    respondents = forms.CharField(label=_("Respondent side"), max_length=300, required=False)
    others = forms.CharField(label=_("Other parties"), max_length=300, required=False)
    place = forms.CharField(label=_("Place"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=LONG_TEXT, widget=textarea(4))
    responsible_unit = UnitChoiceField(label=_("Responsible unit"), queryset=OrgUnit.objects.none())
    responsible_person = forms.CharField(label=_("Person responsible"), max_length=60)
    measures = forms.CharField(
        label=_("Measures"), max_length=LONG_TEXT, required=False, widget=textarea(3)
    )
    found = forms.DateField(label=_("Found on"), required=False, widget=date_widget())
    due = forms.DateField(label=_("Resolve by"), widget=date_widget())

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        unit_picker(self.fields["responsible_unit"], user=user, scope="dispute_responsible")
        today = timezone.localdate()
        self.fields["found"].initial = today
        self.fields["due"].initial = default_resolve_by(today)
        self.fields["due"].help_text = _("By default %(days)s days after it was found.") % {
            "days": settings.SCREENING_RESOLVE_DAYS
        }
        if not self.is_bound and user.org_unit is not None:
            self.fields["responsible_unit"].initial = user.org_unit_id
        bootstrap(self)
        focus_first(self)

    def draft(self) -> DisputeDraft:
        data = self.cleaned_data
        parties = [
            {"role": role, "name": name}
            for field, role in PARTY_FIELDS.items()
            for name in split_names(data.get(field) or "")
        ]
        return DisputeDraft(
            kind=data["kind"],
            parties=parties,
            place=data["place"],
            summary=data["summary"],
            risk_level=data["risk_level"],
            responsible_unit=data["responsible_unit"],
            responsible_person=data["responsible_person"],
            measures=data.get("measures") or "",
            found_on=data.get("found"),
            due_on=data["due"],
        )


class ProgressForm(forms.Form):
    measures = forms.CharField(label=_("Measures so far"), max_length=LONG_TEXT, widget=textarea(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class OutcomeForm(forms.Form):
    """Contained, resolved or reported up: the outcome in words (and how, when resolved)."""

    outcome = forms.CharField(label=_("Outcome"), max_length=LONG_TEXT, widget=textarea(3))
    method = forms.ChoiceField(
        label=_("Resolved by"), choices=[("", "—"), *ResolutionMethod.choices], required=False
    )
    date = forms.DateField(label=_("Resolved on"), required=False, widget=date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ConvertForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
    )
    matter_kind = forms.ChoiceField(
        label=_("Kind of matter"), choices=MatterKind.choices, initial=MatterKind.COMPLAINT
    )
    petitioner_name = forms.CharField(label=_("Petitioner"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None and not self.is_bound:
            applicants = [p["name"] for p in item.parties if p.get("role") == PartyRole.APPLICANT]
            self.fields["petitioner_name"].initial = applicants[0] if applicants else ""
        bootstrap(self)

    def facts(self) -> PetitionFacts:
        data = self.cleaned_data
        return PetitionFacts(
            category=data["category"],
            matter_kind=data["matter_kind"],
            petitioner_name=data["petitioner_name"],
            phone=data.get("phone") or "",
        )
