"""The ledgers' words in the vocabularies of the apps below (`core.kinds`), registered in
`LedgersConfig.ready()`: the notifications they send and the case events they write on the
case's timeline. Their reminders use the deadline scan's own stages (due soon, overdue,
escalated), registered by escalation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerNotificationKind(models.TextChoices):
    SCREENING = "screening", _("Dispute screening")
    URGENT = "urgent", _("Major or urgent matter")
    BACKLOG = "backlog", _("Backlog ledger")
    SUGGESTION = "suggestion", _("People's suggestions")


class LedgerCaseEventKind(models.TextChoices):
    """What the major and urgent matters write on a case's timeline."""

    URGENT_FLAGGED = "urgent_flagged", _("Flagged major or urgent")
    URGENT_REPORTED = "urgent_reported", _("Information report sent")


NOTIFICATION_BADGES = {
    LedgerNotificationKind.SCREENING: "text-bg-info",
    LedgerNotificationKind.URGENT: "text-bg-danger",
    LedgerNotificationKind.BACKLOG: "text-bg-primary",
    LedgerNotificationKind.SUGGESTION: "text-bg-success",
}


class BacklogCaseEventKind(models.TextChoices):
    """What the backlog ledger (积案台账) writes on the case's timeline (`cases.CaseEvent`),
    beside its own history (`LedgerEvent`)."""

    PLACED = "backlog_placed", _("Put on the backlog ledger")
    SPONSOR_NAMED = "backlog_sponsor_named", _("Backlog case: sponsoring leader named")
    PROGRESS = "backlog_progress", _("Backlog case: progress reported")
    EXTENDED = "backlog_extended", _("Backlog case: time limit extended")
    ENDED = "backlog_ended", _("Backlog case: outcome recorded")


class SuggestionCaseEventKind(models.TextChoices):
    """What the people's suggestions write on the case's timeline: the suggester commended
    (the portal tells the petitioner, `portal.selectors.register_public_step`)."""

    COMMENDED = "suggestion_commended", _("Suggester commended")
