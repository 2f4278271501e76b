from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from notifications.kinds import NOTIFICATION_KINDS

        from .kinds import DEADLINE_KINDS, EVENT_KINDS, CaseNotificationKind
        from .models import DeadlineKind, EventKind

        # Its words first; the apps above add theirs to the same registries (`core.kinds`).
        EVENT_KINDS.register(EventKind)
        DEADLINE_KINDS.register(DeadlineKind)
        NOTIFICATION_KINDS.register(CaseNotificationKind)

        from accounts.calendar.services import register_calendar_listener

        from .services.clocks import deadlines_follow_calendar

        # Open clocks follow every change of the work calendar.
        register_calendar_listener(deadlines_follow_calendar)

        from notifications.screens import register_screen

        from .selectors.accusations import screen_notifications

        register_screen(screen_notifications)

        from django.db.models.signals import m2m_changed, post_save

        from accounts.models import unit_moved

        from .models import Assignment, Case
        from .services import reach

        # The units that see a case are kept with every write (`services.reach`).
        post_save.connect(reach.case_saved, sender=Case, dispatch_uid="case-reach")
        post_save.connect(
            reach.assignment_saved, sender=Assignment, dispatch_uid="assignment-reach"
        )
        m2m_changed.connect(
            reach.co_units_changed, sender=Assignment.co_units.through, dispatch_uid="co-unit-reach"
        )
        unit_moved.connect(reach.unit_moved, dispatch_uid="unit-moved-reach")

        from . import sections

        # The case page's cached sections are dropped when what they show changes.
        sections.connect()

        from . import pickers  # noqa: F401  (the unit scopes of a case's forms)
