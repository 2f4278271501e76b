"""Dispute screening's figures against a hand-counted November 2026 in 江城市 (today the
22nd): the dashboard's tiles and per-unit table, each tile's drill-down list holding what it
counts, the monthly report's section and table, and the export's sheets.

The month, counted by hand:
- reports due in November from units of the city: 3 (东湖街道 and 东湖社区 on the 20th,
  东湖社区 again on the 25th); submitted 2 (东湖社区 both, one of them nil); missing 1 (东湖街道,
  due the 20th);
- disputes found in November that a unit of the city answers for: A (东湖社区, resolved),
  B (东湖社区, major, due the 21st, open: overdue), C (西山街道, contained), E (西山街道,
  reported up) = 4; major 1; resolved 1; 化解率 1/4 = 25.0%;
- overdue now: B, and D (found in October, due 30 October, open) = 2;
- per unit: 东湖区 found 2, resolved 1 (50.0%), overdue 1; 西山区 found 2, resolved 0 (0.0%);
- not counted: a dispute of 云城市 (another city), a round due in December.
"""

from __future__ import annotations

import io
import re
import zoneinfo
from datetime import datetime

import openpyxl
import pytest
from django.utils import translation

from dashboards.report import monthly_report_document
from dashboards.sections import section_figures
from ledgers.models import ResolutionMethod, RiskLevel
from ledgers.screening.services import (
    dispute_contain,
    dispute_register,
    dispute_report_up,
    dispute_resolve,
    screening_report_submit,
    screening_round_open,
)
from tests.conftest import _user

from .screening_fixtures import D, draft

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOVEMBER = "unit=CT&from=2026-11-01&to=2026-11-30"


def at(time_machine, day) -> None:
    time_machine.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def november(org, time_machine, d1_supervisor, community_handler, d2_street_handler):
    at(time_machine, D(2026, 10, 15))
    late = dispute_register(
        actor=community_handler, draft=draft(org.d1_community, due_on=D(2026, 10, 30))
    )
    at(time_machine, D(2026, 11, 10))
    first = screening_round_open(
        actor=d1_supervisor,
        title="十一月专项排查",
        due_on=D(2026, 11, 20),
        units=[org.d1_street, org.d1_community],
    )
    second = screening_round_open(
        actor=d1_supervisor, title="补充排查", due_on=D(2026, 11, 25), units=[org.d1_community]
    )
    screening_round_open(
        actor=d1_supervisor, title="十二月排查", due_on=D(2026, 12, 15), units=[org.d1_street]
    )
    at(time_machine, D(2026, 11, 18))
    report = first.reports.get(unit=org.d1_community)
    a = dispute_register(actor=community_handler, draft=draft(org.d1_community), report=report)
    b = dispute_register(
        actor=community_handler,
        draft=draft(org.d1_community, risk_level=RiskLevel.MAJOR, due_on=D(2026, 11, 21)),
        report=report,
    )
    screening_report_submit(actor=community_handler, report=report, nothing_found=False)
    screening_report_submit(
        actor=community_handler,
        report=second.reports.get(unit=org.d1_community),
        nothing_found=True,
    )
    c = dispute_register(actor=d2_street_handler, draft=draft(org.d2_street))
    at(time_machine, D(2026, 11, 19))
    e = dispute_register(actor=d2_street_handler, draft=draft(org.d2_street))
    outsider = _user("cy_handler", org.other_city_office, "handler")
    dispute_register(actor=outsider, draft=draft(org.other_city_office))
    at(time_machine, D(2026, 11, 20))
    dispute_resolve(
        actor=community_handler, item=a, method=ResolutionMethod.MEDIATION, outcome="调解成功"
    )
    dispute_contain(actor=d2_street_handler, item=c, outcome="稳控中")
    dispute_report_up(actor=d2_street_handler, item=e, outcome="需区里协调")
    at(time_machine, D(2026, 11, 22))
    return {"a": a, "b": b, "c": c, "e": e, "late": late}


def figures(user, unit):
    # The backlog ledger registers its section too (`ledgers.backlog.figures`): this one's.
    found = section_figures(user, unit, D(2026, 11, 1), D(2026, 11, 30), D(2026, 11, 22))
    return next(section for section in found if section.key == "screening")


def tiles(screening) -> dict:
    return {tile.key: tile.value for tile in screening.tiles}


def test_the_city_figures_are_those_counted_by_hand(org, november, city_supervisor):
    screening = figures(city_supervisor, org.city)
    assert tiles(screening) == {
        "reports_expected": 3,
        "reports_submitted": 2,
        "reports_nil": 1,
        "reports_missing": 1,
        "disputes_found": 4,
        "disputes_major": 1,
        "disputes_resolved": 1,
        "dispute_resolution_rate": 0.25,
        "disputes_contained": 1,
        "disputes_converted": 0,
        "disputes_reported_up": 1,
        "disputes_overdue": 2,
    }
    assert screening.table_rows == [["东湖区", 2, 1, 0.5, 1], ["西山区", 2, 0, 0.0, 0]]
    assert screening.table_text == [
        ["东湖区", "2", "1", "50.0%", "1"],
        ["西山区", "2", "0", "0.0%", "0"],
    ]


def test_a_district_sees_its_own(org, november, d1_supervisor):
    counted = tiles(figures(d1_supervisor, org.d1))
    assert counted["disputes_found"] == 2 and counted["disputes_overdue"] == 2
    assert counted["reports_expected"] == 3


def test_each_tile_drills_down_to_the_rows_it_counts(client, org, november, city_supervisor):
    client.force_login(city_supervisor)
    screening = figures(city_supervisor, org.city)
    for tile in screening.tiles:
        if tile.rate:
            continue
        response = client.get(tile.url)
        assert response.status_code == 200, tile.key
        listed = len(re.findall(r"<tr data-(?:dispute|report)=", response.content.decode()))
        assert listed == tile.value, tile.key


def test_the_dashboard_shows_the_section(client, org, november, city_supervisor):
    client.force_login(city_supervisor)
    response = client.get(f"/dashboards/?{NOVEMBER}")
    page = response.content.decode()
    assert 'id="section-screening"' in page
    assert 'data-tile="disputes_found" data-value="4"' in page
    assert 'data-tile="dispute_resolution_rate" data-value="0.25"' in page
    assert "25.0%" in page


def test_the_monthly_report_has_the_section_and_its_table(org, november, city_supervisor):
    from dashboards.periods import Period
    from dashboards.selectors import stats_summary

    summary = stats_summary(
        user=city_supervisor, unit=org.city, period=Period(D(2026, 11, 1), D(2026, 11, 30))
    )
    document = monthly_report_document(summary, [], sections=[figures(city_supervisor, org.city)])
    sections = {section.heading: section for section in document.sections}
    text = " ".join(sections["六、矛盾纠纷排查化解"].paragraphs)
    assert "应报矛盾纠纷排查报告3份，已报2份（其中零报告1份），逾期未报1份" in text
    assert "排查发现矛盾纠纷4件，其中重大矛盾纠纷1件；已化解1件，化解率25.0%" in text
    assert "超期未化解2件" in text
    table = document.tables[-1]
    assert table.caption == "表6 矛盾纠纷化解情况"
    assert table.rows == [["东湖区", "2", "1", "50.0%", "1"], ["西山区", "2", "0", "0.0%", "0"]]


def test_the_export_has_the_sections_sheets(client, org, november, city_supervisor):
    client.force_login(city_supervisor)
    response = client.get(f"/dashboards/export.xlsx?{NOVEMBER}&table=screening")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    with translation.override("zh-hans"):
        assert len(book.sheetnames) == 2
    figures_sheet = book[book.sheetnames[0]]
    values = {
        row[0]: row[1] for row in figures_sheet.iter_rows(min_row=3, values_only=True) if row[0]
    }
    assert 4 in values.values() and 0.25 in values.values()
    by_unit = book[book.sheetnames[1]]
    rows = [list(row) for row in by_unit.iter_rows(min_row=3, values_only=True) if row[0]]
    assert rows[:2] == [["东湖区", 2, 1, 0.5, 1], ["西山区", 2, 0, 0, 0]]
