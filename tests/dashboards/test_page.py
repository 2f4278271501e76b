"""The dashboard page: the same numbers as the API, bounded queries, access and bad input."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.services import rollup_rebuild

from .builders import make_case, make_petition
from .conftest import D

PAGE = "/dashboards/"
OCTOBER = {"unit": "CT", "from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture
def viewer(client, october, city_supervisor):
    rollup_rebuild()
    client.force_login(city_supervisor)
    return client


def tile_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-tile="([a-z_]+)"[^>]*?data-value="([^"]*)"', html))


def cells(html: str, table: str, attribute: str) -> dict[str, int]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'data-row="([a-z_0-9A-Z]+)"(.*?)</tr>', body, re.S)
    return {key: int(re.search(rf'data-{attribute}="(\d+)"', row).group(1)) for key, row in rows}


def test_page_shows_the_api_numbers(viewer):
    html = viewer.get(PAGE, OCTOBER).content.decode()
    api = viewer.get("/api/v1/stats/summary/", OCTOBER).json()
    tiles = tile_values(html)
    for key in ("batches", "persons", "open", "due_soon", "overdue"):
        assert int(tiles[key]) == api[key], key
    assert int(tiles["backlog"]) == api["backlog"]["count"]
    for key in (
        "timely_acceptance_rate",
        "on_time_rate",
        "completion_rate",
        "resolution_rate",
        "satisfaction_rate",
        "participation_rate",
        "one_time_rate",
        "online_share",
    ):
        assert float(tiles[key]) == pytest.approx(api[key]), key
    for table, section in (("channels", "by_channel"), ("levels", "by_level")):
        assert cells(html, table, "batches") == {k: v["batches"] for k, v in api[section].items()}
        assert cells(html, table, "persons") == {k: v["persons"] for k, v in api[section].items()}
    special = {k: api[k]["batches"] for k in ("skip_level", "group", "repeat", "first_time")}
    assert cells(html, "special", "batches") == special
    assert cells(html, "categories", "batches") == {
        row["code"]: row["batches"] for row in api["top_categories"]
    }
    assert "50.0%" in html and "2 / 4" in html  # the acceptance rate and its parts
    assert "+200.0%" in html  # batches year on year


def test_definitions_on_hover(viewer):
    html = viewer.get(PAGE, OCTOBER).content.decode()
    assert html.count('data-bs-toggle="tooltip"') >= 20
    assert 'id="chart-data"' in html and 'id="chart-trend"' in html


def test_the_filter_shows_the_period_in_force(viewer, frozen_now):
    html = viewer.get(PAGE, {"preset": "month"}).content.decode()
    assert 'value="2026-11-01"' in html and 'value="2026-11-22"' in html
    assert 'class="btn btn-outline-primary active" data-preset="month"' in html


def test_a_bounded_number_of_queries_whatever_the_data(viewer, october, org):
    with CaptureQueriesContext(connection) as small:
        assert viewer.get(PAGE, OCTOBER).status_code == 200
    for day in range(1, 29):
        case = make_case(org.d1_office, D(2026, 10, day), location=org.d1_community)
        make_petition(
            case,
            D(2026, 10, day),
            channel="letter",
            receiving=org.d1_office,
            location=org.d1_community,
            category=october.wages,
            by=october.clerk,
        )
    rollup_rebuild()
    with CaptureQueriesContext(connection) as large:
        html = viewer.get(PAGE, OCTOBER).content.decode()
    assert tile_values(html)["batches"] == str(6 + 28)
    # 30, and the sections of the apps beside and above (`core.sections`): escalation's 2
    # (notices, joint supervisions), dispute screening's 4, the major and urgent matters' 1
    # and the backlog ledger's 4 (its counts, the candidates, the units below and their counts),
    # and the people's suggestions' 3 (its counts, the units below and their counts).
    assert len(large) == len(small) <= 44


@pytest.mark.parametrize(
    ("params", "field"),
    [({"from": "2026-10-31", "to": "2026-10-01"}, "to"), ({"unit": "CY"}, "unit")],
)
def test_bad_filter_is_a_400_with_the_field_error(viewer, params, field):
    response = viewer.get(PAGE, params)
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()


def test_only_supervisors_and_leaders(client, october, handler1, city_leader):
    client.force_login(handler1)
    assert client.get(PAGE).status_code == 403
    assert 'id="nav-dashboard"' not in client.get("/cases/").content.decode()
    client.force_login(city_leader)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert 'id="nav-dashboard"' in response.content.decode()
