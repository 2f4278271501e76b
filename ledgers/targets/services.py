"""Setting the annual targets (一控制三下降) of a unit, and the weights of the year-end
assessment: the level above sets both, each change in the ledgers' history."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from core.exceptions import NotAllowed, ValidationError
from core.limits import LONG_TEXT

from ..events import ledger_event_write
from ..models import FACTORS, AnnualTarget, AssessmentScheme, Ledger, LedgerEventKind
from ..permissions import can_assess, can_set_target
from .assessment import FACTOR_LABELS
from .selectors import METRICS

CUTS = ("skip_level_cut", "repeat_cut", "group_cut", "capital_cut")
BASES = ("skip_level_base", "repeat_base", "group_base", "capital_base")


def check_year(year: object, today: datetime.date | None = None) -> int:
    """Last year, this year or next: a year further off is a typo."""
    today = today or timezone.localdate()
    if not isinstance(year, int) or not today.year - 1 <= year <= today.year + 1:
        raise ValidationError(
            {
                "year": [
                    _("Between %(first)d and %(last)d.")
                    % {"first": today.year - 1, "last": today.year + 1}
                ]
            }
        )
    return year


def _percent(name: str, value: object, errors: dict) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors[name] = [_("A percentage between 0 and 100.")]
        return Decimal(0)
    if not Decimal(0) <= number <= Decimal(100):
        errors[name] = [_("A percentage between 0 and 100.")]
    return number


def _base(name: str, value: object, errors: dict) -> int | None:
    """Last year's figure as entered, or None (blank: the rollup's)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors[name] = [_("A whole number of batches, 0 or more, or blank.")]
        return None
    return value


def _lock_unit(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.select_for_update().get(pk=unit.pk)


@transaction.atomic
def target_set(
    *,
    actor: User,
    unit: OrgUnit,
    year: int,
    batch_ceiling: int,
    skip_level_cut: object,
    repeat_cut: object,
    group_cut: object,
    capital_cut: object,
    skip_level_base: object = None,
    repeat_base: object = None,
    group_base: object = None,
    capital_base: object = None,
    note: str = "",
) -> AnnualTarget:
    """Set (or change) `unit`'s targets for `year`: a supervisor of a level above it, whose
    area holds it. The `*_base` figures are last year's, entered when the system does not
    hold last year whole (None: the rollup's)."""
    unit = _lock_unit(unit)
    if not can_set_target(actor, unit):
        raise NotAllowed(
            _("Targets are set by a supervisor of the level above, for a unit of its area.")
        )
    if not unit.is_active:
        raise ValidationError({"unit": [_("%(unit)s is no longer active.") % {"unit": unit}]})
    year = check_year(year)
    errors: dict[str, list[str]] = {}
    if isinstance(batch_ceiling, bool) or not isinstance(batch_ceiling, int) or batch_ceiling < 0:
        errors["batch_ceiling"] = [_("A whole number of batches, 0 or more.")]
    values = {
        name: _percent(name, value, errors)
        for name, value in zip(
            CUTS, (skip_level_cut, repeat_cut, group_cut, capital_cut), strict=True
        )
    }
    bases = {
        name: _base(name, value, errors)
        for name, value in zip(
            BASES, (skip_level_base, repeat_base, group_base, capital_base), strict=True
        )
    }
    if errors:
        raise ValidationError(errors)
    target = AnnualTarget.objects.select_for_update().filter(unit=unit, year=year).first()
    if target is None:
        target = AnnualTarget(unit=unit, year=year)
    target.batch_ceiling = batch_ceiling
    for name, value in {**values, **bases}.items():
        setattr(target, name, value)
    target.note = (note or "").strip()[:LONG_TEXT]
    target.set_by = actor
    target.save()
    ledger_event_write(
        ledger=Ledger.TARGET,
        object_id=target.pk,
        kind=LedgerEventKind.TARGET_SET,
        actor=actor,
        note=_(
            "Ceiling %(ceiling)d batches; skip-level down %(skip)s%%, repeat down %(repeat)s%%, "
            "group down %(group)s%%, to Beijing and the province down %(capital)s%%."
        )
        % {
            "ceiling": batch_ceiling,
            "skip": values["skip_level_cut"],
            "repeat": values["repeat_cut"],
            "group": values["group_cut"],
            "capital": values["capital_cut"],
        }
        + _bases_note(bases),
    )
    return target


def _bases_note(bases: dict[str, int | None]) -> str:
    entered = {name: value for name, value in bases.items() if value is not None}
    if not entered:
        return ""
    labels = {metric.base: metric.label for metric in METRICS if metric.base}
    figures = "、".join(f"{labels[name]} {value}" for name, value in entered.items())
    return " " + _("Last year's figures as entered: %(figures)s.") % {"figures": figures}


@transaction.atomic
def weights_set(*, actor: User, unit: OrgUnit, year: int, weights: dict) -> AssessmentScheme:
    """Set how `unit` weighs the assessment of the units below it in `year`: whole points for
    each factor, 100 in all."""
    unit = _lock_unit(unit)
    if not can_assess(actor, unit):
        raise NotAllowed(_("The weights are set by a supervisor of the assessing unit's area."))
    year = check_year(year)
    errors: dict[str, list[str]] = {}
    points = {}
    for factor in FACTORS:
        value = weights.get(factor)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors[factor] = [_("Whole points between 0 and 100.")]
        else:
            points[factor] = value
    if errors:
        raise ValidationError(errors)
    if sum(points.values()) != 100:
        raise ValidationError(
            {
                "__all__": [
                    _("The weights add up to %(total)d; they must add up to 100.")
                    % {"total": sum(points.values())}
                ]
            }
        )
    scheme = AssessmentScheme.objects.select_for_update().filter(unit=unit, year=year).first()
    if scheme is None:
        scheme = AssessmentScheme(unit=unit, year=year)
    for factor, value in points.items():
        setattr(scheme, factor, value)
    scheme.set_by = actor
    scheme.save()
    ledger_event_write(
        ledger=Ledger.ASSESSMENT,
        object_id=scheme.pk,
        kind=LedgerEventKind.WEIGHTS_SET,
        actor=actor,
        note="、".join(f"{FACTOR_LABELS[factor]} {value}" for factor, value in points.items()),
    )
    return scheme
