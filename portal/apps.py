from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public portal (信访人): no login; reads the apps below it, nothing imports it."""

    name = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from notifications.kinds import NOTIFICATION_KINDS

        from .kinds import PortalNotificationKind

        NOTIFICATION_KINDS.register(PortalNotificationKind)
