"""Form of the reception record page. Field names are the API's (`attended`, `account`,
`instruction`, `resolved_on_spot`, `responsible_unit`, `responsible_person`, `due`);
`service_kwargs` maps them onto the service."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from accounts.pickers import unit_picker
from cases.models import Case
from core.forms import UnitChoiceField, bootstrap, date_widget, focus_first, textarea
from core.limits import LONG_TEXT

CAME = "yes"
DID_NOT_COME = "no"


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
        max_length=LONG_TEXT,
        required=False,
        widget=textarea(5),
        help_text=_("The petitioner's account and requests, and what the leader explained."),
    )
    instruction = forms.CharField(
        label=_("Leader's instruction"),
        max_length=LONG_TEXT,
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
        if answer_due is not None:
            self.fields["due"].help_text = _("At the latest %(date)s (the answer is due).") % {
                "date": f"{answer_due:%Y-%m-%d}"
            }
        bootstrap(self)
        focus_first(self, marked=True)
        # The case is the scope's context: the user only matters to a search by its number.
        unit_picker(
            self.fields["responsible_unit"], user=None, scope="case_below_owner", context=case
        )

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
