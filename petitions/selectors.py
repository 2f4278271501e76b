from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from accounts.models import OrgUnit, User
from accounts.selectors import units_visible_to
from cases.models import IN_WORK_STATUSES, Case, CaseStatus, DeadlineKind
from cases.selectors import (
    acceptance_due_of,
    case_ids_assigned_to,
    cases_visible_to,
    open_deadline_due,
)
from cases.selectors.accusations import hidden_from

from .models import Category, Petition, Petitioner, PetitionPetitioner

# Lookup hashes (core.crypto): `*_hash` is the hash to store with a value, `*_hashes`
# every hash it may be stored under (the current FIELD_HASH first): filter with `__in`.
_ID_NUMBER = Petitioner._meta.get_field("id_number_hash")
_PHONE = Petitioner._meta.get_field("phone_hash")
_QUERY_CODE = Petition._meta.get_field("query_code_hash")


def id_number_hash(number: str) -> str:
    return _ID_NUMBER.hash(number)


def id_number_hashes(number: str) -> list[str]:
    return _ID_NUMBER.lookups(number)


def phone_hash(phone: str) -> str:
    return _PHONE.hash(phone)


def phone_hashes(phone: str) -> list[str]:
    return _PHONE.lookups(phone)


def query_code_hashes(code: str) -> list[str]:
    """A petition's query code may be stored under either algorithm: it is never recomputed."""
    return _QUERY_CODE.lookups(code)


def petitions_visible_to(user: User) -> QuerySet[Petition]:
    """Petitions received by, or whose case is owned by or assigned to, a unit in the user's
    scope; never one on a case that accuses the user's unit or any unit above it (Art. 30:
    by this petition or by another on the same case)."""
    unit_ids = units_visible_to(user).values("pk")
    return Petition.objects.filter(
        Q(receiving_unit__in=unit_ids)
        | Q(case__owner_unit__in=unit_ids)
        | Q(case_id__in=case_ids_assigned_to(unit_ids))
    ).exclude(hidden_from(user, prefix="case__"))


def _parties() -> Prefetch:
    return Prefetch(
        "parties",
        queryset=PetitionPetitioner.objects.select_related("petitioner").order_by("position"),
    )


def _with_parties(queryset: QuerySet[Petition]) -> QuerySet[Petition]:
    return queryset.prefetch_related(_parties())


def petition_list(*, user: User) -> QuerySet[Petition]:
    """The petition list in the user's scope, ready for display: constant query count."""
    queryset = petitions_visible_to(user).select_related(
        "receiving_unit", "location_unit", "category__parent", "case"
    )
    return _with_parties(queryset).order_by("-received_at", "-pk")


def petition_detail(*, user: User, number: str) -> Petition:
    """The petition `number` if the user may see it; raises Petition.DoesNotExist otherwise."""
    queryset = petitions_visible_to(user).select_related(
        "receiving_unit",
        "location_unit",
        "authority_unit",
        "accused_unit",
        "category__parent",
        "registered_by",
        "case__owner_unit",
        "case__same_matter_as",
    )
    queryset = _with_parties(queryset).prefetch_related("attachments")
    petition = queryset.get(number=number)
    petition.acceptance_due = acceptance_due_of(petition.case)  # type: ignore[attr-defined]
    return petition


def petition_for_display(petition: Petition) -> Petition:
    """A just-registered petition with what its detail shows loaded (parties, attachments,
    acceptance due date), without fetching it again."""
    prefetch_related_objects([petition], _parties(), "attachments")
    petition.acceptance_due = acceptance_due_of(petition.case)  # type: ignore[attr-defined]
    return petition


def may_see_full_identity(user: User, petition: Petition) -> bool:
    """Full ID numbers and phones only for users of the unit that owns the case."""
    return user.org_unit_id is not None and user.org_unit_id == petition.case.owner_unit_id


@dataclass(frozen=True)
class PersonKey:
    """What identifies a petitioner for repeat detection, strongest first."""

    name: str = ""
    id_number: str = ""
    phone: str = ""

    def as_query(self, location: OrgUnit | None, *, party: str = "parties__") -> Q | None:
        """By ID hash, else phone hash, else name + location. The query selects petitions;
        with `party=""` it selects the matching parties (PetitionPetitioner rows) instead."""
        petition = "" if party else "petition__"
        if self.id_number:
            hashes = id_number_hashes(self.id_number)
            return Q(**{f"{party}petitioner__id_number_hash__in": hashes})
        if self.phone:
            # Everyone ever registered with this phone, and then all of their petitions.
            people = PetitionPetitioner.objects.filter(phone_hash__in=phone_hashes(self.phone))
            return Q(**{f"{party}petitioner__in": people.values("petitioner_id")})
        if self.name and location is not None:
            return Q(**{f"{party}name": self.name.strip(), f"{petition}location_unit": location})
        return None


def _any_of(people: list[PersonKey], location: OrgUnit | None, *, party: str) -> Q | None:
    queries = [q for person in people if (q := person.as_query(location, party=party))]
    if not queries:
        return None
    combined = queries[0]
    for query in queries[1:]:
        combined |= query
    return combined


def _earlier_petitions(people: list[PersonKey], location: OrgUnit | None) -> QuerySet[Petition]:
    query = _any_of(people, location, party="parties__")
    return Petition.objects.filter(query) if query else Petition.objects.none()


def repeat_cases(
    *, user: User, people: list[PersonKey], location: OrgUnit | None, limit: int = 20
) -> list[Case]:
    """Earlier cases of the same petitioners that the user may see, newest first, each with
    its petition count, last petition date, acceptance due date and `matched_names` (who of
    the people typed was found on it)."""
    earlier = _earlier_petitions(people, location)
    cases: list[Case] = list(
        cases_visible_to(user)
        .filter(pk__in=earlier.values("case_id"))
        .select_related("owner_unit")
        .annotate(acceptance_due=open_deadline_due(DeadlineKind.ACCEPTANCE))
        .order_by("-last_received_at")[:limit]
    )
    matched: dict[int, set[str]] = {}
    if cases:
        parties = PetitionPetitioner.objects.filter(
            _any_of(people, location, party=""), petition__case__in=[c.pk for c in cases]
        ).values_list("petition__case_id", "name")
        for case_id, name in parties:
            matched.setdefault(case_id, set()).add(name)
    for case in cases:
        case.matched_names = sorted(matched.get(case.pk, ()))  # type: ignore[attr-defined]
    return cases


def ended_same_matter(
    people: list[PersonKey], location: OrgUnit | None, category: Category
) -> Case | None:
    """The earlier case of the same petitioners in the same category that ended the matter:
    terminated (终结, which acceptance refuses, Art. 36) or, failing that, the latest one
    closed (已办结) after its answer without a review request (which may be refused)."""
    earlier = _earlier_petitions(people, location).filter(category=category)
    return (
        Case.objects.filter(
            pk__in=earlier.values("case_id"),
            status__in=[CaseStatus.TERMINATED, CaseStatus.CLOSED],
        )
        .order_by(
            models.Case(models.When(status=CaseStatus.TERMINATED, then=0), default=1),
            "-last_step_on",
            "-pk",
        )
        .first()
    )


def case_in_work_on(
    people: list[PersonKey], location: OrgUnit, category: Category, matter_kind: str
) -> Case | None:
    """The case a unit is still working on (受理, 办理 or 复查 under way) about the same matter
    of the same petitioners: the same place, category and kind. A petition submitted online
    about it joins it as a repeat petition (重复件) instead of opening a second case."""
    earlier = _earlier_petitions(people, location).filter(
        location_unit=location, category=category, matter_kind=matter_kind
    )
    return (
        Case.objects.filter(pk__in=earlier.values("case_id"), status__in=IN_WORK_STATUSES)
        .order_by("-last_received_at", "-pk")
        .first()
    )


def has_earlier_petition(people: list[PersonKey], location: OrgUnit | None) -> bool:
    """Whether any of these people petitioned before, anywhere (for 初信初访)."""
    return _earlier_petitions(people, location).exists()


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent").order_by("code")
