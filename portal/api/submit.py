"""Submitting a petition online (网上信访), no login: `sms-codes/`, `petitions/`, and the unit
search behind the place picker (`units/`)."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import OrgUnit
from core.api_input import JSONParser, SlugRelatedField
from core.identity import (
    normalize_id_number,
    normalize_mobile,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from core.limits import LONG_TEXT
from petitions.services import ONLINE_MAX_ATTACHMENTS

from ..lockout import PublicSubmitThrottle, PublicUnitSearchThrottle
from ..messages import phone_code_sent_message
from ..phone import RateLimited, SmsCodeThrottle, code_request
from ..selectors import public_categories, public_units
from ..submit import Representative, Submission, submit
from .base import TOO_MANY, DetailSerializer, PublicView

# --- submitting a petition online ------------------------------------------------------------


class PublicSmsCodeSerializer(serializers.Serializer):
    phone = serializers.CharField(
        max_length=30, help_text=gettext_lazy("Your mobile number (11 digits).")
    )

    def validate_phone(self, value: str) -> str:
        return normalize_mobile(value)


class PublicSmsCodeView(PublicView):
    """Send a 6-digit code to the petitioner's mobile, valid PUBLIC_SMS_CODE_MINUTES, for
    submitting a petition. The answer is the same whether or not a message went out; a new
    request replaces the earlier code. Limited per phone and per address (429). With
    PUBLIC_PHONE_VERIFICATION off nothing is sent and no code is asked."""

    throttle_classes = [SmsCodeThrottle]

    @extend_schema(
        operation_id="public_sms_code",
        request=PublicSmsCodeSerializer,
        responses={202: DetailSerializer, 429: TOO_MANY},
        auth=[],
        tags=["public"],
    )
    def post(self, request):
        serializer = PublicSmsCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            code_request(request, serializer.validated_data["phone"], address_checked=True)
        except RateLimited as limited:
            raise Throttled(wait=limited.seconds) from None
        return Response({"detail": phone_code_sent_message()}, status=202)


class JSONObjectField(serializers.Field):
    """A nested object; in a multipart upload it may come as one JSON string."""

    def __init__(self, serializer_class, **kwargs):
        self.serializer_class = serializer_class
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except (ValueError, RecursionError):
                raise serializers.ValidationError(_("Send an object.")) from None
        inner = self.serializer_class(data=data)
        inner.is_valid(raise_exception=True)
        return inner.validated_data

    def to_representation(self, value):
        return value


class PublicRepresentativeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(
        max_length=18, required=False, allow_blank=True, validators=[validate_id_number]
    )
    phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, validators=[validate_phone]
    )

    def validate_id_number(self, value: str) -> str:
        return normalize_id_number(value) if value else ""

    def validate_phone(self, value: str) -> str:
        return normalize_phone(value) if value else ""


@extend_schema_field(PublicRepresentativeSerializer)
class RepresentativeField(JSONObjectField):
    def __init__(self, **kwargs):
        super().__init__(PublicRepresentativeSerializer, **kwargs)


ACTIVE_UNIT = {"slug_field": "code", "queryset": OrgUnit.objects.filter(is_active=True)}


class PublicSubmitSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, help_text=gettext_lazy("Your full name."))
    id_number = serializers.CharField(
        max_length=18,
        validators=[validate_id_number],
        help_text=gettext_lazy("Your resident ID number (18 characters)."),
    )
    phone = serializers.CharField(max_length=30, help_text=gettext_lazy("Your mobile number."))
    sms_code = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy(
            "The code sent to the phone by `POST /api/v1/public/sms-codes/` (unless phone "
            "verification is off)."
        ),
    )
    address = serializers.CharField(max_length=200, help_text=gettext_lazy("Your address."))
    location_unit = SlugRelatedField(
        help_text=gettext_lazy("Where the matter is: a unit's code (see the unit search)."),
        **ACTIVE_UNIT,
    )
    category = SlugRelatedField(
        slug_field="code",
        queryset=public_categories(),
        help_text=gettext_lazy("The kind of matter: a category's code."),
    )
    summary = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=LONG_TEXT)
    demands = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    person_count = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    representative = RepresentativeField(required=False, allow_null=True, default=None)
    accused_unit = SlugRelatedField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("For an accusation: the accused unit's code."),
        **ACTIVE_UNIT,
    )
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=ONLINE_MAX_ATTACHMENTS,
    )

    def validate_id_number(self, value: str) -> str:
        return normalize_id_number(value)

    def validate_phone(self, value: str) -> str:
        return normalize_mobile(value)

    def validate_sms_code(self, value: str) -> str:
        value = value.strip()
        if settings.PUBLIC_PHONE_VERIFICATION and not value:
            raise serializers.ValidationError(_("Enter the code from the text message."))
        return value

    def to_submission(self) -> Submission:
        data = dict(self.validated_data)
        representative = data.pop("representative")
        return Submission(
            **data,
            representative=Representative(**representative) if representative else None,
        )


class PublicSubmittedSerializer(serializers.Serializer):
    number = serializers.CharField(help_text=gettext_lazy("The petition's number."))
    query_code = serializers.CharField(
        help_text=gettext_lazy("The code to follow it with; shown this once, also sent by SMS.")
    )


class PublicSubmitView(PublicView):
    """Submit a petition online (网上信访): to the petition office for the matter's location,
    registered now, in that office's acceptance queue. The phone is verified by the code
    sent to it. Every bad input is a field error and nothing is written; the number and
    query code are answered once and sent by text message to the phone."""

    throttle_classes = [PublicSubmitThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="public_submit",
        request={
            "application/json": PublicSubmitSerializer,
            "multipart/form-data": PublicSubmitSerializer,
        },
        responses={201: PublicSubmittedSerializer, 429: TOO_MANY},
        auth=[],
        tags=["public"],
    )
    def post(self, request):
        serializer = PublicSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = submit(serializer.to_submission())
        body = {"number": registration.petition.number, "query_code": registration.query_code}
        return Response(PublicSubmittedSerializer(body).data, status=201)


class PublicUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    path = serializers.CharField(help_text=gettext_lazy("The names from the top down."))


class PublicUnitSearchView(PublicView):
    """The places and bodies a petitioner picks from: active units whose name contains `q`
    (or whose code is `q`), at most 20, with the names above them."""

    throttle_classes = [PublicUnitSearchThrottle]

    @extend_schema(
        operation_id="public_unit_search",
        parameters=[OpenApiParameter("q", str, description="Part of the name, or the code.")],
        responses={200: PublicUnitSerializer(many=True), 429: TOO_MANY},
        auth=[],
        tags=["public"],
    )
    def get(self, request):
        q = request.query_params.get("q", "")[:50].replace("\x00", "")
        return Response(PublicUnitSerializer(public_units(q), many=True).data)
