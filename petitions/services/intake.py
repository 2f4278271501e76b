"""Registering a petition: the staff's intake and the one path every petition takes."""

from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import unit_in_scope
from cases.models import Case, MatterKind
from cases.selectors import cases_visible_to
from cases.selectors.accusations import case_reaches
from cases.services import case_attach_petition, case_open
from core.exceptions import NotAllowed, ValidationError
from core.identity import normalize_id_number, normalize_phone
from core.uploads import check_attachments

from ..models import (
    Attachment,
    Category,
    NumberSequence,
    Petition,
    Petitioner,
    PetitionerRole,
    PetitionPetitioner,
)
from ..rules import default_authority_unit, is_group, is_skip_level
from ..selectors import (
    PersonKey,
    ended_same_matter,
    has_earlier_petition,
    id_number_hash,
    id_number_hashes,
    phone_hash,
)

QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
QUERY_CODE_LENGTH = 8
CLOCK_SKEW = datetime.timedelta(minutes=5)


@dataclass
class PetitionerDraft:
    name: str
    role: str = PetitionerRole.PRINCIPAL
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass
class PetitionDraft:
    """What the clerk entered, already parsed (codes resolved to objects) by a form or
    serializer; the cross-field rules are checked by `petition_register`."""

    channel: str
    received_at: datetime.datetime
    receiving_unit: OrgUnit
    location_unit: OrgUnit
    category: Category
    matter_kind: str
    person_count: int
    summary: str
    petitioners: list[PetitionerDraft]
    content: str = ""
    demands: str = ""
    authority_unit: OrgUnit | None = None
    accused_unit: OrgUnit | None = None
    accused_person: str = ""
    case: Case | None = None
    is_superior_assigned: bool = False
    superior_reference: str = ""
    attachments: list[UploadedFile] = field(default_factory=list)


@dataclass(frozen=True)
class Registration:
    petition: Petition
    query_code: str  # shown once on the receipt, stored only as a hash


def can_register(user: User, receiving_unit: OrgUnit) -> bool:
    """Reception staff register for units in their scope; a handler only what their own unit
    received directly (Art. 23)."""
    if user.has_role(Role.RECEPTION):
        return unit_in_scope(user, receiving_unit)
    if user.has_role(Role.HANDLER):
        return user.org_unit_id == receiving_unit.pk
    return False


def query_code_hash(code: str) -> str:
    """The hash stored for a query code (look one up with selectors.query_code_hashes)."""
    return Petition._meta.get_field("query_code_hash").hash(code)


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def next_petition_number(*, unit: OrgUnit, year: int) -> str:
    """`<unit code>-<year>-<6-digit sequence>`, unique and gap-free.

    One upsert creates or increments the unit's sequence row and keeps it locked until the
    registration's transaction ends, so concurrent registrations wait for each other and a
    rolled-back registration gives its number back. Must run inside that transaction."""
    table = NumberSequence._meta.db_table
    with connection.cursor() as cursor:
        # PostgreSQL and SQLite (3.35+) both speak this upsert; the ORM has no single
        # statement for "insert or increment, and tell me the value".
        cursor.execute(
            f"INSERT INTO {table} (unit_id, year, last_value) VALUES (%s, %s, 1) "
            f"ON CONFLICT (unit_id, year) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [unit.pk, year],
        )
        (value,) = cursor.fetchone()
    return f"{unit.code}-{year}-{value:06d}"


def validate_draft(actor: User | None, draft: PetitionDraft) -> None:
    """The intake rules on the draft, every refusal at once (field by field). No `actor`: the
    petitioner's own online submission, which no staff scope applies to."""
    errors: dict[str, list[str]] = {}

    def error(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if actor is not None and not can_register(actor, draft.receiving_unit):
        error("receiving_unit", _("You cannot register petitions for this unit."))
    now = timezone.now()
    if draft.received_at > now + CLOCK_SKEW:
        error("received_at", _("The time of receipt cannot be in the future."))
    elif draft.received_at < now - datetime.timedelta(days=366):
        error("received_at", _("The time of receipt is more than a year ago."))

    people = draft.petitioners
    if not people:
        error("petitioners", _("Enter at least one petitioner."))
    principals = [p for p in people if p.role == PetitionerRole.PRINCIPAL]
    representatives = [p for p in people if p.role == PetitionerRole.REPRESENTATIVE]
    if people and len(principals) != 1:
        error("petitioners", _("Mark exactly one petitioner as the principal."))
    # In a group the principal speaks for it too, so counts as one of its representatives.
    speakers = len(representatives) + (len(principals) if is_group(draft.person_count) else 0)
    if speakers > settings.GROUP_MAX_REPRESENTATIVES:
        error(
            "petitioners",
            _("A group chooses at most %(max)d representatives, the principal included.")
            % {"max": settings.GROUP_MAX_REPRESENTATIVES},
        )
    ids = [normalize_id_number(p.id_number) for p in people if p.id_number]
    if len(ids) != len(set(ids)):
        error("petitioners", _("The same ID number is entered twice."))
    if draft.person_count < len(people):
        error(
            "person_count",
            _("The person count cannot be smaller than the %(count)d petitioners entered.")
            % {"count": len(people)},
        )

    if draft.matter_kind == MatterKind.ACCUSATION:
        if draft.accused_unit is None:
            error("accused_unit", _("An accusation names the accused unit."))
        elif draft.receiving_unit.is_within(draft.accused_unit):
            error(
                "accused_unit",
                _(
                    "An accusation against the receiving unit or a unit above it must be "
                    "registered by a petition office that is not accused."
                ),
            )
    # Online (no actor) the case is the one `case_in_work_on` found, never the caller's pick.
    if (
        draft.case is not None
        and actor is not None
        and not cases_visible_to(actor).filter(pk=draft.case.pk).exists()
    ):
        error("case", _("No such case."))
    elif draft.case is not None and not draft.case.is_open:
        error(
            "case",
            _("Case %(number)s is closed; open a new case instead.")
            % {"number": draft.case.number},
        )
    if draft.case is not None and draft.case.matter_kind != draft.matter_kind:
        error("case", _("The case to attach to is of another kind of matter."))
    if draft.is_superior_assigned and not draft.superior_reference.strip():
        error("superior_reference", _("Enter the reference of the superior's assignment."))
    try:
        check_attachments(draft.attachments)
    except ValidationError as exc:
        errors.setdefault("attachments", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _refuse_reaching_case(case: Case, accused_unit: OrgUnit | None) -> None:
    """Art. 30: an accusation does not join a case that the accused unit's users (or those of
    a unit below it) work on or see (`case_reaches`): hidden from them from then on, the
    case would take their own work away and tell them why. The clerk registers the
    accusation as a case of its own."""
    if accused_unit is not None and case_reaches(case, accused_unit):
        raise ValidationError(
            {
                "case": _(
                    "Case %(number)s is handled or seen by %(unit)s, which this accusation "
                    "accuses: register the accusation as a new case."
                )
                % {"number": case.number, "unit": accused_unit.name}
            }
        )


def _petitioner_upsert(draft: PetitionerDraft) -> Petitioner:
    """One Petitioner row per ID number (updated with the latest contact details); without an
    ID number each registration records the person as given."""
    phone = normalize_phone(draft.phone) if draft.phone else ""
    details = {
        "name": draft.name.strip(),
        "phone": phone,
        "phone_hash": phone_hash(phone) if phone else "",
        "address": draft.address.strip(),
    }
    if not draft.id_number:
        return Petitioner.objects.create(**details)
    number = normalize_id_number(draft.id_number)
    # Found under either hash algorithm (a row written before FIELD_HASH changed and not yet
    # rotated), whose hash then moves to the current one: never a second row for the number.
    current = id_number_hash(number)
    petitioner = (
        Petitioner.objects.filter(id_number_hash__in=id_number_hashes(number))
        .order_by("pk")
        .first()
    )
    if petitioner is None:
        try:
            with transaction.atomic():
                return Petitioner.objects.create(
                    **details, id_number=number, id_number_hash=current
                )
        except IntegrityError:  # registered meanwhile by another intake
            petitioner = Petitioner.objects.get(id_number_hash=current)
    changed = {k: v for k, v in details.items() if v and getattr(petitioner, k) != v}
    if petitioner.id_number_hash != current:
        changed["id_number_hash"] = current
    for key, value in changed.items():
        setattr(petitioner, key, value)
    if changed:
        petitioner.save(update_fields=list(changed))
    return petitioner


def _party(petition: Petition, person: PetitionerDraft, position: int) -> PetitionPetitioner:
    phone = normalize_phone(person.phone) if person.phone else ""
    return PetitionPetitioner(
        petition=petition,
        petitioner=_petitioner_upsert(person),
        role=person.role,
        position=position,
        name=person.name.strip(),
        phone=phone,
        phone_hash=phone_hash(phone) if phone else "",
        address=person.address.strip(),
    )


def _store_attachments(
    petition: Petition, uploads: list[UploadedFile], stored: list[Attachment]
) -> None:
    """Save the files (appending each to `stored` so a rollback can delete them), then rows."""
    for upload, checked in zip(uploads, check_attachments(uploads), strict=True):
        attachment = Attachment(
            petition=petition,
            stored_name=f"{uuid.uuid4().hex}.{checked.extension}",
            original_name=(upload.name or "")[:200],
            content_type=checked.content_type,
            size=upload.size or 0,  # checked: not empty
        )
        attachment.file.save(attachment.stored_name, upload, save=False)
        stored.append(attachment)
    Attachment.objects.bulk_create(stored)


def petition_register(*, actor: User, draft: PetitionDraft) -> Registration:
    """Register a petition: number it, record its petitioners and attachments, derive its
    flags, and open a new case (with its acceptance clock) or attach it to an open case.

    All or nothing: any refusal raises ValidationError/NotAllowed and writes nothing."""
    if not actor.has_role(Role.RECEPTION, Role.HANDLER):
        raise NotAllowed(_("Only reception staff and handlers register petitions."))
    validate_draft(actor, draft)
    return register(draft, actor=actor)


def register(draft: PetitionDraft, *, actor: User | None) -> Registration:
    """The intake itself, for a validated draft: the one path of a staff registration and an
    online submission (`actor` None). All or nothing; the files saved are deleted again when
    anything fails."""
    people = [PersonKey(p.name, p.id_number, p.phone) for p in draft.petitioners]
    authority_unit = draft.authority_unit or default_authority_unit(draft.location_unit)
    is_accusation = draft.matter_kind == MatterKind.ACCUSATION
    accused_unit = draft.accused_unit if is_accusation else None
    saved_files: list[Attachment] = []
    try:
        with transaction.atomic():
            first_time = draft.case is None and not has_earlier_petition(people)
            year = timezone.localtime(draft.received_at).year
            number = next_petition_number(unit=draft.receiving_unit, year=year)
            if draft.case is None:
                case = case_open(
                    actor=actor,
                    number=number,
                    matter_kind=draft.matter_kind,
                    receiving_unit=draft.receiving_unit,
                    location_unit=draft.location_unit,
                    accused_unit=accused_unit,
                    summary=draft.summary,
                    received_at=draft.received_at,
                    is_first_time=first_time,
                    same_matter_as=ended_same_matter(people, draft.category),
                )
            else:
                case = case_attach_petition(
                    actor=actor,
                    case=draft.case,
                    petition_number=number,
                    received_at=draft.received_at,
                )
                # Checked under the case's row lock: an assignment cannot slip in between.
                _refuse_reaching_case(case, accused_unit)
            query_code = new_query_code()
            petition = Petition.objects.create(
                number=number,
                case=case,
                channel=draft.channel,
                received_at=draft.received_at,
                receiving_unit=draft.receiving_unit,
                location_unit=draft.location_unit,
                authority_unit=authority_unit,
                category=draft.category,
                matter_kind=draft.matter_kind,
                accused_unit=accused_unit,
                accused_person=draft.accused_person.strip() if is_accusation else "",
                person_count=draft.person_count,
                summary=draft.summary,
                content=draft.content,
                demands=draft.demands,
                is_group=is_group(draft.person_count),
                is_repeat=draft.case is not None,
                is_skip_level=is_skip_level(
                    channel=draft.channel,
                    receiving_unit=draft.receiving_unit,
                    authority_unit=authority_unit,
                ),
                is_first_time=first_time,
                is_superior_assigned=draft.is_superior_assigned,
                superior_reference=draft.superior_reference.strip(),
                query_code_hash=query_code_hash(query_code),
                registered_by=actor,
            )
            PetitionPetitioner.objects.bulk_create(
                _party(petition, person, position)
                for position, person in enumerate(draft.petitioners)
            )
            _store_attachments(petition, draft.attachments, saved_files)
    except BaseException:
        for attachment in saved_files:
            attachment.file.delete(save=False)
        raise
    return Registration(petition=petition, query_code=query_code)
