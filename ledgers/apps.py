from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Ledgers")

    def ready(self) -> None:
        from cases.kinds import EVENT_KINDS
        from notifications.kinds import NOTIFICATION_KINDS, register_badges

        from .kinds import (
            NOTIFICATION_BADGES,
            BacklogCaseEventKind,
            LedgerCaseEventKind,
            LedgerNotificationKind,
        )

        EVENT_KINDS.register(LedgerCaseEventKind)
        NOTIFICATION_KINDS.register(LedgerNotificationKind)
        register_badges(NOTIFICATION_BADGES)
        # The backlog ledger's steps on the case's timeline: cases lists none of them.
        EVENT_KINDS.register(BacklogCaseEventKind)

        # The ledgers' clocks are reminded by the one deadline scan (beat runs it).
        from escalation.deadlines.services import register_scan_step

        from .backlog.reminders import backlog_remind
        from .screening.reminders import screening_remind
        from .urgent.reminders import urgent_remind

        register_scan_step("screening", screening_remind)
        register_scan_step("urgent", urgent_remind)

        register_scan_step("backlog", backlog_remind)

        # Their figures on the dashboard, in the monthly report and in its export.
        from dashboards.sections import register_section

        from .backlog.figures import BACKLOG_SECTION
        from .screening.figures import SCREENING_SECTION
        from .urgent.figures import URGENT_SECTION

        register_section(SCREENING_SECTION)
        register_section(URGENT_SECTION)

        # The case page's panel of its information reports (cases never imports ledgers).
        from cases.panels import register_case_panel

        register_case_panel("ledgers:urgent_case_panel", _("Major and urgent reports"))

        register_section(BACKLOG_SECTION)

        from .targets.figures import TARGETS_SECTION

        register_section(TARGETS_SECTION)

        # A backlog case's lead unit works on the case: an accusation against that unit does
        # not join it (`cases.selectors.accusations.case_reaches`).
        from cases.selectors.accusations import register_participation

        from .backlog.selectors import lead_units_taking_part

        register_participation(lead_units_taking_part)

        # The people's suggestions: the commendation on the case's timeline, told on the
        # portal; the dashboard's section; the case page's panel.
        from portal.selectors import register_public_step

        from .kinds import SuggestionCaseEventKind
        from .suggestions.figures import SUGGESTION_SECTION

        EVENT_KINDS.register(SuggestionCaseEventKind)
        register_public_step(
            SuggestionCaseEventKind.COMMENDED,
            _("Your suggestion was adopted, and you are commended for it"),
        )
        register_section(SUGGESTION_SECTION)
        register_case_panel(
            "ledgers:suggestion_case_panel", _("People's suggestion"), key="suggestions"
        )

        # The unit scopes of the ledgers' pickers (`accounts.pickers`).
        from .screening import forms as screening_forms  # noqa: F401
        from .targets import forms as targets_forms  # noqa: F401
