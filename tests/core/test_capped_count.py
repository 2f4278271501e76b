"""Lists count their rows up to a cap: past it the page says "more than" and the API says
`count_capped`, so that a city's million rows are never counted whole (`CappedPaginator`).
The cap is lowered to 3 here; the lists hold 4 or 3 cases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.pages import CappedPaginator
from tests.dashboards.builders import make_case

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)


def cases(org, n: int) -> None:
    for day in range(1, n + 1):
        make_case(org.d1_office, D(2026, 11, day))


def test_the_case_list_says_more_than_the_cap(client, org, city_supervisor, cap_of_three):
    cases(org, 4)
    client.force_login(city_supervisor)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/cases/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "超过3件" in text
    assert "共4件" not in text
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 4" in sql for sql in counts), counts


def test_a_list_within_the_cap_is_counted_exactly(client, org, city_supervisor, cap_of_three):
    cases(org, 3)
    client.force_login(city_supervisor)
    text = client.get("/cases/").content.decode()
    assert "共3件" in text
    assert "超过" not in text.split('id="case-count"')[1].split("</div>")[0]


def test_the_api_says_when_its_count_is_capped(org, city_supervisor, cap_of_three):
    api = APIClient()
    api.force_authenticate(city_supervisor)
    cases(org, 4)
    body = api.get("/api/v1/cases/").json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert len(body["results"]) == 4  # the page itself is whole
    cases_all = api.get("/api/v1/cases/", {"page_size": 2}).json()
    assert cases_all["count_capped"] is True


def test_the_api_count_within_the_cap(org, city_supervisor, cap_of_three):
    api = APIClient()
    api.force_authenticate(city_supervisor)
    cases(org, 2)
    body = api.get("/api/v1/cases/").json()
    assert (body["count"], body["count_capped"]) == (2, False)


def count_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


def test_past_the_cap_the_count_is_remembered_for_the_same_query(
    client, org, city_supervisor, handler1, cap_of_three
):
    cases(org, 4)
    client.force_login(city_supervisor)
    client.get("/cases/")
    make_case(org.d1_office, D(2026, 11, 20))
    with CaptureQueriesContext(connection) as captured:
        text = client.get("/cases/").content.decode()
    assert "超过3件" in text and not count_queries(captured)
    # Another filter, or another scope, is another query: counted.
    with CaptureQueriesContext(connection) as captured:
        client.get("/cases/", {"status": "registered"})
    assert count_queries(captured)
    client.force_login(handler1)
    with CaptureQueriesContext(connection) as captured:
        client.get("/cases/")
    assert count_queries(captured)


def test_within_the_cap_the_count_is_never_remembered(client, org, city_supervisor, cap_of_three):
    cases(org, 2)
    client.force_login(city_supervisor)
    assert "共2件" in client.get("/cases/").content.decode()
    cases(org, 1)
    assert "共3件" in client.get("/cases/").content.decode()


def test_the_remembered_count_lapses(
    client, org, city_supervisor, cap_of_three, frozen_now, time_machine, settings
):
    # The process's own cache, whose clock time-machine moves (Redis keeps its own).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cases(org, 4)
    client.force_login(city_supervisor)
    client.get("/cases/")
    time_machine.shift(datetime.timedelta(seconds=CappedPaginator.capped_for + 1))
    with CaptureQueriesContext(connection) as captured:
        client.get("/cases/")
    assert count_queries(captured)


def test_with_no_time_to_remember_each_count_is_made(
    client, org, city_supervisor, cap_of_three, monkeypatch
):
    cases(org, 4)
    client.force_login(city_supervisor)
    client.get("/cases/")  # remembered
    monkeypatch.setattr(CappedPaginator, "capped_for", 0)
    with CaptureQueriesContext(connection) as captured:
        client.get("/cases/")
    assert count_queries(captured)


def test_a_list_nothing_can_match_counts_none():
    from cases.models import Case

    assert CappedPaginator(Case.objects.none().order_by("pk"), 50).count == 0
    assert CappedPaginator(Case.objects.filter(pk__in=[]).order_by("pk"), 50).count == 0
