"""API: the reception record (接访记录), issue 5 §5 and §7.

`POST /api/v1/reception/appointments/{id}/record/` (an action of the appointments viewset,
which finds the appointment in the caller's scope and calls `record_from_request`):
`attended` (true/false), `account` (what was said), `instruction` (the leader's 批示),
`resolved_on_spot`, and when not resolved: `responsible_unit` (code), `responsible_person`,
`due` (the report-back date). Answers 201 with the record, its assignment and supervision
notice. Errors: 400 `{field: [messages]}` (also those of the assignment and the notice, under
these names), 403 not the receiving leader (reception staff may record only a no-show), 409
already recorded, cancelled, or before the reception day."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.models import OrgUnit
from accounts.selectors import units_visible_to
from core.api_input import SlugRelatedField
from core.limits import LONG_TEXT

from ..models import Appointment, ReceptionRecord
from .services import reception_record


class RecordInputSerializer(serializers.Serializer):
    attended = serializers.BooleanField(help_text=_("Whether the petitioner came."))
    account = serializers.CharField(
        max_length=LONG_TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What the petitioner said (required when they came)."),
    )
    instruction = serializers.CharField(
        max_length=LONG_TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The leader's instruction (required unless resolved on the spot)."),
    )
    resolved_on_spot = serializers.BooleanField(required=False, default=False)
    responsible_unit = SlugRelatedField(
        slug_field="code",
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Code of the unit responsible (a unit below the case's owner)."),
    )
    responsible_person = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    due = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The day the unit must report back by."),
    )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # A unit outside the caller's area is no unit at all to them.
            fields["responsible_unit"].queryset = units_visible_to(request.user).filter(
                is_active=True
            )
        return fields

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["due_on"] = data.pop("due")
        return data


class RecordAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lead_unit = serializers.CharField(source="lead_unit.code")
    lead_unit_name = serializers.CharField(source="lead_unit.name")
    responsible_person = serializers.CharField()
    due = serializers.DateField(source="due_on")
    status = serializers.CharField()


class RecordNoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    due = serializers.DateField(source="due_on")
    url = serializers.SerializerMethodField()

    def get_url(self, notice) -> str:
        url = reverse("escalation:notice_detail", args=[notice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class RecordSerializer(serializers.ModelSerializer):
    appointment = serializers.IntegerField(source="appointment_id")
    status = serializers.CharField(source="appointment.status")
    case = serializers.CharField(source="appointment.case.number")
    assignment = RecordAssignmentSerializer(allow_null=True)
    supervision_notice = RecordNoticeSerializer(allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.username")

    class Meta:
        model = ReceptionRecord
        fields = [
            "appointment",
            "status",
            "case",
            "attended",
            "account",
            "instruction",
            "resolved_on_spot",
            "assignment",
            "supervision_notice",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


def record_from_request(request, appointment: Appointment) -> Response:
    """Record the reception of `appointment` (already found in the caller's scope) from the
    request's data; 201 with the record."""
    serializer = RecordInputSerializer(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    # The answer is read in the recording's transaction, before the commit.
    with transaction.atomic():
        record = reception_record(
            actor=request.user, appointment=appointment, **serializer.service_kwargs()
        )
        record = ReceptionRecord.objects.select_related(
            "appointment__case",
            "assignment__lead_unit",
            "supervision_notice",
            "recorded_by",
        ).get(pk=record.pk)
        data = RecordSerializer(record, context={"request": request}).data
    return Response(data, status=status.HTTP_201_CREATED)


# (prefix, viewset, basename) triples registered by config/api.py. The record itself is an
# action of the appointments viewset (reception/appointments/api.py).
routes: list = []
