"""Forms of five-party joint supervision: opening one (five fixed rows, one per duty) and a
party's report. Their cleaned data maps onto the services' keyword arguments
(`service_kwargs`); the services check everything again and their errors land on the
row and field they concern (`apply_errors`)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import register_unit_scope, unit_picker
from accounts.selectors import units_visible_to
from cases.models import Case
from core.forms import BootstrapFormMixin, UnitChoiceField, date_widget, textarea
from core.limits import LONG_TEXT

from ..models import PARTY_UNIT_KINDS, JointParty, PartyRole
from .services.opening import PartyDraft, default_summary

# What each duty means, shown beside the row (DESIGN §3).
DUTY_HELP = {
    PartyRole.TRACKING: _("Petition office: tracks and supervises the whole matter."),
    PartyRole.BUSINESS: _("Business department: mediates and decides."),
    PartyRole.STABILITY: _("Stability office: keeps things stable in good time."),
    PartyRole.JUDICIAL: _("Judicial office: gives legal aid."),
    PartyRole.DISCIPLINE: _("Discipline office: audits and investigates."),
}

# The service's field names within a party → the form's field suffixes.
PARTY_FIELDS = ("unit", "task", "due")


@register_unit_scope("joint_party")
def _party_scope(user: User, context: object) -> QuerySet[OrgUnit]:
    role = str(context)
    return party_units_for(user, role) if role in PARTY_UNIT_KINDS else OrgUnit.objects.none()


def party_units_for(user: User, role: str):
    """Units a party of `role` may be: active units of the right kind in the user's area."""
    return (
        units_visible_to(user).filter(is_active=True, kind=PARTY_UNIT_KINDS[role]).order_by("path")
    )


@dataclass
class PartyRow:
    """One row of the open form: the duty and its three bound fields."""

    role: str
    label: str
    help: str
    unit: forms.BoundField
    task: forms.BoundField
    due: forms.BoundField

    @property
    def errors(self) -> list[str]:
        return [*self.unit.errors, *self.task.errors, *self.due.errors]


class JointOpenForm(BootstrapFormMixin, forms.Form):
    """Five rows (`<role>_unit`, `<role>_task`, `<role>_due`) and the summary of the matter."""

    summary = forms.CharField(
        label=_("Summary of the matter"),
        required=False,
        widget=textarea(6),
        help_text=_("Sent to all five units. Do not write ID or phone numbers."),
    )

    def __init__(self, *args, case: Case, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user
        if not self.is_bound:
            self.initial.setdefault("summary", default_summary(case))
        first = True
        for role in PartyRole.values:
            label = PartyRole(role).label
            unit = UnitChoiceField(
                label=_("%(duty)s: unit") % {"duty": label},
                queryset=OrgUnit.objects.none(),
                required=False,
                empty_label="",
            )
            unit_picker(unit, user=user, scope="joint_party", context=role)
            if first:
                unit.widget.attrs["data-first"] = ""
                first = False
            self.fields[f"{role}_unit"] = unit
            self.fields[f"{role}_task"] = forms.CharField(
                label=_("%(duty)s: task") % {"duty": label},
                required=False,
                widget=textarea(2),
                max_length=LONG_TEXT,
            )
            self.fields[f"{role}_due"] = forms.DateField(
                label=_("%(duty)s: due") % {"duty": label},
                required=False,
                widget=date_widget(),
            )
            self.fields[f"{role}_due"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.style_widgets()

    def rows(self) -> list[PartyRow]:
        return [
            PartyRow(
                role=role,
                label=str(PartyRole(role).label),
                help=str(DUTY_HELP[role]),
                unit=self[f"{role}_unit"],
                task=self[f"{role}_task"],
                due=self[f"{role}_due"],
            )
            for role in PartyRole.values
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        parties = [
            PartyDraft(
                role=role,
                unit=data.get(f"{role}_unit"),
                task=data.get(f"{role}_task") or "",
                due_on=data.get(f"{role}_due"),
            )
            for role in PartyRole.values
        ]
        return {"parties": parties, "summary": data.get("summary") or None}

    def apply_errors(self, error: ValidationError) -> None:
        """The service's errors on the fields they concern: a party's on its row's field,
        the rest above the form."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for name, errors in error.error_dict.items():
            for item in errors:
                message = item.message % item.params if item.params else item.message
                role = (item.params or {}).get("party")
                target = f"{role}_{item.code}" if role and item.code in PARTY_FIELDS else name
                self.add_error(target if target in self.fields else None, message)


class JointReportForm(BootstrapFormMixin, forms.Form):
    """A party's report: which of the user's parties (hidden when only one), what has been
    done, whether the task is complete, and the date for a paper record entered later."""

    role = forms.ChoiceField(label=_("Report for"))
    content = forms.CharField(
        label=_("Progress"), widget=textarea(3), max_length=LONG_TEXT, required=False
    )
    done = forms.BooleanField(label=_("Our task is complete"), required=False)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=date_widget(),
        help_text=_("Leave empty for today."),
    )

    def __init__(self, *args, parties: list[JointParty], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (party.role, f"{party.get_role_display()} · {party.unit.name}") for party in parties
        ]
        if len(parties) == 1:
            self.fields["role"].widget = forms.HiddenInput()
            self.initial.setdefault("role", parties[0].role)
        self.fields["content"].widget.attrs["data-first"] = ""
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.style_widgets()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "content": data.get("content") or "",
            "done": bool(data.get("done")),
            "on": data.get("date"),
        }
