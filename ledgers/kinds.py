"""The ledgers' words in the vocabularies of the apps below (`core.kinds`), registered in
`LedgersConfig.ready()`: their notifications, and the events they write on a case's timeline.
Their reminders use the deadline scan's own stages (due soon,
overdue), registered by escalation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerNotificationKind(models.TextChoices):
    SCREENING = "screening", _("Dispute screening")
    URGENT = "urgent", _("Major or urgent matter")


class LedgerCaseEventKind(models.TextChoices):
    """What the ledgers write on a case's timeline."""

    URGENT_FLAGGED = "urgent_flagged", _("Flagged major or urgent")
    URGENT_REPORTED = "urgent_reported", _("Information report sent")


NOTIFICATION_BADGES = {
    LedgerNotificationKind.SCREENING: "text-bg-info",
    LedgerNotificationKind.URGENT: "text-bg-danger",
}
