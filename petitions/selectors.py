from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgLevel, OrgUnit, User
from accounts.selectors import with_units
from cases.models import IN_WORK_STATUSES, Case, CaseStatus, DeadlineKind
from cases.selectors import (
    acceptance_due_of,
    case_scope_filter,
    cases_visible_to,
    open_deadline_due,
)
from core.reference import ReferenceTable, attach

from .models import Attachment, Category, Petition, Petitioner, PetitionPetitioner

# The categories pages name, each with its parent, kept per process (`core.reference`).
CATEGORIES = ReferenceTable("petitions.Category", "categories", related=("parent",))

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
    """Petitions on a case in the user's scope: received by, owned by or assigned to a unit
    in it (`cases.selectors.case_scope_filter`; a petition received there brings its case
    into scope); never one on a case that accuses the user's unit or any unit above it
    (Art. 30: by this petition or by another on the same case)."""
    include, exclude = case_scope_filter(user, prefix="case__")
    return Petition.objects.filter(include).exclude(exclude)


# What the lists (page and API: `PetitionListSerializer`) show of a petition, beside its
# parties; of its case they show the number and status. The rest (the content and demands,
# the case's own dates …) is not read for a page of them.
LISTED_FIELDS = (
    "number",
    "case",
    "channel",
    "received_at",
    "receiving_unit",
    "location_unit",
    "category",
    "matter_kind",
    "person_count",
    "summary",
    "is_group",
    "is_repeat",
    "is_skip_level",
    "is_first_time",
)
_LISTED_COLUMNS = (*LISTED_FIELDS, "case__number", "case__status")
# Where a list puts a petition's parties (`parties_of`): a plain list. Without it Django builds
# a related queryset for each of a page's 50 petitions to hold them.
LISTED_PARTIES = "listed_parties"


def _parties(*, listed: bool = False) -> Prefetch:
    """The petition's parties with their petitioners; `listed`: as the lists show them (in
    `LISTED_PARTIES`), without the petitioner's own phone (a list shows the phone given
    with the petition), which would be decrypted for nothing."""
    parties = PetitionPetitioner.objects.select_related("petitioner").order_by("position")
    if listed:
        return Prefetch("parties", parties.defer("petitioner__phone"), to_attr=LISTED_PARTIES)
    return Prefetch("parties", queryset=parties)


def _with_parties(queryset: QuerySet[Petition], *, listed: bool = False) -> QuerySet[Petition]:
    return queryset.prefetch_related(_parties(listed=listed))


def parties_of(petition: Petition) -> list[PetitionPetitioner]:
    """A petition's parties in order, with their petitioners: as its list or detail query
    loaded them."""
    listed = getattr(petition, LISTED_PARTIES, None)
    return listed if listed is not None else list(petition.parties.all())


def petition_list(*, user: User) -> QuerySet[Petition]:
    """The petition list in the user's scope, ready for display (a page of it through
    `with_petition_names`): constant query count."""
    queryset = petitions_visible_to(user).select_related("case").only(*_LISTED_COLUMNS)
    return _with_parties(queryset, listed=True).order_by("-received_at", "-pk")


def with_petition_names(petitions: Iterable[Petition]) -> None:
    """Put on each petition its receiving and location units and its category (with its
    parent) from the process's reference tables, which the lists do not join."""
    petitions = list(petitions)
    with_units(petitions, "receiving_unit", "location_unit")
    attach(petitions, CATEGORIES, "category")


def petition_detail(*, user: User, number: str) -> Petition:
    """The petition `number` if the user may see it; raises Petition.DoesNotExist otherwise."""
    queryset = petitions_visible_to(user).select_related("registered_by", "case__same_matter_as")
    queryset = _with_parties(queryset).prefetch_related("attachments")
    petition = queryset.get(number=number)
    with_units([petition], "receiving_unit", "location_unit", "authority_unit", "accused_unit")
    with_units([petition.case], "owner_unit")
    attach([petition], CATEGORIES, "category")
    petition.acceptance_due = acceptance_due_of(petition.case)  # type: ignore[attr-defined]
    return petition


def petition_as_written(
    petition: Petition,
    *,
    parties: list[PetitionPetitioner],
    attachments: list[Attachment],
) -> Petition:
    """A petition just registered, with its parties (each with its petitioner) and its
    attachments loaded as `petition_detail` loads them, from the rows its intake wrote: no
    query."""
    cache = petition.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in (
        ("parties", sorted(parties, key=lambda party: party.position)),
        ("attachments", attachments),
    ):
        # What prefetch_related leaves: the related manager's queryset, already evaluated.
        queryset = getattr(petition, name).all()
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[name] = queryset
    return petition


def with_acceptance_due(petition: Petition) -> Petition:
    """`acceptance_due` on a petition just registered, as `petition_detail` sets it: from
    the case opened with it (`case_open` leaves the clock's due date on it), else read (one
    query: a case it joined)."""
    case = petition.case
    if hasattr(case, "acceptance_due"):
        petition.acceptance_due = case.acceptance_due  # type: ignore[attr-defined]
    else:
        petition.acceptance_due = acceptance_due_of(case)  # type: ignore[attr-defined]
    return petition


def may_see_full_identity(user: User, petition: Petition) -> bool:
    """Full ID numbers and phones only for users of the unit that owns the case."""
    return user.org_unit_id is not None and user.org_unit_id == petition.case.owner_unit_id


def name_area_prefix(location: OrgUnit) -> str:
    """Where a name alone is matched: the location's subtree, or for a village/community its
    township/street's subtree (people give either; the same families petition from both).
    A path prefix: one index range scan (orgunit_path_prefix)."""
    if location.level >= OrgLevel.VILLAGE and location.parent_id:
        return location.parent_path
    return location.path


@dataclass(frozen=True)
class PersonKey:
    """What identifies a petitioner for repeat detection, strongest first.

    An ID number or phone identifies a person for certain; a name only possibly (people share
    names), so a name-only match is shown for the clerk to confirm and never by itself makes
    a petition not first-time (初信初访) nor links it to an ended matter."""

    name: str = ""
    id_number: str = ""
    phone: str = ""

    def certain_query(self, *, party: str = "parties__") -> Q | None:
        """By ID hash, else phone hash. The query selects petitions; with `party=""` it
        selects the matching parties (PetitionPetitioner rows) instead."""
        if self.id_number:
            hashes = id_number_hashes(self.id_number)
            return Q(**{f"{party}petitioner__id_number_hash__in": hashes})
        if self.phone:
            # Everyone ever registered with this phone, and then all of their petitions.
            people = PetitionPetitioner.objects.filter(phone_hash__in=phone_hashes(self.phone))
            return Q(**{f"{party}petitioner__in": people.values("petitioner_id")})
        return None

    def name_query(self, location: OrgUnit | None, *, party: str = "parties__") -> Q | None:
        """By name within the location's area (`name_area_prefix`), anywhere without a
        location (the caller's scope still applies). A party recorded with another ID number
        is someone else."""
        name = self.name.strip()
        if not name:
            return None
        petition = "" if party else "petition__"
        query = Q(**{f"{party}name": name})
        if location is not None:
            prefix = name_area_prefix(location)
            query &= Q(**{f"{petition}location_unit__path__startswith": prefix})
        if self.id_number:
            query &= Q(**{f"{party}petitioner__id_number_hash": ""}) | Q(
                **{f"{party}petitioner__id_number_hash__in": id_number_hashes(self.id_number)}
            )
        return query

    def as_query(self, location: OrgUnit | None, *, party: str = "parties__") -> Q | None:
        """The strongest key: certain if there is one, else the name within the area."""
        return self.certain_query(party=party) or self.name_query(location, party=party)


def _combined(queries: list[Q | None]) -> Q | None:
    present = [q for q in queries if q is not None]
    if not present:
        return None
    combined = present[0]
    for query in present[1:]:
        combined |= query
    return combined


def _any_of(people: list[PersonKey], location: OrgUnit | None, *, party: str) -> Q | None:
    return _combined([person.as_query(location, party=party) for person in people])


def _certain_of(people: list[PersonKey], *, party: str) -> Q | None:
    return _combined([person.certain_query(party=party) for person in people])


def _any_key_of(people: list[PersonKey], location: OrgUnit | None, *, party: str) -> Q | None:
    return _combined(
        [
            q
            for person in people
            for q in (person.certain_query(party=party), person.name_query(location, party=party))
        ]
    )


def _earlier_petitions(people: list[PersonKey], location: OrgUnit | None) -> QuerySet[Petition]:
    """Petitions of these people by their strongest key (online intake's case in work)."""
    query = _any_of(people, location, party="parties__")
    return Petition.objects.filter(query) if query else Petition.objects.none()


def _certain_petitions(people: list[PersonKey]) -> QuerySet[Petition]:
    """Petitions of these people by ID number or phone only."""
    query = _certain_of(people, party="parties__")
    return Petition.objects.filter(query) if query else Petition.objects.none()


class Match(models.TextChoices):
    CERTAIN = "certain", _("Certain")
    POSSIBLE = "possible", _("Possibly related")


def repeat_cases(
    *, user: User, people: list[PersonKey], location: OrgUnit | None, limit: int = 20
) -> list[Case]:
    """Earlier cases of the same petitioners that the user may see: the certain ones (by ID
    number or phone) first, then those found by name only, each group newest first. Each has
    its petition count, last petition date, acceptance due date, `matched_names` (who of the
    people typed was found on it; `matched_people`: with their petitioner ids) and `match`
    (Match: certain or possible). Three queries."""
    found = _any_key_of(people, location, party="parties__")
    if found is None:
        return []
    certain = _certain_petitions(people)
    cases: list[Case] = list(
        cases_visible_to(user)
        .filter(pk__in=Petition.objects.filter(found).values("case_id"))
        .select_related("owner_unit")
        .annotate(
            acceptance_due=open_deadline_due(DeadlineKind.ACCEPTANCE),
            certain_match=Exists(certain.filter(case_id=OuterRef("pk"))),
        )
        .order_by("-certain_match", "-last_received_at", "-pk")[:limit]
    )
    matched: dict[int, dict[str, int]] = {}
    if cases:
        parties = PetitionPetitioner.objects.filter(
            _any_key_of(people, location, party=""), petition__case__in=[c.pk for c in cases]
        ).values_list("petition__case_id", "name", "petitioner_id")
        for case_id, name, petitioner_id in parties:
            matched.setdefault(case_id, {}).setdefault(name, petitioner_id)
    for case in cases:
        found_here = matched.get(case.pk, {})
        case.matched_names = sorted(found_here)  # type: ignore[attr-defined]
        # (name, petitioner id) for a link to the person's page.
        case.matched_people = sorted(found_here.items())  # type: ignore[attr-defined]
        case.match = Match.CERTAIN if case.certain_match else Match.POSSIBLE  # type: ignore[attr-defined]
    return cases


@dataclass(frozen=True)
class History:
    """What intake needs to know of the petitioners' earlier petitions (`earlier_history`)."""

    has_earlier_petition: bool
    ended_same_matter: Case | None


def earlier_history(people: list[PersonKey], category: Category) -> History:
    """Both intake checks on the petitioners' earlier petitions, by ID number or phone only,
    in one query: whether they petitioned before anywhere (`has_earlier_petition`, for
    初信初访), and the earlier case of theirs in the same category that ended the matter:
    terminated (终结, which acceptance refuses, Art. 36) or, failing that, the latest one
    closed (已办结) after its answer without a review request (which may be refused). A name
    alone never counts: a link to another person's matter would refuse a petition wrongly.

    The first of their cases, ended same matters first: there is one if they petitioned
    before (every petition is on a case), and it is the ended matter if it ranks as one."""
    certain = _certain_of(people, party="petitions__parties__")
    if certain is None:
        return History(has_earlier_petition=False, ended_same_matter=None)
    # One row per (case, matching petition), no subquery: a case ranks as an ended matter
    # through a petition of theirs in the category (the rank reuses the filter's join).
    in_category = Q(petitions__category=category)
    terminated, closed, other = 0, 1, 2
    first = (
        Case.objects.filter(certain)
        .annotate(
            ends_matter=models.Case(
                When(in_category, status=CaseStatus.TERMINATED, then=Value(terminated)),
                When(in_category, status=CaseStatus.CLOSED, then=Value(closed)),
                default=Value(other),
            )
        )
        .order_by("ends_matter", "-last_step_on", "-pk")
        .first()
    )
    ends = first is not None and first.ends_matter != other
    return History(
        has_earlier_petition=first is not None, ended_same_matter=first if ends else None
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


def has_earlier_petition(people: list[PersonKey]) -> bool:
    """Whether any of these people petitioned before, anywhere (for 初信初访): by ID number
    or phone only. A name alone is uncertain; the intake panel shows such cases as possibly
    related, and the clerk who recognises one attaches the petition to it."""
    return _certain_petitions(people).exists()


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent").order_by("code")
