"""Forms of the people's suggestions' pages. Field names are the API's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from accounts.selectors import acted_unit_ids
from core.forms import UnitChoiceField, bootstrap, date_widget, focus_first, textarea
from core.limits import LONG_TEXT

from ..models import CommendationKind


class CommendForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of commendation"), choices=CommendationKind.choices)
    granted_on = forms.DateField(label=_("Granted on"), widget=date_widget())
    granting_unit = UnitChoiceField(
        label=_("Granting unit"), queryset=OrgUnit.objects.none(), required=False
    )
    text = forms.CharField(
        label=_("Reasons"),
        max_length=LONG_TEXT,
        widget=textarea(4),
        help_text=_("What the suggestion contributed, and the commendation or award given."),
    )

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The units the user acts for at or above the competent unit (their own first).
        units = [
            unit
            for unit in OrgUnit.objects.filter(pk__in=acted_unit_ids(user)).order_by("path")
            if case is not None and case.owner_unit.path.startswith(unit.path)
        ]
        self.fields["granting_unit"].queryset = OrgUnit.objects.filter(
            pk__in=[unit.pk for unit in units]
        )
        if user is not None and user.org_unit_id in {unit.pk for unit in units}:
            self.fields["granting_unit"].initial = user.org_unit_id
        bootstrap(self)
        focus_first(self)
