from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = _("Escalation and supervision")

    def ready(self) -> None:
        from cases.kinds import DEADLINE_KINDS, EVENT_KINDS
        from notifications.kinds import NOTIFICATION_KINDS, register_badges

        from .kinds import (
            NOTIFICATION_BADGES,
            EscalationDeadlineKind,
            EscalationEventKind,
            EscalationNotificationKind,
        )

        # Its case events, task clocks and notifications: the apps below list none of them.
        EVENT_KINDS.register(EscalationEventKind)
        DEADLINE_KINDS.register(EscalationDeadlineKind)
        NOTIFICATION_KINDS.register(EscalationNotificationKind)
        register_badges(NOTIFICATION_BADGES)

        from cases.panels import register_case_panel
        from cases.selectors.accusations import register_participation

        from .selectors import units_taking_part

        # The case detail loads this fragment; cases never imports escalation.
        register_case_panel("escalation:case_panel", _("Supervision and consultation"))
        register_participation(units_taking_part)

        # Its figures on the dashboard (`core.sections`: dashboards sits beside it).
        from core.sections import register_section

        from .consultations.figures import CONSULTATION_SECTION
        from .figures import ESCALATION_SECTION

        register_section(ESCALATION_SECTION)
        register_section(CONSULTATION_SECTION)

        # The unit scopes of the notice and joint supervision pickers (`accounts.pickers`).
        from .joint import forms as joint_forms  # noqa: F401
        from .notices import forms as notice_forms  # noqa: F401
