from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from cases.selectors.lists import register_backlog_ledger

        from .selectors import backlog_case_ids

        register_backlog_ledger(backlog_case_ids)

        from . import forms  # noqa: F401  (registers the area picker's unit scope)
