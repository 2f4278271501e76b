"""The petition work's entries in the audit trail (安全审计): views of full personal data and
searches by ID number or phone."""

from __future__ import annotations

from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import record
from core.identity import mask_id_number, mask_phone

from .models import Petition
from .selectors import PersonKey


def record_full_identity_view(request: HttpRequest, petition: Petition, *, via: str) -> None:
    """Audit a view of the petitioners' full ID numbers and phones (安全审计)."""
    parties = list(petition.parties.all())
    record(
        AuditAction.PERSONAL_DATA_VIEW,
        request=request,
        obj=petition,
        via=via,
        id_numbers=sum(1 for party in parties if party.petitioner.id_number),
        phones=sum(1 for party in parties if party.phone),
    )


def record_personal_search(request: HttpRequest, people: list[PersonKey], *, via: str) -> None:
    """Audit a search by ID number or phone (安全审计); the values are kept masked."""
    keys = [
        {"id_number": mask_id_number(person.id_number)}
        if person.id_number
        else {"phone": mask_phone(person.phone)}
        for person in people
        if person.id_number or person.phone
    ]
    if keys:
        record(AuditAction.PERSONAL_DATA_SEARCH, request=request, via=via, keys=keys)
