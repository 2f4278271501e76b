from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from notifications.kinds import NOTIFICATION_KINDS

        from .kinds import PetitionNotificationKind

        NOTIFICATION_KINDS.register(PetitionNotificationKind)

        from django.db.models.signals import post_save

        from cases.services.reach import petition_saved

        from .models import Petition
        from .selectors import CATEGORIES

        # A petition's receiving unit reaches its case (`cases.services.reach`).
        post_save.connect(petition_saved, sender=Petition, dispatch_uid="petition-reach")
        CATEGORIES.stamp_on_change()
