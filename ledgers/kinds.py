"""The ledgers' words in the vocabularies of the apps below (`core.kinds`), registered in
`LedgersConfig.ready()`. Their reminders use the deadline scan's own stages (due soon,
overdue), registered by escalation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerNotificationKind(models.TextChoices):
    SCREENING = "screening", _("Dispute screening")


NOTIFICATION_BADGES = {
    LedgerNotificationKind.SCREENING: "text-bg-info",
}
