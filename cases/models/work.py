"""The work done on a case: assignments, documents, approvals, replies, evaluations, reviews."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import OrgUnit

from .case import Case


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Awaiting signature")
    SIGNED = "signed", _("Signed for")
    REPORTED = "reported", _("Reported back")
    RETURNED = "returned", _("Returned")


class Assignment(models.Model):
    """A case sent to a subordinate lead unit (+ co-units) to work and report back
    (交办单: 交必办、办必果、果必报)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    assigning_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("assigning unit"), on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="lead_assignments",
    )
    co_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("co-units"), blank=True, related_name="co_assignments"
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsoring leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instructions = models.TextField(_("instructions"))
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("report due"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ASSIGNED,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    report = models.TextField(_("report"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(_("reason for the objection"), blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["assigned_on", "pk"]
        indexes = [models.Index(fields=["lead_unit", "status"])]

    def __str__(self) -> str:
        return f"{self.case} → {self.lead_unit}"


class DocumentKind(models.TextChoices):
    ASSIGNMENT_REPORT = "assignment_report", _("Report-back material")
    MEDIATION_AGREEMENT = "mediation_agreement", _("Mediation agreement")
    SETTLEMENT_AGREEMENT = "settlement_agreement", _("Settlement agreement")
    REVIEW_DECISION = "review_decision", _("Review opinion")
    REREVIEW_DECISION = "rereview_decision", _("Re-review opinion")
    HEARING_RECORD = "hearing_record", _("Hearing record")


def document_path(document: "Document", filename: str) -> str:
    return f"cases/{document.case_id}/{document.stored_name}"


class Document(models.Model):
    """A file on a case (report-back material, an agreement, a review opinion)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    stored_name = models.CharField(max_length=80, default="")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @staticmethod
    def new_stored_name(extension: str) -> str:
        return f"{uuid.uuid4().hex}.{extension}"


class Opinion(models.TextChoices):
    """The answer's opinion: a complaint's (Art. 32: support, explain, not support) or a
    suggestion's decision (Art. 29: adopted, partly adopted, not adopted for now)."""

    SUPPORT = "support", _("Support")
    EXPLAIN = "explain", _("Explain")
    NOT_SUPPORT = "not_support", _("Not support")
    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted for now")


# Which opinions answer which kind of matter.
COMPLAINT_OPINIONS = (Opinion.SUPPORT, Opinion.EXPLAIN, Opinion.NOT_SUPPORT)
SUGGESTION_DECISIONS = (Opinion.ADOPTED, Opinion.PARTLY_ADOPTED, Opinion.NOT_ADOPTED)
# The decisions that put a suggestion on the register of adopted suggestions.
ADOPTED_DECISIONS = (Opinion.ADOPTED, Opinion.PARTLY_ADOPTED)


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    SMS = "sms", _("By SMS")
    ONLINE = "online", pgettext_lazy("delivery", "Online")


class ReplyStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    SENT_BACK = "sent_back", _("Sent back")
    APPROVED = "approved", _("Approved")
    DELIVERED = "delivered", _("Delivered")


class Reply(models.Model):
    """The answer to the petitioner: 信访处理意见书 (complaints, requests, accusations) or a
    reply letter (suggestions)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    request = models.TextField(_("the request"))
    facts_and_reasons = models.TextField(_("facts and reasons"))
    opinion = models.CharField(_("opinion"), max_length=20, choices=Opinion.choices, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    resolved = models.BooleanField(_("matter resolved"), default=False)
    agreement = models.ForeignKey(
        Document,
        verbose_name=_("mediation or settlement agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReplyStatus.choices,
        default=ReplyStatus.PENDING_APPROVAL,
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("answering unit"), on_delete=models.PROTECT, related_name="+"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_on = models.DateField(_("drafted on"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    delivery_method = models.CharField(
        _("delivery method"), max_length=20, choices=DeliveryMethod.choices, blank=True
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    # 发文字号 (江信访〔2026〕5号): the answering unit's next number, given on approval.
    number = models.CharField(_("document number"), max_length=160, blank=True, db_default="")

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["drafted_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="reply_number_unique"
            )
        ]
        # The dashboards' rollup reads the answers delivered on a day.
        indexes = [
            models.Index(
                fields=["delivered_on"],
                condition=models.Q(delivered_on__isnull=False),
                name="reply_delivered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_status_display()}"


class ApprovalKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    EXTENSION = "extension", _("Extension")
    NOT_ACCEPT = "not_accept", _("Not accepting")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")


class Approval(models.Model):
    """A leader's sign-off (审批) with an instruction (批示): on a reply, an extension or a
    decision not to accept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("for"), max_length=20, choices=ApprovalKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="approvals"
    )
    # What is to be approved: extension days and reason, a not-accept reason and text.
    proposal = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_on = models.DateField(_("requested on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    instruction = models.TextField(_("instruction"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["requested_on", "pk"]
        indexes = [
            models.Index(
                fields=["requested_on"],
                condition=Q(status="pending"),
                name="approval_pending",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status="pending"),
                name="approval_one_pending_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.get_status_display()}"


class EvaluationResult(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


# The results that count as satisfied in every rate (满意率: 满意 and 基本满意).
SATISFIED_RESULTS = (EvaluationResult.SATISFIED, EvaluationResult.BASICALLY_SATISFIED)


class Evaluation(models.Model):
    """The petitioner's satisfaction with the answer, taken on a follow-up call (回访) or given
    by the petitioner on the public portal (`online`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evaluations")
    result = models.CharField(_("evaluation"), max_length=30, choices=EvaluationResult.choices)
    contact = models.CharField(_("person called"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    evaluated_on = models.DateField(_("called on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Given by the petitioner on the public portal (no call, no member of staff).
    online = models.BooleanField(_("given online"), db_default=False)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["evaluated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_result_display()}"


class ReviewLevel(models.TextChoices):
    REVIEW = "review", _("Review")
    REREVIEW = "rereview", _("Re-review")


class ReviewDecision(models.TextChoices):
    UPHOLD = "uphold", _("Uphold")
    CHANGE = "change", _("Change")
    REVOKE = "revoke", _("Revoke")


class Review(models.Model):
    """A review (复查) or re-review (复核) by the superior unit of the one that answered."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    level = models.CharField(_("review level"), max_length=10, choices=ReviewLevel.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("reviewing unit"), on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField(_("requested on"))
    request = models.TextField(_("the request"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=ReviewDecision.choices, blank=True
    )
    opinion = models.TextField(_("opinion"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "level"], name="review_one_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_level_display()}"


class Hearing(models.Model):
    """A hearing (听证) during a re-review; its days are not counted in the re-review period."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="hearings")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.review} {self.starts_on}–{self.ends_on}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1
