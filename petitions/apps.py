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

        from .models import Petition

        # A petition's receiving unit reaches its case (`cases.services.reach`).
        post_save.connect(petition_saved, sender=Petition, dispatch_uid="petition-reach")


def petition_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    from cases.services.reach import reach_add, reach_refresh

    if created:
        case = instance.case if sender.case.is_cached(instance) else None
        if case is None or instance.receiving_unit_id not in (
            case.receiving_unit_id,
            case.owner_unit_id,
        ):
            reach_add(instance.case_id, [instance.receiving_unit])
    elif update_fields is None or {"case", "receiving_unit"} & set(update_fields):
        reach_refresh([instance.case_id])
