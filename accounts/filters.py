"""Filter pieces shared by the list filters of every app (page and API)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


class YesNoAll(django_filters.widgets.BooleanWidget):
    """Yes / no / all, rather than django-filter's "unknown" for the empty choice."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """Chooses a unit or category by its code."""
