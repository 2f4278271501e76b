"""`POST /api/v1/public/query/`: follow the matter by number and query code, no login.

The portal never reads a staff session or token (`authentication_classes = []`)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.middleware import without_staff_session
from cases.models import EvaluationResult

from .lockout import PublicQueryThrottle
from .query import Locked, evaluate_matter, query_matter
from .selectors import PublicStatus


class PublicQuerySerializer(serializers.Serializer):
    number = serializers.CharField(
        max_length=40, help_text=gettext_lazy("The number on the receipt.")
    )
    query_code = serializers.CharField(
        max_length=32, help_text=gettext_lazy("The query code on the receipt.")
    )


class StepSerializer(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField()


class DueDateSerializer(serializers.Serializer):
    label = serializers.CharField()
    date = serializers.DateField()


class PublicMatterSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=PublicStatus.ALL)
    status_label = serializers.CharField()
    steps = StepSerializer(many=True)
    due_dates = DueDateSerializer(many=True)
    can_evaluate = serializers.BooleanField()
    can_request_review = serializers.BooleanField()


def not_found_message() -> str:
    return _("No matter was found for this number and query code. Check both and try again.")


def locked_message() -> str:
    return _("Too many wrong query codes for this number: try again later.")


NOT_FOUND = OpenApiResponse(description="No matter for this number and query code.")
LOCKED = OpenApiResponse(
    description="The number's lookup is locked after wrong codes, or the address sent too many "
    "requests: try again after `Retry-After` seconds."
)


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
        try:
            matter = query_matter(
                serializer.validated_data["number"], serializer.validated_data["query_code"]
            )
        except Locked as locked:
            raise Throttled(wait=locked.seconds, detail=locked_message()) from None
        if matter is None:
            raise NotFound(not_found_message())
        return Response(PublicMatterSerializer(matter).data)


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
        try:
            evaluation = evaluate_matter(
                data["number"], data["query_code"], data["result"], data["comment"]
            )
        except Locked as locked:
            raise Throttled(wait=locked.seconds, detail=locked_message()) from None
        if evaluation is None:
            raise NotFound(not_found_message())
        body = {"result": evaluation.result, "result_label": evaluation.get_result_display()}
        return Response(PublicEvaluationSerializer(body).data, status=201)
