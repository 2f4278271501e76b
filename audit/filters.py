import django_filters
from django.core.validators import validate_ipv46_address
from django.utils.translation import gettext_lazy as _

from core.filters import SinceDayFilter, UntilDayFilter

from .models import AuditAction, AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    """The auditor's filters: time range, user, action, object, client address."""

    date_from = SinceDayFilter(field_name="when", label=_("From"))
    date_to = UntilDayFilter(field_name="when", label=_("To"))
    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="iexact", max_length=150, label=_("Username")
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    object = django_filters.CharFilter(
        field_name="object_repr", lookup_expr="icontains", max_length=200, label=_("Object")
    )
    address = django_filters.CharFilter(
        field_name="client_address", validators=[validate_ipv46_address], label=_("Client address")
    )

    class Meta:
        model = AuditEntry
        fields = ["action"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if field.widget.input_type == "select" else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"
