"""API: major and urgent matters (重大、紧急信访事项, Art. 25), issue 17 §3.

`GET /api/v1/urgent-reports/` the information reports the caller sees (filters as on the
list page: `area`, `gravity`, `status`, `reported`, `late`, `flagged_from`, `flagged_to`,
`case`); `POST` flags a case (`case` number, `gravity` major|urgent, `reason`, optional
`content`); `GET …/{id}/`; `POST …/{id}/issue/` sends the report (`content`),
`…/acknowledge/` acknowledges it for the caller's unit, `…/follow_up/` sends a follow-up
(`content`). Errors: 400 `{field: [messages]}`, 403 wrong role or unit, 404 outside the
caller's scope, 409 a step the report's state refuses."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.parsers import FormParser

from cases.fields import CaseNumberField
from core.api_input import JSONParser, SlugRelatedField
from core.exceptions import NotAllowed
from core.limits import LONG_TEXT
from core.rest import ScopedViewSet, create_action, row_action

from ..models import Gravity, UrgentRecipient, UrgentReport
from ..permissions import can_flag_urgent
from .filters import UrgentFilter
from .selectors import report_detail, report_list
from .services import (
    urgent_acknowledge,
    urgent_flag,
    urgent_follow_up,
    urgent_report_issue,
)


class FlagSerializer(serializers.Serializer):
    case = CaseNumberField(required=True, help_text=_("Case number."))
    gravity = serializers.ChoiceField(choices=Gravity.choices)
    reason = serializers.CharField(max_length=LONG_TEXT)
    content = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class ContentSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=LONG_TEXT)


class RecipientSerializer(serializers.ModelSerializer):
    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    acknowledged_by = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = UrgentRecipient
        fields = ["unit", "unit_name", "acknowledged_at", "acknowledged_by"]
        read_only_fields = fields


class UrgentReportSerializer(serializers.ModelSerializer):
    case = SlugRelatedField(slug_field="number", read_only=True)
    reporting_unit = SlugRelatedField(slug_field="code", read_only=True)
    reporting_unit_name = serializers.CharField(source="reporting_unit.name", read_only=True)
    flagged_by = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    issued_by = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    recipients = RecipientSerializer(many=True, read_only=True)
    late = serializers.SerializerMethodField()

    class Meta:
        model = UrgentReport
        fields = [
            "id",
            "number",
            "case",
            "gravity",
            "reason",
            "content",
            "reporting_unit",
            "reporting_unit_name",
            "flagged_by",
            "flagged_at",
            "report_due_at",
            "issued_at",
            "issued_by",
            "ack_due_at",
            "status",
            "late",
            "recipients",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_late(self, report: UrgentReport) -> bool:
        return report.is_late(timezone.now())


@extend_schema_view(
    list=extend_schema(
        summary=_("Information reports of major and urgent matters the caller sees")
    ),
    retrieve=extend_schema(summary=_("One information report (404 outside the caller's scope)")),
)
class UrgentReportViewSet(ScopedViewSet):
    serializer_class = UrgentReportSerializer
    parser_classes = [JSONParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = UrgentFilter
    model = UrgentReport
    find_row = staticmethod(report_detail)

    def check_permissions(self, request) -> None:
        """One who may not flag at all is refused before the input is read (as the flag page
        does): a user without a unit sees no case, and would be told there is no such case."""
        super().check_permissions(request)
        user = request.user
        if self.action == "create" and not can_flag_urgent(user):
            raise NotAllowed(_("Only the staff of a unit flag a matter as major or urgent."))

    def visible_rows(self, wanted: dict):
        return (
            report_list(self.request.user)
            .prefetch_related("recipients__unit", "recipients__acknowledged_by")
            .select_related("flagged_by", "issued_by")
        )

    create = create_action(
        _("Flag a case major or urgent (starts its information report)"),
        FlagSerializer,
        urgent_flag,
        UrgentReportSerializer,
    )
    issue = row_action(
        "issue",
        _("Send the information report"),
        ContentSerializer,
        urgent_report_issue,
        UrgentReportSerializer,
        row="report",
    )
    acknowledge = row_action(
        "acknowledge",
        _("Acknowledge the report for the caller's unit"),
        None,
        urgent_acknowledge,
        UrgentReportSerializer,
        row="report",
    )
    follow_up = row_action(
        "follow_up",
        _("Send a follow-up report"),
        ContentSerializer,
        urgent_follow_up,
        UrgentReportSerializer,
        row="report",
    )


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [
    ("urgent-reports", UrgentReportViewSet, "urgent-report"),
]
