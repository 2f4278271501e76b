"""Forms of the backlog ledger's pages. Field names are the API's; `service_kwargs` maps them
onto the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import unit_picker
from cases.models import Case
from cases.selectors import case_numbered
from core.forms import UnitChoiceField, UserChoiceField, bootstrap, date_widget, textarea
from core.limits import LONG_TEXT
from core.workcalendar import add_months

from ..models import BACKLOG_OUTCOMES, BacklogStatus
from .selectors import sponsor_choices

# The time limit a sheet offers (积案 are usually to be resolved within three months).
DEFAULT_MONTHS = 3


def _sponsor_field(user: User, *, required: bool = False) -> UserChoiceField:
    field = UserChoiceField(
        label=_("Sponsoring leader (包案领导)"),
        queryset=sponsor_choices(user),
        to_field_name="username",
        required=required,
        help_text=_("Required for a group case."),
    )
    field.widget.attrs["data-search"] = "true"
    return field


class PlaceForm(forms.Form):
    """The assignment sheet (交办单) that puts a case on the ledger."""

    case = forms.CharField(label=_("Case number"), max_length=40)
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=OrgUnit.objects.none())
    responsible_persons = forms.CharField(
        label=_("Responsible persons (定人员)"),
        max_length=200,
        help_text=_("Names and posts, separated by 、"),
    )
    plan = forms.CharField(label=_("Plan (定方案)"), max_length=LONG_TEXT, widget=textarea(4))
    due = forms.DateField(label=_("Time limit (定时限)"), widget=date_widget())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=LONG_TEXT,
        required=False,
        widget=textarea(2),
        help_text=_("Required when the case is not a backlog case by the rule."),
    )
    date = forms.DateField(
        label=_("Back-entry date"),
        required=False,
        widget=date_widget(),
        help_text=_("The day of a paper sheet, if earlier than today."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        unit_picker(self.fields["lead_unit"], user=user, scope="visible_active")
        self.fields["sponsoring_leader"] = _sponsor_field(user)
        # The leader after the unit, as on the paper sheet.
        order = ["case", "lead_unit", "sponsoring_leader", "responsible_persons", "plan", "due"]
        self.order_fields([*order, "reason", "date"])
        self.fields["due"].initial = add_months(timezone.localdate(), DEFAULT_MONTHS)
        bootstrap(self)

    def clean_case(self) -> Case | None:
        return case_numbered(self.user, self.cleaned_data["case"])

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["due_on"] = data.pop("due")
        data["on"] = data.pop("date")
        return data


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress"), max_length=LONG_TEXT, widget=textarea(3))
    date = forms.DateField(label=_("Reported on"), required=False, widget=date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["on"] = data.pop("date")
        return data


class SponsorForm(forms.Form):
    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsoring_leader"] = _sponsor_field(user, required=True)
        self.fields["sponsoring_leader"].help_text = ""
        bootstrap(self)

    def service_kwargs(self) -> dict:
        return {"leader": self.cleaned_data["sponsoring_leader"]}


class ExtendForm(forms.Form):
    due = forms.DateField(label=_("New time limit"), widget=date_widget())
    reason = forms.CharField(
        label=_("Reason for the extension"), max_length=LONG_TEXT, widget=textarea(2)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["due_on"] = data.pop("due")
        return data


OUTCOME_CHOICES = [
    (value, label) for value, label in BacklogStatus.choices if value in BACKLOG_OUTCOMES
]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("How it ended"), max_length=LONG_TEXT, widget=textarea(3))
    date = forms.DateField(label=_("Outcome on"), required=False, widget=date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["on"] = data.pop("date")
        return data
