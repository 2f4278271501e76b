"""Filter pieces shared by the list filters of every app (page and API)."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .workcalendar import start_of_day

# Days typed beyond these bound nothing (and midnight of year 1 has no UTC instant).
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(9999, 12, 1)


class YesNoAll(django_filters.widgets.BooleanWidget):
    """Yes / no / all, rather than django-filter's "unknown" for the empty choice."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class DayFilter(django_filters.DateFilter):
    """A date, typed in the browser's date picker."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(*args, **kwargs)


# A day typed against a date-time field is compared with the day's bounds in local time, not
# with the field's date: so the field's index serves.


class SinceDayFilter(DayFilter):
    """On a date-time field: from the start of the day typed."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES or value <= EARLIEST:
            return qs
        return qs.filter(**{f"{self.field_name}__gte": start_of_day(value)})


class UntilDayFilter(DayFilter):
    """On a date-time field: up to the end of the day typed."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES or value >= LATEST:
            return qs
        end = start_of_day(value + datetime.timedelta(days=1))
        return qs.filter(**{f"{self.field_name}__lt": end})


class ContainsAnyFilter(django_filters.CharFilter):
    """Text found in any of `fields`, ignoring case and the spaces around it."""

    def __init__(self, *args, fields: tuple[str, ...], **kwargs):
        self.fields = fields
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        condition = Q()
        for field in self.fields:
            condition |= Q(**{f"{field}__icontains": value})
        return qs.filter(condition)


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """Chooses a unit or category by its code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)


class QuickSelect(forms.Select):
    """A select rendered without a template per option: a unit list has a thousand
    options or more, and a list's filter bar several such selects, which Django's option
    templates take a tenth of a second or more to render."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'<option value="{escape(str(option["value"]))}"'
            f"{' selected' if option['selected'] else ''}>{escape(str(option['label']))}</option>"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe(options),  # every value and label escaped above
        )
