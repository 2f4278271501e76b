"""API: people's suggestions (人民建议征集, Art. 29), issue 17 §4.

`GET /api/v1/suggestions/` the register: the accepted suggestion cases the caller sees, with
their answer (filters as on the register page: `area`, `received_from`, `received_to`,
`state` studying|answered, `decision` adopted|partly_adopted|not_adopted, `adopted`, `late`,
`commended`, `case`); `GET …/{id}/` one (the case's id); `POST …/{id}/commendations/` records
a commendation or award of its suggester (`kind` written|public|material|other,
`granted_on`, `text`, optional `granting_unit` code). No personal data: the summary is masked.
Errors: 400 `{field: [messages]}`, 403 a role that does not commend, 404 outside the
caller's scope."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import OrgUnit
from cases.models import Case, Opinion
from core.api_input import JSONParser, SlugRelatedField
from core.exceptions import NotAllowed
from core.identity import mask_personal_data
from core.limits import LONG_TEXT
from core.rest import ScopedViewSet

from ..models import CommendationKind, SuggestionCommendation
from ..permissions import can_commend_suggestion
from .filters import SuggestionFilter
from .selectors import SuggestionState, suggestion_detail, suggestion_register
from .services import suggestion_commend


class CommendSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommendationKind.choices)
    granted_on = serializers.DateField()
    granting_unit = SlugRelatedField(
        slug_field="code",
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("The granting unit's code; the caller's unit when left out."),
    )
    text = serializers.CharField(max_length=LONG_TEXT)


class CommendationSerializer(serializers.ModelSerializer):
    granting_unit = SlugRelatedField(slug_field="code", read_only=True)
    granting_unit_name = serializers.CharField(source="granting_unit.name", read_only=True)

    class Meta:
        model = SuggestionCommendation
        fields = [
            "id",
            "kind",
            "granted_on",
            "granting_unit",
            "granting_unit_name",
            "text",
            "recorded_at",
        ]
        read_only_fields = fields


class SuggestionSerializer(serializers.ModelSerializer):
    summary = serializers.SerializerMethodField()
    category = serializers.CharField(source="category_name", read_only=True, allow_null=True)
    owner_unit = SlugRelatedField(slug_field="code", read_only=True)
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    answer_due = serializers.DateField(read_only=True, allow_null=True)
    state = serializers.SerializerMethodField()
    answered_on = serializers.DateField(read_only=True, allow_null=True)
    decision = serializers.ChoiceField(
        choices=Opinion.choices, read_only=True, allow_null=True, allow_blank=True
    )
    late = serializers.SerializerMethodField()
    commendations = CommendationSerializer(
        source="suggestion_commendations", many=True, read_only=True
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "summary",
            "category",
            "owner_unit",
            "owner_unit_name",
            "received_at",
            "accepted_on",
            "answer_due",
            "state",
            "answered_on",
            "decision",
            "late",
            "commendations",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_summary(self, case: Case) -> str:
        return mask_personal_data(case.summary)

    @extend_schema_field(
        serializers.ChoiceField(choices=[SuggestionState.STUDYING, SuggestionState.ANSWERED])
    )
    def get_state(self, case: Case) -> str:
        return SuggestionState.ANSWERED if case.answered_on else SuggestionState.STUDYING

    @extend_schema_field(serializers.BooleanField())
    def get_late(self, case: Case) -> bool:
        if case.answered_on_time is False:
            return True
        today = timezone.localdate()
        return case.answered_on is None and case.answer_due is not None and case.answer_due < today


@extend_schema_view(
    list=extend_schema(summary=_("The register of people's suggestions the caller sees")),
    retrieve=extend_schema(summary=_("One suggestion (404 outside the caller's scope)")),
)
class SuggestionViewSet(ScopedViewSet):
    serializer_class = SuggestionSerializer
    parser_classes = [JSONParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = SuggestionFilter
    model = Case
    find_row = staticmethod(suggestion_detail)

    def visible_rows(self, wanted: dict):
        return suggestion_register(self.request.user)

    @extend_schema(
        summary=_("Record a commendation or award of the suggester"),
        request=CommendSerializer,
        responses={201: CommendationSerializer},
    )
    @action(detail=True, methods=["post"])
    def commendations(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        # One who may not commend is told so before the input is read.
        if not can_commend_suggestion(request.user, case):
            raise NotAllowed(
                _(
                    "Only the petition office's staff or the leaders of the competent unit or "
                    "above record a commendation."
                )
            )
        commendation = suggestion_commend(
            actor=request.user, case=case, **self.parse(CommendSerializer)
        )
        return Response(CommendationSerializer(commendation).data, status.HTTP_201_CREATED)


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [
    ("suggestions", SuggestionViewSet, "suggestion"),
]
