"""The written notices (告知书) the petitioner is owed on each decision (Art. 23, 31, 34–36):
issued inside the decision's transaction (`services.notices.notice_issue`), numbered from the
issuing unit's own series, laid out by `cases.notices` and delivered once
(`services.notices.notice_deliver`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit

from .case import Case, LegalChannel, NotAcceptReason
from .work import DeliveryMethod, Review


class NoticeKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Notice of acceptance")
    REFUSAL = "refusal", _("Notice of non-acceptance")
    NO_LONGER_ACCEPTED = "no_longer_accepted", _("Notice of no further acceptance")
    FORWARDED = "forwarded", _("Notice of forwarding")
    ASSIGNED = "assigned", _("Notice of assignment")
    EXTENSION = "extension", _("Notice of extension")
    REVIEW_OPINION = "review_opinion", _("Review opinion")
    REREVIEW_OPINION = "rereview_opinion", _("Re-review opinion")


# The official title of each kind: fixed Chinese, the document's language whatever the UI's.
NOTICE_TITLES: dict[str, str] = {
    NoticeKind.ACCEPTANCE: "信访事项受理告知书",
    NoticeKind.REFUSAL: "信访事项不予受理告知书",
    NoticeKind.NO_LONGER_ACCEPTED: "信访事项不再受理告知书",
    NoticeKind.FORWARDED: "信访事项转送告知书",
    NoticeKind.ASSIGNED: "信访事项交办告知书",
    NoticeKind.EXTENSION: "信访事项延期办理告知书",
    NoticeKind.REVIEW_OPINION: "信访事项复查意见书",
    NoticeKind.REREVIEW_OPINION: "信访事项复核意见书",
}

# The number series of each kind (`accounts.numbering`): 江信访受〔2026〕3号.
NOTICE_SERIES: dict[str, str] = {
    NoticeKind.ACCEPTANCE: "受",
    NoticeKind.REFUSAL: "不受",
    NoticeKind.NO_LONGER_ACCEPTED: "不再受",
    NoticeKind.FORWARDED: "转",
    NoticeKind.ASSIGNED: "交",
    NoticeKind.EXTENSION: "延",
    NoticeKind.REVIEW_OPINION: "复查",
    NoticeKind.REREVIEW_OPINION: "复核",
}


class WrittenNotice(models.Model):
    """A written notice to the petitioner on one decision, and its delivery."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("notice"), max_length=30, choices=NoticeKind.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    # 发文字号: <机关代字><series>〔year〕n号, gap-free per issuing unit, series and year.
    number = models.CharField(_("document number"), max_length=160, unique=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the text needs, by kind: the reason not to accept (a NotAcceptReason) and its
    # explanation, or the extension's reason; the legal channel and where the petitioner was
    # guided; the unit forwarded or assigned to; the new due date (an extension) or the answer
    # due date (an acceptance); the terminated matter's case number; the review decided.
    reason = models.CharField(
        _("reason"), max_length=30, choices=NotAcceptReason.choices, blank=True
    )
    text = models.TextField(_("explanation"), blank=True)
    legal_channel = models.CharField(
        _("legal channel"), max_length=30, choices=LegalChannel.choices, blank=True
    )
    guided_to = models.CharField(_("guided to"), max_length=100, blank=True)
    to_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("forwarded or assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    earlier_case_number = models.CharField(_("earlier case"), max_length=40, blank=True)
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # An acceptance notice is owed by the acceptance due date (Art. 23: 15 days).
    deliver_by = models.DateField(_("to be delivered by"), null=True, blank=True)
    delivery_method = models.CharField(
        _("delivery method"), max_length=20, choices=DeliveryMethod.choices, blank=True
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    # Null for an online delivery (the petitioner fetches it) and until delivered.
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # When the reminder scan chased the undelivered notice (once).
    chased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("written notice")
        verbose_name_plural = _("written notices")
        ordering = ["issued_on", "pk"]
        indexes = [
            models.Index(
                fields=["deliver_by"],
                condition=models.Q(delivered_on__isnull=True, chased_at__isnull=True),
                name="notice_undelivered",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def title(self) -> str:
        """The notice's official title (信访事项受理告知书 …)."""
        return NOTICE_TITLES[self.kind]

    @property
    def is_delivered(self) -> bool:
        return self.delivered_on is not None
