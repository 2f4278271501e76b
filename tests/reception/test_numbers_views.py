"""The numbers page: the per-leader figures for a date range, and a bad range at its field."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reception.records.services import reception_record
from tests.factories import UserFactory
from tests.reception.records_data import (  # noqa: F401 (fixtures)
    RECEPTION_DAY,
    appointment,
    book,
    make_case,
    make_schedule,
    reception_case,
    reception_now,
    schedule,
)

URL = "/reception/numbers/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cells(page: str, username: str) -> dict[str, str]:
    row = re.search(rf'<tr data-leader="{username}">(.*?)</tr>', page, re.S).group(1)
    return {
        name: re.sub(r"<[^>]+>", "", value).strip()
        for name, value in re.findall(r'data-number="([a-z-]+)">(.*?)</td>', row, re.S)
    }


def test_the_page_shows_each_leaders_numbers_for_the_range(
    appointment, schedule, city_leader, reception1, handler1, org, city_supervisor
):
    reception_record(
        actor=city_leader,
        appointment=appointment,
        attended=True,
        account="陈述",
        instruction="请核实",
        resolved_on_spot=False,
        responsible_unit=org.d1_street,
        responsible_person="孙",
        due_on=datetime.date(2026, 12, 8),
    )
    second = book(schedule, RECEPTION_DAY, make_case(handler1), reception1)
    reception_record(
        actor=city_leader,
        appointment=second,
        attended=True,
        account="陈述",
        instruction="",
        resolved_on_spot=True,
    )
    page = logged_in(city_supervisor).get(URL, {"start": "2026-11-01", "end": "2026-11-30"})
    assert page.status_code == 200
    found = cells(page.content.decode(), "city_leader")
    assert found["receptions"] == "1"
    assert found["petitioners"] == "2"
    assert found["cases"] == "2"
    assert found["resolved"] == "50%（1/2）"
    assert found["on-time"].startswith("—")  # the one instruction is not due yet
    # A range without that day shows zeros.
    page = logged_in(city_supervisor).get(URL, {"start": "2026-10-01", "end": "2026-10-31"})
    assert cells(page.content.decode(), "city_leader")["receptions"] == "0"


def test_without_a_range_the_page_shows_this_month(schedule, city_leader, reception_now):
    page = logged_in(city_leader).get(URL).content.decode()
    assert 'value="2026-11-01"' in page and 'value="2026-11-26"' in page
    assert 'data-leader="city_leader"' in page


def test_a_bad_range_is_shown_at_its_field(schedule, city_leader):
    response = logged_in(city_leader).get(URL, {"start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 400
    assert 'data-field-error="end"' in response.content.decode()
    response = logged_in(city_leader).get(URL, {"start": "nonsense", "end": "2026-11-01"})
    assert response.status_code == 400


def test_the_page_takes_the_same_queries_for_one_or_many_leaders(
    schedule, org, reception1, city_supervisor, reception_now
):
    client = logged_in(city_supervisor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    one = queries()
    for index in range(8):
        leader = UserFactory(username=f"leader{index}", org_unit=org.d2, roles=["leader"])
        make_schedule(leader, reception1)
    assert queries() == one
