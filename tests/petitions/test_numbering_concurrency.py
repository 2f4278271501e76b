"""20 registrations posted at once to the same unit on PostgreSQL get 20 distinct, consecutive
numbers (issue 2 acceptance). Needs real concurrent transactions, hence PostgreSQL."""

import threading
from functools import partial

import pytest
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from petitions.models import NumberSequence, Petition
from petitions.services import petition_register
from tests.factories import petition_draft
from tests.threads import run_in_threads

THREADS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_consecutive_numbers(postgres_only, reception1):
    # Drafts (and a user object per thread) are built up front; the threads only register.
    drafts = [petition_draft(reception1) for _ in range(THREADS)]
    actors = [User.objects.get(pk=reception1.pk) for _ in range(THREADS)]
    for actor in actors:
        assert actor.roles  # load the cached roles now: the threads only register
    barrier = threading.Barrier(THREADS, timeout=30)
    numbers: list[str] = []

    def register(actor, draft):
        barrier.wait()
        numbers.append(petition_register(actor=actor, draft=draft).petition.number)

    targets = [partial(register, a, d) for a, d in zip(actors, drafts, strict=True)]
    errors = run_in_threads(*targets)
    assert errors == [], f"{len(errors)} registrations failed, e.g. {errors[:3]!r}"
    year = timezone.localdate(drafts[0].received_at).year
    assert sorted(numbers) == [f"CTXFJ-{year}-{n:06d}" for n in range(1, THREADS + 1)]
    assert Petition.objects.count() == THREADS
    assert Case.objects.count() == THREADS
    assert NumberSequence.objects.get(unit=reception1.org_unit, year=year).last_value == THREADS
