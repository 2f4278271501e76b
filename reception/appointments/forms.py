"""Forms of the appointment pages. Field names are the API's (`petitioners`, `note`,
`reason`, `date`, `text`) except the booking form's `day`, one choice that stands for the
API's `schedule` and `date` together (their errors are shown on it)."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import register_unit_scope, unit_picker
from accounts.selectors import units_visible_to
from cases.models import Case
from cases.pickers import case_for_picker
from core.forms import UnitMultipleChoiceField, bootstrap, textarea
from core.limits import LONG_TEXT
from petitions.models import PetitionerRole

from ..selectors import DayView
from .selectors import case_attending_units, slot_time
from .services.booking import NOTE_LENGTH


def day_key(schedule_id: int, date: datetime.date) -> str:
    return f"{schedule_id}:{date.isoformat()}"


class BookingForm(forms.Form):
    """Book a case: one of the open days with a free slot, who comes, a note. `confirm` is
    set once the clerk has seen the warnings (another leader sponsors the case)."""

    day = forms.ChoiceField(label=_("Reception day"), widget=forms.RadioSelect)
    petitioners = forms.TypedMultipleChoiceField(
        label=_("Petitioners who come"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The principal; for a group, its representatives (at most five)."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_LENGTH,
        required=False,
        help_text=_("E.g. what the petitioner should bring."),
    )
    attending_units = UnitMultipleChoiceField(
        label=_("Attending units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_(
            "They write preliminary opinions and get a notice. From the case: its owner unit, "
            "lead units and co-units; the leader's usual attending units come as well."
        ),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        days: list[DayView],
        parties: list,
        preselected: list[int],
        user: User,
        case: Case,
        case_units: list[OrgUnit],
        **kw,
    ):
        super().__init__(*args, **kw)
        self.fields["attending_units"].initial = [unit.pk for unit in case_units]
        self.days = {day_key(d.schedule.pk, d.date): d for d in days}
        self.fields["day"].choices = [(key, key) for key in self.days]
        self.fields["petitioners"].choices = [
            (party.petitioner_id, party_label(party)) for party in parties
        ]
        self.fields["petitioners"].initial = preselected
        bootstrap(self)
        unit_picker(
            self.fields["attending_units"], user=user, scope="booking_attending", context=case
        )

    @property
    def chosen_day(self) -> DayView | None:
        key = self.cleaned_data.get("day") if hasattr(self, "cleaned_data") else None
        return self.days.get(key or "")

    def service_kwargs(self) -> dict:
        day = self.chosen_day
        return {
            "schedule": day.schedule,
            "date": day.date,
            "petitioners": self.cleaned_data["petitioners"],
            "note": self.cleaned_data["note"],
            "attending_units": list(self.cleaned_data["attending_units"]),
        }

    def apply_errors(self, error) -> None:
        """Show a service's field errors at the fields; `schedule` and `date` at `day`."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for name, messages in error.message_dict.items():
            target = "day" if name in ("schedule", "date") else name
            target = target if target in self.fields else None
            for message in messages:
                self.add_error(target, message)


@register_unit_scope("booking_attending")
def _attending_scope(user: User, context: object) -> QuerySet[OrgUnit]:
    case = case_for_picker(user, context)  # type: ignore[arg-type]
    if case is None:
        return OrgUnit.objects.none()
    return attending_choices(user, case_attending_units(case))


def attending_choices(user, case_units: list[OrgUnit]) -> QuerySet[OrgUnit]:
    """The units a clerk may choose to attend: the active ones of their area, and the case's."""
    return (
        OrgUnit.objects.filter(is_active=True)
        .filter(
            Q(pk__in=units_visible_to(user).values("pk"))
            | Q(pk__in=[unit.pk for unit in case_units])
        )
        .order_by("path")
    )


def party_label(party) -> str:
    role = PetitionerRole(party.role).label if party.role in PetitionerRole.values else ""
    phone = party.petitioner.phone_masked
    return " · ".join(str(part) for part in (party.petitioner.name, role, phone) if part)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=NOTE_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class MoveForm(forms.Form):
    date = forms.TypedChoiceField(
        label=_("Move to"), coerce=datetime.date.fromisoformat, empty_value=None
    )

    def __init__(self, *args, days: list[DayView], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].choices = [
            (
                d.date.isoformat(),
                _("%(date)s (%(free)d free)") % {"date": d.date.isoformat(), "free": d.free},
            )
            for d in days
        ]
        bootstrap(self)


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("Preliminary opinion"), max_length=LONG_TEXT, widget=textarea(5))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


def slot_label(day: DayView) -> str:
    return slot_time(day.schedule, day.booked + 1).strftime("%H:%M")
