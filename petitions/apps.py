from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from notifications.kinds import NOTIFICATION_KINDS

        from .kinds import PetitionNotificationKind

        NOTIFICATION_KINDS.register(PetitionNotificationKind)
