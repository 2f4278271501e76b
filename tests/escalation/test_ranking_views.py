"""The ranking report page, its notices' print pages and .docx, and the rankings API: the
month's table in the user's area, rates as percentages, the bottom three marked; bad months;
404 outside the area; a query count that does not grow with the units ranked."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from docx import Document as open_docx
from rest_framework.test import APIClient

from accounts.models import OrgKind, OrgLevel
from escalation.models import RankingNotice, RankingNoticeKind
from escalation.ranking.services import units_rank
from tests.conftest import _unit
from tests.document_links import check_token_download
from tests.escalation.test_ranking_services import (  # noqa: F401 (fixtures)
    AUG,
    OCT,
    SEP,
    answered,
    staff,
    three_months,
)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ranked(three_months):  # noqa: F811
    for month in (AUG, SEP, OCT):
        units_rank(month=month)


def table_rows(page: str) -> list[tuple[str, str, bool]]:
    """(unit code, rank, in the bottom three) of each row of the table."""
    return [
        (code, rank, bottom == ' class="table-danger" data-bottom="true"')
        for code, rank, bottom in re.findall(
            r'<tr data-unit="([^"]+)" data-rank="(\d+)"([^>]*)>', page
        )
    ]


# --- the report page ------------------------------------------------------------------------------


def test_the_report_defaults_to_last_month_with_the_bottom_three_marked(ranked, city_supervisor):
    response = logged_in(city_supervisor).get("/escalation/rankings/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="2026-10"' in page
    assert table_rows(page) == [
        ("D1XFJ", "1", False),
        ("D2JY", "2", False),
        ("D1JY", "3", True),
        ("D2XFJ", "4", True),
        ("D1S1", "5", True),
    ]
    d2xfj = re.search(r'<tr data-unit="D2XFJ".*?</tr>', page, re.S).group(0)
    assert "50%" in d2xfj and 'data-streak="2"' in d2xfj
    assert sorted(re.findall(r'data-notice="([^"]+)"', page)) == [
        "东湖区信访局检查〔2026〕1号",
        "江城市信访局整改〔2026〕1号",
    ]


def test_a_district_user_sees_only_the_units_of_the_district(ranked, handler2):
    page = logged_in(handler2).get("/escalation/rankings/2026-10/").content.decode()
    assert [row[:2] for row in table_rows(page)] == [("D2JY", "2"), ("D2XFJ", "4")]
    assert re.findall(r'data-notice="([^"]+)"', page) == ["江城市信访局整改〔2026〕1号"]


def test_another_month_through_the_picker(ranked, city_supervisor):
    client = logged_in(city_supervisor)
    response = client.get("/escalation/rankings/", {"month": "2026-09"})
    assert response.status_code == 302 and response["Location"] == "/escalation/rankings/2026-09/"
    page = client.get("/escalation/rankings/2026-09/").content.decode()
    assert [row[0] for row in table_rows(page)] == ["D1XFJ", "D1JY", "D2XFJ", "D1S1", "D2JY"]
    assert 'id="next-month"' in page


@pytest.mark.parametrize("value", ["2026-13", "abc", "2026-1", ""])
def test_a_bad_month_in_the_picker_is_an_inline_error(city_supervisor, value):
    response = logged_in(city_supervisor).get("/escalation/rankings/", {"month": value})
    assert response.status_code == 400
    assert 'data-field-error="month"' in response.content.decode()


@pytest.mark.parametrize("value", ["2026-13", "october", "2026-10-01"])
def test_a_bad_month_in_the_address_is_404(city_supervisor, value):
    assert logged_in(city_supervisor).get(f"/escalation/rankings/{value}/").status_code == 404


def test_a_month_not_ranked_says_so(city_supervisor, frozen_now):
    page = logged_in(city_supervisor).get("/escalation/rankings/").content.decode()
    assert 'id="not-ranked"' in page and 'id="no-notices"' in page


def test_the_page_takes_the_same_queries_for_many_units(org, staff, city_supervisor, frozen_now):  # noqa: F811
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert (
                logged_in(city_supervisor).get("/escalation/rankings/2026-10/").status_code == 200
            )
        return len(captured)

    for code in ("D1XFJ", "D2XFJ", "D1JY", "D1S1"):
        answered(org.by_code[code], 10, OCT, on_time=False, clerk=staff[code])
    units_rank(month=SEP)
    units_rank(month=OCT)
    few = queries()
    for n in range(12):
        unit = _unit(f"D1B{n}", f"东湖区部门{n}", org.d1, OrgLevel.DISTRICT, OrgKind.BUSINESS)
        answered(unit, 12, OCT, on_time=n % 2 == 0, clerk=staff["D1XFJ"])
    units_rank(month=OCT)
    assert queries() <= few


# --- the notices' documents -----------------------------------------------------------------------


def test_the_rectification_notice_prints_with_its_figures_and_issuer(ranked, handler1):
    notice = RankingNotice.objects.get(unit__code="D1S1", kind=RankingNoticeKind.RECTIFICATION)
    response = logged_in(handler1).get(f"/escalation/rankings/notices/{notice.pk}/print/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "限期整改督查通知书" in page and "东湖区信访局整改〔2026〕1号" in page
    assert "东湖街道：" in page and "东湖区信访局" in page
    assert "已连续2个月" in page and "2026年8月" in page and "2026年9月" in page


def test_the_notices_download_as_docx_that_name_the_unit(ranked, city_supervisor):
    client = logged_in(city_supervisor)
    for notice in RankingNotice.objects.select_related("unit"):
        response = client.get(f"/escalation/rankings/notices/{notice.pk}/docx/")
        assert response.status_code == 200
        assert response["Content-Type"].endswith("wordprocessingml.document")
        assert "attachment;" in response["Content-Disposition"]
        document = open_docx(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert notice.number in text and f"{notice.unit.name}：" in text
        assert "按期办结率" in cells
        title = "限期整改督查通知书" if notice.kind == "rectification" else "责令书面检查通知书"
        assert title in text


def test_a_notice_outside_the_users_area_is_404(ranked, handler1):
    # D2XFJ's notice: district 1's petition office does not see district 2.
    notice = RankingNotice.objects.get(unit__code="D2XFJ")
    client = logged_in(handler1)
    assert client.get(f"/escalation/rankings/notices/{notice.pk}/print/").status_code == 404
    assert client.get(f"/escalation/rankings/notices/{notice.pk}/docx/").status_code == 404
    assert client.get("/escalation/rankings/notices/999999/print/").status_code == 404


# --- the API --------------------------------------------------------------------------------------


def test_the_api_answers_the_months_rows_and_notices(ranked, city_supervisor):
    response = api(city_supervisor).get("/api/v1/rankings/", {"month": "2026-10"})
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == "2026-10"
    assert [row["unit"] for row in body["results"]] == ["D1XFJ", "D2JY", "D1JY", "D2XFJ", "D1S1"]
    d2xfj = body["results"][3]
    assert d2xfj == {
        "rank": 4,
        "unit": "D2XFJ",
        "unit_name": "西山区信访局",
        "handled": 2,
        "on_time": 1,
        "on_time_rate": 0.5,
        "overdue": 1,
        "evaluated": 0,
        "satisfied": 0,
        "satisfaction_rate": None,
        "in_bottom": True,
        "bottom_streak": 2,
    }
    notice = next(n for n in body["notices"] if n["unit"] == "D1S1")
    assert (
        notice["kind"] == "self_examination" and notice["number"] == "东湖区信访局检查〔2026〕1号"
    )
    assert notice["docx_url"].endswith("/docx/")


def test_the_api_defaults_to_last_month_and_keeps_to_the_callers_area(ranked, handler2, outsider):
    body = api(handler2).get("/api/v1/rankings/").json()
    assert body["month"] == "2026-10"
    assert [row["unit"] for row in body["results"]] == ["D2JY", "D2XFJ"]
    assert api(outsider).get("/api/v1/rankings/").json()["results"] == []


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "", "x\x00", "2026-10-01"])
def test_the_api_refuses_a_bad_month_on_the_field(city_supervisor, value):
    response = api(city_supervisor).get("/api/v1/rankings/", {"month": value})
    assert response.status_code == 400
    assert list(response.json()) == ["month"]


def test_the_api_needs_a_login(db):
    assert APIClient().get("/api/v1/rankings/").status_code in (401, 403)


def test_the_street_leader_notified_can_open_the_month(ranked, staff):  # noqa: F811
    leader = staff["street_leader"]
    page = logged_in(leader).get("/escalation/rankings/2026-10/").content.decode()
    assert [row[0] for row in table_rows(page)] == ["D1S1"]


def test_the_api_notice_links_open_with_the_api_token(ranked, city_supervisor, outsider):
    notices = api(city_supervisor).get("/api/v1/rankings/", {"month": "2026-10"}).json()["notices"]
    assert notices
    for notice in notices:
        for key, docx in (("docx_url", True), ("print_url", False)):
            url = notice[key]
            url = url if url.startswith("http") else f"http://testserver{url}"
            check_token_download(url, owner=city_supervisor, outsider=outsider, docx=docx)
