"""API: five-party joint supervision (`/api/v1/supervisions/`).

- `GET /supervisions/` the supervisions the caller sees (filters `status`, `case`);
- `GET /supervisions/{id}/` one, with its parties, their reports and the three documents
  (assignment letter, summary, responsibility table) with download links;
- `POST /supervisions/` `{case, parties: [{role, unit, task, due}], summary?}` opens one;
- `POST /supervisions/{id}/report/` `{role, content, done, date?}` a party reports.

Errors: 400 `{field: [messages]}`, 403 wrong role, 404 outside the caller's scope, 409 a
conflict (see `accounts.api.exception_handler`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers

from accounts.models import OrgUnit
from cases.fields import CaseNumberField
from core.api_input import SlugRelatedField
from core.limits import LONG_TEXT
from core.rest import BackEntryInput, ScopedViewSet, create_action, row_action

from ..models import JointStatus, JointSupervision, PartyRole
from .documents import JOINT_DOCUMENTS
from .selectors import (
    detail_party_rows,
    joint_board,
    party_row,
    supervision_detail,
)
from .services.opening import PartyDraft, joint_supervision_open
from .services.reporting import joint_party_report

# --- input --------------------------------------------------------------------------------------


class JointPartyInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    unit = SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.filter(is_active=True))
    task = serializers.CharField(max_length=LONG_TEXT, allow_blank=True)
    due = serializers.DateField()


class JointOpenSerializer(serializers.Serializer):
    case = CaseNumberField(required=True, help_text=_("The case number."))
    parties = JointPartyInputSerializer(many=True, allow_empty=True, max_length=20)
    summary = serializers.CharField(
        max_length=LONG_TEXT,
        required=False,
        allow_blank=True,
        help_text=_("Empty: the case's summary and what its petitions say."),
    )

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {
            "case": data["case"],
            "parties": [
                PartyDraft(role=p["role"], unit=p["unit"], task=p["task"], due_on=p["due"])
                for p in data["parties"]
            ],
            "summary": data.get("summary") or None,
        }


class JointReportInputSerializer(BackEntryInput):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    content = serializers.CharField(max_length=LONG_TEXT, allow_blank=True)
    done = serializers.BooleanField(default=False)
    date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The day it happened, for a paper record entered later; empty: today."),
    )


class JointQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=JointStatus.choices, required=False)
    case = serializers.CharField(max_length=40, required=False)


# --- output -------------------------------------------------------------------------------------


class JointReportOutSerializer(serializers.Serializer):
    content = serializers.CharField()
    done = serializers.BooleanField()
    date = serializers.DateField(source="reported_on")
    reported_by = serializers.CharField(source="reported_by.username")


class JointPartyOutSerializer(serializers.Serializer):
    role = serializers.CharField(source="party.role")
    duty = serializers.CharField(source="party.get_role_display")
    unit = serializers.CharField(source="party.unit.code")
    unit_name = serializers.CharField(source="party.unit.name")
    task = serializers.CharField(source="party.task")
    due = serializers.DateField(source="party.due_on")
    done_on = serializers.DateField(source="party.done_on", allow_null=True)
    state = serializers.CharField()
    days_left = serializers.IntegerField(allow_null=True)


class JointPartyDetailSerializer(JointPartyOutSerializer):
    reports = JointReportOutSerializer(source="party.reports.all", many=True)


class SupervisionListSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    case = serializers.CharField(source="case.number")
    status = serializers.CharField()
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    opening_unit = serializers.CharField(source="opening_unit.code")
    parties = serializers.SerializerMethodField()

    @extend_schema_field(JointPartyOutSerializer(many=True))
    def get_parties(self, supervision: JointSupervision) -> list:
        today = timezone.localdate()
        rows = [party_row(party, today) for party in supervision.parties.all()]
        return JointPartyOutSerializer(rows, many=True).data


class JointDocumentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    print_url = serializers.CharField()
    docx_url = serializers.CharField()


class SupervisionDetailSerializer(SupervisionListSerializer):
    summary = serializers.CharField()
    documents = serializers.SerializerMethodField()

    @extend_schema_field(JointPartyDetailSerializer(many=True))
    def get_parties(self, supervision: JointSupervision) -> list:
        return JointPartyDetailSerializer(detail_party_rows(supervision), many=True).data

    @extend_schema_field(JointDocumentSerializer(many=True))
    def get_documents(self, supervision: JointSupervision) -> list:
        request = self.context.get("request")
        items = []
        for kind in JOINT_DOCUMENTS.values():
            print_url = reverse("escalation:joint_document", args=[supervision.pk, kind.slug])
            docx_url = reverse("escalation:joint_document_docx", args=[supervision.pk, kind.slug])
            if request is not None:
                print_url = request.build_absolute_uri(print_url)
                docx_url = request.build_absolute_uri(docx_url)
            items.append(
                {
                    "kind": kind.slug,
                    "title": kind.title,
                    "print_url": print_url,
                    "docx_url": docx_url,
                }
            )
        return JointDocumentSerializer(items, many=True).data


# --- views --------------------------------------------------------------------------------------


class JointSupervisionViewSet(ScopedViewSet):
    """Five-party joint supervisions (五方联合督办) the caller sees: on a case in their scope,
    or with a party their unit acts for."""

    serializer_class = SupervisionListSerializer
    answer_serializer = SupervisionDetailSerializer
    model = JointSupervision
    find_row = staticmethod(supervision_detail)
    query_serializer = JointQuerySerializer

    def visible_rows(self, wanted: dict):
        return joint_board(
            user=self.request.user, status=wanted.get("status"), case_number=wanted.get("case")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=JointStatus.values),
            OpenApiParameter("case", str, description=_("Case number.")),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=SupervisionDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    create = create_action(
        _("Open a five-party joint supervision on a case"),
        JointOpenSerializer,
        joint_supervision_open,
        SupervisionDetailSerializer,
    )
    report = row_action(
        "report",
        _("A party reports progress or completion of its task"),
        JointReportInputSerializer,
        joint_party_report,
        SupervisionDetailSerializer,
        row="supervision",
    )


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [("supervisions", JointSupervisionViewSet, "supervision")]
