"""Forms of the field visit page. Field names are the API's (`leader`, `date`, `place`,
`summary`, `cases`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from cases.models import Case
from cases.selectors import cases_visible_to
from core.forms import UserChoiceField, bootstrap, date_widget, focus_first, textarea
from core.limits import LONG_TEXT

from .selectors import leaders_for_visits
from .services import PLACE


class VisitForm(forms.Form):
    leader = UserChoiceField(label=_("Leader"), queryset=User.objects.none())
    date = forms.DateField(label=_("Date"), widget=date_widget())
    place = forms.CharField(label=_("Place"), max_length=PLACE)
    summary = forms.CharField(
        label=_("Summary"), max_length=LONG_TEXT, required=False, widget=textarea(3)
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders_for_visits(user)
        if not self.is_bound and user.has_role(Role.LEADER):
            self.fields["leader"].initial = user.pk
        bootstrap(self)
        focus_first(self, marked=True)


class VisitCaseForm(forms.Form):
    """One case taken along: its number and what came of it."""

    case = forms.CharField(label=_("Case number"), max_length=40, required=False)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=LONG_TEXT, required=False, widget=textarea(1)
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        bootstrap(self)
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
