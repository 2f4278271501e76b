"""People's suggestions (人民建议征集, Art. 29): the commendations and awards (表扬奖励) given
for a suggestion adopted. The register itself is the suggestion cases (`cases.Case` of the
kind suggestion) read with their answer (`ledgers.suggestions.selectors`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from cases.models import Case


class CommendationKind(models.TextChoices):
    WRITTEN = "written", _("Written commendation")
    PUBLIC = "public", _("Public commendation")
    MATERIAL = "material", _("Material award")
    OTHER = "other", _("Other")


class SuggestionCommendation(models.Model):
    """表扬奖励记录: a suggester commended or rewarded for a suggestion adopted or partly
    adopted that contributed to the economy and society, better work or the public interest
    (Art. 29 para. 2), with the unit that granted it and why."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="suggestion_commendations",
    )
    kind = models.CharField(
        _("kind of commendation"), max_length=20, choices=CommendationKind.choices
    )
    granted_on = models.DateField(_("granted on"))
    granting_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("granting unit"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("reasons"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion commendation")
        verbose_name_plural = _("suggestion commendations")
        ordering = ["granted_on", "pk"]
        indexes = [models.Index(fields=["granted_on"], name="suggestion_commended_on")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.granted_on}"
