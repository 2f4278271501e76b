from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Ledgers")

    def ready(self) -> None:
        from cases.kinds import EVENT_KINDS
        from notifications.kinds import NOTIFICATION_KINDS, register_badges

        from .kinds import NOTIFICATION_BADGES, LedgerCaseEventKind, LedgerNotificationKind

        EVENT_KINDS.register(LedgerCaseEventKind)
        NOTIFICATION_KINDS.register(LedgerNotificationKind)
        register_badges(NOTIFICATION_BADGES)

        # The ledgers' clocks are reminded by the one deadline scan (beat runs it).
        from escalation.deadlines.services import register_scan_step

        from .screening.reminders import screening_remind
        from .urgent.reminders import urgent_remind

        register_scan_step("screening", screening_remind)
        register_scan_step("urgent", urgent_remind)

        # Their figures on the dashboard, in the monthly report and in its export.
        from dashboards.sections import register_section

        from .screening.figures import SCREENING_SECTION
        from .urgent.figures import URGENT_SECTION

        register_section(SCREENING_SECTION)
        register_section(URGENT_SECTION)

        # The case page's panel of its information reports (cases never imports ledgers).
        from cases.panels import register_case_panel

        register_case_panel("ledgers:urgent_case_panel", _("Major and urgent reports"))

        # The unit scopes of the ledgers' pickers (`accounts.pickers`).
        from .screening import forms as screening_forms  # noqa: F401
