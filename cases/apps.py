from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from notifications.screens import register_screen

        from .selectors_accusations import screen_notifications

        register_screen(screen_notifications)
