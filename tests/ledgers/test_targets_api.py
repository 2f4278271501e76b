"""API contract of the annual targets (一控制三下降) and the year-end assessment, issue 17 §5:
/api/v1/annual-targets/ and /api/v1/assessment/ (time frozen on Tuesday 2026-06-30 at 10:00,
Shanghai). Progress is read from `DailyStat` rows made here and counted by hand; bad input is
400 on its field, the wrong role or level 403, a unit or area outside the caller's scope 404,
and the list endpoints' queries do not grow with the units' targets and figures."""

from __future__ import annotations

import datetime
import zoneinfo
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection

from dashboards.models import DailyStat
from ledgers.models import AnnualTarget, AssessmentScheme, LedgerEvent
from ledgers.targets.assessment import DEFAULT_WEIGHTS
from ledgers.targets.selectors import TargetStatus
from tests.factories import token_client

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 6, 30, 10, tzinfo=SHANGHAI)
TARGETS = "/api/v1/annual-targets/"
ASSESSMENT = "/api/v1/assessment/"
WEIGHTS = "/api/v1/assessment/weights/"
# The list endpoints' queries, measured: the token, the user's roles and unit, the area,
# then the reads (targets: units below, targets, rollup and its first day; the assessment:
# weights, rollup, rankings, targets, the rollup's first day, ledgers).
TARGETS_QUERIES = 9
ASSESSMENT_QUERIES = 15


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def api(user):
    return token_client(user)


def stat(unit, day: datetime.date, **counts) -> DailyStat:
    return DailyStat.objects.create(unit=unit, day=day, **counts)


@pytest.fixture
def figures(org):
    """D1: 100 petitions in 2025 (40 of them by 30 June), 50 in 2026 to 30 June; skip-level
    10 (4 by 30 June) then 3; no repeat petitions last year; group 20 (10) then 9; to Beijing
    and the province 5 + 5 (2 + 2) then 1 + 2. D2: nothing in 2025, 120 petitions in 2026.
    Rows that must not count: D1's petition office (its own row, inside D1's), D1 after
    today, CY. Answers of 2026: D1 10 answered, 8 on time, 8 resolved, 5 of 5 satisfied; D2
    10 answered, 5 on time, 5 resolved, none evaluated. The rollup begins on 2 January 2025:
    it holds last year whole."""
    stat(org.city, datetime.date(2025, 1, 2))
    stat(
        org.d1,
        datetime.date(2025, 3, 1),
        batches=40,
        skip_level_batches=4,
        group_batches=10,
        national_batches=2,
        province_batches=2,
    )
    stat(
        org.d1,
        datetime.date(2025, 9, 1),
        batches=60,
        skip_level_batches=6,
        group_batches=10,
        national_batches=3,
        province_batches=3,
    )
    stat(
        org.d1,
        datetime.date(2026, 2, 1),
        batches=50,
        skip_level_batches=3,
        group_batches=9,
        national_batches=1,
        province_batches=2,
        answered=10,
        answered_on_time=8,
        resolved=8,
        evaluated=5,
        satisfied=5,
    )
    stat(org.d1, datetime.date(2026, 7, 1), batches=999, answered=99)  # after today
    stat(org.d1_office, datetime.date(2026, 2, 1), batches=500, skip_level_batches=50)
    stat(org.other_city, datetime.date(2026, 2, 1), batches=700)
    stat(
        org.d2,
        datetime.date(2026, 3, 1),
        batches=120,
        answered=10,
        answered_on_time=5,
        resolved=5,
    )


def target_payload(unit="D1", **overrides) -> dict:
    return {
        "unit": unit,
        "year": 2026,
        "batch_ceiling": 90,
        "skip_level_cut": "25",
        "repeat_cut": "10",
        "group_cut": "50",
        "capital_cut": "20",
        "note": "市委定",
        **overrides,
    }


def set_targets(user, unit="D1", **overrides):
    response = api(user).post(TARGETS, target_payload(unit, **overrides), format="json")
    assert response.status_code == 201, response.content
    return response


def by_unit(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {row["unit"]: row for row in response.json()["results"]}


def in_tree_order(*units) -> list[str]:
    return [unit.code for unit in sorted(units, key=lambda unit: unit.path)]


def metric(row: dict, key: str) -> dict:
    return next(m for m in row["metrics"] if m["key"] == key)


# --- setting a target -----------------------------------------------------------------------


def test_a_city_supervisor_sets_a_districts_targets(figures, org, city_supervisor):
    response = set_targets(city_supervisor)
    data = response.json()
    assert data["area"] == "D1" and data["year"] == 2026
    [row] = data["results"]
    assert row["unit"] == "D1" and row["unit_name"] == "东湖区"
    target = row["target"]
    assert target["batch_ceiling"] == 90
    assert Decimal(target["skip_level_cut"]) == Decimal("25.0")
    assert Decimal(target["capital_cut"]) == Decimal("20.0")
    assert target["note"] == "市委定"
    assert row["status"] == TargetStatus.WARNING
    assert [m["key"] for m in row["metrics"]] == [
        "batches",
        "skip_level",
        "repeat",
        "group",
        "capital",
    ]
    stored = AnnualTarget.objects.get(unit=org.d1, year=2026)
    assert stored.batch_ceiling == 90 and stored.group_cut == Decimal("50.0")
    assert stored.set_by == city_supervisor
    assert LedgerEvent.objects.filter(object_id=stored.pk).count() == 1


def test_last_years_figures_entered_with_the_target(org, city_supervisor):
    """The rollup begins on 1 March 2025: repeat petitions count from the 8 entered (4 by 30
    June: 181 of 365 days), down 10%: 7.2 for the year, 3.6 by now; 5 is off track. Skip-level
    has no base."""
    stat(org.d1, datetime.date(2025, 3, 1), batches=40, skip_level_batches=4)
    stat(org.d1, datetime.date(2026, 2, 1), batches=50, repeat_batches=5)
    row = set_targets(city_supervisor, repeat_base=8, skip_level_base=None).json()["results"][0]
    assert row["target"]["repeat_base"] == 8 and row["target"]["skip_level_base"] is None
    repeat = metric(row, "repeat")
    assert (repeat["last_year"], repeat["last_year_to_date"], repeat["entered"]) == (8, 4, True)
    assert repeat["allowed"] == pytest.approx(7.2) and repeat["status"] == TargetStatus.WARNING
    skip = metric(row, "skip_level")
    assert skip["status"] == TargetStatus.NO_BASE and skip["entered"] is False
    stored = AnnualTarget.objects.get(unit=org.d1)
    assert stored.repeat_base == 8
    assert LedgerEvent.objects.get(object_id=stored.pk).note.endswith("录入上年基数：重复访 8。")


def test_setting_again_changes_the_one_target(figures, org, city_supervisor):
    set_targets(city_supervisor)
    response = set_targets(city_supervisor, batch_ceiling=200, note="")
    assert response.json()["results"][0]["status"] == TargetStatus.WARNING  # group still
    stored = AnnualTarget.objects.get(unit=org.d1, year=2026)
    assert AnnualTarget.objects.filter(unit=org.d1).count() == 1
    assert stored.batch_ceiling == 200 and stored.note == ""


def test_last_years_target_may_be_set_but_not_one_two_years_on(org, city_supervisor):
    set_targets(city_supervisor, year=2025)
    set_targets(city_supervisor, year=2027)
    response = api(city_supervisor).post(TARGETS, target_payload(year=2028), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"year"}
    assert not AnnualTarget.objects.filter(year=2028).exists()


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"batch_ceiling": -1}, {"batch_ceiling"}),
        ({"batch_ceiling": "many"}, {"batch_ceiling"}),
        ({"skip_level_cut": "101"}, {"skip_level_cut"}),
        ({"repeat_cut": "-0.5"}, {"repeat_cut"}),
        ({"group_cut": "half"}, {"group_cut"}),
        ({"year": 1999}, {"year"}),
        ({"year": "next"}, {"year"}),
        ({"unit": ""}, {"unit"}),
        ({"group_base": -1}, {"group_base"}),
        ({"repeat_base": "some"}, {"repeat_base"}),
    ],
)
def test_bad_input_is_refused_on_its_field(org, city_supervisor, overrides, fields):
    response = api(city_supervisor).post(TARGETS, target_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == fields
    assert not AnnualTarget.objects.exists()


def test_missing_fields_are_each_named(org, city_supervisor):
    response = api(city_supervisor).post(TARGETS, {"unit": "D1"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {
        "year",
        "batch_ceiling",
        "skip_level_cut",
        "repeat_cut",
        "group_cut",
        "capital_cut",
    }
    assert not AnnualTarget.objects.exists()


def test_a_form_encoded_post_is_taken_too(org, city_supervisor):
    response = api(city_supervisor).post(
        TARGETS, urlencode(target_payload()), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 201, response.content
    assert AnnualTarget.objects.get().batch_ceiling == 90


def test_a_unit_outside_the_callers_area_is_not_found(org, city_supervisor):
    for code in ("CY", "CYXFJ", "PR", "NOSUCH"):
        response = api(city_supervisor).post(TARGETS, target_payload(code), format="json")
        assert response.status_code == 404, code
    assert not AnnualTarget.objects.exists()


def test_a_level_does_not_set_its_own_targets(org, d1_supervisor, city_supervisor):
    response = api(d1_supervisor).post(TARGETS, target_payload("D1"), format="json")
    assert response.status_code == 403
    response = api(city_supervisor).post(TARGETS, target_payload("CT"), format="json")
    assert response.status_code == 403
    assert not AnnualTarget.objects.exists()
    # D1's supervisor sets its street's.
    set_targets(d1_supervisor, "D1S1")
    assert AnnualTarget.objects.get().unit == org.d1_street


def test_a_leader_reads_but_does_not_set(org, city_leader, city_supervisor):
    set_targets(city_supervisor)
    response = api(city_leader).post(TARGETS, target_payload(), format="json")
    assert response.status_code == 403
    assert by_unit(api(city_leader).get(TARGETS, {"area": "CT", "year": 2026}))["D1"]["target"]


def test_a_handler_neither_reads_nor_sets(org, handler1, outsider):
    for user in (handler1, outsider):
        client = api(user)
        assert client.post(TARGETS, target_payload(), format="json").status_code == 403
        assert client.get(TARGETS, {"area": "CT", "year": 2026}).status_code == 403
        assert client.get(ASSESSMENT, {"area": "CT", "year": 2026}).status_code == 403
        weights = {**DEFAULT_WEIGHTS, "area": "CT", "year": 2026}
        assert client.post(WEIGHTS, weights, format="json").status_code == 403
    assert not AnnualTarget.objects.exists() and not AssessmentScheme.objects.exists()


def test_anonymous_is_refused(org, client):
    from rest_framework.test import APIClient

    assert APIClient().get(TARGETS).status_code in (401, 403)
    assert APIClient().post(TARGETS, target_payload(), format="json").status_code in (401, 403)


# --- where the units stand ------------------------------------------------------------------


def test_the_list_counts_each_units_figures_by_hand(figures, org, city_supervisor):
    set_targets(city_supervisor)
    set_targets(city_supervisor, "D2", batch_ceiling=100)
    response = api(city_supervisor).get(TARGETS, {"area": "CT", "year": 2026})
    data = response.json()
    assert data["area"] == "CT" and data["year"] == 2026
    # The area's own unit first, then the districts in tree order (by path).
    assert [row["unit"] for row in data["results"]] == ["CT", *in_tree_order(org.d1, org.d2)]
    rows = by_unit(response)

    # The city itself: no target, no figures.
    assert rows["CT"]["target"] is None
    assert rows["CT"]["status"] is None and rows["CT"]["metrics"] == []

    d1 = rows["D1"]
    assert d1["status"] == TargetStatus.WARNING
    batches = metric(d1, "batches")
    # 50 so far; 40 of last year's 100 by the same day: the ceiling of 90 allows 36 by today.
    assert batches["actual"] == 50
    assert batches["last_year_to_date"] == 40 and batches["last_year"] == 100
    assert batches["allowed"] == pytest.approx(90)
    assert batches["allowed_to_date"] == pytest.approx(36)
    assert batches["change"] == pytest.approx(0.25)
    assert batches["status"] == TargetStatus.WARNING
    # Skip-level 3 against 4 by the same day less 25 % (3.0): on track; 10 × 0.75 a year.
    skip = metric(d1, "skip_level")
    assert (skip["actual"], skip["last_year_to_date"], skip["last_year"]) == (3, 4, 10)
    assert skip["allowed"] == pytest.approx(7.5)
    assert skip["allowed_to_date"] == pytest.approx(3.0)
    assert skip["status"] == TargetStatus.ON_TRACK
    # No repeat petitions last year: no base.
    repeat = metric(d1, "repeat")
    assert repeat["actual"] == 0 and repeat["last_year"] == 0
    assert repeat["allowed"] is None and repeat["allowed_to_date"] is None
    assert repeat["change"] is None
    assert repeat["status"] == TargetStatus.NO_BASE
    # Group 9 against 10 by the same day less 50 % (5): off track.
    group = metric(d1, "group")
    assert (group["actual"], group["allowed"], group["allowed_to_date"]) == (9, 10.0, 5.0)
    assert group["status"] == TargetStatus.WARNING
    # To Beijing and the province: 1 + 2 against (2 + 2) × 0.8 = 3.2: on track.
    capital = metric(d1, "capital")
    assert (capital["actual"], capital["last_year_to_date"], capital["last_year"]) == (3, 4, 10)
    assert capital["allowed"] == pytest.approx(8.0)
    assert capital["allowed_to_date"] == pytest.approx(3.2)
    assert capital["status"] == TargetStatus.ON_TRACK

    # D2: 120 over the whole year's ceiling of 100: missed; no base for the cuts.
    d2 = rows["D2"]
    assert d2["status"] == TargetStatus.MISSED
    assert metric(d2, "batches")["actual"] == 120
    assert metric(d2, "batches")["status"] == TargetStatus.MISSED
    assert {m["status"] for m in d2["metrics"][1:]} == {TargetStatus.NO_BASE}


def test_only_the_governments_below_the_area_are_listed(figures, org, city_supervisor):
    rows = by_unit(api(city_supervisor).get(TARGETS, {"area": "CT", "year": 2026}))
    assert list(rows) == ["CT", *in_tree_order(org.d1, org.d2)]  # not CTXFJ, CTJY
    rows = by_unit(api(city_supervisor).get(TARGETS, {"area": "D1", "year": 2026}))
    assert list(rows) == ["D1", "D1S1"]  # the street, not the office or the department


def test_the_defaults_are_the_top_of_the_callers_area_and_this_year(figures, city_supervisor):
    data = api(city_supervisor).get(TARGETS).json()
    assert data["area"] == "CT" and data["year"] == 2026


def test_a_year_not_begun_has_no_figures(figures, org, city_supervisor):
    set_targets(city_supervisor, year=2027)
    rows = by_unit(api(city_supervisor).get(TARGETS, {"area": "CT", "year": 2027}))
    assert rows["D1"]["target"]["batch_ceiling"] == 90
    assert rows["D1"]["metrics"] == [] and rows["D1"]["status"] is None


def test_a_year_over_runs_to_its_last_day(org, city_supervisor):
    """2025 is over: its figures run to 31 December, against 2024's whole year (the rollup
    begins on 3 January 2024)."""
    stat(org.city, datetime.date(2024, 1, 3))
    stat(org.d1, datetime.date(2024, 2, 1), batches=80)
    stat(org.d1, datetime.date(2025, 12, 31), batches=70)
    set_targets(city_supervisor, year=2025, batch_ceiling=75)
    batches = metric(
        by_unit(api(city_supervisor).get(TARGETS, {"area": "CT", "year": 2025}))["D1"], "batches"
    )
    assert (batches["actual"], batches["last_year_to_date"], batches["last_year"]) == (70, 80, 80)
    assert batches["allowed_to_date"] == pytest.approx(75)
    assert batches["status"] == TargetStatus.ON_TRACK


def test_bad_query_is_400_on_its_field(org, city_supervisor):
    client = api(city_supervisor)
    for query, field in (({"year": "abc"}, "year"), ({"year": 1900}, "year")):
        response = client.get(TARGETS, query)
        assert response.status_code == 400, query
        assert set(response.json()) == {field}


def test_an_area_outside_the_callers_scope_is_not_found(org, city_supervisor, d1_supervisor):
    assert api(city_supervisor).get(TARGETS, {"area": "CY"}).status_code == 404
    assert api(city_supervisor).get(TARGETS, {"area": "NOSUCH"}).status_code == 404
    assert api(d1_supervisor).get(TARGETS, {"area": "CT"}).status_code == 404
    assert api(d1_supervisor).get(TARGETS, {"area": "D2"}).status_code == 404
    assert api(d1_supervisor).get(TARGETS, {"area": "D1"}).status_code == 200


# --- the assessment -------------------------------------------------------------------------


def weights_payload(**overrides) -> dict:
    return {
        "area": "CT",
        "year": 2026,
        "on_time": 40,
        "satisfaction": 20,
        "resolution": 10,
        "ranking": 0,
        "targets": 30,
        "ledgers": 0,
        **overrides,
    }


@pytest.fixture
def targets(figures, city_supervisor):
    set_targets(city_supervisor)
    set_targets(city_supervisor, "D2", batch_ceiling=100)


def test_the_assessment_ranks_the_districts_with_the_default_weights(targets, city_supervisor):
    response = api(city_supervisor).get(ASSESSMENT, {"area": "CT", "year": 2026})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["area"] == "CT" and data["year"] == 2026
    assert data["weights"] == DEFAULT_WEIGHTS and data["default_weights"] is True
    d1, d2 = data["results"]
    # D1: on time 8/10, satisfied 5/5, resolved 8/10, targets 2 met of 4 judged; no ranking,
    # no ledger: (25 × .8 + 20 + 15 × .8 + 20 × .5) × 100 / 80 = 77.5.
    assert (d1["rank"], d1["unit"], d1["unit_name"]) == (1, "D1", "东湖区")
    assert d1["values"] == {
        "on_time": 0.8,
        "satisfaction": 1.0,
        "resolution": 0.8,
        "ranking": None,
        "targets": 0.5,
        "ledgers": None,
    }
    assert d1["points"]["on_time"] == pytest.approx(20)
    assert d1["points"]["ranking"] is None
    assert d1["score"] == pytest.approx(77.5)
    # D2: on time 5/10, resolved 5/10, targets 0 of 1; nothing evaluated:
    # (25 × .5 + 15 × .5) × 100 / 60 = 33.33.
    assert (d2["rank"], d2["unit"]) == (2, "D2")
    assert d2["values"]["satisfaction"] is None and d2["values"]["targets"] == 0.0
    assert d2["score"] == pytest.approx(33.33)


def test_weights_that_do_not_add_up_to_100_are_refused(targets, org, city_supervisor):
    response = api(city_supervisor).post(WEIGHTS, weights_payload(targets=20), format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"non_field_errors"}
    assert "90" in response.json()["non_field_errors"][0]
    assert not AssessmentScheme.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"on_time": -1}, {"on_time"}),
        ({"ranking": 101}, {"ranking"}),
        ({"ledgers": "ten"}, {"ledgers"}),
        ({"year": 1999}, {"year"}),
        ({"year": 2028}, {"year"}),
    ],
)
def test_bad_weights_are_refused_on_their_field(org, city_supervisor, overrides, fields):
    response = api(city_supervisor).post(WEIGHTS, weights_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == fields
    assert not AssessmentScheme.objects.exists()


def test_missing_weights_are_each_named(org, city_supervisor):
    response = api(city_supervisor).post(WEIGHTS, {"area": "CT", "year": 2026}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {
        "on_time",
        "satisfaction",
        "resolution",
        "ranking",
        "targets",
        "ledgers",
    }


def test_the_city_supervisor_sets_the_weights_and_the_scores_follow(targets, org, city_supervisor):
    response = api(city_supervisor).post(WEIGHTS, weights_payload(), format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    expected = {k: v for k, v in weights_payload().items() if k not in ("area", "year")}
    assert data["weights"] == expected and data["default_weights"] is False
    scheme = AssessmentScheme.objects.get(unit=org.city, year=2026)
    assert scheme.weights == expected and scheme.set_by == city_supervisor
    d1, d2 = data["results"]
    # D1: 40 × .8 + 20 + 10 × .8 + 30 × .5 = 75 of 100; D2: (20 + 5 + 0) × 100 / 80.
    assert (d1["unit"], d1["score"]) == ("D1", pytest.approx(75.0))
    assert (d2["unit"], d2["score"]) == ("D2", pytest.approx(31.25))
    # Read back, and changed again: still the one scheme.
    again = api(city_supervisor).get(ASSESSMENT, {"area": "CT", "year": 2026}).json()
    assert again["weights"] == expected and again["default_weights"] is False
    response = api(city_supervisor).post(
        WEIGHTS, {**DEFAULT_WEIGHTS, "area": "CT", "year": 2026}, format="json"
    )
    assert response.status_code == 200
    assert AssessmentScheme.objects.get().weights == DEFAULT_WEIGHTS


def test_a_leader_reads_the_assessment_but_does_not_weigh(targets, city_leader):
    assert api(city_leader).get(ASSESSMENT, {"area": "CT"}).status_code == 200
    response = api(city_leader).post(WEIGHTS, weights_payload(), format="json")
    assert response.status_code == 403
    assert not AssessmentScheme.objects.exists()


def test_the_assessment_of_an_area_outside_the_callers_scope_is_not_found(
    org, city_supervisor, d1_supervisor
):
    assert api(city_supervisor).get(ASSESSMENT, {"area": "CY"}).status_code == 404
    assert api(d1_supervisor).get(ASSESSMENT, {"area": "CT"}).status_code == 404
    response = api(city_supervisor).post(WEIGHTS, weights_payload(area="CY"), format="json")
    assert response.status_code == 404
    response = api(d1_supervisor).post(WEIGHTS, weights_payload(area="CT"), format="json")
    assert response.status_code == 404
    assert not AssessmentScheme.objects.exists()


def test_a_year_not_begun_has_no_one_to_assess(org, city_supervisor):
    data = api(city_supervisor).get(ASSESSMENT, {"area": "CT", "year": 2027}).json()
    assert data["results"] == [] and data["default_weights"] is True


# --- bounded queries ------------------------------------------------------------------------


@contextmanager
def counted():
    """The SQL the block runs (CaptureQueriesContext reads the connection's capped log, which
    a long session may have filled)."""
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield queries


def _more_districts(org, count: int) -> None:
    from accounts.models import OrgKind, OrgLevel, OrgUnit

    for n in range(count):
        district = OrgUnit.objects.create(
            code=f"DX{n}",
            name=f"新区{n}",
            parent=org.city,
            level=OrgLevel.DISTRICT,
            kind=OrgKind.GOVERNMENT,
        )
        for day in (datetime.date(2025, 4, 1), datetime.date(2026, 4, 1)):
            stat(district, day, batches=10 + n, answered=5, answered_on_time=n % 5)


def test_the_list_queries_do_not_grow_with_the_units(
    targets, org, city_supervisor, django_assert_max_num_queries
):
    client = api(city_supervisor)
    query = {"area": "CT", "year": 2026}
    with counted() as targets_queries:
        assert len(client.get(TARGETS, query).json()["results"]) == 3
    with counted() as assessment_queries:
        assert len(client.get(ASSESSMENT, query).json()["results"]) == 2
    # A fixed handful, whatever the rows.
    assert len(targets_queries) <= TARGETS_QUERIES
    assert len(assessment_queries) <= ASSESSMENT_QUERIES
    _more_districts(org, 8)
    for n in range(8):
        set_targets(city_supervisor, f"DX{n}", batch_ceiling=50 + n)
    with django_assert_max_num_queries(len(targets_queries)):
        assert len(client.get(TARGETS, query).json()["results"]) == 11
    with django_assert_max_num_queries(len(assessment_queries)):
        assert len(client.get(ASSESSMENT, query).json()["results"]) == 10
