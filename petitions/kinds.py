"""The petitions app's words in the vocabularies below it (`core.kinds`), registered in
`PetitionsConfig.ready()`: the text messages its services send."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PetitionNotificationKind(models.TextChoices):
    ONLINE_RECEIPT = "online_receipt", _("Online petition received")
    QUERY_CODE_RENEWED = "query_code_renewed", _("New query code")
