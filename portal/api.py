"""`POST /api/v1/public/query/`: follow the matter by number and query code, no login.

The portal never reads a staff session or token (`authentication_classes = []`)."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.middleware import without_staff_session
from accounts.models import OrgUnit
from cases.models import EvaluationResult, ReviewLevel
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

from .lockout import PublicQueryThrottle, PublicSubmitThrottle, PublicUnitSearchThrottle
from .messages import (
    locked_message,
    new_code_sent_message,
    not_found_message,
    renewals_used_message,
)
from .phone import RateLimited, SmsCodeThrottle, code_request
from .query import Locked, evaluate_matter, query_matter, renew_code, request_review
from .selectors import PublicStatus, public_categories, public_units
from .submit import Representative, Submission, submit


class NumberSerializer(serializers.Serializer):
    number = serializers.CharField(
        max_length=40, help_text=gettext_lazy("The number on the receipt.")
    )


class PublicQuerySerializer(NumberSerializer):
    query_code = serializers.CharField(
        max_length=32, help_text=gettext_lazy("The query code on the receipt.")
    )


class StepSerializer(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField()


class DueDateSerializer(serializers.Serializer):
    label = serializers.CharField()
    date = serializers.DateField()


class DocumentLinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Where to download the document (.docx): a signed link that expires after "
            "PUBLIC_DOCUMENT_MINUTES; look the matter up again for a fresh one."
        )
    )

    def get_url(self, document) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(document.url) if request else document.url


class PublicMatterSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=PublicStatus.ALL)
    status_label = serializers.CharField()
    steps = StepSerializer(many=True)
    due_dates = DueDateSerializer(many=True)
    documents = DocumentLinkSerializer(many=True)
    can_evaluate = serializers.BooleanField()
    can_request_review = serializers.BooleanField()


NOT_FOUND = OpenApiResponse(description="No matter for this number and query code.")
LOCKED = OpenApiResponse(
    description="The number's lookup is locked after wrong codes, or the address sent too many "
    "requests: try again after `Retry-After` seconds."
)


def for_the_pair(call):
    """`call()` for a number and query code: 429 while the number's lookup is locked, 404 for
    a wrong pair (its None)."""
    try:
        found = call()
    except Locked as locked:
        raise Throttled(wait=locked.seconds, detail=locked_message()) from None
    if found is None:
        raise NotFound(not_found_message())
    return found


@without_staff_session
class PublicView(APIView):
    """An operation of the public portal: no staff credentials read, anyone may call it,
    throttled per address."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicQueryThrottle]


class PublicQueryView(PublicView):
    """Follow the matter: its status, steps and due dates in plain words for the number and
    query code on the receipt. A wrong code and an unknown number get the same 404;
    PUBLIC_QUERY_FAILURE_LIMIT wrong codes for a number lock its lookup (429, even for the
    right code) for PUBLIC_QUERY_LOCK_MINUTES; requests are throttled per address."""

    @extend_schema(
        operation_id="public_query",
        request=PublicQuerySerializer,
        responses={
            200: PublicMatterSerializer,
            404: NOT_FOUND,
            429: LOCKED,
        },
        auth=[],
        tags=["public"],
    )
    def post(self, request):
        serializer = PublicQuerySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        matter = for_the_pair(lambda: query_matter(data["number"], data["query_code"]))
        return Response(PublicMatterSerializer(matter, context={"request": request}).data)


class PublicEvaluateSerializer(PublicQuerySerializer):
    result = serializers.ChoiceField(
        choices=EvaluationResult.choices,
        help_text=gettext_lazy("How satisfied you are with the answer."),
    )
    comment = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("A comment on the answer (optional)."),
    )


class PublicEvaluationSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    result_label = serializers.CharField()


class PublicEvaluateView(PublicView):
    """Rate the answer (satisfied, basically satisfied, dissatisfied) with a comment, once,
    within the evaluation window after the answer was delivered. The number and query code
    are checked as by the query: a wrong pair is a 404 and counts towards the number's lock."""

    @extend_schema(
        operation_id="public_evaluate",
        request=PublicEvaluateSerializer,
        responses={
            201: PublicEvaluationSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="The answer is not delivered yet, the evaluation window has "
                "ended, or the answer has already been rated."
            ),
            429: LOCKED,
        },
        auth=[],
        tags=["public"],
    )
    def post(self, request):
        serializer = PublicEvaluateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evaluation = for_the_pair(
            lambda: evaluate_matter(
                data["number"], data["query_code"], data["result"], data["comment"]
            )
        )
        body = {"result": evaluation.result, "result_label": evaluation.get_result_display()}
        return Response(PublicEvaluationSerializer(body).data, status=201)


class PublicReviewRequestSerializer(PublicQuerySerializer):
    request = serializers.CharField(
        max_length=LONG_TEXT,
        help_text=gettext_lazy("What you ask the reviewing body to look at again, and why."),
    )


class PublicReviewSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=ReviewLevel.choices)
    level_label = serializers.CharField()
    unit = serializers.CharField(help_text=gettext_lazy("The body that reviews the answer."))
    requested_on = serializers.DateField()


class PublicReviewRequestView(PublicView):
    """Ask for a review (复查) of the answer within the request window after it was delivered,
    or for a re-review (复核) within the window after the review decision, at the body above
    the one that answered. The number and query code are checked as by the query: a wrong
    pair is a 404 and counts towards the number's lock."""

    @extend_schema(
        operation_id="public_review_request",
        request=PublicReviewRequestSerializer,
        responses={
            201: PublicReviewSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="There is no answer to review yet, the request window has ended, "
                "or a request is already under way."
            ),
            429: LOCKED,
        },
        auth=[],
        tags=["public"],
    )
    def post(self, request):
        serializer = PublicReviewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = for_the_pair(
            lambda: request_review(data["number"], data["query_code"], data["request"])
        )
        body = {
            "level": review.level,
            "level_label": review.get_level_display(),
            "unit": review.unit.official_name,
            "requested_on": review.requested_on,
        }
        return Response(PublicReviewSerializer(body).data, status=201)


class PublicLostCodeSerializer(NumberSerializer):
    phone = serializers.CharField(
        max_length=20,
        help_text=gettext_lazy("The mobile number given when the petition was registered."),
    )

    def validate_phone(self, value: str) -> str:
        return normalize_mobile(value)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PublicLostCodeView(PublicView):
    """A lost query code: a new one is texted to the mobile registered with the petition and
    the old one stops working. The answer is the same whether or not the number exists and
    the phone matches; a number gets PUBLIC_CODE_RENEWAL_LIMIT new codes a day (429 after,
    counted whether it exists or not)."""

    @extend_schema(
        operation_id="public_query_code_renew",
        request=PublicLostCodeSerializer,
        responses={
            202: DetailSerializer,
            429: OpenApiResponse(
                description="The number's new codes for the day are used up, or the address "
                "sent too many requests."
            ),
        },
        auth=[],
        tags=["public"],
    )
    def post(self, request):
        serializer = PublicLostCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not renew_code(data["number"], data["phone"]):
            raise Throttled(detail=renewals_used_message())
        return Response({"detail": new_code_sent_message()}, status=202)


# --- submitting a petition online ------------------------------------------------------------


class PublicSmsCodeSerializer(serializers.Serializer):
    phone = serializers.CharField(
        max_length=30, help_text=gettext_lazy("Your mobile number (11 digits).")
    )

    def validate_phone(self, value: str) -> str:
        return normalize_mobile(value)


def code_sent_message() -> str:
    return _(
        "If this number can receive text messages, a code is on its way. It is valid for "
        "%(minutes)d minutes."
    ) % {"minutes": settings.PUBLIC_SMS_CODE_MINUTES}


TOO_MANY = OpenApiResponse(
    description="Too many requests from this address or for this phone: try again after "
    "`Retry-After` seconds."
)


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
        return Response({"detail": code_sent_message()}, status=202)


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
