"""Dispute screening and resolution (矛盾纠纷排查化解): every write.

A round asks units to report by a date (`screening_round_open`; the monthly regular rounds
open themselves, `screening_regular_rounds_open`); each unit reports the disputes it found
(`dispute_register` with its report) or that it found none, and submits
(`screening_report_submit`). A dispute runs on a resolution clock until it ends: resolved
(`dispute_resolve`), registered as a petition through the intake (`dispute_convert`) or
reported to the level above (`dispute_report_up`); contained (`dispute_contain`) it stays on
its clock. Each service locks the row, reads it afresh, checks, writes the event.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from accounts.numbering import next_document_number
from accounts.roles import Role
from accounts.selectors import government_id_of, unit_in_scope, users_acting_for
from cases.models import MatterKind
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from core.locking import lock_and_read
from core.workcalendar import due_date, start_of_day
from escalation.recipients import Recipients
from notifications.services import notify
from petitions.models import Category, Channel, PetitionerRole
from petitions.services.intake import PetitionDraft, PetitionerDraft, petition_register

from ..events import ledger_event_write
from ..kinds import LedgerNotificationKind
from ..models import (
    DISPUTE_TRANSITIONS,
    DisputeItem,
    DisputeKind,
    DisputeStatus,
    Ledger,
    LedgerEvent,
    LedgerEventKind,
    PartyRole,
    ResolutionMethod,
    RiskLevel,
    RoundKind,
    ScreeningReport,
    ScreeningRound,
)
from ..permissions import (
    can_open_screening_round,
    can_register_dispute,
    can_report,
    can_work_dispute,
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


# --- disputes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisputeDraft:
    """A dispute as the clerk enters it; `dispute_register` says what is missing."""

    kind: str
    parties: list[dict]
    place: str
    summary: str
    risk_level: str
    responsible_unit: OrgUnit | None
    responsible_person: str
    due_on: datetime.date | None
    found_on: datetime.date | None = None
    measures: str = ""


def default_resolve_by(found_on: datetime.date) -> datetime.date:
    """The resolution clock's default: `SCREENING_RESOLVE_DAYS` after the day it was found."""
    return due_date(found_on, settings.SCREENING_RESOLVE_DAYS)


def _clean_parties(parties: list[dict]) -> tuple[list[dict], list[str]]:
    cleaned, errors = [], []
    for party in parties:
        name = str(party.get("name") or "").strip()
        role = party.get("role") or PartyRole.APPLICANT
        if not name:
            continue
        if role not in PartyRole.values:
            errors.append(_("Unknown role of a party: %(role)s.") % {"role": role})
            continue
        cleaned.append({"role": role, "name": name[:60]})
    if not cleaned and not errors:
        errors.append(_("Name at least one party."))
    return cleaned, errors


def _check_draft(actor: User, unit: OrgUnit, draft: DisputeDraft, today: datetime.date) -> dict:
    errors: dict[str, list[str]] = {}
    parties, party_errors = _clean_parties(draft.parties)
    if party_errors:
        errors["parties"] = party_errors
    for name, value, message in (
        ("place", draft.place, _("Say where the dispute is.")),
        ("summary", draft.summary, _("Describe the dispute.")),
        ("responsible_person", draft.responsible_person, _("Name the person responsible.")),
    ):
        if not (value or "").strip():
            errors[name] = [message]
    if draft.kind not in DisputeKind.values:
        errors["kind"] = [_("Choose the kind of dispute.")]
    if draft.risk_level not in RiskLevel.values:
        errors["risk_level"] = [_("Choose the risk level.")]
    found_on = draft.found_on or today
    if found_on > today:
        errors["found"] = [_("A dispute cannot be found after today.")]
    if draft.due_on is None:
        errors["due"] = [_("Give the day it must be resolved by.")]
    elif draft.due_on < found_on:
        errors["due"] = [_("It cannot be due before the day it was found.")]
    responsible = draft.responsible_unit
    if responsible is None:
        errors["responsible_unit"] = [_("Choose the responsible unit.")]
    elif not responsible.is_active or not (
        unit_in_scope(actor, responsible) or responsible.pk in unit.ancestor_ids
    ):
        errors["responsible_unit"] = [
            _("%(unit)s is neither in your area nor above it.") % {"unit": responsible.name}
        ]
    if errors:
        raise ValidationError(errors)
    return {"parties": parties, "found_on": found_on}


@transaction.atomic
def dispute_register(
    *, actor: User, draft: DisputeDraft, report: ScreeningReport | None = None
) -> DisputeItem:
    """Register a dispute found by the actor's unit, with its round's report (not yet
    submitted) or on its own (found between rounds). It is numbered in the unit's ledger
    (`…纠〔2026〕n号`) and runs on its resolution clock; a major one (重大) is notified at once to
    the supervisors and leaders of the government above."""
    if report is not None:
        report = lock_and_read(ScreeningReport.objects.select_related("unit"), report.pk)
        unit = report.unit
        if not can_report(actor, report):
            raise NotAllowed(_("Only %(unit)s reports for itself.") % {"unit": unit.name})
        if report.is_submitted:
            raise Conflict(
                _("%(unit)s has already reported for this round: register the dispute on its own.")
                % {"unit": unit.name}
            )
    else:
        own = actor.org_unit
        if own is None or not can_register_dispute(actor, own):
            raise NotAllowed(_("Only the staff of a unit register the disputes it finds."))
        unit = own
    today = timezone.localdate()
    checked = _check_draft(actor, unit, draft, today)
    found_on = checked["found_on"]
    responsible, due_on = draft.responsible_unit, draft.due_on
    assert responsible is not None and due_on is not None  # checked above
    item = DisputeItem.objects.create(
        number=next_document_number(unit=unit, series=DISPUTE_SERIES, year=found_on.year),
        unit=unit,
        report=report,
        found_on=found_on,
        kind=draft.kind,
        parties=checked["parties"],
        place=draft.place.strip()[:200],
        summary=draft.summary.strip()[:LONG_TEXT],
        risk_level=draft.risk_level,
        responsible_unit=responsible,
        responsible_person=draft.responsible_person.strip()[:60],
        measures=(draft.measures or "").strip()[:LONG_TEXT],
        due_on=due_on,
        created_by=actor,
    )
    ledger_event_write(
        ledger=Ledger.DISPUTE,
        object_id=item.pk,
        kind=LedgerEventKind.REGISTERED,
        actor=actor,
        status=item.status,
        note=item.get_risk_level_display(),
    )
    recipients = Recipients([responsible])
    people = [] if responsible.pk == unit.pk else list(recipients.responsible(responsible))
    if item.risk_level == RiskLevel.MAJOR:
        people += [
            *recipients.supervisors_above(responsible),
            *recipients.leaders_above(responsible),
        ]
    if people:
        notify(
            recipients=[person for person in people if person.pk != actor.pk],
            kind=LedgerNotificationKind.SCREENING,
            title=_("Dispute %(number)s (%(risk)s) at %(place)s: resolve by %(due)s.")
            % {
                "number": item.number,
                "risk": item.get_risk_level_display(),
                "place": item.place,
                "due": item.due_on.isoformat(),
            },
            url=dispute_url(item),
            sms=item.risk_level == RiskLevel.MAJOR,
        )
    return item


def dispute_url(item: DisputeItem) -> str:
    return reverse("ledgers:dispute_detail", args=[item.pk])


def _lock_dispute(actor: User, item: DisputeItem) -> DisputeItem:
    item = lock_and_read(DisputeItem.objects.select_related("unit", "responsible_unit"), item.pk)
    if not can_work_dispute(actor, item):
        raise NotAllowed(
            _(
                "Only %(unit)s, the unit that found it, or a supervisor of the area works "
                "this dispute."
            )
            % {"unit": item.responsible_unit.name}
        )
    return item


def _move(actor: User, item: DisputeItem, status: str, note: str, **fields) -> DisputeItem:
    """The locked dispute to `status` (a legal transition), its fields and its event."""
    if status not in DISPUTE_TRANSITIONS[item.status]:
        raise Conflict(
            _("Dispute %(number)s is “%(status)s”: it cannot become “%(new)s”.")
            % {
                "number": item.number,
                "status": item.get_status_display(),
                "new": DisputeStatus(status).label,
            }
        )
    item.status = status
    for name, value in fields.items():
        setattr(item, name, value)
    item.save(update_fields=["status", *fields])
    ledger_event_write(
        ledger=Ledger.DISPUTE,
        object_id=item.pk,
        kind=status,
        actor=actor,
        status=status,
        note=note,
    )
    return item


def _on(on: datetime.date | None, item: DisputeItem) -> datetime.date:
    today = timezone.localdate()
    day = on or today
    if day > today:
        raise ValidationError({"date": [_("The date cannot be after today.")]})
    if day < item.found_on:
        raise ValidationError({"date": [_("The date cannot be before the dispute was found.")]})
    return day


def _required(name: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({name: [message]})
    return value[:LONG_TEXT]


@transaction.atomic
def dispute_progress(*, actor: User, item: DisputeItem, measures: str) -> DisputeItem:
    """Record what has been done (the measures so far) on a dispute still being worked."""
    item = _lock_dispute(actor, item)
    if not item.is_active:
        raise Conflict(
            _("Dispute %(number)s has ended (“%(status)s”).")
            % {"number": item.number, "status": item.get_status_display()}
        )
    measures = _required("measures", measures, _("Say what has been done."))
    item.measures = measures
    item.save(update_fields=["measures"])
    ledger_event_write(
        ledger=Ledger.DISPUTE,
        object_id=item.pk,
        kind=LedgerEventKind.PROGRESS,
        actor=actor,
        status=item.status,
        note=measures,
    )
    return item


@transaction.atomic
def dispute_contain(*, actor: User, item: DisputeItem, outcome: str) -> DisputeItem:
    """稳控: not resolved yet but under control; it stays on its clock."""
    item = _lock_dispute(actor, item)
    outcome = _required("outcome", outcome, _("Say how the situation is kept under control."))
    return _move(actor, item, DisputeStatus.CONTAINED, outcome, outcome=outcome)


@transaction.atomic
def dispute_resolve(
    *,
    actor: User,
    item: DisputeItem,
    method: str,
    outcome: str,
    on: datetime.date | None = None,
) -> DisputeItem:
    """化解: resolved, by mediation, negotiation, an administrative decision or the courts."""
    item = _lock_dispute(actor, item)
    if method not in ResolutionMethod.values:
        raise ValidationError({"method": [_("Choose how it was resolved.")]})
    outcome = _required("outcome", outcome, _("Say how it was resolved."))
    day = _on(on, item)
    return _move(
        actor, item, DisputeStatus.RESOLVED, outcome, method=method, outcome=outcome, ended_on=day
    )


@transaction.atomic
def dispute_report_up(*, actor: User, item: DisputeItem, outcome: str) -> DisputeItem:
    """上报: beyond the unit's means, reported to the government above (its supervisors and
    leaders are notified; it is in their area already)."""
    item = _lock_dispute(actor, item)
    outcome = _required("outcome", outcome, _("Say why it is reported to the level above."))
    recipients = Recipients([item.responsible_unit])
    above = recipients.issuer_above(item.responsible_unit)
    item = _move(
        actor,
        item,
        DisputeStatus.REPORTED_UP,
        outcome,
        outcome=outcome,
        reported_to=above,
        ended_on=timezone.localdate(),
    )
    notify(
        recipients=[
            *recipients.supervisors_above(item.responsible_unit),
            *recipients.leaders_above(item.responsible_unit),
        ],
        kind=LedgerNotificationKind.SCREENING,
        title=_("Dispute %(number)s is reported by %(unit)s to the level above.")
        % {"number": item.number, "unit": item.responsible_unit.name},
        url=dispute_url(item),
    )
    return item


@dataclass(frozen=True)
class PetitionFacts:
    """What the intake needs beyond the dispute itself, from the clerk converting it."""

    category: Category | None
    matter_kind: str
    petitioner_name: str
    phone: str = ""
    id_number: str = ""


@transaction.atomic
def dispute_convert(*, actor: User, item: DisputeItem, facts: PetitionFacts) -> DisputeItem:
    """转为信访事项: register a petition through the intake (received by the actor's unit, the
    matter located where the dispute is found, its summary and parties carried over), and
    link it; the dispute ends there and the case takes over. Any refusal of the intake
    leaves nothing written."""
    item = _lock_dispute(actor, item)
    receiving = actor.org_unit
    if receiving is None:
        raise NotAllowed(_("Only the staff of a unit register petitions."))
    if DisputeStatus.CONVERTED not in DISPUTE_TRANSITIONS[item.status]:
        _move(actor, item, DisputeStatus.CONVERTED, "")  # raises the conflict
    if facts.category is None:
        raise ValidationError({"category": [_("Choose the category of the matter.")]})
    name = _required("petitioner_name", facts.petitioner_name, _("Name the petitioner."))
    applicants = [p for p in item.parties if p.get("role") == PartyRole.APPLICANT]
    draft = PetitionDraft(
        channel=Channel.VISIT,
        received_at=timezone.now(),
        receiving_unit=receiving,
        location_unit=item.unit,
        category=facts.category,
        matter_kind=facts.matter_kind or MatterKind.COMPLAINT,
        person_count=max(1, len(applicants)),
        summary=item.summary[:200],
        content=f"{item.place}：{item.summary}\n{item.measures}".strip(),
        petitioners=[
            PetitionerDraft(
                name=name[:60],
                role=PetitionerRole.PRINCIPAL,
                phone=facts.phone,
                id_number=facts.id_number,
            )
        ],
    )
    registration = petition_register(actor=actor, draft=draft, savepoint=False)
    petition = registration.petition
    return _move(
        actor,
        item,
        DisputeStatus.CONVERTED,
        _("Registered as petition %(number)s.") % {"number": petition.number},
        petition=petition,
        ended_on=timezone.localdate(),
    )


def supervisors_of(unit: OrgUnit) -> list[User]:
    """The supervisors acting for the unit's government (the late list is theirs)."""
    return users_acting_for([government_id_of(unit)], Role.SUPERVISOR).get(
        government_id_of(unit), []
    )
