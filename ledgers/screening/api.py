"""API: dispute screening and resolution (矛盾纠纷排查化解), issue 17 §1.

- `GET /api/v1/screening-rounds/` the rounds the caller sees; `POST` opens a special round
  (supervisors: `title`, `due`, `units` codes, `instructions`); `GET …/{id}/` one round.
- `GET /api/v1/screening-reports/` (filters `area`, `state`, `due_from`, `due_to`, `round`);
  `GET …/{id}/`; `POST …/{id}/submit/` the unit's report (`nothing_found`, `note`).
- `GET /api/v1/disputes/` the ledger (filters as on its page); `POST` registers a dispute
  (with `report` for a round's report); `GET …/{id}/`; `POST …/{id}/progress/`, `contain/`,
  `resolve/`, `report_up/`, `convert/` (registers the petition through the intake).

Errors: 400 `{field: [messages]}`, 403 wrong role or unit, 404 outside the caller's scope,
409 a step the row's state refuses."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.parsers import FormParser

from accounts.models import OrgUnit
from accounts.selectors import units_visible_to
from cases.models import MatterKind
from core.api_input import JSONParser, SlugRelatedField
from core.limits import LONG_TEXT
from core.rest import BackEntryInput, ScopedViewSet, create_action, row_action
from petitions.models import Category

from ..models import (
    DisputeItem,
    DisputeKind,
    PartyRole,
    ResolutionMethod,
    RiskLevel,
    ScreeningReport,
    ScreeningRound,
)
from .filters import DisputeFilter, ReportFilter
from .forms import dispute_responsible_units
from .selectors import dispute_detail, dispute_list, report_detail, report_list, round_detail
from .selectors import round_list as rounds
from .services import (
    DisputeDraft,
    PetitionFacts,
    dispute_contain,
    dispute_convert,
    dispute_progress,
    dispute_register,
    dispute_report_up,
    dispute_resolve,
    reporting_units,
    screening_report_submit,
    screening_round_open,
)

# --- rounds -------------------------------------------------------------------------------------


class RoundOpenSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    due = serializers.DateField(help_text=_("The day the reports are due."))
    units = serializers.ListField(
        child=SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.none()),
        required=False,
        # Below Django's 1,000 fields of a form body (DATA_UPLOAD_MAX_NUMBER_FIELDS).
        max_length=500,
        help_text=_("Codes of the units that must report; empty: the streets and communities."),
    )
    instructions = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["units"].child.queryset = units_visible_to(request.user).filter(is_active=True)
        return fields

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["due_on"] = data.pop("due")
        units = data.pop("units", None) or []
        user = self.context["request"].user
        data["units"] = units or (reporting_units(user.org_unit) if user.org_unit else [])
        return data


class RoundSerializer(serializers.ModelSerializer):
    organizing_unit = SlugRelatedField(slug_field="code", read_only=True)
    organizing_unit_name = serializers.CharField(source="organizing_unit.name", read_only=True)
    due = serializers.DateField(source="due_on", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="regular | special")
    expected = serializers.IntegerField(read_only=True)
    submitted = serializers.IntegerField(read_only=True)
    nil = serializers.IntegerField(read_only=True)

    class Meta:
        model = ScreeningRound
        fields = [
            "id",
            "kind",
            "title",
            "organizing_unit",
            "organizing_unit_name",
            "month",
            "due",
            "instructions",
            "expected",
            "submitted",
            "nil",
        ]
        read_only_fields = fields


def _round_row(*, user, pk: int) -> ScreeningRound:
    round_detail(user=user, pk=pk)  # 404 outside the caller's scope
    return rounds(user).get(pk=pk)


@extend_schema_view(
    list=extend_schema(summary=_("Screening rounds the caller sees")),
    retrieve=extend_schema(summary=_("One screening round (404 outside the caller's scope)")),
)
class ScreeningRoundViewSet(ScopedViewSet):
    serializer_class = RoundSerializer
    parser_classes = [JSONParser, FormParser]
    model = ScreeningRound
    find_row = staticmethod(_round_row)

    def visible_rows(self, wanted: dict):
        return rounds(self.request.user)

    create = create_action(
        _("Open a special screening round (supervisors)"),
        RoundOpenSerializer,
        screening_round_open,
        RoundSerializer,
    )


# --- reports ------------------------------------------------------------------------------------


class ReportSubmitSerializer(BackEntryInput):
    nothing_found = serializers.BooleanField(
        default=False, help_text=_("True: the unit found no dispute (零报告).")
    )
    note = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The day a paper report was handed in, entered later; empty: today."),
    )


class ReportSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(read_only=True)
    round_title = serializers.CharField(source="round.title", read_only=True)
    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    submitted_by = SlugRelatedField(slug_field="username", read_only=True)
    due = serializers.DateField(source="due_on", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningReport
        fields = [
            "id",
            "round",
            "round_title",
            "unit",
            "unit_name",
            "due",
            "state",
            "submitted_at",
            "submitted_by",
            "nothing_found",
            "item_count",
            "note",
        ]
        read_only_fields = fields

    def get_state(self, report: ScreeningReport) -> str:
        if report.is_submitted:
            return "late" if report.submitted_late else "submitted"
        return "missing" if report.due_on < timezone.localdate() else "pending"


@extend_schema_view(
    list=extend_schema(summary=_("Screening reports of the caller's area")),
    retrieve=extend_schema(summary=_("One screening report (404 outside the caller's scope)")),
)
class ScreeningReportViewSet(ScopedViewSet):
    serializer_class = ReportSerializer
    parser_classes = [JSONParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportFilter
    model = ScreeningReport
    find_row = staticmethod(report_detail)

    def visible_rows(self, wanted: dict):
        return report_list(self.request.user).select_related("submitted_by")

    submit = row_action(
        "submit",
        _("Submit the unit's screening report"),
        ReportSubmitSerializer,
        screening_report_submit,
        ReportSerializer,
        row="report",
    )


# --- disputes -----------------------------------------------------------------------------------


class PartySerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.APPLICANT)
    name = serializers.CharField(max_length=60)


class DisputeRegisterSerializer(serializers.Serializer):
    report = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("The id of the round's report it is found for; empty: found between rounds."),
    )
    kind = serializers.ChoiceField(choices=DisputeKind.choices)
    parties = PartySerializer(many=True, max_length=50)
    place = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=LONG_TEXT)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    responsible_unit = SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.none())
    responsible_person = serializers.CharField(max_length=60)
    measures = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    found = serializers.DateField(required=False, allow_null=True)
    due = serializers.DateField(help_text=_("The day it is to be resolved by."))

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            user = request.user
            fields["responsible_unit"].queryset = dispute_responsible_units(user, "")
        return fields

    def validate_report(self, value: int | None) -> ScreeningReport | None:
        if value is None:
            return None
        report = report_list(self.context["request"].user).filter(pk=value).first()
        if report is None:
            raise serializers.ValidationError(_("There is no such report in your area."))
        return report

    def service_kwargs(self) -> dict:
        data = self.validated_data
        draft = DisputeDraft(
            kind=data["kind"],
            parties=[dict(party) for party in data["parties"]],
            place=data["place"],
            summary=data["summary"],
            risk_level=data["risk_level"],
            responsible_unit=data["responsible_unit"],
            responsible_person=data["responsible_person"],
            measures=data.get("measures") or "",
            found_on=data.get("found"),
            due_on=data["due"],
        )
        return {"draft": draft, "report": data.get("report")}


class ProgressSerializer(serializers.Serializer):
    measures = serializers.CharField(max_length=LONG_TEXT)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=LONG_TEXT)


class ResolveSerializer(OutcomeSerializer):
    method = serializers.ChoiceField(choices=ResolutionMethod.choices)
    date = serializers.DateField(required=False, allow_null=True)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["on"] = data.pop("date", None)
        return data


class ConvertSerializer(serializers.Serializer):
    category = SlugRelatedField(slug_field="code", queryset=Category.objects.filter(is_active=True))
    matter_kind = serializers.ChoiceField(choices=MatterKind.choices, default=MatterKind.COMPLAINT)
    petitioner_name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)

    def service_kwargs(self) -> dict:
        return {"facts": PetitionFacts(**self.validated_data)}


class DisputeSerializer(serializers.ModelSerializer):
    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    responsible_unit = SlugRelatedField(slug_field="code", read_only=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    found = serializers.DateField(source="found_on", read_only=True)
    due = serializers.DateField(source="due_on", read_only=True)
    report = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    petition = SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    # A plain string: empty until resolved (an enum would refuse the empty value).
    method = serializers.CharField(
        read_only=True, help_text="mediation | negotiation | administrative | judicial, or empty"
    )
    reported_to = SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = DisputeItem
        fields = [
            "id",
            "number",
            "unit",
            "unit_name",
            "report",
            "found",
            "kind",
            "parties",
            "place",
            "summary",
            "risk_level",
            "responsible_unit",
            "responsible_unit_name",
            "responsible_person",
            "measures",
            "due",
            "status",
            "overdue",
            "ended_on",
            "method",
            "outcome",
            "petition",
            "reported_to",
        ]
        read_only_fields = fields

    def get_overdue(self, item: DisputeItem) -> bool:
        return item.is_active and item.due_on < timezone.localdate()


@extend_schema_view(
    list=extend_schema(summary=_("The dispute ledger of the caller's area")),
    retrieve=extend_schema(summary=_("One dispute (404 outside the caller's scope)")),
)
class DisputeViewSet(ScopedViewSet):
    serializer_class = DisputeSerializer
    parser_classes = [JSONParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = DisputeFilter
    model = DisputeItem
    find_row = staticmethod(dispute_detail)

    def visible_rows(self, wanted: dict):
        return dispute_list(self.request.user).select_related("petition", "reported_to")

    create = create_action(
        _("Register a dispute found by the caller's unit"),
        DisputeRegisterSerializer,
        dispute_register,
        DisputeSerializer,
    )
    progress = row_action(
        "progress",
        _("Record the measures taken"),
        ProgressSerializer,
        dispute_progress,
        DisputeSerializer,
        row="item",
    )
    contain = row_action(
        "contain",
        _("Record it as contained, pending (稳控)"),
        OutcomeSerializer,
        dispute_contain,
        DisputeSerializer,
        row="item",
    )
    resolve = row_action(
        "resolve",
        _("Record it as resolved (化解)"),
        ResolveSerializer,
        dispute_resolve,
        DisputeSerializer,
        row="item",
    )
    report_up = row_action(
        "report_up",
        _("Report it to the level above (上报)"),
        OutcomeSerializer,
        dispute_report_up,
        DisputeSerializer,
        row="item",
    )
    convert = row_action(
        "convert",
        _("Register it as a petition through the intake (转为信访事项)"),
        ConvertSerializer,
        dispute_convert,
        DisputeSerializer,
        row="item",
    )


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [
    ("screening-rounds", ScreeningRoundViewSet, "screening-round"),
    ("screening-reports", ScreeningReportViewSet, "screening-report"),
    ("disputes", DisputeViewSet, "dispute"),
]
