from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Leader reception")

    def ready(self) -> None:
        from cases.panels import register_case_panel
        from cases.selectors_accusations import register_participation

        from .selectors_appointments import units_taking_part

        # The case detail loads this fragment; cases never imports reception.
        register_case_panel("reception:case_panel")
        register_participation(units_taking_part)
