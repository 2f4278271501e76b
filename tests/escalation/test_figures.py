"""Escalation's dashboard figures against a hand-counted November 2026 in 江城市 (today the
22nd): supervision notices issued in the month to units of the city — N1 to 东湖区信访局,
answered in time; N2 to 东湖街道, answered after its due day; N3 to 西山区信访局, due the 20th,
unanswered (overdue); N4 to 东湖区信访局, due the 30th (awaiting) — and not counted: N5,
issued in October. Issued 4, answered 2 (1 late), awaiting 1, overdue 1; each tile's list
holds what it counts."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse

from core.sections import section_figures
from escalation.notices.services import supervision_notice_issue, supervision_notice_respond
from tests.factories import register_petition

from . import joint_fixtures

joint_case = joint_fixtures.joint_case
supervision = joint_fixtures.supervision

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(time_machine, day: datetime.date) -> None:
    time_machine.move_to(
        datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture
def november(org, time_machine, handler1, handler2, street_handler, city_supervisor):
    at(time_machine, D(2026, 10, 10))
    case1 = register_petition(handler1).petition.case
    case2 = register_petition(handler2).petition.case

    def issue(case, unit, on, due):
        at(time_machine, on)
        return supervision_notice_issue(
            actor=city_supervisor, case=case, unit=unit, due_on=due, content="限期办理"
        )

    issue(case1, org.d1_office, D(2026, 10, 20), D(2026, 10, 27))
    n1 = issue(case1, org.d1_office, D(2026, 11, 2), D(2026, 11, 9))
    n2 = issue(case1, org.d1_street, D(2026, 11, 3), D(2026, 11, 10))
    issue(case2, org.d2_office, D(2026, 11, 13), D(2026, 11, 20))
    issue(case1, org.d1_office, D(2026, 11, 20), D(2026, 11, 30))
    at(time_machine, D(2026, 11, 5))
    supervision_notice_respond(actor=handler1, notice=n1, response="已办理")
    at(time_machine, D(2026, 11, 12))
    supervision_notice_respond(actor=street_handler, notice=n2, response="已办理")
    at(time_machine, D(2026, 11, 22))


def figures(user, unit):
    sections = section_figures(user, unit, D(2026, 11, 1), D(2026, 11, 30), D(2026, 11, 22))
    return {section.key: section for section in sections}["escalation"]


def test_the_notices_counted_by_hand(org, november, city_supervisor):
    section = figures(city_supervisor, org.city)
    assert {tile.key: tile.value for tile in section.tiles} == {
        "notices_issued": 4,
        "notices_answered": 2,
        "notices_answered_late": 1,
        "notices_open": 1,
        "notices_overdue": 1,
        "joint_opened": 0,
        "joint_closed": 0,
        "joint_open": 0,
    }
    assert "下发督办、催办通知书4件" in section.report_text
    assert "超期未回复1件" in section.report_text


def listed(response) -> int:
    return len(re.findall(r"<tr data-(?:notice|supervision)=", response.content.decode()))


def test_each_tile_drills_down_to_the_notices_it_counts(client, org, november, city_supervisor):
    client.force_login(city_supervisor)
    for tile in figures(city_supervisor, org.city).tiles:
        response = client.get(tile.url)
        assert response.status_code == 200, tile.key
        assert listed(response) == tile.value, tile.key


def test_a_joint_supervision_opened_in_the_month_is_counted_and_listed(
    client, org, november, supervision, city_supervisor
):
    """Opened by 东湖区 on the 22nd (`joint_fixtures`), still open."""
    tiles = {tile.key: tile for tile in figures(city_supervisor, org.city).tiles}
    assert (tiles["joint_opened"].value, tiles["joint_open"].value) == (1, 1)
    assert tiles["joint_closed"].value == 0
    assert "本期启动五方联合督办1件，已结束0件，仍在督办1件" in (
        figures(city_supervisor, org.city).report_text
    )
    client.force_login(city_supervisor)
    for key in ("joint_opened", "joint_open", "joint_closed"):
        assert listed(client.get(tiles[key].url)) == tiles[key].value, key
    # Another district's area counts none of it.
    assert {t.key: t.value for t in figures(city_supervisor, org.d2).tiles}["joint_opened"] == 0


def test_the_notice_list_refuses_a_bad_filter_on_its_field(client, city_supervisor):
    client.force_login(city_supervisor)
    response = client.get("/escalation/notices/?tab=all&issued_from=yesterday&state=lost")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="issued_from"' in page and 'data-field-error="state"' in page


def test_the_joint_board_refuses_a_bad_filter_on_its_field(client, city_supervisor):
    client.force_login(city_supervisor)
    response = client.get(reverse("escalation:joint_board"), {"status": "all", "opened_to": "x"})
    assert response.status_code == 400
    assert 'data-field-error="opened_to"' in response.content.decode()
