"""API: the annual targets (一控制三下降) and the year-end assessment, issue 17 §5.

`GET /api/v1/annual-targets/?area=&year=` the area's unit and the units directly below it,
each with its targets of the year (or none) and where it stands; `POST` sets a unit's targets
(`unit` code, `year`, `batch_ceiling`, `skip_level_cut`, `repeat_cut`, `group_cut`,
`capital_cut` in per cent, optional `note` and last year's figures `skip_level_base`,
`repeat_base`, `group_base`, `capital_base` where the system does not hold last year
whole). `GET /api/v1/assessment/?area=&year=` the weights and the ranked table of the units
below the area; `POST …/weights/` sets the weights (`area`, `year` and the six factors'
points, 100 in all). Supervisors and leaders read; supervisors of the level above set.
Errors: 400 `{field: [messages]}`, 403 wrong role, 404 a unit outside the caller's scope."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from accounts.models import OrgUnit, User
from accounts.selectors import units_visible_to
from core.api_input import JSONParser
from core.api_schema import ObjectAnswerSchema
from core.exceptions import NotAllowed
from core.limits import LONG_TEXT
from dashboards.permissions import can_view_dashboards

from ..models import FACTORS
from .assessment import assessment, weights_for
from .forms import top_of_scope
from .selectors import TargetStatus, UnitProgress, area_units, target_progress
from .services import target_set, weights_set


def _unit(user: User, code: str | None) -> OrgUnit:
    """The unit of the caller's scope with `code` (the top of their scope without one)."""
    visible = units_visible_to(user)
    unit = visible.filter(code=code).first() if code else top_of_scope(user)
    if unit is None:
        raise NotFound(_("No such unit in your area."))
    return unit


class YearAreaQuery(serializers.Serializer):
    area = serializers.CharField(required=False, max_length=64, help_text=_("A unit's code."))
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class MetricSerializer(serializers.Serializer):
    key = serializers.CharField(source="metric.key")
    actual = serializers.IntegerField()
    last_year_to_date = serializers.IntegerField()
    last_year = serializers.IntegerField()
    entered = serializers.BooleanField(help_text=_("Last year's figure is the base entered."))
    allowed = serializers.FloatField(allow_null=True)
    allowed_to_date = serializers.FloatField(allow_null=True)
    allowed_whole = serializers.IntegerField(
        allow_null=True, help_text=_("The most petitions the whole year allows (8.1 allows 8).")
    )
    change = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=TargetStatus.choices)


def _base() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        max_value=10_000_000,
        required=False,
        allow_null=True,
        help_text=_(
            "Last year's figure from the year's statistics, when the system does not hold last "
            "year whole; null: the dashboards' figures."
        ),
    )


class TargetValuesSerializer(serializers.Serializer):
    batch_ceiling = serializers.IntegerField(min_value=0, max_value=10_000_000)
    skip_level_cut = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=100
    )
    repeat_cut = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=100
    )
    group_cut = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100)
    capital_cut = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=100
    )
    skip_level_base = _base()
    repeat_base = _base()
    group_base = _base()
    capital_base = _base()
    note = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class ProgressSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    target = TargetValuesSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=TargetStatus.choices, allow_null=True)
    metrics = MetricSerializer(many=True)


class TargetsAnswerSerializer(serializers.Serializer):
    area = serializers.CharField()
    year = serializers.IntegerField()
    results = ProgressSerializer(many=True)


class TargetInput(TargetValuesSerializer):
    unit = serializers.CharField(max_length=64, help_text=_("The unit's code."))
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class WeightsSerializer(serializers.Serializer):
    on_time = serializers.IntegerField(min_value=0, max_value=100)
    satisfaction = serializers.IntegerField(min_value=0, max_value=100)
    resolution = serializers.IntegerField(min_value=0, max_value=100)
    ranking = serializers.IntegerField(min_value=0, max_value=100)
    targets = serializers.IntegerField(min_value=0, max_value=100)
    ledgers = serializers.IntegerField(min_value=0, max_value=100)


class WeightsInput(WeightsSerializer):
    area = serializers.CharField(max_length=64, help_text=_("The assessing unit's code."))
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AssessedSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    score = serializers.FloatField(allow_null=True)
    values = serializers.DictField(child=serializers.FloatField(allow_null=True))
    points = serializers.DictField(child=serializers.FloatField(allow_null=True))


class AssessmentAnswerSerializer(serializers.Serializer):
    area = serializers.CharField()
    year = serializers.IntegerField()
    weights = WeightsSerializer()
    default_weights = serializers.BooleanField()
    results = AssessedSerializer(many=True)


def _query(request) -> tuple[OrgUnit, int]:
    if not can_view_dashboards(request.user):
        raise NotAllowed(_("The targets and the assessment are for supervisors and leaders."))
    query = YearAreaQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    year = query.validated_data.get("year") or timezone.localdate().year
    return _unit(request.user, query.validated_data.get("area")), year


YEAR_AREA = [
    OpenApiParameter("area", str, description=_("A unit's code; default: the top of your area.")),
    OpenApiParameter("year", int, description=_("Default: this year.")),
]


def _targets_answer(area: OrgUnit, year: int, rows: list[UnitProgress]) -> dict:
    return {"area": area.code, "year": year, "results": ProgressSerializer(rows, many=True).data}


class AnnualTargetViewSet(viewsets.ViewSet):
    """The annual targets of an area's units."""

    schema = ObjectAnswerSchema()
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary=_("The targets of an area's unit and the units below it, and where they stand"),
        parameters=YEAR_AREA,
        responses={200: TargetsAnswerSerializer},
    )
    def list(self, request):
        area, year = _query(request)
        rows = target_progress(area_units(area), year, timezone.localdate())
        return Response(_targets_answer(area, year, rows))

    @extend_schema(
        summary=_("Set a unit's targets for a year"),
        request=TargetInput,
        responses={201: TargetsAnswerSerializer},
    )
    def create(self, request):
        if not can_view_dashboards(request.user):
            raise NotAllowed(_("Targets are set by a supervisor of the level above."))
        given = TargetInput(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        unit = _unit(request.user, values.pop("unit"))
        target_set(actor=request.user, unit=unit, **values)
        rows = target_progress([unit], values["year"], timezone.localdate())
        return Response(_targets_answer(unit, values["year"], rows), status=status.HTTP_201_CREATED)


class AssessmentViewSet(viewsets.ViewSet):
    """The year-end assessment of the units below an area."""

    schema = ObjectAnswerSchema()
    parser_classes = [JSONParser, FormParser]

    def _answer(self, area: OrgUnit, year: int) -> dict:
        weights = weights_for(area, year)
        rows = assessment(area, year, timezone.localdate(), weights.points)
        return {
            "area": area.code,
            "year": year,
            "weights": weights.points,
            "default_weights": weights.is_default,
            "results": AssessedSerializer(rows, many=True).data,
        }

    @extend_schema(
        summary=_("The year-end assessment of the units below an area, ranked"),
        parameters=YEAR_AREA,
        responses={200: AssessmentAnswerSerializer},
    )
    def list(self, request):
        area, year = _query(request)
        return Response(self._answer(area, year))

    @extend_schema(
        summary=_("Set the assessment's weights (points out of 100)"),
        request=WeightsInput,
        responses={200: AssessmentAnswerSerializer},
    )
    @action(detail=False, methods=["post"])
    def weights(self, request):
        if not can_view_dashboards(request.user):
            raise NotAllowed(_("The weights are set by a supervisor of the assessing unit's area."))
        given = WeightsInput(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        area = _unit(request.user, values.pop("area"))
        year = values.pop("year")
        weights_set(
            actor=request.user,
            unit=area,
            year=year,
            weights={factor: values[factor] for factor in FACTORS},
        )
        return Response(self._answer(area, year))


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [
    ("annual-targets", AnnualTargetViewSet, "annual-target"),
    ("assessment", AssessmentViewSet, "assessment"),
]
