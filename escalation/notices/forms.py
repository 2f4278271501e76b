"""Forms of the supervision notice pages (督办通知书). Field names are the API's (`unit`,
`due`, `content`, `kind`; `response`, `date`); `service_kwargs` maps them onto the service."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import register_unit_scope, unit_picker
from accounts.selectors import units_visible_to
from cases.models import Case
from cases.pickers import case_for_picker
from cases.selectors.accusations import accused_unit_ids
from core.forms import UnitChoiceField, bootstrap, date_widget, focus_first, textarea
from core.limits import LONG_TEXT

from ..models import NoticeKind
from .services import automatic_response_due


@register_unit_scope("notice_units")
def _notice_scope(user: User, context: object) -> QuerySet[OrgUnit]:
    case = context if isinstance(context, Case) else case_for_picker(user, str(context))
    return notice_units(user, case) if case is not None else OrgUnit.objects.none()


def notice_units(user: User, case: Case) -> QuerySet[OrgUnit]:
    """Units a supervisor may address: active units in their area, never one inside a unit
    the case accuses."""
    units = units_visible_to(user).filter(is_active=True).order_by("path")
    for accused in OrgUnit.objects.filter(pk__in=accused_unit_ids(case)).only("path"):
        units = units.exclude(path__startswith=accused.path)
    return units


class NoticeIssueForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit addressed"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind of notice"), choices=NoticeKind.choices, initial=NoticeKind.SUPERVISE
    )
    content = forms.CharField(
        label=_("Requirements"),
        max_length=LONG_TEXT,
        widget=textarea(6),
        help_text=_("What the unit must do; one paragraph per line."),
    )
    due = forms.DateField(
        label=_("Written response due"),
        widget=date_widget(),
        help_text=_("Five workdays from today unless you set another date."),
    )

    def __init__(self, *args, user: User, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        unit_picker(self.fields["unit"], user=user, scope="notice_units", context=case)
        self.fields["due"].initial = automatic_response_due(timezone.localdate())
        if not self.is_bound and case.owner_unit_id:
            self.fields["unit"].initial = case.owner_unit_id
        bootstrap(self)
        focus_first(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["due_on"] = data.pop("due")
        return data


class NoticeRespondForm(forms.Form):
    response = forms.CharField(
        label=_("Written response"),
        max_length=LONG_TEXT,
        widget=textarea(6),
        help_text=_("What the unit did and its result."),
    )
    date = forms.DateField(
        label=_("Back-entry date"),
        required=False,
        widget=date_widget(),
        help_text=_("The day it was answered, if earlier than today (paper records)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        focus_first(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["on"] = data.pop("date")
        return data
