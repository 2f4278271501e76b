"""API: supervision notices (督办通知书 / 催办), issue 4 §3 and §7.

`GET /api/v1/supervision-notices/` lists the notices the caller may see (`tab`: `awaiting`
our response, `issued` in my area, `all`; `case` a case number; `open` true/false);
`POST` issues one (`case` number, `unit` code, `due`, `content`, optional `kind`
supervise|urge: a supervisor whose area holds both); `GET …/{id}/` one notice;
`POST …/{id}/respond/` the addressed unit's written response (`response`, optional `date`).
Errors: 400 `{field: [messages]}`, 403 wrong role, 404 outside the caller's scope, 409
already answered."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.parsers import FormParser

from accounts.models import OrgUnit
from accounts.selectors import units_visible_to
from cases.fields import CaseNumberField
from core.api_input import JSONParser, SlugRelatedField
from core.limits import LONG_TEXT
from core.rest import BackEntryInput, ScopedViewSet, create_action, row_action

from ..models import NoticeKind, SupervisionNotice
from .selectors import NoticeTab, notice_detail, notice_list
from .services import supervision_notice_issue, supervision_notice_respond


class NoticeState:
    OPEN = "open"
    OVERDUE = "overdue"
    ANSWERED = "answered"


def notice_state(notice: SupervisionNotice, today=None) -> str:
    if notice.responded_on is not None:
        return NoticeState.ANSWERED
    today = today or timezone.localdate()
    return NoticeState.OVERDUE if notice.due_on < today else NoticeState.OPEN


# --- input ------------------------------------------------------------------------------------


class NoticeIssueSerializer(serializers.Serializer):
    case = CaseNumberField(required=True, help_text=_("Case number."))
    unit = SlugRelatedField(
        slug_field="code",
        queryset=OrgUnit.objects.filter(is_active=True),
        help_text=_("Code of the unit addressed."),
    )
    due = serializers.DateField(help_text=_("The day the written response is due."))
    content = serializers.CharField(max_length=LONG_TEXT, help_text=_("What the unit must do."))
    kind = serializers.ChoiceField(choices=NoticeKind.choices, default=NoticeKind.SUPERVISE)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # A unit outside the caller's area is no unit at all to them.
            fields["unit"].queryset = units_visible_to(request.user).filter(is_active=True)
        return fields

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["due_on"] = data.pop("due")
        return data


class NoticeRespondSerializer(BackEntryInput):
    response = serializers.CharField(
        max_length=LONG_TEXT, help_text=_("The unit's written response.")
    )
    date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The day it was answered, for a paper response entered later; empty: today."),
    )


class NoticeQuerySerializer(serializers.Serializer):
    tab = serializers.ChoiceField(choices=NoticeTab.values, default=NoticeTab.ALL)
    case = serializers.CharField(max_length=40, required=False)
    open = serializers.BooleanField(required=False, allow_null=True, default=None)


# --- output -----------------------------------------------------------------------------------


class NoticeDocumentSerializer(serializers.Serializer):
    name = serializers.CharField()
    print_url = serializers.CharField()
    docx_url = serializers.CharField()


class NoticeSerializer(serializers.ModelSerializer):
    case = SlugRelatedField(slug_field="number", read_only=True)
    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    issuing_unit = SlugRelatedField(slug_field="code", read_only=True)
    issued_by = SlugRelatedField(slug_field="username", read_only=True)
    responded_by = SlugRelatedField(slug_field="username", read_only=True)
    due = serializers.DateField(source="due_on", read_only=True)
    # A plain string here: one enum component (the input's) for the notice kind.
    kind = serializers.CharField(read_only=True, help_text="supervise | urge")
    status = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionNotice
        fields = [
            "id",
            "number",
            "kind",
            "case",
            "unit",
            "unit_name",
            "content",
            "issued_on",
            "due",
            "issuing_unit",
            "issued_by",
            "automatic",
            "status",
            "response",
            "responded_on",
            "responded_by",
            "documents",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(
            choices=[NoticeState.OPEN, NoticeState.OVERDUE, NoticeState.ANSWERED]
        )
    )
    def get_status(self, notice: SupervisionNotice) -> str:
        return notice_state(notice, self.context.get("today"))

    @extend_schema_field(NoticeDocumentSerializer(many=True))
    def get_documents(self, notice: SupervisionNotice) -> list[dict]:
        request = self.context.get("request")

        def link(name: str) -> str:
            url = reverse(name, args=[notice.pk])
            return request.build_absolute_uri(url) if request is not None else url

        title = "催办通知书" if notice.kind == NoticeKind.URGE else "督办通知书"
        return [
            {
                "name": title,
                "print_url": link("escalation:notice_print"),
                "docx_url": link("escalation:notice_docx"),
            }
        ]


@extend_schema_view(
    list=extend_schema(
        summary=_("Supervision notices the caller may see"),
        parameters=[
            OpenApiParameter("tab", str, enum=list(NoticeTab.values)),
            OpenApiParameter("case", str, description="Case number"),
            OpenApiParameter("open", bool, description="Only open (true) or answered (false)"),
        ],
    ),
    retrieve=extend_schema(summary=_("One supervision notice (404 outside the caller's scope)")),
)
class SupervisionNoticeViewSet(ScopedViewSet):
    serializer_class = NoticeSerializer
    parser_classes = [JSONParser, FormParser]
    lookup_value_regex = r"[^/]+"
    model = SupervisionNotice
    find_row = staticmethod(notice_detail)
    query_serializer = NoticeQuerySerializer

    def visible_rows(self, wanted: dict):
        queryset = notice_list(user=self.request.user, tab=wanted["tab"])
        if wanted.get("case"):
            queryset = queryset.filter(case__number=wanted["case"])
        if wanted.get("open") is not None:
            queryset = queryset.filter(responded_on__isnull=wanted["open"])
        return queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    create = create_action(
        _("Issue a supervision notice (supervisors)"),
        NoticeIssueSerializer,
        supervision_notice_issue,
        NoticeSerializer,
    )
    respond = row_action(
        "respond",
        _("Answer a supervision notice in writing (the unit addressed)"),
        NoticeRespondSerializer,
        supervision_notice_respond,
        NoticeSerializer,
        row="notice",
    )


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [
    ("supervision-notices", SupervisionNoticeViewSet, "supervision-notice"),
]
