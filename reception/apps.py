from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Leader reception")

    def ready(self) -> None:
        from cases.kinds import EVENT_KINDS
        from notifications.kinds import NOTIFICATION_KINDS

        from .kinds import ReceptionEventKind, ReceptionNotificationKind

        # Its case events and notifications: the apps below list none of them.
        EVENT_KINDS.register(ReceptionEventKind)
        NOTIFICATION_KINDS.register(ReceptionNotificationKind)

        from cases.panels import register_case_panel
        from cases.selectors.accusations import register_participation

        from .appointments.selectors import units_taking_part

        # The case detail loads this fragment; cases never imports reception.
        register_case_panel("reception:case_panel", _("Leader reception"))
        register_participation(units_taking_part)

        # Its figures on the dashboard (`core.sections`: dashboards sits below it).
        from core.sections import register_section

        from .figures import RECEPTION_SECTION

        register_section(RECEPTION_SECTION)

        # The unit scope of the booking form's attending units picker (`accounts.pickers`).
        from .appointments import forms as appointment_forms  # noqa: F401
