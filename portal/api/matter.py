"""Following a matter by number and query code, no login: `query/`, `evaluate/`,
`review-request/`, and a lost code (`query-codes/`). The portal never reads a staff session
or token (`authentication_classes = []`)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.response import Response

from cases.models import EvaluationResult, ReviewLevel
from core.identity import (
    normalize_mobile,
)
from core.limits import LONG_TEXT

from ..messages import (
    locked_message,
    new_code_sent_message,
    not_found_message,
    renewals_used_message,
)
from ..query import Locked, evaluate_matter, query_matter, renew_code, request_review
from ..selectors import PublicStatus
from .base import DetailSerializer, PublicView


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
