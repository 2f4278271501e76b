"""Escalation's words in the vocabularies of the apps below (`core.kinds`), registered in
`EscalationConfig.ready()`: the case events its services write, the task clocks they start
(`cases.Deadline`), and the notifications they send."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EscalationEventKind(models.TextChoices):
    OVERDUE_ESCALATED = "overdue_escalated", _("Escalated: long overdue")
    SUPERVISION_ISSUED = "supervision_issued", _("Supervision notice issued")
    SUPERVISION_ANSWERED = "supervision_answered", _("Supervision notice answered")
    CONSULTATION_HELD = "consultation_held", _("Consultation held")
    CONSULTATION_ESCALATED = "consultation_escalated", _("Consultation escalated")
    CONSULTATION_TASK_DONE = "consultation_task_done", _("Consultation task done")
    JOINT_OPENED = "joint_opened", _("Joint supervision opened")
    JOINT_REPORTED = "joint_reported", _("Joint supervision party reported")
    JOINT_CLOSED = "joint_closed", _("Joint supervision closed")


class EscalationDeadlineKind(models.TextChoices):
    """Units' tasks, their due dates set by hand (no DeadlineRule); a case can hold several
    of each at once."""

    SUPERVISION_NOTICE = "supervision_notice", _("Response to a supervision notice")
    JOINT_TASK = "joint_task", _("Joint supervision task")
    CONSULTATION_TASK = "consultation_task", _("Consultation task")


class EscalationNotificationKind(models.TextChoices):
    # The reminder scan's stages (`ReminderStage`): a notification's kind is its stage.
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Long overdue: escalated")
    SUPERVISION = "supervision", _("Supervision notice")
    JOINT_SUPERVISION = "joint_supervision", _("Joint supervision")
    CONSULTATION = "consultation", _("Consultation")
    RANKING = "ranking", _("Monthly ranking")


# How the inbox shows them (Bootstrap's badge classes).
NOTIFICATION_BADGES = {
    EscalationNotificationKind.DUE_SOON: "text-bg-warning",
    EscalationNotificationKind.OVERDUE: "text-bg-danger",
    EscalationNotificationKind.ESCALATED: "text-bg-danger",
    EscalationNotificationKind.SUPERVISION: "text-bg-primary",
    EscalationNotificationKind.JOINT_SUPERVISION: "text-bg-primary",
    EscalationNotificationKind.CONSULTATION: "text-bg-info",
}
