"""API: the written notices (告知书) of the cases in the caller's scope.

`GET /api/v1/written-notices/?case=<number>` lists them (`delivered` true/false to filter),
`GET …/{id}/` one, `POST …/{id}/deliver/` records its delivery (`method`: in_person, post,
sms, online; optional `date`, today when absent). Errors: 400 `{field: [messages]}`, 403 not
a handler of the issuing unit, 404 outside the caller's scope, 409 already delivered."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser

from core.api_input import JSONParser, SlugRelatedField
from core.rest import BackEntryInput, ScopedViewSet, row_action

from ..models import DeliveryMethod, NoticeKind, WrittenNotice
from ..selectors import notice_detail, notices_visible_to
from ..selectors.notices import NOTICE_RELATED
from ..services import notice_deliver


class NoticeDeliverSerializer(BackEntryInput):
    method = serializers.ChoiceField(
        choices=DeliveryMethod.choices, help_text=_("How the notice reached the petitioner.")
    )
    date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The day it was delivered, if earlier than today."),
    )


class NoticeQuerySerializer(serializers.Serializer):
    case = serializers.CharField(max_length=40, required=False)
    delivered = serializers.BooleanField(required=False, allow_null=True, default=None)


class WrittenNoticeSerializer(serializers.ModelSerializer):
    case = SlugRelatedField(slug_field="number", read_only=True)
    kind = serializers.ChoiceField(choices=NoticeKind.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.official_name", read_only=True)
    to_unit = SlugRelatedField(slug_field="code", read_only=True)
    delivered_by = SlugRelatedField(slug_field="username", read_only=True)
    # Empty until the notice is delivered (declared so: a read-only model field loses it).
    delivery_method = serializers.ChoiceField(
        choices=DeliveryMethod.choices, allow_blank=True, read_only=True
    )
    docx_url = serializers.SerializerMethodField()

    class Meta:
        model = WrittenNotice
        fields = [
            "id",
            "case",
            "kind",
            "title",
            "number",
            "unit",
            "unit_name",
            "issued_on",
            "to_unit",
            "due_on",
            "deliver_by",
            "delivery_method",
            "delivered_on",
            "delivered_by",
            "docx_url",
        ]
        read_only_fields = fields

    def get_docx_url(self, notice: WrittenNotice) -> str:
        url = reverse("cases:notice_docx", args=[notice.case.number, notice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


@extend_schema_view(
    list=extend_schema(
        summary=_("Written notices of the cases the caller may see"),
        parameters=[
            OpenApiParameter("case", str, description="Case number"),
            OpenApiParameter("delivered", bool, description="Only delivered (true) or not"),
        ],
    ),
    retrieve=extend_schema(summary=_("One written notice (404 outside the caller's scope)")),
)
class WrittenNoticeViewSet(ScopedViewSet):
    serializer_class = WrittenNoticeSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    model = WrittenNotice
    find_row = staticmethod(notice_detail)
    query_serializer = NoticeQuerySerializer

    def visible_rows(self, wanted: dict):
        queryset = (
            notices_visible_to(self.request.user)
            .select_related(*NOTICE_RELATED)
            .order_by("issued_on", "pk")
        )
        if wanted.get("case"):
            queryset = queryset.filter(case__number=wanted["case"])
        if wanted.get("delivered") is not None:
            queryset = queryset.filter(delivered_on__isnull=not wanted["delivered"])
        return queryset

    deliver = row_action(
        "deliver",
        _("Record the delivery of a written notice"),
        NoticeDeliverSerializer,
        notice_deliver,
        WrittenNoticeSerializer,
        row="notice",
    )
