"""The four-level consultation's dashboard figures against a hand-counted November 2026 in
江城市 (today the 22nd, `frozen_now`):

- C1 (东湖区信访局): level 1 held the 3rd with a task due the 10th, never done (overdue),
  escalated the 4th; level 2 held the 5th;
- C2 (东湖区信访局): level 1 held the 10th, its task due the 30th (not yet due);
- C3 (西山区信访局): level 1 held the 12th;
- C4 (东湖区信访局): level 1 held on 20 October: not counted.

In the city: held 4 — level 1: 3, level 2: 1, levels 3 and 4: none — escalated 1, with tasks
overdue 1. In 西山区: held 1. Each tile's list holds what it counts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.sections import section_figures
from escalation.consultations.services.followup import consultation_escalate
from escalation.consultations.services.meetings import TaskDraft, consultation_record
from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
LIST = "/escalation/consultations/"
API = "/api/v1/consultations/"


def received(handler, day: datetime.date):
    when = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
    return register_petition(handler, received_at=when).petition.case


def record(actor, case, held_on, level=1, tasks=()):
    return consultation_record(
        actor=actor,
        case=case,
        level=level,
        held_on=held_on,
        units=[actor.org_unit],
        attendees="王承办",
        analysis="分析",
        decision="决定",
        tasks=list(tasks),
    )


@pytest.fixture
def november(org, frozen_now, handler1, handler2):
    c1, c2 = received(handler1, D(2026, 11, 2)), received(handler1, D(2026, 11, 2))
    c3, c4 = received(handler2, D(2026, 11, 2)), received(handler1, D(2026, 10, 8))
    first = record(
        handler1,
        c1,
        D(2026, 11, 3),
        tasks=[TaskDraft(unit=org.d1_business, task="核实", due_on=D(2026, 11, 10))],
    )
    consultation_escalate(
        actor=handler1, consultation=first, level=2, reason="意见不一", on=D(2026, 11, 4)
    )
    record(handler1, c1, D(2026, 11, 5), level=2)
    record(
        handler1,
        c2,
        D(2026, 11, 10),
        tasks=[TaskDraft(unit=org.d1_business, task="答复", due_on=D(2026, 11, 30))],
    )
    record(handler2, c3, D(2026, 11, 12))
    record(handler1, c4, D(2026, 10, 20))
    return first


def figures(user, unit):
    sections = section_figures(user, unit, D(2026, 11, 1), D(2026, 11, 30), D(2026, 11, 22))
    return {section.key: section for section in sections}["consultation"]


def values(section) -> dict:
    return {tile.key: tile.value for tile in section.tiles}


def test_the_consultations_counted_by_hand(org, november, city_supervisor):
    section = figures(city_supervisor, org.city)
    assert values(section) == {
        "consultations_held": 4,
        "consultations_level1": 3,
        "consultations_level2": 1,
        "consultations_level3": 0,
        "consultations_level4": 0,
        "consultations_escalated": 1,
        "consultations_tasks_overdue": 1,
    }
    assert "本期开展四级会诊4次" in section.report_text
    assert "提级会诊1次" in section.report_text
    assert values(figures(city_supervisor, org.d2))["consultations_held"] == 1
    assert values(figures(city_supervisor, org.other_city))["consultations_held"] == 0


def listed(response) -> int:
    return len(re.findall(r"<tr data-consultation=", response.content.decode()))


def test_each_tile_drills_down_to_the_consultations_it_counts(
    client, org, november, city_supervisor
):
    client.force_login(city_supervisor)
    for tile in figures(city_supervisor, org.city).tiles:
        response = client.get(tile.url)
        assert response.status_code == 200, tile.key
        assert listed(response) == tile.value, tile.key


def test_the_list_refuses_a_bad_filter_on_its_field(client, city_supervisor):
    client.force_login(city_supervisor)
    response = client.get(LIST, {"held_from": "yesterday", "level": "7", "state": "lost"})
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("held_from", "level", "state"):
        assert f'data-field-error="{field}"' in page


def test_another_district_sees_only_its_own(client, org, november, handler2):
    client.force_login(handler2)
    assert listed(client.get(LIST)) == 1
    # The city is not a unit of 西山区's area: a field error, and still only its own rows.
    response = client.get(LIST, {"area": "CT"})
    assert response.status_code == 400 and listed(response) == 1


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_filters_as_the_page_does(org, november, city_supervisor):
    client = api(city_supervisor)
    body = client.get(API, {"area": "D1", "held_from": "2026-11-01", "level": 1}).json()
    assert body["count"] == 2
    assert client.get(API, {"state": "tasks_overdue"}).json()["count"] == 1
    assert client.get(API, {"held_to": "2026-10-31"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"held_from": "2026-13-01"}, "held_from"),
        ({"level": "5"}, "level"),
        ({"state": "open"}, "state"),
        ({"area": "CY"}, "area"),
        ({"area": "\x00"}, "area"),
    ],
)
def test_the_api_answers_a_bad_filter_400_on_its_field(november, city_supervisor, params, field):
    response = api(city_supervisor).get(API, params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_consultation_outside_the_callers_area_is_404(november, handler2):
    assert api(handler2).get(f"{API}{november.pk}/").status_code == 404


def test_the_list_takes_the_same_queries_for_few_or_many(client, org, november, handler1):
    client.force_login(handler1)
    wanted = {"area": "D1", "held_from": "2026-10-01", "state": "standing"}
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST, wanted).status_code == 200
    for _ in range(4):
        record(handler1, received(handler1, D(2026, 11, 2)), D(2026, 11, 15))
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST, wanted)
    assert listed(response) == 3 + 4
    assert len(many) == len(few)


def test_the_dashboard_shows_the_section(client, org, november, city_supervisor):
    client.force_login(city_supervisor)
    page = client.get(
        reverse("dashboards:dashboard"), {"unit": "CT", "from": "2026-11-01", "to": "2026-11-30"}
    ).content.decode()
    assert 'id="section-consultation"' in page
    assert 'data-tile="consultations_held" data-value="4"' in page
