"""Which units' users see a case, stored: the case list's, the petition list's and every
scoped query's visibility as an indexed lookup (`cases.selectors.scope`), where the rule
itself (received, owned, assigned by a unit in the user's subtree) joins three tables per
row and defeats every index at a province's scale."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit

from .case import Case


class CaseReach(models.Model):
    """`unit` or a unit below it received one of the case's petitions, owns the case, or
    leads or co-handles one of its assignments: the users whose scope is `unit`'s subtree
    see the case (`cases.services.reach`, which keeps these rows)."""

    pk = models.CompositePrimaryKey("unit", "case")
    # The primary key's first column: the lookup by unit is the key's own index.
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reach")

    class Meta:
        verbose_name = _("unit reached by a case")
        verbose_name_plural = _("units reached by cases")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.unit_id}"
