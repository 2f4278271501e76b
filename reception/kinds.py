"""Reception's words in the vocabularies of the apps below (`core.kinds`), registered in
`ReceptionConfig.ready()`: the case events its services write and the notifications they
send."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReceptionEventKind(models.TextChoices):
    RECEPTION_BOOKED = "reception_booked", _("Booked for a leader's reception")
    RECEPTION_CANCELLED = "reception_cancelled", _("Leader's reception appointment cancelled")
    RECEPTION_HELD = "reception_held", _("Received by a leader")
    FIELD_VISIT = "field_visit", _("Taken along on a leader's field visit")


class ReceptionNotificationKind(models.TextChoices):
    RECEPTION = "reception", _("Leader reception")
