"""API: appointments (约访), issue 5 §3 and §7.

`GET /api/v1/reception/appointments/` lists the appointments the caller sees (filters `case`
number, `date`, `leader` username; `area` a unit's code, its subtree; `date_from`, `date_to`
the reception day; `status`; `resolved` on the spot true/false); `GET …/{id}/` one, with
its `notices` (print and .docx links) and its `record` once the reception is recorded;
`POST` books one (`case` number, `schedule` id, `date`, optional `petitioners`: ids of the
case's petitioners, `note`, `attending_units`: unit codes, by default the case's owner, lead
and co-units) and
answers 201 with `warnings` (e.g. another leader sponsors the case); `POST …/{id}/cancel/`
(`reason`), `POST …/{id}/move/` (`date`), `POST …/{id}/opinion/` (`text`: the caller's
attending unit's preliminary opinion); `POST …/{id}/record/` records the reception (see
reception/records/api.py). Errors: 400 `{field: [messages]}`, 403 wrong role or unit, 404
outside the caller's scope, 409 no free slot, a cancelled day, an appointment no longer
booked."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import OrgUnit
from cases.fields import CaseNumberField
from core.api_input import JSONParser, SlugRelatedField
from core.limits import LONG_TEXT
from core.rest import MAX_ID, ScopedViewSet, row_action

from ..filters import AppointmentFilter
from ..models import Appointment, ReceptionSchedule
from ..notices.documents.links import notice_links
from ..records.api import RecordInputSerializer, RecordSerializer, record_from_request
from ..selectors import schedules_visible_to
from .selectors import appointment_detail, appointment_list, slot_time
from .services.booking import NOTE_LENGTH, appointment_book
from .services.changes import appointment_cancel, appointment_move
from .services.opinions import opinion_write

# --- input ------------------------------------------------------------------------------------


# The most units that attend one appointment.
MAX_ATTENDING_UNITS = 50


class BookInputSerializer(serializers.Serializer):
    case = CaseNumberField(required=True, help_text=_("Case number."))
    schedule = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("Id of the leader's reception schedule.")
    )
    date = serializers.DateField(help_text=_("The reception day."))
    petitioners = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=50,
        help_text=_(
            "Ids of the case's petitioners who come (a group: its representatives, at most "
            "five); empty: the principal petitioner."
        ),
    )
    note = serializers.CharField(
        max_length=NOTE_LENGTH, required=False, allow_blank=True, default=""
    )
    attending_units = SlugRelatedField(
        slug_field="code",
        queryset=OrgUnit.objects.filter(is_active=True),
        many=True,
        required=False,
        help_text=_(
            "Codes of the units that attend; absent: the case's owner unit, lead units and "
            "co-units. The schedule's usual attending units come as well."
        ),
    )

    def validate_attending_units(self, units: list[OrgUnit]) -> list[OrgUnit]:
        if len(units) > MAX_ATTENDING_UNITS:
            raise serializers.ValidationError(
                _("At most %(count)d units attend.") % {"count": MAX_ATTENDING_UNITS}
            )
        return units

    def validate_schedule(self, value: int) -> ReceptionSchedule:
        schedule = schedules_visible_to(self.context["request"].user).filter(pk=value).first()
        if schedule is None:
            raise serializers.ValidationError(_("No such reception schedule."))
        return schedule


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_LENGTH, help_text=_("Why it is cancelled."))


class MoveInputSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=_("Another reception day of the same schedule."))


class OpinionInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=LONG_TEXT, help_text=_("The unit's preliminary opinion.")
    )


class AppointmentQuerySerializer(serializers.Serializer):
    case = serializers.CharField(max_length=40, required=False)
    date = serializers.DateField(required=False)
    leader = serializers.CharField(max_length=150, required=False)


# --- output -----------------------------------------------------------------------------------


class PetitionerOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="petitioner_id")
    name = serializers.CharField(source="petitioner.name")
    phone = serializers.CharField(source="petitioner.phone_masked", help_text="masked")


class OpinionOutSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    text = serializers.CharField()
    written_by = serializers.CharField(source="written_by.username")
    written_at = serializers.DateTimeField()


class AppointmentSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    case_summary = serializers.CharField(source="case.summary")
    schedule = serializers.IntegerField(source="day.schedule_id")
    date = serializers.DateField(source="day.date")
    time = serializers.SerializerMethodField()
    leader = serializers.CharField(source="day.schedule.leader.username")
    leader_name = serializers.CharField(source="day.schedule.leader.display_name", read_only=True)
    place = serializers.CharField(source="day.schedule.place")
    booked_by = serializers.CharField(source="booked_by.username")
    petitioners = PetitionerOutSerializer(many=True, read_only=True)
    opinions = OpinionOutSerializer(many=True, read_only=True)
    attending_units = SlugRelatedField(slug_field="code", many=True, read_only=True)
    url = serializers.SerializerMethodField()
    # A plain string: another component's "status" enum would otherwise collide with it.
    status = serializers.CharField(
        read_only=True, help_text="booked | attended | no_show | cancelled"
    )

    class Meta:
        model = Appointment
        fields = [
            "id",
            "case",
            "case_summary",
            "schedule",
            "date",
            "slot",
            "time",
            "leader",
            "leader_name",
            "place",
            "status",
            "note",
            "booked_by",
            "booked_at",
            "petitioners",
            "opinions",
            "attending_units",
            "url",
        ]
        read_only_fields = fields

    def get_time(self, appointment: Appointment) -> str:
        return slot_time(appointment.day.schedule, appointment.slot).strftime("%H:%M")

    def get_url(self, appointment: Appointment) -> str:
        return reverse("reception:appointment", args=[appointment.pk])


class NoticeLinkSerializer(serializers.Serializer):
    kind = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    print_url = serializers.CharField(required=False)
    docx_url = serializers.CharField(required=False)


class RecordOutSerializer(serializers.Serializer):
    attended = serializers.BooleanField()
    account = serializers.CharField()
    instruction = serializers.CharField()
    resolved_on_spot = serializers.BooleanField()
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)
    supervision_notice = serializers.CharField(
        source="supervision_notice.number", allow_null=True, default=None
    )
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = serializers.DateTimeField()


class AppointmentDetailSerializer(AppointmentSerializer):
    notices = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()

    class Meta(AppointmentSerializer.Meta):
        fields = [*AppointmentSerializer.Meta.fields, "notices", "record"]
        read_only_fields = fields

    @extend_schema_field(NoticeLinkSerializer(many=True))
    def get_notices(self, appointment: Appointment) -> list[dict]:
        request = self.context.get("request")
        links = []
        user = request.user if request is not None else None
        for link in notice_links(appointment, user=user):
            link = dict(link)
            for key in ("print_url", "docx_url", "url"):
                if request is not None and str(link.get(key, "")).startswith("/"):
                    link[key] = request.build_absolute_uri(link[key])
            links.append(link)
        return links

    @extend_schema_field(RecordOutSerializer(allow_null=True))
    def get_record(self, appointment: Appointment) -> dict | None:
        record = getattr(appointment, "record_or_none", None)
        return None if record is None else RecordOutSerializer(record).data


class BookingSerializer(AppointmentDetailSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(AppointmentDetailSerializer.Meta):
        fields = [*AppointmentDetailSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


# --- the viewset ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("Appointments the caller sees"),
        parameters=[
            OpenApiParameter("case", str, description="Case number"),
            OpenApiParameter("date", str, description="Reception day (YYYY-MM-DD)"),
            OpenApiParameter("leader", str, description="The leader's username"),
        ],
    ),
    retrieve=extend_schema(
        summary=_("One appointment with its notices and record (404 outside the caller's scope)"),
        responses={200: AppointmentDetailSerializer},
    ),
)
class AppointmentViewSet(ScopedViewSet):
    serializer_class = AppointmentSerializer
    answer_serializer = AppointmentDetailSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    lookup_value_regex = r"[^/]+"
    model = Appointment
    find_row = staticmethod(appointment_detail)
    query_serializer = AppointmentQuerySerializer
    # `area`, `date_from`, `date_to`, `status`, `resolved`: the list page's filters.
    filter_backends = [DjangoFilterBackend]
    filterset_class = AppointmentFilter

    def visible_rows(self, wanted: dict):
        queryset = appointment_list(user=self.request.user)
        if wanted.get("case"):
            queryset = queryset.filter(case__number=wanted["case"])
        if wanted.get("date"):
            queryset = queryset.filter(day__date=wanted["date"])
        if wanted.get("leader"):
            queryset = queryset.filter(day__schedule__leader__username=wanted["leader"])
        return queryset

    def retrieve(self, request, pk=None):
        return self._answer(self.get_object())

    @extend_schema(
        summary=_("Book a case into a leader's reception day (reception staff)"),
        request=BookInputSerializer,
        responses={201: BookingSerializer},
    )
    def create(self, request):
        data = self.parse(BookInputSerializer)
        # The answer is read in the booking's transaction, before the commit.
        with transaction.atomic():
            booking = appointment_book(
                actor=request.user,
                case=data["case"],
                schedule=data["schedule"],
                date=data["date"],
                petitioners=data.get("petitioners") or None,
                note=data.get("note", ""),
                attending_units=data.get("attending_units"),
            )
            appointment = appointment_detail(user=request.user, pk=booking.appointment.pk)
            appointment.warnings = booking.warnings
            answer = BookingSerializer(appointment, context=self.get_serializer_context())
            return Response(answer.data, status.HTTP_201_CREATED)

    cancel = row_action(
        "cancel",
        _("Cancel a booked appointment"),
        CancelInputSerializer,
        appointment_cancel,
        AppointmentDetailSerializer,
        row="appointment",
    )
    move = row_action(
        "move",
        _("Move a booked appointment to another day of the same schedule"),
        MoveInputSerializer,
        appointment_move,
        AppointmentDetailSerializer,
        row="appointment",
    )
    opinion = row_action(
        "opinion",
        _("Write the caller's unit's preliminary opinion (attending units)"),
        OpinionInputSerializer,
        opinion_write,
        AppointmentDetailSerializer,
        row="appointment",
    )

    @extend_schema(
        summary=_("Record the reception (the receiving leader; reception staff: a no-show)"),
        request=RecordInputSerializer,
        responses={201: RecordSerializer},
    )
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        return record_from_request(request, self.get_object())


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [
    ("reception/appointments", AppointmentViewSet, "reception-appointment"),
]
