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


def case_step(
    summary: str, request_serializer, *, created: type[serializers.Serializer] | None = None
):
    """The schema of a case action: its input, and the case (or the object it created)."""
    responses = {201: created} if created else {200: CaseDetailSerializer}
    return extend_schema(summary=summary, request=request_serializer, responses=responses)


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

    @case_step(_("Accept the case"), AcceptSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, number=None):
        return self._step(request, AcceptSerializer, services.case_accept)

    @case_step(_("Forward the case to a unit with authority"), ForwardSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, number=None):
        return self._step(request, ForwardSerializer, services.case_forward)

    @case_step(
        _("Assign the case to a subordinate unit"),
        AssignSerializer,
        created=AssignmentOutSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, number=None):
        return self._step(
            request, AssignSerializer, services.case_assign, created=AssignmentOutSerializer
        )

    @case_step(
        _("Propose not to accept the case, for a leader's approval"),
        NotAcceptSerializer,
        created=ApprovalSerializer,
    )
    @action(detail=True, methods=["post"], url_path="not-accept")
    def not_accept(self, request, number=None):
        return self._step(
            request,
            NotAcceptSerializer,
            services.case_propose_not_accept,
            created=ApprovalSerializer,
        )

    @case_step(_("Divert the matter to a legal channel"), DivertSerializer)
    @action(detail=True, methods=["post"])
    def divert(self, request, number=None):
        return self._step(request, DivertSerializer, services.case_divert)

    @case_step(_("Move the case to the normal procedure"), ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="leave-simplified")
    def leave_simplified(self, request, number=None):
        return self._step(request, ReasonSerializer, services.case_leave_simplified)

    @case_step(
        _("Ask a leader to extend the handling time limit"),
        ExtensionSerializer,
        created=ApprovalSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, number=None):
        return self._step(
            request,
            ExtensionSerializer,
            services.case_request_extension,
            created=ApprovalSerializer,
        )

    @case_step(_("Draft the reply and put it to a leader"), ReplyDraftSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, number=None):
        return self._step(request, ReplyDraftSerializer, services.reply_draft)

    @case_step(_("Record the delivery of the approved reply"), DeliverSerializer)
    @action(detail=True, methods=["post"], url_path="deliver-reply")
    def deliver_reply(self, request, number=None):
        return self._step(request, DeliverSerializer, services.reply_deliver)

    @case_step(_("Record the satisfaction evaluation"), EvaluateSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, number=None):
        return self._step(request, EvaluateSerializer, services.case_evaluate)

    @case_step(_("Register a review request"), ReviewRequestSerializer)
    @action(detail=True, methods=["post"], url_path="request-review")
    def request_review(self, request, number=None):
        return self._step(request, ReviewRequestSerializer, services.case_request_review)

    @case_step(_("Decide the review"), ReviewDecideSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, number=None):
        return self._step(request, ReviewDecideSerializer, services.case_review)

    @case_step(_("Register a re-review request"), ReviewRequestSerializer)
    @action(detail=True, methods=["post"], url_path="request-rereview")
    def request_rereview(self, request, number=None):
        return self._step(request, ReviewRequestSerializer, services.case_request_rereview)

    @case_step(_("Decide the re-review; the matter is terminated"), ReviewDecideSerializer)
    @action(detail=True, methods=["post"])
    def rereview(self, request, number=None):
        return self._step(request, ReviewDecideSerializer, services.case_rereview)

    @case_step(_("Record a hearing during the re-review"), HearingInputSerializer)
    @action(detail=True, methods=["post"])
    def hearing(self, request, number=None):
        return self._step(request, HearingInputSerializer, services.case_record_hearing)

    @case_step(_("Sponsor the case as a leader"), SponsorSerializer)
    @action(detail=True, methods=["post"])
    def sponsor(self, request, number=None):
        return self._step(request, SponsorSerializer, services.case_sponsor)


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

    @extend_schema(
        summary=_("Sign for the assignment"),
        request=StepSerializer,
        responses={200: AssignmentOutSerializer},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self._step(request, StepSerializer, services.assignment_sign)

    @extend_schema(
        summary=_("Report back on the assignment"),
        request=ReportSerializer,
        responses={200: AssignmentOutSerializer},
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._step(request, ReportSerializer, services.assignment_report)

    @extend_schema(
        summary=_("Object to the assignment and return it"),
        request=ReasonSerializer,
        responses={200: AssignmentOutSerializer},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._step(request, ReasonSerializer, services.assignment_return)


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
