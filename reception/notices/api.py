"""API: the notices of an appointment (四书), issue 5 §4 and §7.

`GET /api/v1/reception/notices/?appointment=<id>` lists the appointment's notices the caller
may open (the petitioner's, the leader's, one per attending unit, and the supervision notice
once the reception's record issued one), each with its number once issued and the absolute
links of its print page and .docx; `POST /api/v1/reception/notices/issue/` with
`appointment` issues the notices not yet issued (reception staff of the leader's area; again
is harmless) and answers the same list. Errors: 400 `{field: [messages]}` (an appointment
the caller may not see is no appointment), 403 wrong role, 409 the appointment is no longer
booked or its day has passed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from core.api_input import JSONParser
from core.rest import MAX_ID

from ..models import Appointment
from .documents.links import notice_links
from .selectors import NoticeAccess, notice_access
from .services import notices_issue


def appointment_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("Id of the appointment.")
    )


class NoticeAppointmentSerializer(serializers.Serializer):
    """`appointment`, resolved to what the caller may see of its notices (an appointment
    they may see nothing of is no appointment)."""

    appointment = appointment_field()

    def validate_appointment(self, pk: int) -> NoticeAccess:
        try:
            return notice_access(user=self.context["request"].user, pk=pk)
        except Appointment.DoesNotExist:
            raise serializers.ValidationError(_("No such appointment.")) from None


class ReceptionNoticeQuerySerializer(NoticeAppointmentSerializer):
    pass


class ReceptionNoticeIssueSerializer(NoticeAppointmentSerializer):
    pass


class ReceptionNoticeLinkSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="petitioner | leader | unit | supervision")
    label = serializers.CharField(help_text=_("The document's title (and the unit addressed)."))
    title = serializers.CharField(help_text=_("The document's title."))
    unit = serializers.CharField(
        allow_null=True, help_text=_("Code of the unit addressed (unit and supervision notices).")
    )
    unit_name = serializers.CharField(allow_blank=True)
    number = serializers.CharField(allow_blank=True, help_text=_("Empty until issued."))
    print_url = serializers.CharField()
    docx_url = serializers.CharField()
    issued = serializers.BooleanField()


def _links(request, access: NoticeAccess) -> list[dict]:
    links = notice_links(access.appointment, access=access)
    for link in links:
        link["print_url"] = request.build_absolute_uri(link["print_url"])
        link["docx_url"] = request.build_absolute_uri(link["docx_url"])
    return ReceptionNoticeLinkSerializer(links, many=True).data


class ReceptionNoticeViewSet(viewsets.ViewSet):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary=_("The notices of an appointment, with their download links"),
        parameters=[OpenApiParameter("appointment", int, required=True)],
        responses={200: ReceptionNoticeLinkSerializer(many=True)},
    )
    def list(self, request):
        query = ReceptionNoticeQuerySerializer(
            data=request.query_params, context={"request": request}
        )
        query.is_valid(raise_exception=True)
        return Response(_links(request, query.validated_data["appointment"]))

    @extend_schema(
        summary=_("Issue the notices of an appointment (reception staff; again is harmless)"),
        request=ReceptionNoticeIssueSerializer,
        responses={200: ReceptionNoticeLinkSerializer(many=True)},
    )
    @action(detail=False, methods=["post"])
    def issue(self, request):
        serializer = ReceptionNoticeIssueSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        access = serializer.validated_data["appointment"]
        notices_issue(actor=request.user, appointment=access.appointment)
        return Response(_links(request, access))


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [
    ("reception/notices", ReceptionNoticeViewSet, "reception-notice"),
]
