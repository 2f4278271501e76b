"""The reference rows each process keeps (core.reference): units and categories read once
and put on a page's objects as select_related would; dropped when anyone changes them, in
this process or (through the shared stamp) in another; nothing kept without a shared cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OrgUnit
from accounts.selectors import UNITS, with_units
from cases.models import Case
from core import caching, reference
from petitions.models import Category, Petition
from petitions.selectors import CATEGORIES, with_petition_names
from tests.factories import register_petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(handler1):
    return [register_petition(handler1).petition.case for _ in range(3)]


def fresh(cases: list[Case]) -> list[Case]:
    """The cases as a list query reads them: no unit loaded."""
    return list(Case.objects.filter(pk__in=[case.pk for case in cases]).order_by("pk"))


def units_read(queries) -> int:
    return sum('FROM "accounts_orgunit"' in query["sql"] for query in queries.captured_queries)


def test_without_a_shared_cache_a_page_reads_its_units_in_one_query_every_time(cases, settings):
    settings.SHARED_CACHE = False
    for _ in range(2):
        page = fresh(cases)
        with CaptureQueriesContext(connection) as queries:
            with_units(page, "owner_unit", "receiving_unit", "answering_unit")
            names = [(case.owner_unit.name, case.receiving_unit.code) for case in page]
            assert all(case.answering_unit is None for case in page)
        assert len(queries) == 1
    assert names == [(case.owner_unit.name, case.receiving_unit.code) for case in cases]


def test_with_a_shared_cache_the_units_are_read_once(cases, shared_cache):
    with CaptureQueriesContext(connection) as first:
        with_units(fresh(cases), "owner_unit", "receiving_unit")
    page = fresh(cases)
    with CaptureQueriesContext(connection) as second:
        with_units(page, "owner_unit", "receiving_unit")
        names = [case.owner_unit.name for case in page]
    assert units_read(first) == 1 and len(second) == 0
    assert names == [case.owner_unit.name for case in cases]


def test_a_unit_saved_here_is_read_again(cases, shared_cache):
    with_units(fresh(cases), "owner_unit")
    unit = OrgUnit.objects.get(pk=cases[0].owner_unit_id)
    unit.name = "改名后的单位"
    unit.save()
    page = fresh(cases)
    with CaptureQueriesContext(connection) as queries:
        with_units(page, "owner_unit")
    assert units_read(queries) == 1
    assert page[0].owner_unit.name == "改名后的单位"


def test_a_change_in_another_process_is_seen_at_the_next_request(cases, shared_cache):
    # The request signals' receivers of core.reference alone (Django's would close the
    # test's database connection).
    reference._request_started()
    with_units(fresh(cases), "owner_unit")
    # Another process renames the unit: its save bumps the shared stamp.
    OrgUnit.objects.filter(pk=cases[0].owner_unit_id).update(name="他处改名")
    caching.bump(UNITS.stamp)
    page = fresh(cases)
    with_units(page, "owner_unit")  # the stamp was checked once in this request
    assert page[0].owner_unit.name != "他处改名"
    reference._request_finished()
    reference._request_started()
    page = fresh(cases)
    with_units(page, "owner_unit")
    assert page[0].owner_unit.name == "他处改名"
    reference._request_finished()


def test_outside_a_request_the_stamp_is_checked_at_every_use(cases, shared_cache):
    with_units(fresh(cases), "owner_unit")
    OrgUnit.objects.filter(pk=cases[0].owner_unit_id).update(name="他处改名")
    caching.bump(UNITS.stamp)
    page = fresh(cases)
    with_units(page, "owner_unit")
    assert page[0].owner_unit.name == "他处改名"


def test_categories_come_with_their_parent(handler1, shared_cache):
    petition = register_petition(handler1).petition
    with_petition_names([Petition.objects.get(pk=petition.pk)])
    page = [Petition.objects.get(pk=petition.pk)]
    with CaptureQueriesContext(connection) as queries:
        with_petition_names(page)
        shown = (str(page[0].category), page[0].receiving_unit.name, page[0].location_unit.name)
    assert len(queries) == 0
    expected = (str(petition.category), petition.receiving_unit.name, petition.location_unit.name)
    assert shown == expected
    category = Category.objects.get(pk=petition.category_id)
    category.name = "新类别"
    category.save()
    page = [Petition.objects.get(pk=petition.pk)]
    with_petition_names(page)
    assert page[0].category.name == "新类别"
    assert CATEGORIES.rows([category.pk])[category.pk].name == "新类别"


@pytest.mark.parametrize(
    "path",
    ["/petitions/", "/cases/", "/api/v1/petitions/", "/api/v1/cases/", "case", "petition"],
)
def test_with_a_shared_cache_pages_name_units_and_categories_without_reading_them(
    cases, handler1, shared_cache, client, path
):
    """Their queries join no unit or category table, and a second view reads none."""
    case = cases[0]
    path = {
        "case": f"/cases/{case.number}/",
        "petition": f"/petitions/{case.petitions.get().number}/",
    }.get(path, path)
    client.force_login(handler1)
    first = client.get(path)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(path)
    assert first.status_code == second.status_code == 200
    owner = case.owner_unit.code if path.startswith("/api/") else case.owner_unit.name
    assert owner in second.content.decode()
    for query in queries.captured_queries:
        sql = query["sql"]
        assert not sql.startswith('SELECT "accounts_orgunit"'), sql
        if sql.startswith(('SELECT "cases_case"', 'SELECT "petitions_petition"."id"')):
            assert 'JOIN "accounts_orgunit"' not in sql and 'JOIN "petitions_category"' not in sql


def test_a_request_checks_every_table_in_one_round_trip(handler1, shared_cache, monkeypatch):
    """The units' and categories' stamps are read together, once per request, and the blank
    filter bar's key takes them from there."""
    from django.test import Client

    register_petition(handler1)
    client = Client()
    client.force_login(handler1)
    client.get("/petitions/")
    reads: list[tuple[str, ...]] = []
    stamp, stamp_values = caching.stamp, caching.stamp_values
    monkeypatch.setattr(caching, "stamp", lambda name: reads.append((name,)) or stamp(name))
    monkeypatch.setattr(
        caching, "stamp_values", lambda *names: reads.append(names) or stamp_values(*names)
    )
    assert client.get("/petitions/").status_code == 200
    assert [names for names in reads if "org-units" in names] == [("org-units", "categories")]
