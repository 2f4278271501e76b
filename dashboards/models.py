"""The dashboards' rollup: per day and per unit, the counts every indicator is a sum or a
ratio of. A row for a unit covers the unit's whole subtree, so one unit's figures for a year
are one indexed read of 365 rows, whatever the number of petitions.

Each group of counts has its own date and its own unit (see `services.rollup`):

- petitions: the day received and the matter's location (属地);
- acceptance decisions and answer clocks: the day they were due and the unit responsible;
- answers: the day the answer reached the petitioner and the answering unit.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from cases.models import Case
from petitions.models import Category


def count() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(default=0)


class DailyStat(models.Model):
    day = models.DateField(_("day"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    # Petitions received on the day about matters located in the unit's subtree.
    batches = count()
    persons = count()
    letter_batches = count()
    letter_persons = count()
    visit_batches = count()
    visit_persons = count()
    online_batches = count()
    online_persons = count()
    phone_batches = count()
    phone_persons = count()
    national_batches = count()
    national_persons = count()
    province_batches = count()
    province_persons = count()
    city_batches = count()
    city_persons = count()
    district_batches = count()
    district_persons = count()
    skip_level_batches = count()
    skip_level_persons = count()
    group_batches = count()
    group_persons = count()
    repeat_batches = count()
    repeat_persons = count()
    first_time_batches = count()
    first_time_persons = count()
    # Acceptance decisions due on the day, by the unit responsible for them.
    acceptance_due = count()
    acceptance_on_time = count()
    acceptance_open = count()
    # Answer clocks (handling, simplified answer) due on the day, by the unit responsible.
    answer_due = count()
    answer_due_met = count()
    answer_due_open = count()
    # Answers delivered on the day, by the answering unit.
    answered = count()
    answered_on_time = count()
    resolved = count()
    evaluated = count()
    satisfied = count()
    unevaluated = count()
    first_time_answered = count()
    first_time_repeated = count()

    class Meta:
        verbose_name = _("daily statistics")
        verbose_name_plural = _("daily statistics")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="daily_stat_unique"),
        ]
        # A refresh replaces whole days.
        indexes = [models.Index(fields=["day"], name="daily_stat_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


COUNT_FIELDS: tuple[str, ...] = tuple(
    field.name for field in DailyStat._meta.fields if isinstance(field, models.PositiveIntegerField)
)


class DailyCategoryStat(models.Model):
    """Petitions received on the day about matters in the unit's subtree, per category."""

    day = models.DateField(_("day"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    batches = count()
    persons = count()

    class Meta:
        verbose_name = _("daily statistics per category")
        verbose_name_plural = _("daily statistics per category")
        constraints = [
            # On PostgreSQL, migration 0002 adds a covering index (unit, day, category)
            # INCLUDE (batches, persons): the hot issues are read from the index alone.
            models.UniqueConstraint(
                fields=["unit", "day", "category"], name="daily_category_stat_unique"
            ),
        ]
        indexes = [models.Index(fields=["day"], name="daily_category_stat_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.category_id}"


class BacklogCase(models.Model):
    """A case that is 积案 (`cases.selectors.backlog_condition`) as of the last refresh: the
    condition reads every petition of two years, too slow to evaluate on each page view."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="+")

    class Meta:
        verbose_name = _("backlog case")
        verbose_name_plural = _("backlog cases")

    def __str__(self) -> str:
        return str(self.case_id)


class RollupState(models.Model):
    """The one row that says how current the rollup is; locked while it is refreshed."""

    refreshed_at = models.DateTimeField(_("refreshed at"), null=True)
    # Case events created from here on (less a margin) are still to be rolled up.
    watermark = models.DateTimeField(_("events rolled up until"), null=True)
    rebuilt_at = models.DateTimeField(_("last rebuilt at"), null=True)
    # A digest of the unit tree the rows were summed over: a moved unit forces a rebuild.
    tree_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("dashboard rollup state")
        verbose_name_plural = _("dashboard rollup state")

    def __str__(self) -> str:
        return f"rollup refreshed at {self.refreshed_at}"
