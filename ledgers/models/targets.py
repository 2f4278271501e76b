"""The annual targets (一控制三下降) a level sets for the units below it, and the weights of
its year-end assessment of them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit


def _cut(label: str) -> models.DecimalField:
    """A reduction against last year, in per cent (10.0: down by a tenth)."""
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


def _base(label: str) -> models.PositiveIntegerField:
    """Last year's figure as entered from the year's statistics (None: the rollup's)."""
    return models.PositiveIntegerField(label, null=True, blank=True)


class AnnualTarget(models.Model):
    """A unit's targets for a year (一控制三下降, 五下降): the petitions of its whole area
    within a ceiling (信访总量控制, in batches), and skip-level, repeat, group and 进京/赴省
    petitions down by a percentage against the year before. Set by the level above; progress
    is read from the dashboards' rollup (`ledgers.targets.selectors.target_progress`).

    The cuts count from last year's figures in the rollup. When the system does not hold last
    year whole (it went into use during it), the level enters last year's figures (上年基数)
    from the year's statistics: an entered base stands in for the rollup's."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    batch_ceiling = models.PositiveIntegerField(_("ceiling on petitions (batches)"))
    skip_level_cut = _cut(_("skip-level petitions down by (%)"))
    repeat_cut = _cut(_("repeat petitions down by (%)"))
    group_cut = _cut(_("group petitions down by (%)"))
    capital_cut = _cut(_("petitions to Beijing and the province down by (%)"))
    skip_level_base = _base(_("skip-level petitions last year"))
    repeat_base = _base(_("repeat petitions last year"))
    group_base = _base(_("group petitions last year"))
    capital_base = _base(_("petitions to Beijing and the province last year"))
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="annual_target_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id}"


# The factors of the year-end assessment, in the order they are shown.
FACTORS = ("on_time", "satisfaction", "resolution", "ranking", "targets", "ledgers")


def _weight(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(100)])


class AssessmentScheme(models.Model):
    """How a unit weighs the factors when it assesses the units directly below it at the end
    of a year (points out of 100). Without one, `ledgers.assessment.DEFAULT_WEIGHTS`."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("assessing unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    on_time = _weight(_("on-time completion rate"))
    satisfaction = _weight(_("satisfaction rate"))
    resolution = _weight(_("resolution rate"))
    ranking = _weight(_("monthly ranking"))
    targets = _weight(_("annual targets"))
    ledgers = _weight(_("ledgers' resolution rate"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("assessment weights")
        verbose_name_plural = _("assessment weights")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="assessment_scheme_once_a_year"),
            # The points are out of 100: the services say so field by field first.
            models.CheckConstraint(
                condition=Exact(sum((F(factor) for factor in FACTORS[1:]), F(FACTORS[0])), 100),
                name="assessment_weights_sum_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id}"

    @property
    def weights(self) -> dict[str, int]:
        return {factor: getattr(self, factor) for factor in FACTORS}
