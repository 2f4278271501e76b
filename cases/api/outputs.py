"""Output serializers of the case API: the case list and detail and what hangs off a case."""

from django.urls import reverse
from rest_framework import serializers

from core.api_input import SlugRelatedField

from ..models import (
    Approval,
    Assignment,
    Case,
    CaseEvent,
    Deadline,
    Document,
    Evaluation,
    Hearing,
    Reply,
    Review,
)

# --- output ------------------------------------------------------------------------------------


def unit_code(**kwargs) -> SlugRelatedField:
    return SlugRelatedField(slug_field="code", read_only=True, **kwargs)


def username(**kwargs) -> SlugRelatedField:
    return SlugRelatedField(slug_field="username", read_only=True, **kwargs)


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]


class DeadlineSerializer(serializers.ModelSerializer):
    responsible_unit = unit_code()

    class Meta:
        model = Deadline
        fields = [
            "kind",
            "responsible_unit",
            "assignment",
            "starts_on",
            "due_on",
            "due_provisional",
            "met_on",
            "lapsed",
            "extended_days",
            "paused_days",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    assigning_unit = unit_code()
    lead_unit = unit_code()
    co_units = unit_code(many=True)
    leader = username()
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "assigning_unit",
            "lead_unit",
            "co_units",
            "responsible_person",
            "leader",
            "instructions",
            "status",
            "assigned_on",
            "due_on",
            "signed_on",
            "reported_on",
            "report",
            "return_reason",
            "returned_on",
            "documents",
        ]


class AssignmentOutSerializer(AssignmentSerializer):
    """An assignment on its own: with the number of its case."""

    case = serializers.CharField(source="case.number", read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = ["case", *AssignmentSerializer.Meta.fields]


class ApprovalSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", read_only=True)
    owner_unit = serializers.CharField(source="case.owner_unit.code", read_only=True)
    requested_by = username()
    decided_by = username()

    class Meta:
        model = Approval
        fields = [
            "id",
            "case",
            "owner_unit",
            "kind",
            "status",
            "reply",
            "proposal",
            "requested_by",
            "requested_on",
            "decided_by",
            "decided_on",
            "instruction",
        ]


class ReplySerializer(serializers.ModelSerializer):
    unit = unit_code()
    drafted_by = username()
    approved_by = username()
    agreement = DocumentSerializer(read_only=True, allow_null=True)
    print_url = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "id",
            "status",
            "number",
            "request",
            "facts_and_reasons",
            "opinion",
            "legal_basis",
            "resolved",
            "agreement",
            "unit",
            "drafted_by",
            "drafted_on",
            "approved_by",
            "approved_on",
            "delivery_method",
            "delivered_on",
            "print_url",
            "docx_url",
        ]

    def _link(self, name: str, reply: Reply) -> str:
        """The reply's document (an API token opens it too; see core.apiauth)."""
        url = reverse(name, args=[reply.case.number, reply.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_print_url(self, reply: Reply) -> str:
        return self._link("cases:reply_print", reply)

    def get_docx_url(self, reply: Reply) -> str:
        return self._link("cases:reply_docx", reply)


class EvaluationSerializer(serializers.ModelSerializer):
    recorded_by = username(allow_null=True)

    class Meta:
        model = Evaluation
        fields = ["result", "contact", "note", "evaluated_on", "recorded_by", "online"]


class HearingSerializer(serializers.ModelSerializer):
    days = serializers.IntegerField(read_only=True)

    class Meta:
        model = Hearing
        fields = ["starts_on", "ends_on", "days", "note"]


class ReviewSerializer(serializers.ModelSerializer):
    unit = unit_code()
    decided_by = username()
    document = DocumentSerializer(read_only=True, allow_null=True)
    hearings = HearingSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "level",
            "unit",
            "requested_on",
            "request",
            "decision",
            "opinion",
            "decided_on",
            "delivered_on",
            "decided_by",
            "document",
            "hearings",
        ]


class EventSerializer(serializers.ModelSerializer):
    actor = username()
    actor_unit = unit_code()
    date = serializers.DateField(source="effective_on", read_only=True)
    entered_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = CaseEvent
        fields = [
            "kind",
            "actor",
            "actor_unit",
            "date",
            "entered_at",
            "old_status",
            "new_status",
            "comment",
            "data",
        ]


class CasePetitionSerializer(serializers.Serializer):
    number = serializers.CharField()
    channel = serializers.CharField()
    received_at = serializers.DateTimeField()


class CaseListSerializer(serializers.ModelSerializer):
    """A row of the case list: the fields `selectors.case_list` loads (no query per row)."""

    owner_unit = unit_code()
    sponsoring_leader = username()
    acceptance_due = serializers.DateField(read_only=True)
    handling_due = serializers.DateField(read_only=True, allow_null=True)
    next_due = serializers.DateField(read_only=True, allow_null=True)
    petition_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "number",
            "status",
            "matter_kind",
            "summary",
            "received_at",
            "owner_unit",
            "simplified",
            "sponsoring_leader",
            "acceptance_due",
            "handling_due",
            "next_due",
            "petition_count",
        ]


class CaseDetailSerializer(serializers.ModelSerializer):
    """A case with its clocks and everything done on it (see `case_display`: the relations
    are loaded up front, one query each). Due dates are those of the latest clock of each
    kind; `on_time` is whether the answer was delivered by its due date."""

    receiving_unit = unit_code()
    owner_unit = unit_code()
    location_unit = unit_code()
    accused_unit = unit_code()
    answering_unit = unit_code()
    sponsoring_leader = username()
    sponsor_staff = username()
    same_matter_as = SlugRelatedField(slug_field="number", read_only=True)
    acceptance_due = serializers.DateField(read_only=True)
    handling_due = serializers.DateField(read_only=True, allow_null=True)
    review_request_due = serializers.DateField(read_only=True, allow_null=True)
    review_due = serializers.DateField(read_only=True, allow_null=True)
    rereview_request_due = serializers.DateField(read_only=True, allow_null=True)
    rereview_due = serializers.DateField(read_only=True, allow_null=True)
    next_due = serializers.DateField(read_only=True, allow_null=True)
    on_time = serializers.BooleanField(source="answered_on_time", read_only=True, allow_null=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)
    evaluations = EvaluationSerializer(many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    petitions = CasePetitionSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "number",
            "status",
            "matter_kind",
            "summary",
            "received_at",
            "receiving_unit",
            "owner_unit",
            "location_unit",
            "accused_unit",
            "answering_unit",
            "simplified",
            "accepted_on",
            "decision_reason",
            "legal_channel",
            "guided_to",
            "acceptance_due",
            "handling_due",
            "review_request_due",
            "review_due",
            "rereview_request_due",
            "rereview_due",
            "next_due",
            "on_time",
            "resolved",
            "sponsoring_leader",
            "sponsor_staff",
            "sponsor_due_on",
            "sponsor_responsibility",
            "same_matter_as",
            "deadlines",
            "assignments",
            "approvals",
            "replies",
            "evaluations",
            "reviews",
            "documents",
            "events",
            "petitions",
        ]
