"""Dispute screening's disputes: registered with a round's report or on their own
(`dispute_register`), worked on their resolution clock (`dispute_progress`), and ended:
resolved, registered as a petition through the intake, reported up; contained, a dispute stays
on its clock. Each service locks the row, reads it afresh, checks, writes the event."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgLevel, OrgUnit, User
from accounts.numbering import next_document_number
from accounts.selectors import unit_in_scope
from cases.models import MatterKind
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.limits import LONG_TEXT
from core.locking import lock_and_read
from core.workcalendar import due_date
from escalation.recipients import Recipients
from notifications.services import notify
from petitions.models import Category, Channel, PetitionerRole
from petitions.services.intake import PetitionDraft, PetitionerDraft, petition_register

from ...checks import required_text
from ...events import ledger_event_write
from ...kinds import LedgerNotificationKind
from ...models import (
    DISPUTE_TRANSITIONS,
    DisputeItem,
    DisputeKind,
    DisputeStatus,
    Ledger,
    LedgerEventKind,
    PartyRole,
    ResolutionMethod,
    RiskLevel,
    ScreeningReport,
)
from ...permissions import (
    can_register_dispute,
    can_report,
    can_work_dispute,
)

DISPUTE_SERIES = "纠"
# The levels that report in a district's monthly round: streets/townships and
# villages/communities (小事不出村、大事不出镇).
REPORTING_LEVELS = (OrgLevel.TOWNSHIP, OrgLevel.VILLAGE)


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


@transaction.atomic
def dispute_progress(*, actor: User, item: DisputeItem, measures: str) -> DisputeItem:
    """Record what has been done (the measures so far) on a dispute still being worked."""
    item = _lock_dispute(actor, item)
    if not item.is_active:
        raise Conflict(
            _("Dispute %(number)s has ended (“%(status)s”).")
            % {"number": item.number, "status": item.get_status_display()}
        )
    measures = required_text("measures", measures, _("Say what has been done."))
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
    outcome = required_text("outcome", outcome, _("Say how the situation is kept under control."))
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
    outcome = required_text("outcome", outcome, _("Say how it was resolved."))
    day = _on(on, item)
    return _move(
        actor, item, DisputeStatus.RESOLVED, outcome, method=method, outcome=outcome, ended_on=day
    )


@transaction.atomic
def dispute_report_up(*, actor: User, item: DisputeItem, outcome: str) -> DisputeItem:
    """上报: beyond the unit's means, reported to the government above (its supervisors and
    leaders are notified; it is in their area already)."""
    item = _lock_dispute(actor, item)
    outcome = required_text("outcome", outcome, _("Say why it is reported to the level above."))
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
    name = required_text("petitioner_name", facts.petitioner_name, _("Name the petitioner."))
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
