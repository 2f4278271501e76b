"""API: field visits (下访 / 带案下访), issue 5 §6.

`GET /api/v1/reception/field-visits/` lists the visits of leaders in the caller's area,
newest first (filter `leader` username; `area` a unit's code, its subtree; `date_from`,
`date_to`); `GET …/{id}/` one; `POST` records one (`leader`
username, `date`, `place`, `summary`, `cases`: `[{"case": number, "outcome": text}]`): a
leader for themself, or reception staff and handlers for a leader of their area. Errors: 400
`{field: [messages]}`, 403 not allowed to record for that leader, 404 outside the caller's
scope."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status

from accounts.models import User
from accounts.selectors import units_visible_to
from cases.fields import CaseNumberField
from core.api_input import JSONParser, SlugRelatedField
from core.limits import LONG_TEXT
from core.rest import ScopedViewSet

from ..filters import VisitFilter
from ..models import FieldVisit
from .selectors import field_visit_detail, field_visit_list
from .services import MAX_CASES, PLACE, field_visit_record


class VisitCaseInputSerializer(serializers.Serializer):
    case = CaseNumberField(required=True, help_text=_("Case number."))
    outcome = serializers.CharField(
        max_length=LONG_TEXT, required=False, allow_blank=True, default=""
    )


class VisitInputSerializer(serializers.Serializer):
    leader = SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        help_text=_("The leader's username."),
    )
    date = serializers.DateField()
    place = serializers.CharField(max_length=PLACE)
    summary = serializers.CharField(
        max_length=LONG_TEXT, required=False, allow_blank=True, default=""
    )
    cases = VisitCaseInputSerializer(many=True, required=False, max_length=MAX_CASES, default=list)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # Someone outside the caller's area is nobody to them.
            user = request.user
            fields["leader"].queryset = User.objects.filter(is_active=True).filter(
                Q(org_unit__in=units_visible_to(user)) | Q(pk=user.pk)
            )
        return fields

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["cases"] = [(row["case"], row["outcome"]) for row in data.get("cases", [])]
        return data


class VisitQuerySerializer(serializers.Serializer):
    leader = serializers.CharField(max_length=150, required=False)


class VisitCaseSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.number")
    summary = serializers.CharField(source="case.summary")
    outcome = serializers.CharField()


class VisitSerializer(serializers.ModelSerializer):
    leader = serializers.CharField(source="leader.username")
    leader_name = serializers.CharField(source="leader.display_name", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username")
    cases = VisitCaseSerializer(source="visible_cases", many=True)

    class Meta:
        model = FieldVisit
        fields = [
            "id",
            "leader",
            "leader_name",
            "date",
            "place",
            "summary",
            "cases",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("Field visits of the leaders in the caller's area"),
        parameters=[OpenApiParameter("leader", str, description="The leader's username")],
    ),
    retrieve=extend_schema(summary=_("One field visit (404 outside the caller's scope)")),
)
class FieldVisitViewSet(ScopedViewSet):
    serializer_class = VisitSerializer
    parser_classes = [JSONParser]
    lookup_value_regex = r"[^/]+"
    model = FieldVisit
    find_row = staticmethod(field_visit_detail)
    query_serializer = VisitQuerySerializer
    # `area`, `date_from`, `date_to`: the list page's filters.
    filter_backends = [DjangoFilterBackend]
    filterset_class = VisitFilter

    def visible_rows(self, wanted: dict):
        queryset = field_visit_list(user=self.request.user)
        leader = wanted.get("leader")
        if leader:
            queryset = queryset.filter(leader__username=leader)
        return queryset

    @extend_schema(
        summary=_("Record a leader's field visit"),
        request=VisitInputSerializer,
        responses={201: VisitSerializer},
    )
    def create(self, request):
        data = self.parse(VisitInputSerializer)
        # The answer is read in the recording's transaction, before the commit.
        with transaction.atomic():
            visit = field_visit_record(actor=request.user, **data)
            return self._answer(visit, status.HTTP_201_CREATED)


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [
    ("reception/field-visits", FieldVisitViewSet, "reception-field-visit"),
]
