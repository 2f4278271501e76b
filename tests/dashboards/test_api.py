"""`GET /api/v1/stats/summary/`: the contract, bad input, scope and drill-down."""

import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.links import drilldown_links
from dashboards.services import rollup_rebuild

from .conftest import TODAY

URL = "/api/v1/stats/summary/"
OCTOBER = {"unit": "CT", "from": "2026-10-01", "to": "2026-10-31"}
SPEC_KEYS = {
    "batches", "persons", "batches_yoy", "persons_yoy", "batches_mom", "by_channel",
    "online_share", "by_level", "skip_level", "group", "repeat", "first_time",
    "timely_acceptance_rate", "on_time_rate", "completion_rate", "resolution_rate",
    "satisfaction_rate", "participation_rate", "one_time_rate", "top_categories",
    "unit_ranking", "open", "due_soon", "overdue", "backlog", "series",
}  # fmt: skip


@pytest.fixture
def api(client, october, city_supervisor):
    rollup_rebuild()
    client.force_login(city_supervisor)
    return client


def test_every_key_of_the_issue(api):
    body = api.get(URL, OCTOBER).json()
    assert set(body) >= SPEC_KEYS
    assert set(body["by_channel"]) == {"letter", "visit", "online", "phone"}
    assert set(body["by_level"]) == {"national", "province", "city", "district"}
    for key in ("skip_level", "group", "repeat", "first_time"):
        assert set(body[key]) == {"batches", "persons"}
    assert set(body["series"]) == {"trend", "channels", "categories", "ranking"}


def test_values_as_fractions_and_nulls(api):
    body = api.get(URL, OCTOBER).json()
    assert (body["batches"], body["persons"]) == (6, 14)
    assert body["batches_yoy"] == 2.0
    assert body["timely_acceptance_rate"] == 0.5
    assert body["participation_rate"] == 0.6667
    assert body["top_categories"][0]["change"] is None  # nothing in September
    assert body["unit_ranking"][1]["satisfaction_rate"] is None
    assert (body["open"], body["due_soon"], body["overdue"]) == (5, 1, 1)
    assert body["backlog"]["count"] == 2
    assert body["from"] == "2026-10-01" and body["to"] == "2026-10-31"


def test_defaults_to_this_year_up_to_today_over_the_whole_scope(api):
    body = api.get(URL).json()
    assert (body["from"], body["to"], body["unit"]) == ("2026-01-01", str(TODAY), "CT")
    # All of 2026 up to today: October's six, September's one, C10's two of 2026.
    assert body["batches"] == 9


def test_presets(api):
    assert api.get(URL, {"preset": "month"}).json()["from"] == "2026-11-01"
    assert api.get(URL, {"preset": "quarter"}).json()["from"] == "2026-10-01"
    last_year = api.get(URL, {"preset": "last_year"}).json()
    assert (last_year["from"], last_year["to"]) == ("2025-01-01", "2025-12-31")
    assert last_year["batches"] == 3  # October 2025's two and C10's first


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-10-31", "to": "2026-10-01"}, "to"),
        ({"from": "2010-01-01", "to": "2026-10-31"}, "from"),
        ({"unit": "NOPE"}, "unit"),
        ({"unit": "CY"}, "unit"),  # another city: out of scope
        ({"preset": "decade"}, "preset"),
    ],
)
def test_bad_input_is_a_400_on_the_field(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_only_supervisors_and_leaders(client, october, handler1, city_leader):
    assert client.get(URL).status_code in (401, 403)
    client.force_login(handler1)
    assert client.get(URL).status_code == 403
    client.force_login(city_leader)
    assert client.get(URL).status_code == 200


def test_district_supervisor_sees_only_the_district(client, october, d1_supervisor):
    rollup_rebuild()
    client.force_login(d1_supervisor)
    body = client.get(URL, {"from": "2026-10-01", "to": "2026-10-31"}).json()
    assert body["unit"] == "D1"
    assert (body["batches"], body["persons"]) == (3, 5)
    assert body["by_channel"]["phone"]["batches"] == 0  # P5 is in D2
    assert body["overdue"] == 0  # C3 is D2's
    for unit in ("D2", "CT", "D2S1"):
        assert client.get(URL, {**OCTOBER, "unit": unit}).status_code == 400


def test_a_bounded_number_of_queries_whatever_the_data(api, october, org):
    with CaptureQueriesContext(connection) as small:
        api.get(URL, OCTOBER)
    from .builders import make_case, make_clock, make_petition
    from .conftest import HANDLING, D

    for day in range(1, 29):
        case = make_case(org.d2_office, D(2026, 10, day), location=org.d2_street)
        make_petition(
            case,
            D(2026, 10, day),
            channel="visit",
            receiving=org.d2_office,
            location=org.d2_street,
            category=october.land,
            by=october.clerk,
        )
        make_clock(case, HANDLING, D(2026, 10, day))  # overdue
    rollup_rebuild()
    with CaptureQueriesContext(connection) as large:
        body = api.get(URL, OCTOBER).json()
    assert body["batches"] == 6 + 28 and body["overdue"] == 1 + 28
    assert len(large) == len(small)
    assert len(large) <= 25


def _list_count(client, link: str, api_path: str) -> int:
    query = urlsplit(link).query
    response = client.get(f"{api_path}?{query}")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_drill_down_lists_hold_exactly_what_the_numbers_count(api, october, org, frozen_now):
    body = api.get(URL, OCTOBER).json()
    summary = {**body, "due_soon_until": body["due_soon_until"]}
    links = drilldown_links(summary, today=TODAY)
    cases, petitions = "/api/v1/cases/", "/api/v1/petitions/"
    assert _list_count(api, links["overdue"], cases) == body["overdue"] == 1
    assert _list_count(api, links["due_soon"], cases) == body["due_soon"] == 1
    assert _list_count(api, links["open"], cases) == body["open"] == 5
    assert _list_count(api, links["backlog"], cases) == body["backlog"]["count"] == 2
    assert _list_count(api, links["batches"], petitions) == body["batches"] == 6
    for channel, pair in body["by_channel"].items():
        assert _list_count(api, links["channel"][channel], petitions) == pair["batches"]
    for level, pair in body["by_level"].items():
        assert _list_count(api, links["level"][level], petitions) == pair["batches"]
    for key in ("skip_level", "group", "repeat", "first_time"):
        assert _list_count(api, links["special"][key], petitions) == body[key]["batches"]
    for row in body["top_categories"]:
        assert _list_count(api, links["category"][row["code"]], petitions) == row["batches"]
    answered, on_time = body["rate_parts"]["on_time_rate"][1], body["rate_parts"]["on_time_rate"][0]
    assert _list_count(api, links["rate"]["satisfaction_rate"], cases) == answered == 4
    assert _list_count(api, links["rate"]["on_time_rate"], cases) == on_time == 3
    assert _list_count(api, links["rate"]["resolution_rate"], cases) == 2
    for key in ("timely_acceptance_rate", "completion_rate"):
        kept, counted = body["rate_parts"][key]
        link = links["rate"][key]
        assert _list_count(api, link, cases) == kept
        base = re.sub(r"clock_state=\w+", "clock_state=counted", link)
        assert _list_count(api, base, cases) == counted
    assert body["rate_parts"]["timely_acceptance_rate"] == [2, 4]
    # Missed: decided late (A2) or not yet decided and past due (A3).
    missed = links["rate"]["timely_acceptance_rate"].replace("on_time", "missed")
    assert _list_count(api, missed, cases) == 2


def _numbers(client, link: str) -> list[str]:
    response = client.get(f"/api/v1/cases/?{urlsplit(link).query}")
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def test_the_clock_rates_drill_down_leaves_out_clocks_not_yet_due(api, october, frozen_now):
    """November: C7's answer clock (due 24 November) is still running, so neither the rate
    nor its list counts it; C5's (due 26 November, met in October) is in both."""
    body = api.get(URL, {"unit": "CT", "from": "2026-11-01", "to": "2026-11-30"}).json()
    links = drilldown_links(body, today=TODAY)
    completion = links["rate"]["completion_rate"]
    counted = re.sub(r"clock_state=\w+", "clock_state=counted", completion)
    every_clock = re.sub(r"&clock_state=\w+", "", completion)
    c5, c7 = october.c5.number, october.c7.number
    assert _numbers(api, completion) == _numbers(api, counted) == [c5]
    assert body["rate_parts"]["completion_rate"] == [1, 1]
    assert set(_numbers(api, every_clock)) == {c5, c7}


def test_dashboards_read_the_replica_when_one_is_set(tmp_path):
    """With DATABASE_REPLICA_URL, the dashboards' reads go to the `replica` alias."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from dashboards.selectors import read_database; "
        "print(read_database(), settings.DATABASES['replica']['NAME'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_REPLICA_URL": "postgres://reader@replica.example:5432/xinfang",
        "VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert done.stdout.split() == ["replica", "xinfang"]
    assert settings.DASHBOARD_DATABASE == "default"  # none set in the tests
