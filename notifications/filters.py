"""Filters of the inbox, shared by the page and the API."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import NOTIFICATION_KINDS
from .models import Notification


class DayOrMomentField(forms.Field):
    """An ISO date (`2026-11-22`: that whole day, China time) or an ISO date-time with its
    offset (`2026-11-22T08:30:00+08:00`, `…Z`: that moment). Cleans to a `date` or an aware
    `datetime`."""

    default_error_messages = {
        "invalid": _("Enter a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM:SS+08:00).")
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        try:
            parsed = datetime.date.fromisoformat(text)
        except ValueError:
            try:
                parsed = datetime.datetime.fromisoformat(text)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
        # Years the database cannot hold once shifted to UTC are no date of ours.
        if not 1900 <= parsed.year <= 9000:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class DayOrMomentFilter(django_filters.Filter):
    field_class = DayOrMomentField


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class NotificationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        # The registry, read when a filter form is made: every kind the apps registered.
        choices=NOTIFICATION_KINDS,
        label=_("Kind"),
        empty_label=_("All kinds"),
    )
    read = django_filters.ChoiceFilter(
        choices=[("false", _("Unread")), ("true", _("Read"))],
        method="filter_read",
        label=_("Read or unread"),
        empty_label=_("All"),
        help_text=_("`false`: unread only; `true`: read only."),
    )
    case = django_filters.CharFilter(
        method="filter_case",
        max_length=40,
        label=_("Case number"),
        help_text=_("The number of the case the notification is about (exact)."),
    )
    created_after = DayOrMomentFilter(
        method="filter_created_after",
        label=_("Created from"),
        help_text=_(
            "Created on or after: a date (YYYY-MM-DD, from the start of that day, China time)"
            " or a date and time with its offset (e.g. 2026-11-22T08:00:00+08:00)."
        ),
    )
    created_before = DayOrMomentFilter(
        method="filter_created_before",
        label=_("Created to"),
        help_text=_(
            "Created on or before: a date (YYYY-MM-DD, to the end of that day, China time)"
            " or a date and time with its offset."
        ),
    )

    class Meta:
        model = Notification
        fields = ["kind"]

    def filter_read(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value != "true")

    def filter_case(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(case_number=value) if value else queryset

    # The union hint makes the schema say "string" and keep the help text.
    def filter_created_after(self, queryset, name, value: datetime.date | datetime.datetime):
        if not isinstance(value, datetime.datetime):
            value = _day_start(value)
        return queryset.filter(created_at__gte=value)

    def filter_created_before(self, queryset, name, value: datetime.date | datetime.datetime):
        if not isinstance(value, datetime.datetime):
            return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))
        return queryset.filter(created_at__lte=value)
