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
    earlier_history,
    id_number_hash,
    id_number_hashes,
    petition_as_written,
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


def _details(draft: PetitionerDraft) -> dict[str, str]:
    """A person's details as the Petitioner and the PetitionPetitioner rows store them."""
    phone = normalize_phone(draft.phone) if draft.phone else ""
    return {
        "name": draft.name.strip(),
        "phone": phone,
        "phone_hash": phone_hash(phone) if phone else "",
        "address": draft.address.strip(),
    }


def _changes(petitioner: Petitioner, details: dict[str, str], current_hash: str) -> list[str]:
    """Bring a known petitioner up to date (the latest contact details given, the ID number's
    hash under the current algorithm); the fields changed."""
    changed = {k: v for k, v in details.items() if v and getattr(petitioner, k) != v}
    if petitioner.id_number_hash != current_hash:
        changed["id_number_hash"] = current_hash
    for key, value in changed.items():
        setattr(petitioner, key, value)
    return list(changed)


def _petitioner_upsert(draft: PetitionerDraft) -> Petitioner:
    """One Petitioner row per ID number (updated with the latest contact details); without an
    ID number each registration records the person as given."""
    details = _details(draft)
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
    changed = _changes(petitioner, details, current)
    if changed:
        petitioner.save(update_fields=changed)
    return petitioner


def _insert_unless_registered(rows: list[Petitioner]) -> bool:
    """Insert new Petitioner rows in one statement, skipping any whose ID number another
    intake registered meanwhile (the unique `id_number_hash`: ON CONFLICT DO NOTHING, which
    needs no savepoint, unlike catching the IntegrityError); each row inserted gets its pk.
    Whether all were inserted. PostgreSQL and SQLite (3.35+) both speak this; the ORM's
    bulk_create returns no pks when it ignores conflicts."""
    meta = Petitioner._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]

    def quote(name: str | None) -> str:
        return connection.ops.quote_name(str(name))

    one_row = "({})".format(", ".join(["%s"] * len(fields)))
    params = [
        f.get_db_prep_save(f.pre_save(row, add=True), connection) for row in rows for f in fields
    ]
    pk_column = quote(meta.pk.column if meta.pk else "id")
    hash_column = quote(meta.get_field("id_number_hash").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([one_row] * len(rows))} "
            f"ON CONFLICT DO NOTHING RETURNING {pk_column}, {hash_column}",
            params,
        )
        inserted = cursor.fetchall()
    by_hash = {key: pk for pk, key in inserted if key}
    # Rows without an ID number never conflict: theirs come back in the order of the VALUES
    # (as the ORM's bulk_create relies on too).
    without = iter(pk for pk, key in inserted if not key)
    for row in rows:
        pk = by_hash.get(row.id_number_hash) if row.id_number_hash else next(without)
        if pk is not None:
            row.pk = pk
            row._state.adding = False
            row._state.db = connection.alias
    return len(inserted) == len(rows)


def _petitioners_upsert(drafts: list[PetitionerDraft]) -> list[Petitioner]:
    """`_petitioner_upsert` for every person, in order, in a constant number of queries: one
    read of the ID numbers already known, one insert of the new rows, one update of the known
    rows whose details changed; should another intake register one of the ID numbers
    meanwhile, that person as `_petitioner_upsert` does."""
    numbers = [normalize_id_number(d.id_number) if d.id_number else "" for d in drafts]
    known: dict[str, Petitioner] = {}
    hashes = {h: number for number in numbers if number for h in id_number_hashes(number)}
    if hashes:
        for found in Petitioner.objects.filter(id_number_hash__in=list(hashes)).order_by("pk"):
            known.setdefault(hashes[found.id_number_hash], found)
    rows: list[Petitioner] = []
    new: list[Petitioner] = []
    changed: dict[int, Petitioner] = {}
    changed_fields: set[str] = set()
    for draft, number in zip(drafts, numbers, strict=True):
        details = _details(draft)
        row = known.get(number) if number else None
        if row is None:
            current = id_number_hash(number) if number else ""
            row = Petitioner(**details, id_number=number, id_number_hash=current)
            new.append(row)
            if number:
                known[number] = row  # the same number twice: one row (validate_draft refuses it)
        elif row.pk is not None and (fields := _changes(row, details, id_number_hash(number))):
            changed[row.pk] = row
            changed_fields.update(fields)
        rows.append(row)
    if new and not _insert_unless_registered(new):
        # Another intake registered one of these ID numbers meanwhile (committed, now seen):
        # that row is the person's, brought up to date as any known one.
        rows = [
            row if row.pk is not None else _petitioner_upsert(draft)
            for draft, row in zip(drafts, rows, strict=True)
        ]
    if changed:
        Petitioner.objects.bulk_update(list(changed.values()), sorted(changed_fields))
    return rows


def _party(
    petition: Petition, person: PetitionerDraft, petitioner: Petitioner, position: int
) -> PetitionPetitioner:
    details = _details(person)
    return PetitionPetitioner(
        petition=petition,
        petitioner=petitioner,
        role=person.role,
        position=position,
        name=details["name"],
        phone=details["phone"],
        phone_hash=details["phone_hash"],
        address=details["address"],
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


def petition_register(*, actor: User, draft: PetitionDraft, savepoint: bool = True) -> Registration:
    """Register a petition: number it, record its petitioners and attachments, derive its
    flags, and open a new case (with its acceptance clock) or attach it to an open case.
    The petition returned has its parties and attachments loaded (`petition_as_written`).

    All or nothing: any refusal raises ValidationError/NotAllowed and writes nothing.
    `savepoint=False`: the caller's own transaction wraps the call and ends with any error
    it raises (a refusal then leaves that transaction unusable, as `transaction.atomic`
    does without a savepoint)."""
    if not actor.has_role(Role.RECEPTION, Role.HANDLER):
        raise NotAllowed(_("Only reception staff and handlers register petitions."))
    validate_draft(actor, draft)
    return register(draft, actor=actor, savepoint=savepoint)


def register(draft: PetitionDraft, *, actor: User | None, savepoint: bool = True) -> Registration:
    """The intake itself, for a validated draft: the one path of a staff registration and an
    online submission (`actor` None). All or nothing; the files saved are deleted again when
    anything fails."""
    people = [PersonKey(p.name, p.id_number, p.phone) for p in draft.petitioners]
    authority_unit = draft.authority_unit or default_authority_unit(draft.location_unit)
    is_accusation = draft.matter_kind == MatterKind.ACCUSATION
    accused_unit = draft.accused_unit if is_accusation else None
    saved_files: list[Attachment] = []
    try:
        with transaction.atomic(savepoint=savepoint):
            history = earlier_history(people, draft.category) if draft.case is None else None
            first_time = history is not None and not history.has_earlier_petition
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
                    same_matter_as=history.ended_same_matter if history else None,
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
            petitioners = _petitioners_upsert(draft.petitioners)
            parties = PetitionPetitioner.objects.bulk_create(
                _party(petition, person, petitioner, position)
                for position, (person, petitioner) in enumerate(
                    zip(draft.petitioners, petitioners, strict=True)
                )
            )
            _store_attachments(petition, draft.attachments, saved_files)
            petition_as_written(petition, parties=parties, attachments=saved_files)
    except BaseException:
        for attachment in saved_files:
            attachment.file.delete(save=False)
        raise
    return Registration(petition=petition, query_code=query_code)
