"""Finding petitioners by what a clerk types (issue 16 §1): one rule for the search page and
the petition and case lists' `q`. A petition or case number matches exactly, an ID number
and a phone exactly through their keyed hashes (the plaintext is encrypted), a name by its
beginning. Cases reach their petitioners by relation (petitions sit above cases), so the
conditions are written on relation paths: `party` is the path to the PetitionPetitioner
rows (`""` on them, `"parties__"` from a petition, `"petitions__parties__"` from a case)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from core import crypto
from core.identity import mask_id_number, mask_phone, normalize_id_number, normalize_phone

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)
# The hash purposes of petitions.models.Petitioner.id_number_hash and phone_hash.
ID_NUMBER_PURPOSE = "id_number"
PHONE_PURPOSE = "phone"


class KeyKind:
    ID_NUMBER = "id_number"
    PHONE = "phone"
    TEXT = "text"  # a number (exact) or the beginning of a name
    NONE = ""


@dataclass(frozen=True)
class SearchKey:
    """What was typed, and as what it is looked up."""

    text: str
    kind: str
    value: str  # the normalized ID number or phone; the text otherwise

    @property
    def is_personal(self) -> bool:
        """A search by ID number or phone: audited (安全审计)."""
        return self.kind in (KeyKind.ID_NUMBER, KeyKind.PHONE)

    def audit_keys(self) -> list[dict[str, str]]:
        """The key as the audit trail keeps it: masked."""
        if self.kind == KeyKind.ID_NUMBER:
            return [{"id_number": mask_id_number(self.value)}]
        if self.kind == KeyKind.PHONE:
            return [{"phone": mask_phone(self.value)}]
        return []


def search_key(q: str | None) -> SearchKey:
    text = (q or "").strip()
    if not text:
        return SearchKey("", KeyKind.NONE, "")
    id_number = normalize_id_number(text)
    if _ID_SHAPE.match(id_number):
        return SearchKey(text, KeyKind.ID_NUMBER, id_number)
    try:
        return SearchKey(text, KeyKind.PHONE, normalize_phone(text))
    except ValidationError:
        return SearchKey(text, KeyKind.TEXT, text)


def person_condition(key: SearchKey, *, party: str) -> Q | None:
    """The condition on petitioners (PetitionPetitioner rows at `party`) the key matches: the
    person's hash or the name given on that petition or the person's current one."""
    if key.kind == KeyKind.ID_NUMBER:
        hashes = crypto.lookup_hashes(ID_NUMBER_PURPOSE, key.value)
        return Q(**{f"{party}petitioner__id_number_hash__in": hashes})
    if key.kind == KeyKind.PHONE:
        hashes = crypto.lookup_hashes(PHONE_PURPOSE, key.value)
        return Q(**{f"{party}phone_hash__in": hashes}) | Q(
            **{f"{party}petitioner__phone_hash__in": hashes}
        )
    if key.kind == KeyKind.TEXT:
        return Q(**{f"{party}name__startswith": key.value}) | Q(
            **{f"{party}petitioner__name__startswith": key.value}
        )
    return None


def matching_case_ids(key: SearchKey):
    """The ids of the cases one of whose petitioners the key matches (a subquery)."""
    from ..models import Case

    condition = person_condition(key, party="petitions__parties__")
    if condition is None:
        return Case.objects.none().values("pk")
    return Case.objects.filter(condition).values("pk")
