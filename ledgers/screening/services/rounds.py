"""Dispute screening's rounds and the units' reports: a round asks units to report by a date
(`screening_round_open`; the monthly regular rounds open themselves,
`screening_regular_rounds_open`), and each unit reports the disputes it found or that it found
none (`screening_report_submit`)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from accounts.roles import Role
from accounts.selectors import government_id_of, unit_in_scope, users_acting_for
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from core.locking import lock_and_read
from core.workcalendar import due_date, start_of_day
from escalation.recipients import Recipients
from notifications.services import notify

from ...events import ledger_event_write
from ...kinds import LedgerNotificationKind
from ...models import (
    Ledger,
    LedgerEvent,
    LedgerEventKind,
    RoundKind,
    ScreeningReport,
    ScreeningRound,
)
from ...permissions import (
    can_open_screening_round,
    can_report,
)

DISPUTE_SERIES = "纠"
# The levels that report in a district's monthly round: streets/townships and
# villages/communities (小事不出村、大事不出镇).
REPORTING_LEVELS = (OrgLevel.TOWNSHIP, OrgLevel.VILLAGE)


# --- rounds -----------------------------------------------------------------------------------


def regular_due_on(month: datetime.date) -> datetime.date:
    """The reports of a month's regular round are due on the district's meeting day
    (`SCREENING_MEETING_DAY`), moved to the next workday when it is a rest day."""
    day = month.replace(day=min(settings.SCREENING_MEETING_DAY, 28))
    return due_date(day - datetime.timedelta(days=1), 1)


def reporting_units(organizer: OrgUnit) -> list[OrgUnit]:
    """The units below the organiser's government that report in its rounds by default."""
    government = OrgUnit.objects.get(pk=government_id_of(organizer))
    return list(
        OrgUnit.objects.filter(
            path__startswith=government.path, level__in=REPORTING_LEVELS, is_active=True
        ).order_by("path")
    )


def _round_url(round_: ScreeningRound) -> str:
    return reverse("ledgers:round_detail", args=[round_.pk])


def report_url(report: ScreeningReport) -> str:
    return reverse("ledgers:report_detail", args=[report.pk])


def _open(
    *,
    actor: User | None,
    organizer: OrgUnit,
    kind: str,
    title: str,
    due_on: datetime.date,
    units: Sequence[OrgUnit],
    instructions: str,
    month: datetime.date | None = None,
) -> ScreeningRound:
    round_ = ScreeningRound.objects.create(
        kind=kind,
        title=title,
        organizing_unit=organizer,
        month=month,
        due_on=due_on,
        instructions=instructions,
        opened_by=actor,
    )
    ScreeningReport.objects.bulk_create(
        ScreeningReport(round=round_, unit=unit, due_on=due_on) for unit in units
    )
    # Each report's history starts with the round (one insert for a district's hundred).
    LedgerEvent.objects.bulk_create(
        LedgerEvent(
            ledger=Ledger.SCREENING_REPORT,
            object_id=pk,
            kind=LedgerEventKind.ROUND_OPENED,
            actor=actor,
            note=title,
        )
        for pk in ScreeningReport.objects.filter(round=round_).values_list("pk", flat=True)
    )
    recipients = Recipients(units)
    notify(
        recipients=[user for unit in units for user in recipients.responsible(unit)],
        kind=LedgerNotificationKind.SCREENING,
        title=_("%(title)s: report the disputes found, or that none were, by %(due)s.")
        % {"title": title, "due": due_on.isoformat()},
        url=_round_url(round_),
    )
    return round_


@transaction.atomic
def screening_round_open(
    *,
    actor: User,
    title: str,
    due_on: datetime.date | None,
    units: Sequence[OrgUnit],
    instructions: str = "",
) -> ScreeningRound:
    """A special round (专项排查: before a holiday or a major event) by a supervisor: the units
    of their area that must report by `due_on` (today or later), each notified."""
    organizer = actor.org_unit
    if organizer is None or not can_open_screening_round(actor):
        raise NotAllowed(_("Only a supervisor opens a screening round."))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the round a title.")]
    if due_on is None:
        errors["due"] = [_("Give the day the reports are due.")]
    elif due_on < today:
        errors["due"] = [_("The reports cannot be due before today.")]
    chosen = list({unit.pk: unit for unit in units}.values())
    if not chosen:
        errors["units"] = [_("Choose the units that must report.")]
    outside = [unit.name for unit in chosen if not unit.is_active or not unit_in_scope(actor, unit)]
    if outside:
        errors["units"] = [
            _("Outside your area: %(units)s.") % {"units": "、".join(sorted(outside))}
        ]
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    return _open(
        actor=actor,
        organizer=organizer,
        kind=RoundKind.SPECIAL,
        title=title,
        due_on=due_on,
        units=chosen,
        instructions=(instructions or "").strip()[:LONG_TEXT],
    )


def screening_regular_rounds_open(*, today: datetime.date) -> int:
    """This month's regular round (例行排查) for every district government without one, while
    its reports are not yet due; the units reporting are its streets and communities. Run by
    the deadline scan: a second run (or two at once) opens nothing twice. How many it opened."""
    month = today.replace(day=1)
    due_on = regular_due_on(month)
    if today > due_on:
        return 0
    districts = OrgUnit.objects.filter(
        level=OrgLevel.DISTRICT, kind=OrgKind.GOVERNMENT, is_active=True
    ).exclude(
        pk__in=ScreeningRound.objects.filter(kind=RoundKind.REGULAR, month=month).values(
            "organizing_unit"
        )
    )
    opened = 0
    for district in districts:
        units = reporting_units(district)
        if not units:
            continue
        try:
            with transaction.atomic():
                _open(
                    actor=None,
                    organizer=district,
                    kind=RoundKind.REGULAR,
                    title=_("%(unit)s %(year)d-%(month)02d dispute screening")
                    % {"unit": district.name, "year": month.year, "month": month.month},
                    due_on=due_on,
                    units=units,
                    instructions="",
                    month=month,
                )
        except IntegrityError:  # another scan opened it meanwhile
            continue
        opened += 1
    return opened


@transaction.atomic
def screening_report_submit(
    *,
    actor: User,
    report: ScreeningReport,
    nothing_found: bool,
    note: str = "",
    on: datetime.date | None = None,
) -> ScreeningReport:
    """Submit a unit's report for a round: the disputes registered with it, or nothing found
    (零报告), which is a valid answer. Once only; a late report is still taken (and shown late).
    `on`: the day a paper report was handed in, when it is entered later (not before the
    round opened, not after today)."""
    report = lock_and_read(ScreeningReport.objects.select_related("unit", "round"), report.pk)
    if not can_report(actor, report):
        raise NotAllowed(_("Only %(unit)s reports for itself.") % {"unit": report.unit.name})
    if report.is_submitted:
        raise Conflict(
            _("%(unit)s has already reported for this round.") % {"unit": report.unit.name}
        )
    count = report.items.count()
    if nothing_found and count:
        raise ValidationError(
            {
                "nothing_found": [
                    _("%(count)d disputes are registered with this report: it is not a nil report.")
                    % {"count": count}
                ]
            }
        )
    if not nothing_found and not count:
        raise ValidationError(
            {
                "nothing_found": [
                    _("Register the disputes found first, or report that none were found.")
                ]
            }
        )
    now = timezone.now()
    if on is not None:
        opened = timezone.localtime(report.round.opened_at).date()
        if not opened <= on <= timezone.localdate():
            raise ValidationError(
                {"date": [_("The day must be between the round's opening and today.")]}
            )
        if on < timezone.localdate():
            now = start_of_day(on) + datetime.timedelta(hours=12)
    report.submitted_at = now
    report.submitted_by = actor
    report.nothing_found = nothing_found
    report.item_count = count
    report.note = (note or "").strip()[:LONG_TEXT]
    report.save(
        update_fields=["submitted_at", "submitted_by", "nothing_found", "item_count", "note"]
    )
    ledger_event_write(
        ledger=Ledger.SCREENING_REPORT,
        object_id=report.pk,
        kind=LedgerEventKind.REPORTED,
        actor=actor,
        note=_("Nothing found.") if nothing_found else _("%(count)d disputes.") % {"count": count},
    )
    return report


def supervisors_of(unit: OrgUnit) -> list[User]:
    """The supervisors acting for the unit's government (the late list is theirs)."""
    return users_acting_for([government_id_of(unit)], Role.SUPERVISOR).get(
        government_id_of(unit), []
    )
