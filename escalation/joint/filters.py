"""The joint supervision board's filters (the dashboard's figures drill down to them): the
area of the opening unit and the days the supervisions were opened."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.filters import AreaFilterSet, area_filter
from core.filters import DayFilter

from ..models import JointSupervision

# The board's third tab: open and closed together (what the dashboard's count drills down to).
ALL = "all"


class JointFilter(AreaFilterSet):
    area_field = "opening_unit"
    area = area_filter(_("Opened by (area)"), help_text="")
    opened_from = DayFilter(field_name="opened_on", lookup_expr="gte", label=_("Opened from"))
    opened_to = DayFilter(field_name="opened_on", lookup_expr="lte", label=_("Opened to"))

    class Meta:
        model = JointSupervision
        fields: list[str] = []
