"""The field visit pages: the list (scoped, newest first, bounded queries) and the form."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reception.models import FieldVisit
from reception.visits.services import field_visit_record
from tests.factories import UserFactory
from tests.reception.records_data import make_case, reception_now  # noqa: F401

D = datetime.date
LIST = "/reception/field-visits/"
NEW = "/reception/field-visits/new/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1).strip() if found else None


@pytest.fixture
def d1_leader(org):
    return UserFactory(username="d1_leader", org_unit=org.d1, roles=["leader"])


def form_data(leader, *rows, **overrides) -> dict:
    data = {
        "leader": str(leader.pk),
        "date": "2026-11-25",
        "place": "东湖街道办事处",
        "summary": "带案下访",
        "cases-TOTAL_FORMS": "5",
        "cases-INITIAL_FORMS": "0",
        "cases-MIN_NUM_FORMS": "0",
        "cases-MAX_NUM_FORMS": "50",
    }
    for index, (number, outcome) in enumerate(rows):
        data[f"cases-{index}-case"] = number
        data[f"cases-{index}-outcome"] = outcome
    data.update(overrides)
    return data


def test_a_leader_records_their_visit_and_finds_it_in_the_list(reception_now, d1_leader, handler1):
    case = make_case(handler1)
    client = logged_in(d1_leader)
    page = client.get(NEW).content.decode()
    assert f'<option value="{d1_leader.pk}" selected' in page
    response = client.post(NEW, form_data(d1_leader, (case.number, "公司承诺月底前支付")))
    assert response.status_code == 302
    visit = FieldVisit.objects.get()
    assert list(visit.cases.values_list("case__number", "outcome")) == [
        (case.number, "公司承诺月底前支付")
    ]
    listing = client.get(LIST).content.decode()
    assert f'data-visit="{visit.pk}"' in listing
    assert f'data-visit-case="{case.number}"' in listing


def test_errors_are_shown_at_the_fields(reception_now, d1_leader, handler1, handler2):
    hidden = make_case(handler2)
    response = logged_in(handler1).post(
        NEW,
        form_data(d1_leader, (hidden.number, "x"), ("", "an outcome without a case"), place=""),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert field_error(page, "place")
    assert field_error(page, "cases-0-case")
    assert field_error(page, "cases-1-case")
    response = logged_in(handler1).post(NEW, form_data(d1_leader, date="2026-11-27"))
    assert field_error(response.content.decode(), "date")
    case = make_case(handler1)
    response = logged_in(handler1).post(
        NEW, form_data(d1_leader, (case.number, "a"), (case.number, "b"))
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "cases")
    assert not FieldVisit.objects.exists()


def test_a_user_with_no_leader_to_record_for_is_refused(reception_now, city_supervisor):
    assert logged_in(city_supervisor).get(NEW).status_code == 403


def test_the_list_shows_only_the_visits_in_scope(
    reception_now, d1_leader, d2_leader, handler1, handler2
):
    field_visit_record(
        actor=handler1, leader=d1_leader, date=D(2026, 11, 2), place="甲", summary="", cases=[]
    )
    field_visit_record(
        actor=handler2, leader=d2_leader, date=D(2026, 11, 3), place="乙", summary="", cases=[]
    )
    page = logged_in(handler1).get(LIST).content.decode()
    assert page.count("data-visit=") == 1 and ">甲<" in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_takes_the_same_queries_for_one_or_many_visits(reception_now, d1_leader, handler1):
    case = make_case(handler1)
    record = dict(actor=handler1, leader=d1_leader, place="街道", summary="")
    field_visit_record(date=D(2026, 11, 1), cases=[(case, "一")], **record)
    client = logged_in(handler1)
    one = _queries(client, LIST)
    for day in range(2, 22):
        field_visit_record(date=D(2026, 11, day), cases=[(case, str(day))], **record)
    assert _queries(client, LIST) == one
