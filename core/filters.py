"""Filter pieces shared by the list filters of every app (page and API)."""

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


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
