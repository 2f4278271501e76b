from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation and users")

    def ready(self) -> None:
        from . import scope_cache, signals  # noqa: F401
        from .selectors import UNITS

        scope_cache.connect()
        UNITS.stamp_on_change()
