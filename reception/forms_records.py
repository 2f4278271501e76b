"""Forms of the reception record, field visit and numbers pages. Field names are the API's
(`attended`, `account`, `instruction`, `resolved_on_spot`, `responsible_unit`,
`responsible_person`, `due`; `leader`, `date`, `place`, `summary`, `cases`);
`service_kwargs` maps them onto the services."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from cases.models import Case
from cases.selectors import cases_visible_to, units_below_owner
from core.forms import UnitChoiceField, UserChoiceField, date_widget, textarea

from .selectors_visits import leaders_for_visits
from .services.records import TEXT
from .services.visits import PLACE

CAME = "yes"
DID_NOT_COME = "no"


def _bootstrap(form: forms.Form, *, focus: bool = True) -> None:
    """Bootstrap classes on every widget; the first field gets the cursor."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"
    first = next(iter(form.fields.values()), None)
    if first is not None and focus:
        first.widget.attrs["data-first"] = "true"
        first.widget.attrs["autofocus"] = True


class RecordForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Did the petitioner come?"),
        choices=[(CAME, _("Came and was received")), (DID_NOT_COME, _("Did not come"))],
        coerce=lambda value: value == CAME,
        widget=forms.RadioSelect,
        initial=CAME,
    )
    account = forms.CharField(
        label=_("What was said"),
        max_length=TEXT,
        required=False,
        widget=textarea(5),
        help_text=_("The petitioner's account and requests, and what the leader explained."),
    )
    instruction = forms.CharField(
        label=_("Leader's instruction"),
        max_length=TEXT,
        required=False,
        widget=textarea(4),
        help_text=_("It goes to the responsible unit as its assignment and supervision notice."),
    )
    resolved_on_spot = forms.BooleanField(label=_("Resolved on the spot"), required=False)
    responsible_unit = UnitChoiceField(
        label=_("Responsible unit"), queryset=OrgUnit.objects.none(), required=False
    )
    responsible_person = forms.CharField(
        label=_("Responsible person"), max_length=50, required=False
    )
    due = forms.DateField(label=_("Report back by"), required=False, widget=date_widget())

    def __init__(self, *args, case: Case, answer_due: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["responsible_unit"].queryset = units_below_owner(case)
        if answer_due is not None:
            self.fields["due"].help_text = _("At the latest %(date)s (the answer is due).") % {
                "date": f"{answer_due:%Y-%m-%d}"
            }
        _bootstrap(self)
        self.fields["responsible_unit"].widget.attrs["data-search"] = "true"

    def service_kwargs(self) -> dict:
        """The service's keyword arguments (reception staff's form has fewer fields)."""
        data = self.cleaned_data
        return {
            "attended": data["attended"],
            "account": data.get("account", ""),
            "instruction": data.get("instruction", ""),
            "resolved_on_spot": data.get("resolved_on_spot", False),
            "responsible_unit": data.get("responsible_unit"),
            "responsible_person": data.get("responsible_person", ""),
            "due_on": data.get("due"),
        }


class VisitForm(forms.Form):
    leader = UserChoiceField(label=_("Leader"), queryset=User.objects.none())
    date = forms.DateField(label=_("Date"), widget=date_widget())
    place = forms.CharField(label=_("Place"), max_length=PLACE)
    summary = forms.CharField(
        label=_("Summary"), max_length=TEXT, required=False, widget=textarea(3)
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders_for_visits(user)
        if not self.is_bound and user.has_role(Role.LEADER):
            self.fields["leader"].initial = user.pk
        _bootstrap(self)


class VisitCaseForm(forms.Form):
    """One case taken along: its number and what came of it."""

    case = forms.CharField(label=_("Case number"), max_length=40, required=False)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=TEXT, required=False, widget=textarea(1)
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        _bootstrap(self, focus=False)
        self.fields["case"].widget.attrs["class"] += " font-monospace"

    def clean_case(self) -> Case | None:
        number = (self.cleaned_data.get("case") or "").strip()
        if not number:
            return None
        case = (
            cases_visible_to(self.user).filter(number=number).first()
            if "\x00" not in number
            else None
        )
        if case is None:
            raise forms.ValidationError(_("No such case."))
        return case

    def clean(self):
        data = super().clean()
        if data.get("case") is None and (data.get("outcome") or "").strip():
            self.add_error("case", _("Enter the case number of this outcome."))
        return data


class BaseVisitCaseFormSet(forms.BaseFormSet):
    def cases(self) -> list[tuple[Case, str]]:
        return [
            (form.cleaned_data["case"], form.cleaned_data.get("outcome", ""))
            for form in self.forms
            if form.cleaned_data.get("case") is not None
        ]


VisitCaseFormSet = forms.formset_factory(
    VisitCaseForm, formset=BaseVisitCaseFormSet, extra=5, max_num=50, absolute_max=50
)


class NumbersForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=date_widget())
    end = forms.DateField(label=_("Until"), widget=date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self, focus=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end cannot be before the start."))
            elif (end - start).days > 3660:
                self.add_error("end", _("Choose at most ten years."))
        return data
