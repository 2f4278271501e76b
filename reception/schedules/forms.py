"""Forms of the schedule pages. Field names are the API's (`leader`, `kind`, `weekdays`,
`days`, `start_time`, `end_time`, `place`, `slots`, `attending_units`, `valid_from`,
`valid_until`; for one day `reason`, `move_to`); `service_kwargs` maps them onto the
services, which check the rules (so form and API say the same)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import unit_picker
from core.forms import UnitMultipleChoiceField, UserChoiceField, bootstrap, date_widget

from ..models import ReceptionSchedule, ScheduleKind
from .selectors import leaders_for_schedules
from .services.schedules import schedule_problems, schedule_settings

WEEKDAYS = [
    (1, _("Mon")),
    (2, _("Tue")),
    (3, _("Wed")),
    (4, _("Thu")),
    (5, _("Fri")),
    (6, _("Sat")),
    (7, _("Sun")),
]
# Days of the month as a clerk types them: "10 20 30", "10,20,30", "10、20、30", "10，20".
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_days(text: str) -> list[int]:
    """The numbers in `text`, in the order typed; `ValueError` on anything else."""
    parts = [part for part in _SEPARATORS.split((text or "").strip()) if part]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError(text)
    return [int(part) for part in parts]


class DaysOfMonthField(forms.CharField):
    def to_python(self, value) -> list[int]:
        text = super().to_python(value)
        try:
            return parse_days(text)
        except ValueError:
            raise forms.ValidationError(
                _("Type the days as numbers, e.g. 10, 20, 30."), code="invalid"
            ) from None

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(number) for number in value)
        return value


def time_widget() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ScheduleForm(forms.Form):
    """A new schedule (with `leader`) or a change to one (without)."""

    leader = UserChoiceField(label=_("Leader"), queryset=User.objects.none())
    kind = forms.ChoiceField(
        label=_("Recurrence"),
        choices=ScheduleKind.choices,
        initial=ScheduleKind.WEEKLY,
        widget=forms.RadioSelect,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    days = DaysOfMonthField(
        label=_("Days of the month"),
        required=False,
        help_text=_("E.g. 10, 20, 30. A day a month lacks means its last day."),
    )
    start_time = forms.TimeField(label=_("Reception starts at"), widget=time_widget())
    end_time = forms.TimeField(label=_("Reception ends at"), widget=time_widget())
    place = forms.CharField(label=_("Place"), max_length=200)
    slots = forms.IntegerField(
        label=_("Appointment slots"), widget=forms.NumberInput(attrs={"min": 1, "max": 50})
    )
    attending_units = UnitMultipleChoiceField(
        label=_("Usual attending units"), queryset=OrgUnit.objects.none(), required=False
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=date_widget(),
        help_text=_("Empty: from today."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=date_widget(),
        help_text=_("Empty: until further notice."),
    )

    def __init__(self, *args, user: User, schedule: ReceptionSchedule | None = None, **kwargs):
        if schedule is not None and "initial" not in kwargs:
            kwargs["initial"] = schedule_settings(schedule)
        super().__init__(*args, **kwargs)
        self.schedule = schedule
        self.user = user
        if schedule is None:
            leaders = leaders_for_schedules(user)
            self.fields["leader"].queryset = leaders
            if not self.is_bound and len(leaders) == 1:
                self.fields["leader"].initial = leaders[0].pk
        else:
            del self.fields["leader"]
        bootstrap(self)
        unit_picker(self.fields["attending_units"], user=user, scope="visible_active")
        first = "leader" if schedule is None else "place"
        self.fields[first].widget.attrs["autofocus"] = True

    def clean(self):
        data = super().clean()
        # The other kind's numbers may still be in the form: they do not count.
        if data.get("kind") == ScheduleKind.WEEKLY:
            data["days"] = []
        elif data.get("kind") == ScheduleKind.MONTHLY:
            data["weekdays"] = []
        # The service's rules, checked now too, so that every problem shows at once.
        leader = data.get("leader") or (self.schedule.leader if self.schedule else None)
        if leader is not None:
            problems = schedule_problems(
                actor=self.user,
                leader=leader,
                kind=data.get("kind"),
                weekdays=data.get("weekdays") or [],
                days=data.get("days") or [],
                start_time=data.get("start_time"),
                end_time=data.get("end_time"),
                place=data.get("place") or "",
                slots=data.get("slots"),
                attending_units=list(data.get("attending_units") or []),
                valid_from=data.get("valid_from"),
                valid_until=data.get("valid_until"),
            )
            for name, messages in problems.items():
                if name in self.fields and name not in self.errors:
                    for message in messages:
                        self.add_error(name, message)
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["weekdays"] = data.get("weekdays") or []
        data["days"] = data.get("days") or []
        data["attending_units"] = list(data.get("attending_units") or [])
        return data


class DayCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Told to the booked petitioners and the attending units."),
    )
    move_to = forms.DateField(
        label=_("Replacement day"),
        required=False,
        widget=date_widget(),
        help_text=_("Empty: the bookings are released. A workday: the bookings move to it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        self.fields["reason"].widget.attrs["autofocus"] = True
