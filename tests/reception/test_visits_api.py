"""API contract of field visits: GET/POST /api/v1/reception/field-visits/."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from reception.models import FieldVisit
from tests.factories import UserFactory
from tests.reception.records_data import make_case, reception_now  # noqa: F401

VISITS = "/api/v1/reception/field-visits/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def d1_leader(org):
    return UserFactory(
        username="d1_leader", org_unit=org.d1, roles=["leader"], last_name="钱", first_name="区长"
    )


def payload(*cases, **overrides) -> dict:
    values = {
        "leader": "d1_leader",
        "date": "2026-11-25",
        "place": "东湖街道办事处",
        "summary": "带案下访",
        "cases": [{"case": case.number, "outcome": "已协调"} for case in cases],
    }
    values.update(overrides)
    return values


def test_the_petition_office_records_a_visit_and_lists_it(reception_now, d1_leader, handler1):
    case = make_case(handler1)
    response = api(handler1).post(VISITS, payload(case), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["leader"] == "d1_leader" and body["leader_name"] == "钱区长"
    assert body["cases"] == [{"case": case.number, "summary": case.summary, "outcome": "已协调"}]
    assert body["recorded_by"] == "handler1"
    listed = api(d1_leader).get(VISITS).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    one = api(d1_leader).get(f"{VISITS}{body['id']}/")
    assert one.status_code == 200 and one.json()["place"] == "东湖街道办事处"


def test_bad_input_comes_back_by_field(reception_now, d1_leader, handler1, handler2):
    hidden = make_case(handler2)
    response = api(handler1).post(
        VISITS,
        payload(hidden, date="2026-11-27", place="", leader="d2_nobody"),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"leader", "place", "cases"}
    assert errors["cases"][0]["case"]
    # The service's own checks, under the same names.
    response = api(handler1).post(VISITS, payload(date="2026-11-27"), format="json")
    assert response.status_code == 400 and list(response.json()) == ["date"]
    assert not FieldVisit.objects.exists()


def test_a_leader_of_another_area_is_unknown_and_a_colleague_leader_may_not(
    reception_now, d1_leader, d2_leader, city_leader, handler1
):
    response = api(handler1).post(VISITS, payload(leader="d2_leader"), format="json")
    assert response.status_code == 400 and list(response.json()) == ["leader"]
    response = api(city_leader).post(VISITS, payload(), format="json")
    assert response.status_code == 403
    assert not FieldVisit.objects.exists()


def test_visits_outside_the_area_are_not_found(reception_now, d1_leader, handler1, handler2):
    created = api(handler1).post(VISITS, payload(), format="json").json()
    assert api(handler2).get(VISITS).json()["count"] == 0
    assert api(handler2).get(f"{VISITS}{created['id']}/").status_code == 404
    assert api(handler2).get(f"{VISITS}99999999999999999999/").status_code == 404


def test_the_list_takes_the_same_queries_for_one_or_many_visits(
    reception_now, d1_leader, handler1, django_assert_max_num_queries
):
    case = make_case(handler1)
    client = api(handler1)
    client.post(VISITS, payload(case), format="json")
    with django_assert_max_num_queries(6):
        assert client.get(VISITS).status_code == 200
    for day in range(1, 16):
        client.post(VISITS, payload(case, date=f"2026-11-{day:02d}"), format="json")
    with django_assert_max_num_queries(6):
        assert client.get(VISITS).json()["count"] == 16
