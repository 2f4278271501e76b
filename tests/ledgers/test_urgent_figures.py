"""Major and urgent matters' figures against a hand-counted November 2026 in 江城市 (now the
22nd at noon), and each tile's drill-down list holding what it counts.

Counted by hand, flagged in November by units of the city:
- A (D1XFJ, urgent, the 10th): sent in time, acknowledged by both in time;
- B (D1XFJ, major, the 15th): sent 5 hours after flagging (late), acknowledged by both;
- C (CTXFJ, urgent, the 20th): sent in time, acknowledged by no one (late: past its clock);
- D (D2XFJ, major, today 09:00): not sent, its 4 hours not yet over;
- E (D2XFJ, urgent, the 21st): not sent (late);
- not counted: F (D1XFJ, flagged in October), G (云城市, another city).
Flagged 5 (major 2, urgent 3); reported 3; acknowledged 2; awaiting 1 (C); not yet
reported 2 (D, E); late 3 (B, C, E).
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest

from dashboards.sections import section_figures
from ledgers.urgent.services import urgent_acknowledge, urgent_flag, urgent_report_issue
from tests.conftest import _user
from tests.factories import register_petition

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(time_machine, day: int, hour: int, month: int = 11) -> None:
    time_machine.move_to(datetime.datetime(2026, month, day, hour, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def november(org, time_machine, handler1, handler2, city_handler, outsider):
    d1_leader = _user("d1_leader", org.d1, "leader")

    def flag(actor, day, hour, gravity, month=11):
        at(time_machine, day, hour, month)
        case = register_petition(actor).petition.case
        return urgent_flag(actor=actor, case=case, gravity=gravity, reason="群体聚集")

    f = flag(handler1, 20, 10, "urgent", month=10)
    urgent_report_issue(actor=handler1, report=f, content="报告")
    a = flag(handler1, 10, 9, "urgent")
    urgent_report_issue(actor=handler1, report=a, content="报告")
    urgent_acknowledge(actor=d1_leader, report=a)
    urgent_acknowledge(actor=city_handler, report=a)
    b = flag(handler1, 15, 9, "major")
    at(time_machine, 15, 14)
    urgent_report_issue(actor=handler1, report=b, content="报告")
    urgent_acknowledge(actor=d1_leader, report=b)
    urgent_acknowledge(actor=city_handler, report=b)
    c = flag(city_handler, 20, 9, "urgent")
    urgent_report_issue(actor=city_handler, report=c, content="报告")
    e = flag(handler2, 21, 9, "urgent")
    d = flag(handler2, 22, 9, "major")
    g = flag(outsider, 10, 9, "major")
    at(time_machine, 22, 12)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}


def figures(user, unit):
    sections = section_figures(user, unit, D(2026, 11, 1), D(2026, 11, 30), D(2026, 11, 22))
    return {section.key: section for section in sections}["urgent"]


def test_the_city_figures_are_those_counted_by_hand(org, november, city_supervisor):
    tiles = {tile.key: tile.value for tile in figures(city_supervisor, org.city).tiles}
    assert tiles == {
        "urgent_flagged": 5,
        "urgent_major": 2,
        "urgent_urgent": 3,
        "urgent_reported": 3,
        "urgent_acknowledged": 2,
        "urgent_awaiting": 1,
        "urgent_unsent": 2,
        "urgent_late": 3,
    }
    text = figures(city_supervisor, org.city).report_text
    assert "本期报送重大、紧急信访事项5件（重大2件、紧急3件）" in text
    assert "超时报送或签收3件" in text


def test_a_district_counts_its_own(org, november, d1_supervisor):
    tiles = {tile.key: tile.value for tile in figures(d1_supervisor, org.d1).tiles}
    assert (tiles["urgent_flagged"], tiles["urgent_late"]) == (2, 1)


def test_each_tile_drills_down_to_the_reports_it_counts(client, org, november, city_supervisor):
    client.force_login(city_supervisor)
    for tile in figures(city_supervisor, org.city).tiles:
        response = client.get(tile.url)
        assert response.status_code == 200, tile.key
        listed = len(re.findall(r"<tr data-urgent=", response.content.decode()))
        assert listed == tile.value, tile.key
