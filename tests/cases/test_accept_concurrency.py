"""Two handlers accept the same case at the same moment through the API (issue 3
acceptance): on PostgreSQL the case row lock lets exactly one win; the other gets 409 and
nothing is written twice. Needs real concurrent transactions, hence PostgreSQL."""

import threading
import time
from functools import partial

import pytest

from accounts.models import User
from cases.models import CaseEvent, Deadline, DeadlineKind, EventKind
from cases.services import acceptance
from tests.cases.test_api import api, case_url
from tests.factories import register_petition
from tests.threads import run_in_threads


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_wins_the_other_gets_409(
    postgres_only, handler1, colleague1, monkeypatch
):
    case = register_petition(handler1).petition.case
    actors = [User.objects.get(pk=user.pk) for user in (handler1, colleague1)]
    for actor in actors:
        assert actor.roles  # load the cached roles now: the threads only post
    # Hold the winner inside its transaction for a moment after it has taken the row lock,
    # so that the other request surely arrives while the lock is held.
    real_effective_date = acceptance.effective_date

    def slow_effective_date(*args, **kwargs):
        time.sleep(0.3)
        return real_effective_date(*args, **kwargs)

    monkeypatch.setattr(acceptance, "effective_date", slow_effective_date)
    barrier = threading.Barrier(len(actors), timeout=30)
    results: list[tuple[int, dict]] = []

    def accept(actor):
        client = api(actor, lang="en")
        barrier.wait()
        response = client.post(case_url(case, "accept"), {}, format="json")
        results.append((response.status_code, response.json()))

    assert run_in_threads(*(partial(accept, actor) for actor in actors)) == []
    codes = sorted(code for code, _body in results)
    assert codes == [200, 409], results
    loser = next(body for code, body in results if code == 409)
    assert case.number in loser["detail"] and "not possible now" in loser["detail"]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ACCEPTED).count() == 1
    assert Deadline.objects.filter(case=case, kind=DeadlineKind.HANDLING).count() == 1
    case.refresh_from_db()
    assert case.status == "accepted"
