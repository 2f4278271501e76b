"""The petitioner's own writes from the public portal: a petition submitted online (网上信访)
and a new query code for a lost one, each texted to their phone."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from accounts.selectors import petition_office_for
from audit.models import AuditAction
from audit.services import record
from cases.models import MatterKind
from core.exceptions import ValidationError
from core.identity import is_mobile, normalize_phone
from notifications.services import notify_phone_secret

from ..kinds import PetitionNotificationKind
from ..models import Category, Channel, Petition, PetitionerRole
from ..selectors import PersonKey, case_in_work_on, phone_hashes
from .intake import (
    PetitionDraft,
    PetitionerDraft,
    Registration,
    new_query_code,
    query_code_hash,
    register,
    validate_draft,
)

# The most files a petitioner attaches online (staff intake: core.uploads.MAX_ATTACHMENTS).
ONLINE_MAX_ATTACHMENTS = 5


@dataclass
class OnlineDraft:
    """What a petitioner submits on the public portal, parsed (codes resolved to objects):
    the petitioner (with the verified phone), an optional representative, the matter. An
    accused unit makes it an accusation."""

    petitioner: PetitionerDraft
    location_unit: OrgUnit
    category: Category
    summary: str
    content: str = ""
    demands: str = ""
    person_count: int = 1
    representative: PetitionerDraft | None = None
    accused_unit: OrgUnit | None = None
    attachments: list[UploadedFile] = field(default_factory=list)


def online_receiving_unit(location: OrgUnit, accused_unit: OrgUnit | None) -> OrgUnit:
    """The petition office that receives an online petition about `location`: the location's
    own or its nearest ancestor's, never one the accusation reaches (Art. 30). ValidationError
    on `location_unit` when there is none."""
    office = petition_office_for(location, not_within=accused_unit)
    if office is None:
        raise ValidationError(
            {
                "location_unit": _(
                    "No petition office receives petitions about this place online: please "
                    "contact the petition office in person or by letter."
                )
            }
        )
    return office


def petition_submit_online(*, draft: OnlineDraft) -> Registration:
    """The petitioner's own petition from the public portal (网上信访): received now, on the
    online channel, by the petition office for the matter's location, with no staff member
    as its registrar. Every intake rule of a staff registration applies (group, accusation,
    first-time and same-matter, the same checks of persons and files) through the same path;
    a skip-level visit does not exist online. The case opens registered, in that office's
    acceptance queue; a repeat petition (the same petitioners, place, category and kind as a
    case still in work, `case_in_work_on`) joins that case instead, as a clerk would attach
    it (never an accusation: it stays a case of its own). After the commit the number and
    query code go by text message to the petitioner's (verified) phone.

    All or nothing: any refusal raises ValidationError and writes nothing."""
    if len(draft.attachments) > ONLINE_MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("At most %(count)d attachments.") % {"count": ONLINE_MAX_ATTACHMENTS}}
        )
    receiving_unit = online_receiving_unit(draft.location_unit, draft.accused_unit)
    principal = dataclasses.replace(draft.petitioner, role=PetitionerRole.PRINCIPAL)
    people = [principal]
    if draft.representative is not None:
        people.append(dataclasses.replace(draft.representative, role=PetitionerRole.REPRESENTATIVE))
    matter_kind = MatterKind.ACCUSATION if draft.accused_unit else MatterKind.COMPLAINT
    keys = [PersonKey(p.name, p.id_number, p.phone) for p in people]
    repeat_of = (
        None
        if draft.accused_unit
        else case_in_work_on(keys, draft.location_unit, draft.category, matter_kind)
    )
    petition_draft = PetitionDraft(
        channel=Channel.ONLINE,
        received_at=timezone.now(),
        receiving_unit=receiving_unit,
        location_unit=draft.location_unit,
        category=draft.category,
        matter_kind=matter_kind,
        person_count=draft.person_count,
        summary=draft.summary.strip(),
        content=draft.content.strip(),
        demands=draft.demands.strip(),
        petitioners=people,
        accused_unit=draft.accused_unit,
        attachments=list(draft.attachments),
        case=repeat_of,
    )
    validate_draft(None, petition_draft)
    registration = register(petition_draft, actor=None)
    phone = normalize_phone(principal.phone) if principal.phone else ""
    text = _(
        "Your petition has been received. Number: %(number)s, query code: %(code)s. Follow it "
        "at %(url)s with both."
    )
    petition = registration.petition
    transaction.on_commit(
        lambda: _text_code(
            phone,
            PetitionNotificationKind.ONLINE_RECEIPT,
            text,
            petition.number,
            registration.query_code,
        ),
        robust=True,
    )
    return registration


def _text_code(phone: str, kind: str, text: str, number: str, query_code: str) -> None:
    """`text` (with %(number)s, %(code)s and %(url)s) to `phone`: the query code only in the
    message sent, never in the row kept (it is stored nowhere but as its hash)."""
    values = {"number": number, "url": settings.PUBLIC_QUERY_URL}
    notify_phone_secret(
        phone=phone,
        kind=kind,
        text=text % {**values, "code": query_code},
        kept_text=text % {**values, "code": "*" * len(query_code)},
        case_number=number,
    )


def query_code_renew(*, number: str, phone: str) -> Petition | None:
    """A new query code for petition `number`, texted to `phone` after the commit, when
    `phone` is a mobile registered with it (a party's); None otherwise. The old code stops
    working at once; the renewal is in the audit trail. The new code is kept nowhere but in
    the text sent (`notify_phone_secret`), as at registration."""
    if "\x00" in number or not is_mobile(phone):
        return None
    phone = normalize_phone(phone)
    with transaction.atomic():
        petition = Petition.objects.select_for_update().filter(number=number.strip()).first()
        if (
            petition is None
            or not petition.parties.filter(phone_hash__in=phone_hashes(phone)).exists()
        ):
            return None
        code = new_query_code()
        petition.query_code_hash = query_code_hash(code)
        petition.save(update_fields=["query_code_hash"])
        record(AuditAction.QUERY_CODE_RENEWED, obj=petition, via="public portal")
        text = _(
            "A new query code for petition %(number)s: %(code)s. The earlier code no longer "
            "works. Follow the petition at %(url)s."
        )
        kind = PetitionNotificationKind.QUERY_CODE_RENEWED
        transaction.on_commit(
            lambda: _text_code(phone, kind, text, petition.number, code), robust=True
        )
    return petition
