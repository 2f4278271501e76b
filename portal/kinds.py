"""The portal's words in the vocabularies below it (`core.kinds`), registered in
`PortalConfig.ready()`: the text messages it sends."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalNotificationKind(models.TextChoices):
    PHONE_CODE = "phone_code", _("Phone verification code")
