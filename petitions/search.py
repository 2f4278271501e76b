"""Find anyone (issue 16 §1): what a clerk types in the search box, as people and matters in
the user's scope. The rule of what matches is cases.selectors.people's, shared with the
petition and case lists' `q`. Reads only: the views audit searches by ID number or phone."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import User
from cases.models import Case
from cases.selectors import cases_visible_to
from cases.selectors.people import SearchKey, person_condition, search_key

from .models import Petition, Petitioner, PetitionPetitioner
from .selectors import petitions_visible_to

LIMIT = 50


@dataclass
class SearchResult:
    key: SearchKey
    people: list[Petitioner] = field(default_factory=list)
    petitions: list[Petition] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)

    @property
    def exact_hit(self) -> Petition | Case | None:
        """The petition, else the case, whose number was typed, when no one was found by
        name: numbers are unique, and a case's first petition shares its number."""
        if self.people:
            return None
        petition = next((p for p in self.petitions if p.number == self.key.text), None)
        if petition is not None:
            return petition
        return next((c for c in self.cases if c.number == self.key.text), None)

    @property
    def empty(self) -> bool:
        return not (self.people or self.petitions or self.cases)


def matching_petition_ids(key: SearchKey):
    """The ids of the petitions one of whose petitioners the key matches (a subquery)."""
    condition = person_condition(key, party="")
    if condition is None:
        return PetitionPetitioner.objects.none().values("petition_id")
    return PetitionPetitioner.objects.filter(condition).values("petition_id")


def find(user: User, q: str | None, *, limit: int = LIMIT) -> SearchResult:
    """People and matters `q` finds among what `user` may see, in four queries whatever the
    number of results: petitioners reachable through visible petitions (their ID numbers and
    phones for masked display only), the petitions and the cases."""
    key = search_key(q)
    result = SearchResult(key)
    if not key.text:
        return result
    visible = petitions_visible_to(user)
    petitions = visible.filter(Q(pk__in=matching_petition_ids(key)) | Q(number=key.text))
    parties = PetitionPetitioner.objects.filter(
        person_condition(key, party="") or Q(pk__in=[]), petition__in=visible.values("pk")
    )
    result.people = list(
        Petitioner.objects.filter(pk__in=parties.values("petitioner_id")).order_by("name", "pk")[
            :limit
        ]
    )
    result.petitions = list(
        petitions.select_related("case", "category", "receiving_unit").order_by(
            "-received_at", "-pk"
        )[:limit]
    )
    result.cases = list(
        cases_visible_to(user)
        .filter(Q(pk__in=petitions.values("case_id")) | Q(number=key.text))
        .select_related("owner_unit", "same_matter_as")
        .order_by("-last_received_at", "-pk")[:limit]
    )
    return result


@dataclass
class PersonHistory:
    person: Petitioner
    petitions: list[Petition]
    cases: list[Case]


def petitioner_history(user: User, pk: int) -> PersonHistory:
    """One petitioner's petitions and cases over the years, in the user's scope only, oldest
    last; raises Petitioner.DoesNotExist when the user sees none of them."""
    petitions = list(
        petitions_visible_to(user)
        .filter(parties__petitioner_id=pk)
        .select_related("case__same_matter_as", "category", "receiving_unit")
        .order_by("-received_at", "-pk")
    )
    if not petitions:
        raise Petitioner.DoesNotExist
    person = Petitioner.objects.get(pk=pk)
    cases: dict[int, Case] = {}
    for petition in petitions:
        cases.setdefault(petition.case_id, petition.case)
    return PersonHistory(person, petitions, list(cases.values()))
