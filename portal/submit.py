"""Submitting a petition online: the phone code, then the intake, one path for the API and the
page. The caller has parsed the input (codes resolved to units and a category)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile

from accounts.models import OrgUnit
from core.exceptions import ValidationError
from petitions.models import Category
from petitions.services import (
    OnlineDraft,
    PetitionerDraft,
    Registration,
    petition_submit_online,
)

from .phone import code_error, code_used

# The intake's field names, as the petitioner's form names them.
FIELD_NAMES = {"petitioners": "representative"}


@dataclass
class Representative:
    name: str
    id_number: str = ""
    phone: str = ""


@dataclass
class Submission:
    name: str
    id_number: str
    phone: str
    address: str
    location_unit: OrgUnit
    category: Category
    summary: str
    content: str
    sms_code: str = ""
    # The page verified the phone before the petition form (`phone.phone_token`).
    phone_verified: bool = False
    demands: str = ""
    person_count: int = 1
    representative: Representative | None = None
    accused_unit: OrgUnit | None = None
    attachments: list[UploadedFile] = field(default_factory=list)


def submit(submission: Submission) -> Registration:
    """Check the phone's code (when verification is on and the page has not verified the
    phone already), then submit the petition; the code is used up once the petition is in.
    Raises ValidationError by the form's field names; nothing is written then."""
    if not submission.phone_verified:
        error = code_error(submission.phone, submission.sms_code)
        if error:
            raise ValidationError({"sms_code": error})
    representative = submission.representative
    draft = OnlineDraft(
        petitioner=PetitionerDraft(
            name=submission.name,
            id_number=submission.id_number,
            phone=submission.phone,
            address=submission.address,
        ),
        location_unit=submission.location_unit,
        category=submission.category,
        summary=submission.summary,
        content=submission.content,
        demands=submission.demands,
        person_count=submission.person_count,
        representative=(
            PetitionerDraft(
                name=representative.name,
                id_number=representative.id_number,
                phone=representative.phone,
            )
            if representative is not None
            else None
        ),
        accused_unit=submission.accused_unit,
        attachments=submission.attachments,
    )
    try:
        registration = petition_submit_online(draft=draft)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {FIELD_NAMES.get(name, name): messages for name, messages in exc.message_dict.items()}
        ) from None
    if not submission.phone_verified:
        code_used(submission.phone)
    return registration
