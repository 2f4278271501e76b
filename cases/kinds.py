"""The vocabularies of the case's columns that the apps above extend (`core.kinds`).

`CaseEvent.kind` and `Deadline.kind` store codes; cases registers its own (`EventKind`,
`DeadlineKind` in `cases.models`) and every app above that writes events or clocks registers
its own in its `AppConfig.ready()` (escalation's supervision events and task clocks,
reception's reception events). Cases lists none of theirs, and a kind added above needs no
migration here.

The notifications cases writes are of the kinds in `CaseNotificationKind`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.kinds import KindRegistry

EVENT_KINDS = KindRegistry("case event")
DEADLINE_KINDS = KindRegistry("clock")


def event_kinds() -> list[tuple[str, str]]:
    """The choices of `CaseEvent.kind`: every kind of event registered."""
    return EVENT_KINDS.choices()


def deadline_kinds() -> list[tuple[str, str]]:
    """The choices of `Deadline.kind` and `DeadlineRule.kind`: every kind of clock
    registered."""
    return DEADLINE_KINDS.choices()


class CaseNotificationKind(models.TextChoices):
    """The notifications the case's handling writes (`notifications.kinds`)."""

    ASSIGNED = "assigned", _("Assigned to your unit")
    FORWARDED = "forwarded", _("Forwarded to your unit")
    APPROVAL = "approval", _("Awaiting your approval")
    DECIDED = "decided", _("Leader's decision")
    DEADLINE_MOVED = "deadline_moved", _("Time limit moved")
    # To the petitioner's phone: a written notice waits on the public portal.
    NOTICE_ONLINE = "notice_online", _("Written notice online")
    # To the owner unit's handlers: an acceptance notice was not delivered in time.
    NOTICE_UNDELIVERED = "notice_undelivered", _("Written notice not delivered")
