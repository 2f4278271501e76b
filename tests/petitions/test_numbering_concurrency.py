"""20 registrations posted at once to the same unit on PostgreSQL get 20 distinct, consecutive
numbers (issue 2 acceptance). Needs real concurrent transactions, hence PostgreSQL."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from petitions.models import NumberSequence, Petition
from petitions.services import petition_register
from tests.factories import petition_draft

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
    errors: list[BaseException] = []
    lock = threading.Lock()

    def register(actor, draft):
        try:
            barrier.wait()
            petition = petition_register(actor=actor, draft=draft).petition
            with lock:
                numbers.append(petition.number)
        except BaseException as exc:  # reported below with the numbers obtained
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=register, args=(actor, draft))
        for actor, draft in zip(actors, drafts, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads), "a registration hung"
    assert errors == [], f"{len(errors)} registrations failed, e.g. {errors[:3]!r}"
    year = timezone.localdate(drafts[0].received_at).year
    assert sorted(numbers) == [f"CTXFJ-{year}-{n:06d}" for n in range(1, THREADS + 1)]
    assert Petition.objects.count() == THREADS
    assert Case.objects.count() == THREADS
    assert NumberSequence.objects.get(unit=reception1.org_unit, year=year).last_value == THREADS
