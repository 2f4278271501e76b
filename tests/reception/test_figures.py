"""Leader reception's dashboard figures against a hand-counted November 2026 (today Thursday
the 26th, `reception_now`), and the lists they drill down to (reception days, appointments,
field visits) with their filters on the pages and the API.

city_leader (江城市), Thursdays:
  11-05  A1 case C1 (1 petitioner) attended, resolved on the spot; A2 case C2 did not come
  11-12  A3 case C2 (a group of 3) attended, not resolved
  11-19  cancelled (nothing held)
  11-26  A4 case C3 booked, not yet received
  10-29  A5 case C1 attended (before the period)
  field visits: 11-10 with C1 and C2; 10-15 with C3 (before the period)
d2_leader (西山区), Wednesdays:
  11-18  B1 case D1 (1 petitioner) attended, resolved on the spot
  field visits: 11-20 with D1

In the city: days held 3 (11-05, 11-12, 11-18), receptions 3, people 1 + 3 + 1 = 5, resolved 2
(66.7%), field visits 2, cases taken along 3. In 西山区: 1, 1, 1, 1, 1 visit, 1 case."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import datetime
import io
import re

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.sections import section_figures
from reception.figures import leader_label
from reception.models import FieldVisit, FieldVisitCase, ReceptionDay
from tests.factories import group_petitioners, register_petition
from tests.reception.records_data import (  # noqa: F401 (fixtures)
    book,
    make_case,
    make_schedule,
    reception_now,
)
from tests.reception.test_numbers_selectors import received

D = datetime.date
START, END, TODAY = D(2026, 11, 1), D(2026, 11, 30), D(2026, 11, 26)
WHEN = datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC)


def visit(leader, day, cases, by):
    made = FieldVisit.objects.create(leader=leader, date=day, place="东湖社区", recorded_by=by)
    for case in cases:
        FieldVisitCase.objects.create(visit=made, case=case, outcome="当面答复")
    return made


@pytest.fixture
def month(reception_now, org, city_leader, d2_leader, reception1, handler1, handler2):
    thursdays = make_schedule(city_leader, reception1)
    wednesdays = make_schedule(d2_leader, handler2, weekdays=(3,), place="西山区信访局")
    c1, c3 = make_case(handler1, WHEN), make_case(handler1, WHEN)
    c2 = register_petition(
        handler1, received_at=WHEN, petitioners=group_petitioners(3)
    ).petition.case
    d1 = make_case(handler2, WHEN)
    received(book(thursdays, D(2026, 11, 5), c1, reception1), resolved=True, by=city_leader)
    book(thursdays, D(2026, 11, 5), c2, reception1, status="no_show")
    received(book(thursdays, D(2026, 11, 12), c2, reception1), by=city_leader)
    ReceptionDay.objects.create(
        schedule=thursdays, date=D(2026, 11, 19), status="cancelled", reason="外出调研"
    )
    book(thursdays, D(2026, 11, 26), c3, reception1)
    received(book(thursdays, D(2026, 10, 29), c1, reception1), by=city_leader)
    received(book(wednesdays, D(2026, 11, 18), d1, handler2), resolved=True, by=d2_leader)
    visit(city_leader, D(2026, 11, 10), [c1, c2], reception1)
    visit(city_leader, D(2026, 10, 15), [c3], reception1)
    return visit(d2_leader, D(2026, 11, 20), [d1], handler2)


def figures(user, unit):
    sections = section_figures(user, unit, START, END, TODAY)
    return {section.key: section for section in sections}["reception"]


def values(section) -> dict:
    return {tile.key: tile.value for tile in section.tiles}


def test_the_receptions_counted_by_hand(org, month, city_supervisor, city_leader, d2_leader):
    section = figures(city_supervisor, org.city)
    assert values(section) == {
        "reception_days": 3,
        "receptions": 3,
        "people_received": 5,
        "resolved_on_spot": 2,
        "resolved_share": pytest.approx(2 / 3),
        "field_visits": 2,
        "field_visit_cases": 3,
    }
    assert section.table_rows == [
        [leader_label(city_leader), 2, 2, 4, 1, 1, 2],
        [leader_label(d2_leader), 1, 1, 1, 1, 1, 1],
    ]
    assert "实际接访3天，接待群众3批5人次，当场化解2件（占66.7%）" in section.report_text
    assert "领导下访2次，带案下访3件" in section.report_text


def test_an_area_counts_only_its_own(org, month, city_supervisor, d2_leader):
    district = {
        "reception_days": 1,
        "receptions": 1,
        "people_received": 1,
        "resolved_on_spot": 1,
        "resolved_share": 1.0,
        "field_visits": 1,
        "field_visit_cases": 1,
    }
    assert values(figures(city_supervisor, org.d2)) == district
    # 西山区's leader sees its district only, whatever area is asked.
    assert values(figures(d2_leader, org.d2)) == district
    assert values(figures(d2_leader, org.city))["reception_days"] == 1
    assert figures(d2_leader, org.city).table_rows == [[leader_label(d2_leader), 1, 1, 1, 1, 1, 1]]
    nothing = values(figures(city_supervisor, org.d1))
    assert nothing["reception_days"] == nothing["field_visits"] == 0
    assert nothing["resolved_share"] is None


ROWS = {
    "reception:day_list": r"<tr data-day=",
    "reception:appointment_list": r"<tr data-appointment=",
    "reception:visit_list": r"<tr data-visit=",
}


def listed(response, name: str) -> int:
    return len(re.findall(ROWS[name], response.content.decode()))


@pytest.mark.parametrize(
    ("tile", "name"),
    [
        ("reception_days", "reception:day_list"),
        ("receptions", "reception:appointment_list"),
        ("resolved_on_spot", "reception:appointment_list"),
        ("field_visits", "reception:visit_list"),
    ],
)
@pytest.mark.parametrize("area", ["city", "d2"])
def test_each_tile_drills_down_to_the_rows_it_counts(
    client, org, month, city_supervisor, tile, name, area
):
    found = {t.key: t for t in figures(city_supervisor, getattr(org, area)).tiles}[tile]
    assert found.url.startswith(reverse(name))
    client.force_login(city_supervisor)
    response = client.get(found.url)
    assert response.status_code == 200
    assert listed(response, name) == found.value


def test_the_dashboard_and_the_report_show_the_section(client, org, month, city_supervisor):
    client.force_login(city_supervisor)
    period = {"unit": "CT", "from": "2026-11-01", "to": "2026-11-30"}
    page = client.get(reverse("dashboards:dashboard"), period).content.decode()
    assert 'id="section-reception"' in page
    assert 'data-tile="people_received" data-value="5"' in page
    assert 'id="section-reception-table"' in page
    response = client.get(reverse("dashboards:report"), {"unit": "CT", "month": "2026-11"})
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert "领导接访下访" in text and "实际接访3天" in text
    assert "领导接访下访情况" in text and "四级会诊" in text
    export = client.get(reverse("dashboards:export"), {**period, "table": "reception"})
    assert export.status_code == 200


# --- the lists' filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "fields"),
    [
        ("reception:day_list", {"date_from": "yesterday", "state": "lost"}, ["date_from", "state"]),
        ("reception:day_list", {"leader": "nobody", "area": "CY"}, ["leader", "area"]),
        ("reception:appointment_list", {"status": "x", "date_to": "2-30"}, ["status", "date_to"]),
        ("reception:appointment_list", {"resolved": "perhaps"}, ["resolved"]),
        ("reception:visit_list", {"date_to": "nope", "area": "CY"}, ["date_to", "area"]),
    ],
)  # fmt: skip
def test_a_bad_filter_is_a_field_error_on_the_page(
    client, month, city_supervisor, name, params, fields
):
    client.force_login(city_supervisor)
    response = client.get(reverse(name), params)
    assert response.status_code == 400
    page = response.content.decode()
    for field in fields:
        assert f'data-field-error="{field}"' in page


def test_the_filters_narrow_by_leader_and_days(client, month, city_supervisor):
    client.force_login(city_supervisor)
    days = client.get(reverse("reception:day_list"), {"leader": "city_leader"})
    assert listed(days, "reception:day_list") == 5  # 10-29, 11-05, 11-12, 11-19, 11-26
    cancelled = client.get(reverse("reception:day_list"), {"state": "cancelled"})
    assert listed(cancelled, "reception:day_list") == 1
    booked = client.get(
        reverse("reception:appointment_list"), {"date_from": "2026-11-20", "status": "booked"}
    )
    assert listed(booked, "reception:appointment_list") == 1
    visits = client.get(reverse("reception:visit_list"), {"date_to": "2026-10-31"})
    assert listed(visits, "reception:visit_list") == 1


def test_another_citys_user_sees_none_of_the_rows(client, month, outsider):
    client.force_login(outsider)
    for name in ROWS:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert listed(response, name) == 0, name


def test_another_district_sees_none_of_the_citys_rows(client, month, handler2):
    client.force_login(handler2)
    days = client.get(reverse("reception:day_list"))
    assert listed(days, "reception:day_list") == 1  # d2_leader's 11-18
    assert listed(client.get(reverse("reception:visit_list")), "reception:visit_list") == 1


@pytest.mark.parametrize("name", list(ROWS))
def test_the_lists_take_the_same_queries_for_few_or_many(
    client, month, city_supervisor, handler1, reception1, city_leader, name
):
    client.force_login(city_supervisor)
    wanted = {"area": "CT", "date_from": "2026-10-01", "date_to": "2026-12-31"}
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name), wanted).status_code == 200
    more = make_schedule(city_leader, reception1, weekdays=(1,), place="市政府")
    for day in (2, 9, 16, 23):
        case = make_case(handler1, WHEN)
        received(book(more, D(2026, 11, day), case, reception1), by=city_leader)
        visit(city_leader, D(2026, 11, day), [case], reception1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(name), wanted)
    assert listed(response, name) > 4
    assert len(many) == len(few)


# --- the API --------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


APPOINTMENTS = "/api/v1/reception/appointments/"
VISITS = "/api/v1/reception/field-visits/"
DAYS = "/api/v1/reception/days/"


def test_the_api_filters_as_the_pages_do(month, city_supervisor):
    client = api(city_supervisor)
    november = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    attended = client.get(APPOINTMENTS, {**november, "area": "CT", "status": "attended"}).json()
    assert attended["count"] == 3
    resolved = {**november, "status": "attended", "resolved": "true", "area": "D2"}
    assert client.get(APPOINTMENTS, resolved).json()["count"] == 1
    assert client.get(VISITS, {**november, "area": "CT"}).json()["count"] == 2
    assert client.get(VISITS, {"area": "D2"}).json()["count"] == 1
    days = client.get(DAYS, {"from": "2026-11-01", "to": "2026-11-30", "area": "D2"}).json()
    assert {day["leader"] for day in days["results"]} == {"d2_leader"}


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (APPOINTMENTS, {"date_from": "2026-13-01"}, "date_from"),
        (APPOINTMENTS, {"status": "lost"}, "status"),
        (APPOINTMENTS, {"resolved": "perhaps"}, "resolved"),
        (APPOINTMENTS, {"area": "CY"}, "area"),
        (VISITS, {"date_to": "x"}, "date_to"),
        (VISITS, {"area": "\x00"}, "area"),
        (DAYS, {"from": "2026-11-01", "to": "2026-11-30", "area": "CY"}, "area"),
    ],
)
def test_the_api_answers_a_bad_filter_400_on_its_field(month, city_supervisor, url, params, field):
    response = api(city_supervisor).get(url, params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_row_outside_the_callers_scope_is_404(month, outsider):
    assert api(outsider).get(f"{VISITS}{month.pk}/").status_code == 404
    [appointment] = month.cases.get().case.appointments.all()
    assert api(outsider).get(f"{APPOINTMENTS}{appointment.pk}/").status_code == 404
