"""Input of the work calendar: a list of days as people write them, and the form that loads a
year's official schedule (admin page and management command read days the same way)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import User
from .services import FIRST_YEAR, LAST_YEAR, calendar_year_load_official

# Between two dates of a range: "..", "~", "～", "—", "至" or "到" (a bare "-" is part of a date).
RANGE = re.compile(r"^(\S+?)\s*(?:\.\.|~|～|—|至|到)\s*(\S+)$")
# Between items: new lines, commas (full- or half-width), semicolons and 、.
SEPARATORS = re.compile(r"[\n,，;；、]+")
# The longest range one item may span (a holiday is at most a few weeks).
LONGEST_RANGE = 31


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise ValidationError(
            _("“%(text)s” is not a date (write it as 2027-02-05).") % {"text": text.strip()}
        ) from None


def parse_days(text: str) -> list[datetime.date]:
    """The days of `text`: dates (2027-02-05) and ranges (2027-02-05..2027-02-11, also with
    ~ or 至), separated by new lines, commas or 、, in order and without repeats."""
    days: set[datetime.date] = set()
    for item in SEPARATORS.split(text or ""):
        item = item.strip()
        if not item:
            continue
        match = RANGE.match(item)
        if match is None:
            days.add(_date(item))
            continue
        first, last = _date(match.group(1)), _date(match.group(2))
        if last < first:
            raise ValidationError(_("The range “%(text)s” ends before it starts.") % {"text": item})
        if (last - first).days >= LONGEST_RANGE:
            raise ValidationError(
                _("The range “%(text)s” is longer than %(days)d days.")
                % {"text": item, "days": LONGEST_RANGE}
            )
        days.update(first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return sorted(days)


class DaysField(forms.CharField):
    """A text area of days and ranges (`parse_days`); cleans to a sorted list of dates."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def to_python(self, value):
        return parse_days(super().to_python(value))


class OfficialScheduleForm(forms.Form):
    """A year's official schedule (国务院办公厅关于部分节假日安排的通知)."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The notice the schedule comes from (document number)."),
    )
    rest_days = DaysField(
        label=gettext_lazy("Rest days"),
        help_text=gettext_lazy(
            "The holidays with their days off, e.g. 2027-02-05..2027-02-13; one date or range "
            "per line or separated by commas."
        ),
    )
    workdays = DaysField(
        label=gettext_lazy("Make-up workdays (调休)"),
        required=False,
        help_text=gettext_lazy("Weekend days that are workdays, e.g. 2027-02-20."),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Remove the year's other days"),
        required=False,
        help_text=gettext_lazy(
            "Remove the days entered for this year that are not in this schedule (e.g. an "
            "earlier guess). Leave unchecked to keep them (e.g. a day closed for a typhoon)."
        ),
    )

    def load(self, *, actor: User | None):
        """Load the schedule through `calendar_year_load_official` (call after is_valid())."""
        data = self.cleaned_data
        return calendar_year_load_official(
            actor=actor,
            year=data["year"],
            rest_days=data["rest_days"],
            workdays=data["workdays"],
            source=data["source"],
            replace=data["replace"],
        )
