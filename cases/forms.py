"""One form per case action. Each form's cleaned data maps 1:1 onto the keyword arguments of
its service (`service_kwargs`), the optional back-entry date `date` becoming `on`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import unit_picker
from core.forms import (
    ActionForm,
    MultipleFileField,
    UnitChoiceField,
    UnitMultipleChoiceField,
    UserChoiceField,
    date_widget,
    single_file_field,
    textarea,
)
from core.limits import LONG_TEXT

from .models import (
    COMPLAINT_OPINIONS,
    SUGGESTION_DECISIONS,
    Case,
    DeliveryMethod,
    DocumentKind,
    EvaluationResult,
    LegalChannel,
    MatterKind,
    NotAcceptReason,
    Opinion,
    ReviewDecision,
)
from .selectors import case_numbered, leaders_for, staff_for

# --- the acceptance decision ----------------------------------------------------------------


class AcceptForm(ActionForm):
    simplified = forms.BooleanField(
        label=_("Simplified procedure (first-time, clear-cut complaint)"), required=False
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=textarea(2)
    )

    def setup(self) -> None:
        # Offered only where it may apply; the service checks the rest (the 3-workday limit).
        if not (self.case.matter_kind == MatterKind.COMPLAINT and self.case.is_first_time):
            del self.fields["simplified"]


class ForwardForm(ActionForm):
    to_unit = UnitChoiceField(label=_("Forward to"), queryset=OrgUnit.objects.none())
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=textarea(2)
    )

    def setup(self) -> None:
        unit_picker(self.fields["to_unit"], user=self.user, scope="case_forward", context=self.case)


class AssignForm(ActionForm):
    searchable = ("leader",)

    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=OrgUnit.objects.none())
    co_units = UnitMultipleChoiceField(
        label=_("Co-units"), queryset=OrgUnit.objects.none(), required=False
    )
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=50)
    leader = UserChoiceField(
        label=_("Sponsoring leader"), queryset=User.objects.none(), required=False
    )
    instructions = forms.CharField(label=_("Instructions"), max_length=5000, widget=textarea())
    due_on = forms.DateField(label=_("Report due"), widget=date_widget())

    def clean_co_units(self) -> list[OrgUnit]:
        return list(self.cleaned_data["co_units"])

    def setup(self) -> None:
        for name in ("lead_unit", "co_units"):
            unit_picker(
                self.fields[name], user=self.user, scope="case_below_owner", context=self.case
            )
        self.fields["leader"].queryset = leaders_for(self.case)
        handling_due = getattr(self.case, "handling_due", None)
        if handling_due and not self.case.awaits_acceptance:
            self.fields["due_on"].help_text = _("At the latest %(date)s (the answer is due).") % {
                "date": f"{handling_due:%Y-%m-%d}"
            }


class NotAcceptForm(ActionForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=NotAcceptReason.choices)
    text = forms.CharField(
        label=_("Explanation"), max_length=2000, required=False, widget=textarea(2)
    )
    earlier_case = forms.CharField(
        label=_("Earlier case on the same matter"),
        max_length=40,
        required=False,
        help_text=_(
            "Its number, when the matter was already terminated, or answered and closed "
            "without a review request."
        ),
    )

    def setup(self) -> None:
        if self.case.same_matter_as_id and not self.is_bound:
            self.initial["earlier_case"] = self.case.same_matter_as.number

    def clean_earlier_case(self) -> Case | None:
        return case_numbered(self.user, self.cleaned_data["earlier_case"])


class DivertForm(ActionForm):
    channel = forms.ChoiceField(label=_("Legal channel"), choices=LegalChannel.choices)
    guided_to = forms.CharField(
        label=_("Guided to (court, arbitration body, reconsideration body)"), max_length=100
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=textarea(2)
    )


class LeaveSimplifiedForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=textarea(2))


# --- handling to the answer -------------------------------------------------------------------


class ExtensionForm(ActionForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, initial=30)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=textarea(2))


class ReplyForm(ActionForm):
    request = forms.CharField(label=_("The request"), max_length=5000, widget=textarea(2))
    facts_and_reasons = forms.CharField(
        label=_("Facts and reasons"), max_length=LONG_TEXT, widget=textarea(4)
    )
    opinion = forms.ChoiceField(
        label=_("Opinion"), choices=[("", "---------"), *Opinion.choices], required=False
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=5000, required=False, widget=textarea(2)
    )
    resolved = forms.BooleanField(label=_("Matter resolved"), required=False)
    agreement = single_file_field(_("Mediation or settlement agreement (PDF, JPEG, PNG)"))
    agreement_kind = forms.ChoiceField(
        label=_("Kind of agreement"),
        choices=[
            (DocumentKind.MEDIATION_AGREEMENT, DocumentKind.MEDIATION_AGREEMENT.label),
            (DocumentKind.SETTLEMENT_AGREEMENT, DocumentKind.SETTLEMENT_AGREEMENT.label),
        ],
        initial=DocumentKind.MEDIATION_AGREEMENT,
        required=False,
    )

    def setup(self) -> None:
        """A suggestion is answered with a decision (Art. 29) and the study's findings as its
        reasons; a complaint with an opinion (Art. 32) and its legal basis."""
        if self.case is not None and self.case.matter_kind == MatterKind.SUGGESTION:
            opinions = SUGGESTION_DECISIONS
            self.fields["opinion"].label = _("Decision")
            self.fields["opinion"].required = True
            self.fields["request"].label = _("The suggestion")
            self.fields["facts_and_reasons"].label = _("Study and reasons")
            self.fields["facts_and_reasons"].help_text = _(
                "How the suggestion was studied, and why it is adopted, partly adopted or not."
            )
            self.fields["legal_basis"].label = _("Basis")
            del self.fields["resolved"]
            del self.fields["agreement"]
            del self.fields["agreement_kind"]
        else:
            opinions = COMPLAINT_OPINIONS
        self.fields["opinion"].choices = [
            ("", "---------"),
            *((opinion.value, opinion.label) for opinion in opinions),
        ]

    def clean_agreement_kind(self) -> str:
        return self.cleaned_data["agreement_kind"] or DocumentKind.MEDIATION_AGREEMENT


class DeliverForm(ActionForm):
    method = forms.ChoiceField(label=_("Delivery method"), choices=DeliveryMethod.choices)


class EvaluateForm(ActionForm):
    result = forms.ChoiceField(label=_("Evaluation"), choices=EvaluationResult.choices)
    contact = forms.CharField(label=_("Person called"), max_length=50)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=textarea(2))


# --- review and re-review ---------------------------------------------------------------------


class ReviewRequestForm(ActionForm):
    request = forms.CharField(label=_("The request"), max_length=5000, widget=textarea())


class ReviewDecisionForm(ActionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices)
    opinion = forms.CharField(label=_("Opinion"), max_length=LONG_TEXT, widget=textarea(4))
    document = single_file_field(_("Signed opinion (PDF, JPEG, PNG)"))


class HearingForm(ActionForm):
    # The hearing's own dates are its effective dates.
    back_entry = False

    starts_on = forms.DateField(label=_("From"), widget=date_widget())
    ends_on = forms.DateField(label=_("To"), widget=date_widget())
    note = forms.CharField(label=_("Note"), max_length=5000, required=False, widget=textarea(2))


# --- leaders ----------------------------------------------------------------------------------


class SponsorForm(ActionForm):
    searchable = ("staff",)

    staff = UserChoiceField(
        label=_("Responsible staff"), queryset=User.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Time limit"), widget=date_widget())
    responsibility = forms.CharField(label=_("Responsibility"), max_length=5000, widget=textarea(2))

    def setup(self) -> None:
        self.fields["staff"].queryset = staff_for(self.user)
        if not self.is_bound and self.case.sponsoring_leader_id == self.user.pk:
            self.initial.update(
                staff=self.case.sponsor_staff_id,
                due_on=self.case.sponsor_due_on,
                responsibility=self.case.sponsor_responsibility,
            )


class ApprovalDecideForm(ActionForm):
    """Approve or send back, with the leader's instruction (批示). The two submit buttons
    carry `approve`."""

    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("true", _("Approve")), ("false", _("Send back"))],
        coerce=lambda value: value == "true",
        widget=forms.HiddenInput,
    )
    instruction = forms.CharField(
        label=_("Instruction"), max_length=5000, required=False, widget=textarea(2)
    )


# --- assignments ------------------------------------------------------------------------------


class SignForm(ActionForm):
    pass


class ReportForm(ActionForm):
    report = forms.CharField(label=_("Report"), max_length=LONG_TEXT, widget=textarea(4))
    files = MultipleFileField(label=_("Material (PDF, JPEG, PNG, 10 MB each)"), required=False)


class ReturnForm(ActionForm):
    reason = forms.CharField(
        label=_("Why the matter is outside your remit"), max_length=5000, widget=textarea(3)
    )


# --- written notices --------------------------------------------------------------------------


class NoticeDeliverForm(ActionForm):
    """The delivery of a written notice: how and on which day (today when left empty)."""

    back_entry = False

    method = forms.ChoiceField(label=_("Delivery method"), choices=DeliveryMethod.choices)
    date = forms.DateField(
        label=_("Delivered on"),
        required=False,
        widget=date_widget(),
        help_text=_("Empty: today."),
    )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["on"] = data.pop("date")
        return data
