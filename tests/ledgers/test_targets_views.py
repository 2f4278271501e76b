"""Pages of the annual targets (一控制三下降), the year-end assessment and the annual report
(time frozen on Tuesday 2026-06-30 at 10:00, Shanghai): the targets list with a Set link only
where the user may set, its filters refused on their field, the edit form (stored, or refused
with nothing stored), the assessment with its weights form, the .xlsx exports read back with
openpyxl, the annual report read back with python-docx; 403 for the wrong role or level, and
pages whose queries do not grow with the units."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from contextlib import contextmanager
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from dashboards.models import DailyStat
from ledgers.models import AnnualTarget, AssessmentScheme
from ledgers.targets.assessment import DEFAULT_WEIGHTS
from ledgers.targets.services import target_set

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 6, 30, 10, tzinfo=SHANGHAI)
TARGETS = reverse("ledgers:targets")
ASSESSMENT = reverse("ledgers:assessment")
WEIGHTS = reverse("ledgers:assessment_weights")
CT_2026 = {"area": "CT", "year": 2026}


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1).strip() if found else None


def listed(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return re.findall(r'<tr data-unit="([^"]+)"', html(response))


def edit_url(code: str, year: int = 2026) -> str:
    return reverse("ledgers:target_edit", args=[code, year])


def in_tree_order(*units) -> list[str]:
    return [unit.code for unit in sorted(units, key=lambda unit: unit.path)]


@contextmanager
def counted():
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield queries


def give_targets(actor, unit, ceiling: int, year: int = 2026) -> AnnualTarget:
    return target_set(
        actor=actor,
        unit=unit,
        year=year,
        batch_ceiling=ceiling,
        skip_level_cut=Decimal(10),
        repeat_cut=Decimal(10),
        group_cut=Decimal(10),
        capital_cut=Decimal(10),
    )


@pytest.fixture
def figures(org, city_supervisor):
    """D1: 100 petitions in 2025 (40 by 30 June), 50 in 2026 to date, a ceiling of 90 (36 by
    today): off track. D2: 120 in 2026 against 100: missed. Answers for the assessment. The
    rollup begins on 2 January 2025, holding last year whole."""
    rows = [
        (org.city, datetime.date(2025, 1, 2), {}),
        (org.d1, datetime.date(2025, 3, 1), {"batches": 40}),
        (org.d1, datetime.date(2025, 9, 1), {"batches": 60}),
        (
            org.d1,
            datetime.date(2026, 2, 1),
            {"batches": 50, "answered": 10, "answered_on_time": 8, "resolved": 8},
        ),
        (
            org.d2,
            datetime.date(2026, 3, 1),
            {"batches": 120, "answered": 10, "answered_on_time": 5, "resolved": 5},
        ),
    ]
    for unit, day, counts in rows:
        DailyStat.objects.create(unit=unit, day=day, **counts)
    give_targets(city_supervisor, org.d1, 90)
    give_targets(city_supervisor, org.d2, 100)


# --- the targets list -----------------------------------------------------------------------


def test_the_targets_page_lists_the_city_and_its_districts(figures, org, city_supervisor):
    response = logged_in(city_supervisor).get(TARGETS, CT_2026)
    assert listed(response) == ["CT", *in_tree_order(org.d1, org.d2)]
    page = html(response)
    assert re.search(r'<tr data-unit="D1" data-status="warning"', page)
    assert re.search(r'<tr data-unit="D2" data-status="missed"', page)
    assert re.search(r'<tr data-unit="CT" data-status=""', page)
    # A Set (or Change) link for the districts only: the city's are set above it.
    assert f'href="{edit_url("D1")}"' in page and f'href="{edit_url("D2")}"' in page
    assert edit_url("CT") not in page
    assert "50 / 90" in page  # D1: this year so far / the ceiling


def test_the_city_supervisor_defaults_to_the_city_and_this_year(figures, city_supervisor):
    response = logged_in(city_supervisor).get(TARGETS)
    assert listed(response)[0] == "CT"
    assert f'href="{edit_url("D1", 2026)}"' in html(response)


def test_the_status_filter(figures, org, city_supervisor):
    client = logged_in(city_supervisor)
    assert listed(client.get(TARGETS, {**CT_2026, "status": "missed"})) == ["D2"]
    assert listed(client.get(TARGETS, {**CT_2026, "status": "warning"})) == ["D1"]
    assert listed(client.get(TARGETS, {**CT_2026, "status": "none"})) == ["CT"]
    assert client.get(TARGETS, {**CT_2026, "status": "bogus"}).status_code == 400


def test_a_leader_reads_but_has_no_set_link(figures, city_leader):
    response = logged_in(city_leader).get(TARGETS, CT_2026)
    assert len(listed(response)) == 3
    assert edit_url("D1") not in html(response)


def test_the_district_supervisor_sets_its_streets_not_its_own(figures, org, d1_supervisor):
    response = logged_in(d1_supervisor).get(TARGETS)
    assert listed(response) == ["D1", "D1S1"]
    page = html(response)
    assert edit_url("D1S1") in page and edit_url("D1") not in page


@pytest.mark.parametrize("year", ["abc", "1900", "2028"])
def test_a_bad_year_is_refused_on_its_field(org, city_supervisor, year):
    response = logged_in(city_supervisor).get(TARGETS, {"area": "CT", "year": year})
    assert response.status_code == 400
    assert field_error(html(response), "year")
    assert "<tr data-unit=" not in html(response)


def test_an_area_outside_the_users_scope_is_refused(org, city_supervisor):
    response = logged_in(city_supervisor).get(TARGETS, {"area": "CY", "year": 2026})
    assert response.status_code == 400
    assert field_error(html(response), "area")
    assert "<tr data-unit=" not in html(response)


def test_a_handler_is_refused(org, handler1):
    client = logged_in(handler1)
    for url in (
        TARGETS,
        reverse("ledgers:targets_export"),
        ASSESSMENT,
        reverse("ledgers:assessment_export"),
        reverse("ledgers:annual_report"),
    ):
        assert client.get(url, CT_2026).status_code == 403, url
    assert client.post(f"{WEIGHTS}?area=CT&year=2026", DEFAULT_WEIGHTS).status_code == 403
    assert client.get(edit_url("D1")).status_code == 403


def test_anonymous_is_sent_to_log_in(org):
    response = Client().get(TARGETS)
    assert response.status_code == 302 and "/login/" in response["Location"]


def _more_districts(org, count: int, actor) -> None:
    from accounts.models import OrgKind, OrgLevel, OrgUnit

    for n in range(count):
        district = OrgUnit.objects.create(
            code=f"DX{n}",
            name=f"新区{n}",
            parent=org.city,
            level=OrgLevel.DISTRICT,
            kind=OrgKind.GOVERNMENT,
        )
        DailyStat.objects.create(unit=district, day=datetime.date(2026, 4, 1), batches=n)
        give_targets(actor, district, 10)


def test_the_pages_queries_do_not_grow_with_the_units(
    figures, org, city_supervisor, django_assert_max_num_queries
):
    client = logged_in(city_supervisor)
    with counted() as targets_queries:
        assert len(listed(client.get(TARGETS, CT_2026))) == 3
    with counted() as assessment_queries:
        assert client.get(ASSESSMENT, CT_2026).status_code == 200
    _more_districts(org, 8, city_supervisor)
    with django_assert_max_num_queries(len(targets_queries)):
        assert len(listed(client.get(TARGETS, CT_2026))) == 11
    with django_assert_max_num_queries(len(assessment_queries)):
        assert len(listed(client.get(ASSESSMENT, CT_2026))) == 10


# --- setting a unit's targets ---------------------------------------------------------------


def target_form(**overrides) -> dict:
    return {
        "batch_ceiling": "90",
        "skip_level_cut": "25",
        "repeat_cut": "10",
        "group_cut": "50",
        "capital_cut": "20.5",
        "note": "市委定",
        **overrides,
    }


def test_the_edit_page_sets_a_districts_targets(org, city_supervisor):
    client = logged_in(city_supervisor)
    response = client.get(edit_url("D1"))
    assert response.status_code == 200
    assert 'id="target-form"' in html(response)
    response = client.post(edit_url("D1"), target_form())
    assert response.status_code == 302
    assert response["Location"] == f"{TARGETS}?area=CT&year=2026"
    target = AnnualTarget.objects.get(unit=org.d1, year=2026)
    assert target.batch_ceiling == 90 and target.capital_cut == Decimal("20.5")
    assert target.note == "市委定" and target.set_by == city_supervisor
    # Opened again: the form holds the target, the history its setting.
    page = html(client.get(edit_url("D1")))
    assert re.search(r'name="batch_ceiling"[^>]*value="90"', page)
    response = client.post(edit_url("D1"), target_form(batch_ceiling="120"))
    assert response.status_code == 302
    assert AnnualTarget.objects.get(unit=org.d1).batch_ceiling == 120


def test_last_years_figures_are_entered_where_the_system_lacks_last_year(org, city_supervisor):
    """The system began on 1 March 2025 (its first rollup row): the pages say so, and the
    figures entered count as last year's."""
    DailyStat.objects.create(unit=org.d1, day=datetime.date(2025, 3, 1), batches=40)
    client = logged_in(city_supervisor)
    page = html(client.get(edit_url("D1")))
    assert 'id="target-bases"' in page and "不完整" in page
    response = client.post(edit_url("D1"), target_form(skip_level_base="12", repeat_base=""))
    assert response.status_code == 302
    target = AnnualTarget.objects.get(unit=org.d1)
    assert (target.skip_level_base, target.repeat_base) == (12, None)
    listing = html(client.get(TARGETS, {"area": "CT", "year": 2026}))
    assert 'id="targets-no-last-year"' in listing and "2025" in listing
    assert re.search(r"上年：12（录入）", listing)
    # A rollup that holds last year whole: no notice.
    DailyStat.objects.create(unit=org.city, day=datetime.date(2025, 1, 2))
    listing = html(client.get(TARGETS, {"area": "CT", "year": 2026}))
    assert 'id="targets-no-last-year"' not in listing


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"skip_level_base": "-3"}, "skip_level_base"),
        ({"capital_base": "1.5"}, "capital_base"),
        ({"batch_ceiling": "-1"}, "batch_ceiling"),
        ({"batch_ceiling": ""}, "batch_ceiling"),
        ({"batch_ceiling": "many"}, "batch_ceiling"),
        ({"skip_level_cut": "101"}, "skip_level_cut"),
        ({"repeat_cut": "-1"}, "repeat_cut"),
        ({"group_cut": "half"}, "group_cut"),
        ({"capital_cut": "12.55"}, "capital_cut"),
    ],
)
def test_a_bad_target_is_refused_on_its_field(org, city_supervisor, overrides, field):
    response = logged_in(city_supervisor).post(edit_url("D1"), target_form(**overrides))
    assert response.status_code == 400
    assert field_error(html(response), field)
    assert not AnnualTarget.objects.exists()


def test_a_year_two_years_on_is_refused(org, city_supervisor):
    response = logged_in(city_supervisor).post(edit_url("D1", 2028), target_form())
    assert response.status_code == 400
    assert not AnnualTarget.objects.exists()


def test_the_edit_page_refuses_a_level_its_own_and_hides_other_areas(
    org, city_supervisor, d1_supervisor, city_leader
):
    assert logged_in(d1_supervisor).get(edit_url("D1")).status_code == 403
    assert logged_in(d1_supervisor).post(edit_url("D1"), target_form()).status_code == 403
    assert logged_in(city_supervisor).get(edit_url("CT")).status_code == 403
    assert logged_in(city_leader).post(edit_url("D1"), target_form()).status_code == 403
    assert logged_in(city_supervisor).get(edit_url("CY")).status_code == 404
    assert logged_in(d1_supervisor).get(edit_url("D2")).status_code == 404
    assert not AnnualTarget.objects.exists()


# --- the assessment -------------------------------------------------------------------------


def weights_form(**overrides) -> dict:
    return {**{k: str(v) for k, v in DEFAULT_WEIGHTS.items()}, **overrides}


def test_the_assessment_page_ranks_the_districts(figures, org, city_supervisor):
    response = logged_in(city_supervisor).get(ASSESSMENT, CT_2026)
    # D1: on time 8/10, resolved 8/10, targets 0 of 1 judged (its ceiling off track):
    # (25 × .8 + 15 × .8 + 0) × 100 / 60 = 53.33; D2 (5/10, 5/10, missed): 33.33.
    assert listed(response) == ["D1", "D2"]
    page = html(response)
    assert "53.33" in page and "33.33" in page
    assert 'id="weights-form"' in page
    assert f'action="{WEIGHTS}?area=CT&year=2026"' in page


def test_a_leader_sees_the_weights_but_no_form(figures, city_leader):
    page = html(logged_in(city_leader).get(ASSESSMENT, CT_2026))
    assert 'id="weights-form"' not in page and 'id="assessment-table"' in page


def test_weights_that_do_not_add_up_are_refused(figures, org, city_supervisor):
    response = logged_in(city_supervisor).post(
        f"{WEIGHTS}?area=CT&year=2026", weights_form(on_time="15")
    )
    assert response.status_code == 400
    page = html(response)
    assert re.search(r'id="weights-form".*alert-danger.*90', page, re.S)
    assert 'id="assessment-table"' in page
    assert not AssessmentScheme.objects.exists()


def test_a_bad_weight_is_refused_on_its_field(figures, org, city_supervisor):
    response = logged_in(city_supervisor).post(
        f"{WEIGHTS}?area=CT&year=2026", weights_form(ranking="-5", ledgers="x")
    )
    assert response.status_code == 400
    assert field_error(html(response), "ranking") and field_error(html(response), "ledgers")
    assert not AssessmentScheme.objects.exists()


def test_the_weights_are_set_and_the_scores_follow(figures, org, city_supervisor):
    client = logged_in(city_supervisor)
    weights = weights_form(
        on_time="40", satisfaction="10", resolution="10", ranking="5", targets="30", ledgers="5"
    )
    response = client.post(f"{WEIGHTS}?area=CT&year=2026", weights)
    assert response.status_code == 302
    assert response["Location"] == f"{ASSESSMENT}?area=CT&year=2026"
    scheme = AssessmentScheme.objects.get(unit=org.city, year=2026)
    assert scheme.weights == {
        "on_time": 40,
        "satisfaction": 10,
        "resolution": 10,
        "ranking": 5,
        "targets": 30,
        "ledgers": 5,
    }
    # D1: (40 × .8 + 10 × .8 + 0) × 100 / 80 = 50.
    page = html(client.get(ASSESSMENT, CT_2026))
    assert "50.00" in page


def test_weights_for_an_area_outside_the_scope_are_refused(org, d1_supervisor):
    response = logged_in(d1_supervisor).post(f"{WEIGHTS}?area=CT&year=2026", weights_form())
    assert response.status_code == 400
    assert not AssessmentScheme.objects.exists()


def test_a_leader_cannot_post_weights(org, city_leader):
    response = logged_in(city_leader).post(f"{WEIGHTS}?area=CT&year=2026", weights_form())
    assert response.status_code == 403
    assert not AssessmentScheme.objects.exists()


def test_the_weights_answer_only_a_post(org, city_supervisor):
    response = logged_in(city_supervisor).get(f"{WEIGHTS}?area=CT&year=2026")
    assert response.status_code == 405


# --- exports and the annual report ----------------------------------------------------------


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_the_targets_export(figures, org, city_supervisor):
    response = logged_in(city_supervisor).get(reverse("ledgers:targets_export"), CT_2026)
    assert "attachment" in response["Content-Disposition"]
    sheet = workbook(response)
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[1], rows[2:]
    assert len(header) == 2 + 4 * 5 + 1
    assert [row[0] for row in body] == [
        "江城市",
        *(org.by_code[code].name for code in in_tree_order(org.d1, org.d2)),
    ]
    d1 = next(row for row in body if row[0] == "东湖区")
    assert d1[1] == 90 and d1[2:5] == (50, 40, 90)
    city = body[0]
    assert city[1] is None and city[2] is None


def test_the_assessment_export(figures, org, city_supervisor):
    response = logged_in(city_supervisor).get(reverse("ledgers:assessment_export"), CT_2026)
    sheet = workbook(response)
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[1], rows[2:]
    assert len(header) == 3 + 2 * 6
    assert "（25）" in header[3]  # the on-time weight
    assert [row[:3] for row in body] == [(1, "东湖区", 53.33), (2, "西山区", 33.33)]
    assert body[0][3] == 80.0 and body[0][4] == 20.0  # on time: 80 %, 20 points


def test_an_export_with_a_bad_year_is_refused(org, city_supervisor):
    client = logged_in(city_supervisor)
    response = client.get(reverse("ledgers:targets_export"), {"year": "abc"})
    assert response.status_code == 400 and field_error(html(response), "year")
    response = client.get(reverse("ledgers:assessment_export"), {"year": "1900"})
    assert response.status_code == 400 and field_error(html(response), "year")


def test_the_annual_report(figures, org, city_supervisor):
    response = logged_in(city_supervisor).get(reverse("ledgers:annual_report"), CT_2026)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "信访情况年度报告" in text
    assert "一、信访事项数据统计" in text
    assert "年度考核情况" in text + cells
    assert "东湖区" in text + cells


def test_the_annual_report_of_a_year_not_begun_is_refused(org, city_supervisor):
    client = logged_in(city_supervisor)
    response = client.get(reverse("ledgers:annual_report"), {"area": "CT", "year": 2027})
    assert response.status_code == 400
    assert field_error(html(response), "year")
    response = client.get(reverse("ledgers:annual_report"), {"area": "CY", "year": 2026})
    assert response.status_code == 400


def test_last_years_annual_report(org, city_supervisor):
    response = logged_in(city_supervisor).get(
        reverse("ledgers:annual_report"), {"area": "CT", "year": 2025}
    )
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert any("2025" in paragraph.text for paragraph in document.paragraphs)
