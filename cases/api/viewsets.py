"""The case API (issue 3 §11): the case list and detail, one POST per step of the handling,
the assignment steps and the leaders' approvals. Each action parses its input with its own
serializer, calls one service and answers with the case (or the object the step created).

Every action takes an optional `date` (ISO date): the day the step happened, for a paper
record entered later; the service refuses a future date or one before the case's
previous step. Errors: 400 `{field: [messages]}`, 403 wrong role, 404 outside the caller's
scope, 409 a conflict or an illegal transition (see `accounts.api.exception_handler`)."""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import User
from core.api_input import JSONParser
from core.rest import object_id

from .. import services
from ..filters import CaseFilter
from ..models import (
    Approval,
    ApprovalStatus,
    Assignment,
    Case,
)
from ..selectors import (
    approval_detail,
    approval_list,
    assignment_detail,
    case_detail,
    case_for_display,
    case_list,
    with_case_names,
)
from .inputs import (
    AcceptSerializer,
    ApprovalQuerySerializer,
    AssignSerializer,
    DecideSerializer,
    DeliverSerializer,
    DivertSerializer,
    EvaluateSerializer,
    ExtensionSerializer,
    ForwardSerializer,
    HearingInputSerializer,
    NotAcceptSerializer,
    ReasonSerializer,
    ReplyDraftSerializer,
    ReportSerializer,
    ReviewDecideSerializer,
    ReviewRequestSerializer,
    SponsorSerializer,
    StepSerializer,
)
from .outputs import (
    ApprovalSerializer,
    AssignmentOutSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
)


def visible_case(*, user: User, number: str) -> Case:
    """The case `number` if `user` may see it; Http404 otherwise."""
    try:
        return case_detail(user=user, number=number)
    except Case.DoesNotExist:
        raise Http404 from None


def case_display(case: Case) -> Case:
    """Load what the detail shows (one query per relation, whatever the case's history)."""
    case_for_display(case)
    # Oldest first, as received (the petitions' own order is newest first).
    petitions = case.petitions.order_by("received_at", "pk")
    prefetch_related_objects([case], Prefetch("petitions", queryset=petitions))
    return case


# --- views -------------------------------------------------------------------------------------

PARSERS = [JSONParser, MultiPartParser, FormParser]


def parse(serializer_class: type[serializers.Serializer], request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.service_kwargs()


def step_action(
    name: str,
    summary: str,
    request_serializer: type[serializers.Serializer],
    service: Callable,
    *,
    answer: type[serializers.Serializer] = CaseDetailSerializer,
    created: type[serializers.Serializer] | None = None,
    url_path: str = "",
):
    """A step as a POST action `name` (at `url_path`, by default the name with dashes): the
    view set's `_step` parses the input with `request_serializer` and runs `service`; it
    answers with `answer` (or 201 and the `created` object), as its schema says."""

    def step(self, request, *args, **kwargs):
        extra = {"created": created} if created else {}
        return self._step(request, request_serializer, service, **extra)

    step.__name__ = name
    responses = {201: created} if created else {200: answer}
    schema = extend_schema(summary=summary, request=request_serializer, responses=responses)
    route = action(detail=True, methods=["post"], url_path=url_path or name.replace("_", "-"))
    return schema(route(step))


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Cases in the caller's scope: the list (filters as on the case list page) and the
    detail, and one action per step of the handling."""

    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    filterset_class = CaseFilter
    parser_classes = PARSERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Case.objects.none()
        return case_list(user=self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            with_case_names(page)
        return page

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseDetailSerializer

    def get_object(self) -> Case:
        return visible_case(user=self.request.user, number=self.kwargs["number"])

    def retrieve(self, request, *args, **kwargs):
        case = case_display(self.get_object())
        return Response(CaseDetailSerializer(case, context={"request": request}).data)

    def _step(self, request, serializer_class, service: Callable, *, created=None) -> Response:
        """Parse the input, run `service` on the case (404 outside the caller's scope) and
        answer with the object it created or the case as it now is."""
        case = self.get_object()
        kwargs = parse(serializer_class, request)
        context = {"request": request}
        # The answer is read in the step's transaction, before the commit.
        with transaction.atomic():
            result = service(actor=request.user, case=case, **kwargs)
            if created is not None:
                data = created(result, context=context).data
                return Response(data, status=status.HTTP_201_CREATED)
            try:
                case = visible_case(user=request.user, number=case.number)
            except Http404:  # it left the caller's scope (forwarded elsewhere): number, status
                data = Case.objects.filter(pk=case.pk).values("number", "status").get()
                return Response(data)
            return Response(CaseDetailSerializer(case_display(case), context=context).data)

    accept = step_action("accept", _("Accept the case"), AcceptSerializer, services.case_accept)

    forward = step_action(
        "forward",
        _("Forward the case to a unit with authority"),
        ForwardSerializer,
        services.case_forward,
    )

    assign = step_action(
        "assign",
        _("Assign the case to a subordinate unit"),
        AssignSerializer,
        services.case_assign,
        created=AssignmentOutSerializer,
    )

    not_accept = step_action(
        "not_accept",
        _("Propose not to accept the case, for a leader's approval"),
        NotAcceptSerializer,
        services.case_propose_not_accept,
        created=ApprovalSerializer,
    )

    divert = step_action(
        "divert", _("Divert the matter to a legal channel"), DivertSerializer, services.case_divert
    )

    leave_simplified = step_action(
        "leave_simplified",
        _("Move the case to the normal procedure"),
        ReasonSerializer,
        services.case_leave_simplified,
    )

    request_extension = step_action(
        "request_extension",
        _("Ask a leader to extend the handling time limit"),
        ExtensionSerializer,
        services.case_request_extension,
        created=ApprovalSerializer,
    )

    reply = step_action(
        "reply",
        _("Draft the reply and put it to a leader"),
        ReplyDraftSerializer,
        services.reply_draft,
    )

    deliver_reply = step_action(
        "deliver_reply",
        _("Record the delivery of the approved reply"),
        DeliverSerializer,
        services.reply_deliver,
    )

    evaluate = step_action(
        "evaluate",
        _("Record the satisfaction evaluation"),
        EvaluateSerializer,
        services.case_evaluate,
    )

    request_review = step_action(
        "request_review",
        _("Register a review request"),
        ReviewRequestSerializer,
        services.case_request_review,
    )

    review = step_action(
        "review", _("Decide the review"), ReviewDecideSerializer, services.case_review
    )

    request_rereview = step_action(
        "request_rereview",
        _("Register a re-review request"),
        ReviewRequestSerializer,
        services.case_request_rereview,
    )

    rereview = step_action(
        "rereview",
        _("Decide the re-review; the matter is terminated"),
        ReviewDecideSerializer,
        services.case_rereview,
    )

    hearing = step_action(
        "hearing",
        _("Record a hearing during the re-review"),
        HearingInputSerializer,
        services.case_record_hearing,
    )

    sponsor = step_action(
        "sponsor", _("Sponsor the case as a leader"), SponsorSerializer, services.case_sponsor
    )


class AssignmentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assignments on cases in the caller's scope; the lead unit signs for, reports on or
    objects to them."""

    serializer_class = AssignmentOutSerializer
    parser_classes = PARSERS

    def get_queryset(self):  # for schema generation only
        return Assignment.objects.none()

    def get_object(self) -> Assignment:
        try:
            return assignment_detail(user=self.request.user, pk=object_id(self.kwargs["pk"]))
        except Assignment.DoesNotExist:
            raise Http404 from None

    def _step(self, request, serializer_class, service: Callable) -> Response:
        assignment = self.get_object()
        kwargs = parse(serializer_class, request)
        assignment = service(actor=request.user, assignment=assignment, **kwargs)
        return Response(AssignmentOutSerializer(assignment).data)

    sign = step_action(
        "sign",
        _("Sign for the assignment"),
        StepSerializer,
        services.assignment_sign,
        answer=AssignmentOutSerializer,
    )

    report = step_action(
        "report",
        _("Report back on the assignment"),
        ReportSerializer,
        services.assignment_report,
        answer=AssignmentOutSerializer,
    )

    return_ = step_action(
        "return_",
        _("Object to the assignment and return it"),
        ReasonSerializer,
        services.assignment_return,
        answer=AssignmentOutSerializer,
        url_path="return",
    )


class ApprovalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Approvals on cases in the caller's scope, pending ones first of all: the
    leaders' inbox. A leader approves or sends back with an instruction."""

    serializer_class = ApprovalSerializer
    parser_classes = PARSERS
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Approval.objects.none()
        query = ApprovalQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data["status"]
        return approval_list(user=self.request.user, status=None if wanted == "all" else wanted)

    def get_object(self) -> Approval:
        try:
            return approval_detail(user=self.request.user, pk=object_id(self.kwargs["pk"]))
        except Approval.DoesNotExist:
            raise Http404 from None

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=[*ApprovalStatus.values, "all"],
                description="pending (default), approved, sent_back or all",
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary=_("Approve, or send back with an instruction"),
        request=DecideSerializer,
        responses={200: ApprovalSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        approval = self.get_object()
        kwargs = parse(DecideSerializer, request)
        approval = services.approval_decide(actor=request.user, approval=approval, **kwargs)
        return Response(ApprovalSerializer(approval).data)
