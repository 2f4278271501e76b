"""The backlog ledger's figures against a hand-counted November 2026 in 江城市 (today the
22nd): the dashboard's tiles and per-unit table, each tile's drill-down list holding what it
counts, the monthly report's section and table, and the export's sheets.

The entries, counted by hand (lead unit; put on; how it stands):
- A 东湖街道, 10 September, open (due 31 December);
- B 东湖区信访局, 5 November, resolved on 18 November;
- C 东湖社区, 1 October, stopped on 20 October (off the ledger before November);
- D 西山街道, 3 November, due 20 November, open: overdue; no sponsor, and a group visit
  joined its case on 10 November (a group case without a sponsoring leader);
- E 西山区教育局, 1 August, terminated by law on 10 November;
- F 东湖街道, 15 November, a group case sponsored by the district leader, open;
- G 云城市信访局 (another city), 1 November, resolved on 2 November: not counted.

- on the ledger in November: A, B, D, E, F = 5 (C left in October); new: B, D, F = 3;
- resolved 1 (B): 积案化解率 1/5 = 20.0%; stopped 0; terminated 1 (E);
- today: open A, D, F = 3; overdue D = 1; group cases open D, F = 2, without a sponsor D = 1;
- candidates: 积案 by the rule of the city not on the ledger: X (东湖区信访局's, received in
  April) = 1 (云城市's Y is not the city's);
- per unit: 东湖区 on 3 (A, B, F), new 2, resolved 1 (33.3%), overdue 0; 西山区 on 2 (D, E),
  new 1, resolved 0 (0.0%), overdue 1.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from cases.models import Case, CaseStatus
from dashboards.report import monthly_report_document
from dashboards.sections import section_figures
from dashboards.services import rollup_refresh
from ledgers.backlog.figures import KEY
from ledgers.backlog.services import backlog_end
from tests.conftest import _user
from tests.factories import group_petitioners, register_petition

from .backlog_fixtures import D, d1_leader, group_case, old_case, place, received

pytestmark = pytest.mark.usefixtures("frozen_now")

__all__ = ["d1_leader"]  # a fixture, used by name

NOVEMBER = "unit=CT&from=2026-11-01&to=2026-11-30"
RECENT = D(2026, 7, 20)  # not six months before today: no backlog case by the rule


@pytest.fixture
def november(org, handler1, handler2, outsider, d1_supervisor, d1_leader):
    d2_supervisor = _user("d2_supervisor", org.d2, "supervisor")
    cy_supervisor = _user("cy_supervisor", org.other_city, "supervisor")
    why = {"reason": "多次到市上访。"}
    a = place(
        d1_supervisor, old_case(handler1), org.d1_street, on=D(2026, 9, 10), due_on=D(2026, 12, 31)
    )
    b = place(
        d1_supervisor,
        old_case(handler1, RECENT),
        org.d1_office,
        on=D(2026, 11, 5),
        due_on=D(2027, 1, 5),
        **why,
    )
    backlog_end(actor=d1_supervisor, entry=b, outcome="resolved", note="已化解", on=D(2026, 11, 18))
    c = place(
        d1_supervisor,
        old_case(handler1, RECENT),
        org.d1_community,
        on=D(2026, 10, 1),
        due_on=D(2026, 12, 1),
        **why,
    )
    backlog_end(actor=d1_supervisor, entry=c, outcome="stopped", note="已息访", on=D(2026, 10, 20))
    d_case = old_case(handler2)
    d = place(d2_supervisor, d_case, org.d2_street, on=D(2026, 11, 3), due_on=D(2026, 11, 20))
    register_petition(
        handler2,
        received_at=received(D(2026, 11, 10)),
        case=d_case,
        petitioners=group_petitioners(6, 2),
    )
    e = place(
        d2_supervisor,
        old_case(handler2, RECENT),
        org.d2_business,
        on=D(2026, 8, 1),
        due_on=D(2026, 11, 30),
        **why,
    )
    Case.objects.filter(pk=e.case_id).update(status=CaseStatus.TERMINATED)
    backlog_end(
        actor=d2_supervisor, entry=e, outcome="terminated", note="复核终结", on=D(2026, 11, 10)
    )
    f = place(
        d1_supervisor,
        group_case(handler1),
        org.d1_street,
        sponsoring_leader=d1_leader,
        on=D(2026, 11, 15),
    )
    g = place(cy_supervisor, old_case(outsider), org.other_city_office, on=D(2026, 11, 1))
    backlog_end(actor=cy_supervisor, entry=g, outcome="resolved", note="已化解", on=D(2026, 11, 2))
    x = old_case(handler1)
    old_case(outsider)  # Y
    rollup_refresh()
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "x": x}


def figures(user, unit):
    found = section_figures(user, unit, D(2026, 11, 1), D(2026, 11, 30), D(2026, 11, 22))
    return next(section for section in found if section.key == KEY)


def tiles(section) -> dict:
    return {tile.key: tile.value for tile in section.tiles}


def test_the_city_figures_are_those_counted_by_hand(org, november, city_supervisor):
    section = figures(city_supervisor, org.city)
    assert tiles(section) == {
        "backlog_on_ledger": 5,
        "backlog_new": 3,
        "backlog_resolved": 1,
        "backlog_resolution_rate": 0.2,
        "backlog_stopped": 0,
        "backlog_terminated": 1,
        "backlog_open": 3,
        "backlog_overdue": 1,
        "backlog_group": 2,
        "backlog_group_unsponsored": 1,
        "backlog_candidates": 1,
    }
    assert section.table_rows == [["东湖区", 3, 2, 1, 1 / 3, 0], ["西山区", 2, 1, 0, 0.0, 1]]
    assert section.table_text == [
        ["东湖区", "3", "2", "1", "33.3%", "0"],
        ["西山区", "2", "1", "0", "0.0%", "1"],
    ]


def test_a_district_sees_its_own(org, november, d1_supervisor):
    counted = tiles(figures(d1_supervisor, org.d1))
    assert counted["backlog_on_ledger"] == 3 and counted["backlog_resolved"] == 1
    assert counted["backlog_overdue"] == 0 and counted["backlog_candidates"] == 1
    rows = figures(d1_supervisor, org.d1).table_rows
    # The district's office leads B itself; the street leads A and F.
    assert rows == [["东湖区信访局", 1, 1, 1, 1.0, 0], ["东湖街道", 2, 1, 0, 0.0, 0]]


def test_an_earlier_month_counts_what_was_on_the_ledger_then(org, november, city_supervisor):
    (section,) = [
        s
        for s in section_figures(
            city_supervisor, org.city, D(2026, 10, 1), D(2026, 10, 31), D(2026, 11, 22)
        )
        if s.key == KEY
    ]
    counted = tiles(section)
    # A, C and E were on it in October; C was taken off as stopped.
    assert (counted["backlog_on_ledger"], counted["backlog_new"]) == (3, 1)
    assert (counted["backlog_stopped"], counted["backlog_resolved"]) == (1, 0)
    assert counted["backlog_resolution_rate"] == 0.0


def test_each_tile_drills_down_to_the_rows_it_counts(client, org, november, city_supervisor):
    client.force_login(city_supervisor)
    section = figures(city_supervisor, org.city)
    for tile in section.tiles:
        if tile.rate:
            continue
        response = client.get(tile.url)
        assert response.status_code == 200, tile.key
        listed = len(re.findall(r"<tr data-(?:entry|case)=", response.content.decode()))
        assert listed == tile.value, tile.key


def test_the_dashboard_shows_the_section(client, org, november, city_supervisor):
    client.force_login(city_supervisor)
    page = client.get(f"/dashboards/?{NOVEMBER}").content.decode()
    assert f'id="section-{KEY}"' in page
    assert 'data-tile="backlog_on_ledger" data-value="5"' in page
    assert 'data-tile="backlog_resolution_rate" data-value="0.2"' in page
    assert "20.0%" in page


def test_the_monthly_report_has_the_section_and_its_table(org, november, city_supervisor):
    from dashboards.periods import Period
    from dashboards.selectors import stats_summary

    summary = stats_summary(
        user=city_supervisor, unit=org.city, period=Period(D(2026, 11, 1), D(2026, 11, 30))
    )
    sections = section_figures(
        city_supervisor, org.city, D(2026, 11, 1), D(2026, 11, 30), D(2026, 11, 22)
    )
    document = monthly_report_document(summary, [], sections=sections)
    headings = {section.heading: section for section in document.sections}
    # After the report's five sections, the supervision notices' (六), the consultations' (七),
    # leader reception's (八, 表6), dispute screening's (九, 表7) and the major and urgent
    # matters' (十, no table).
    text = " ".join(headings["十一、积案化解"].paragraphs)
    assert "本期积案台账在册积案5件，其中本期新列入3件" in text
    assert "本期化解1件，积案化解率20.0%；息访息诉0件，依法终结1件" in text
    assert "仍在化解3件，其中超期1件、群体性积案2件（未明确包案领导1件）" in text
    assert "符合积案条件尚未列入台账1件" in text
    assert "详见表8。" in text
    (table,) = [table for table in document.tables if table.caption == "表8 积案化解情况"]
    assert table.header == ["单位", "在册积案", "新列入", "化解", "积案化解率", "超期"]
    assert table.rows == [
        ["东湖区", "3", "2", "1", "33.3%", "0"],
        ["西山区", "2", "1", "0", "0.0%", "1"],
    ]


def test_the_export_has_the_sections_sheets(client, org, november, city_supervisor):
    client.force_login(city_supervisor)
    response = client.get(f"/dashboards/export.xlsx?{NOVEMBER}&table={KEY}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["积案化解", "按单位 · 积案化解"]
    values = {
        row[0]: row[1] for row in book["积案化解"].iter_rows(min_row=3, values_only=True) if row[0]
    }
    assert values["积案台账在册积案"] == 5 and values["积案化解率"] == 0.2
    rows = [
        list(row)
        for row in book["按单位 · 积案化解"].iter_rows(min_row=3, values_only=True)
        if row[0]
    ]
    assert rows[:2] == [["东湖区", 3, 2, 1, 1 / 3, 0], ["西山区", 2, 1, 0, 0, 1]]
