"""Input serializers of the case API: one per step, each with the optional effective date."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit, User
from core.api_input import SlugRelatedField
from core.limits import LONG_TEXT
from core.rest import BackEntryInput

from ..fields import CaseNumberField
from ..models import (
    ApprovalStatus,
    DeliveryMethod,
    DocumentKind,
    EvaluationResult,
    LegalChannel,
    NotAcceptReason,
    Opinion,
    ReviewDecision,
)

UNIT_FIELD = {"slug_field": "code", "queryset": OrgUnit.objects.filter(is_active=True)}
USER_FIELD = {"slug_field": "username", "queryset": User.objects.filter(is_active=True)}


# --- input -------------------------------------------------------------------------------------


class StepSerializer(BackEntryInput):
    """What every step takes: the day it happened, if earlier than today."""

    date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The day it happened, for a paper record entered later; empty: today."),
    )


class AcceptSerializer(StepSerializer):
    simplified = serializers.BooleanField(default=False)
    comment = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class ForwardSerializer(StepSerializer):
    to_unit = SlugRelatedField(**UNIT_FIELD)
    comment = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class AssignSerializer(StepSerializer):
    lead_unit = SlugRelatedField(**UNIT_FIELD)
    co_units = SlugRelatedField(many=True, required=False, **UNIT_FIELD)
    responsible_person = serializers.CharField(max_length=50)
    leader = SlugRelatedField(required=False, allow_null=True, **USER_FIELD)
    instructions = serializers.CharField(max_length=LONG_TEXT)
    due_on = serializers.DateField()


class NotAcceptSerializer(StepSerializer):
    reason = serializers.ChoiceField(choices=NotAcceptReason.choices)
    text = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    earlier_case = CaseNumberField()


class DivertSerializer(StepSerializer):
    channel = serializers.ChoiceField(choices=LegalChannel.choices)
    guided_to = serializers.CharField(max_length=100)
    comment = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class ReasonSerializer(StepSerializer):
    reason = serializers.CharField(max_length=LONG_TEXT)


class ExtensionSerializer(StepSerializer):
    days = serializers.IntegerField()
    reason = serializers.CharField(max_length=LONG_TEXT)


class ReplyDraftSerializer(StepSerializer):
    request = serializers.CharField(max_length=LONG_TEXT)
    facts_and_reasons = serializers.CharField(max_length=LONG_TEXT)
    opinion = serializers.ChoiceField(choices=Opinion.choices, required=False, allow_blank=True)
    legal_basis = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    resolved = serializers.BooleanField(default=False)
    agreement = serializers.FileField(required=False, allow_null=True)
    agreement_kind = serializers.ChoiceField(
        choices=[
            (kind, kind.label)
            for kind in (DocumentKind.MEDIATION_AGREEMENT, DocumentKind.SETTLEMENT_AGREEMENT)
        ],
        default=DocumentKind.MEDIATION_AGREEMENT,
    )


class DeliverSerializer(StepSerializer):
    method = serializers.ChoiceField(choices=DeliveryMethod.choices)


class EvaluateSerializer(StepSerializer):
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    contact = serializers.CharField(max_length=50)
    note = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class ReviewRequestSerializer(StepSerializer):
    request = serializers.CharField(max_length=LONG_TEXT)


class ReviewDecideSerializer(StepSerializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    opinion = serializers.CharField(max_length=LONG_TEXT)
    document = serializers.FileField(required=False, allow_null=True)


class HearingInputSerializer(serializers.Serializer):
    """A hearing's own dates are its effective dates (no `date`): it is recorded as of its
    last day."""

    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    note = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)


class SponsorSerializer(StepSerializer):
    staff = SlugRelatedField(required=False, allow_null=True, **USER_FIELD)
    due_on = serializers.DateField()
    responsibility = serializers.CharField(max_length=LONG_TEXT)

    def service_kwargs(self) -> dict:
        return {"staff": None, **super().service_kwargs()}


class ReportSerializer(StepSerializer):
    report = serializers.CharField(max_length=LONG_TEXT)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


class DecideSerializer(StepSerializer):
    approve = serializers.BooleanField()
    instruction = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class ApprovalQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[*ApprovalStatus.choices, ("all", _("All"))],
        default=ApprovalStatus.PENDING,
        help_text=_("Pending ones by default; `all` for every status."),
    )
