"""API: four-level consultation (四级会诊), issue 4 §4 and §7.

`GET /api/v1/consultations/` lists the consultations the caller sees (newest first; `case` a
case number; `area` a unit's code, the consultations its subtree held; `held_from`,
`held_to`; `level`; `state` escalated | standing | tasks_overdue), `GET …/{id}/` one; `POST`
records one level (`case` number, `level` 1–4, `date` held on, `units` codes attending,
`attendees`, `experts`, `analysis`, `decision`, `tasks` [{`unit` code, `task`, `due`}]):
level 1 on a case without consultations, level N only once level N−1 was escalated.
`POST …/{id}/escalate/` (`level` = its level + 1, `reason`, optional `date`) takes it one
level up; `POST …/{id}/tasks/{task}/done/` (optional `date`) marks a task of the caller's
unit done. Errors: 400 `{field: [messages]}` (a refused level is an error on `level`), 403
wrong role or unit, 404 outside the caller's scope, 409 already escalated or done."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser

from accounts.models import OrgUnit
from cases.fields import CaseNumberField
from core.api_input import JSONParser, SlugRelatedField
from core.limits import LONG_TEXT
from core.pages import found_or_404
from core.rest import BackEntryInput, ScopedViewSet, create_action, object_id, row_action

from ..models import Consultation, ConsultationTask
from .filters import ConsultationFilter
from .selectors import (
    consultation_detail,
    consultation_list,
    consultation_task_detail,
)
from .services.followup import consultation_escalate, consultation_task_done
from .services.meetings import TaskDraft, consultation_record

UNIT = {"slug_field": "code", "queryset": OrgUnit.objects.filter(is_active=True)}


def task_state(task: ConsultationTask, today=None) -> str:
    if task.done_on is not None:
        return "done"
    return "overdue" if task.due_on < (today or timezone.localdate()) else "open"


# --- input ------------------------------------------------------------------------------------


class ConsultationTaskInputSerializer(serializers.Serializer):
    unit = SlugRelatedField(help_text=_("Code of the unit given the task."), **UNIT)
    task = serializers.CharField(max_length=LONG_TEXT)
    due = serializers.DateField()


class ConsultationInputSerializer(serializers.Serializer):
    case = CaseNumberField(required=True, help_text=_("Case number."))
    level = serializers.IntegerField(help_text=_("1 to 4: the next level the case may reach."))
    date = serializers.DateField(help_text=_("The day the consultation was held."))
    units = SlugRelatedField(many=True, help_text=_("Codes of the units attending."), **UNIT)
    attendees = serializers.CharField(max_length=LONG_TEXT, help_text=_("The people attending."))
    experts = serializers.CharField(
        max_length=LONG_TEXT, required=False, allow_blank=True, default="",
        help_text=_("Invited experts (required at level 3)."),
    )  # fmt: skip
    analysis = serializers.CharField(max_length=LONG_TEXT)
    decision = serializers.CharField(max_length=LONG_TEXT)
    tasks = ConsultationTaskInputSerializer(many=True, required=False, default=list)

    def validate_tasks(self, value: list) -> list:
        if len(value) > 50:
            raise serializers.ValidationError(_("At most 50 tasks."))
        return value

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["held_on"] = data.pop("date")
        data["tasks"] = [
            TaskDraft(unit=task["unit"], task=task["task"], due_on=task["due"])
            for task in data["tasks"]
        ]
        return data


class ConsultationEscalateSerializer(BackEntryInput):
    level = serializers.IntegerField(help_text=_("The consultation's level + 1."))
    reason = serializers.CharField(max_length=LONG_TEXT)
    date = serializers.DateField(
        required=False, allow_null=True, help_text=_("The day it was decided; empty: today.")
    )


class ConsultationTaskDoneSerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False, allow_null=True, help_text=_("The day it was done; empty: today.")
    )


# --- output -----------------------------------------------------------------------------------


class ConsultationTaskSerializer(serializers.ModelSerializer):
    unit = SlugRelatedField(slug_field="code", read_only=True)
    due = serializers.DateField(source="due_on", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationTask
        fields = ["id", "unit", "task", "due", "done_on", "state"]

    def get_state(self, task: ConsultationTask) -> str:
        return task_state(task)


class ConsultationSerializer(serializers.ModelSerializer):
    case = SlugRelatedField(slug_field="number", read_only=True)
    level = serializers.IntegerField(read_only=True)
    level_name = serializers.CharField(source="get_level_display", read_only=True)
    date = serializers.DateField(source="held_on", read_only=True)
    units = SlugRelatedField(slug_field="code", many=True, read_only=True)
    recorded_by = SlugRelatedField(slug_field="username", read_only=True)
    recording_unit = SlugRelatedField(slug_field="code", read_only=True)
    escalated_by = SlugRelatedField(slug_field="username", read_only=True)
    tasks = ConsultationTaskSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The case's consultation page."))

    class Meta:
        model = Consultation
        fields = [
            "id",
            "case",
            "level",
            "level_name",
            "date",
            "units",
            "attendees",
            "experts",
            "analysis",
            "decision",
            "recorded_by",
            "recording_unit",
            "escalated_on",
            "escalated_by",
            "escalation_reason",
            "tasks",
            "url",
        ]

    def get_url(self, consultation: Consultation) -> str:
        return reverse("escalation:case_consultations", args=[consultation.case.number])


# --- views -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("Consultations the caller sees, newest first"),
        parameters=[OpenApiParameter("case", str, description=_("A case number."))],
    ),
    retrieve=extend_schema(summary=_("One consultation with its tasks")),
)
class ConsultationViewSet(ScopedViewSet):
    serializer_class = ConsultationSerializer
    parser_classes = [JSONParser, FormParser]
    model = Consultation
    find_row = staticmethod(consultation_detail)
    # `area`, `held_from`, `held_to`, `level`, `state`: the list page's filters.
    filter_backends = [DjangoFilterBackend]
    filterset_class = ConsultationFilter

    def visible_rows(self, wanted: dict):
        number = self.request.query_params.get("case")
        if number is not None and "\x00" in number:
            return Consultation.objects.none()
        return consultation_list(user=self.request.user, case_number=number)

    create = create_action(
        _("Record a consultation level"),
        ConsultationInputSerializer,
        consultation_record,
        ConsultationSerializer,
    )
    escalate = row_action(
        "escalate",
        _("Escalate a consultation one level up, with the reason"),
        ConsultationEscalateSerializer,
        consultation_escalate,
        ConsultationSerializer,
        row="consultation",
    )

    @extend_schema(
        summary=_("Mark a task of the caller's unit done"),
        parameters=[OpenApiParameter("task_id", int, OpenApiParameter.PATH)],
        request=ConsultationTaskDoneSerializer,
        responses={200: ConsultationSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"tasks/(?P<task_id>[0-9]+)/done")
    def task_done(self, request, pk=None, task_id=None):
        consultation = self.get_object()
        task = found_or_404(
            ConsultationTask, consultation_task_detail, user=request.user, pk=object_id(task_id)
        )
        if task.consultation_id != consultation.pk:
            raise Http404
        data = self.parse(ConsultationTaskDoneSerializer)
        consultation_task_done(actor=request.user, task=task, on=data.get("date"))
        return self._answer(consultation)


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [("consultations", ConsultationViewSet, "consultation")]
