"""Find anyone (issue 16 §1): the `find` selector (each kind of key, scope, accusations hidden
from the accused unit, bounded queries), the audit of searches by ID number or phone, the
search page, the petitioner page and the petition and case lists' `q` by person."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditAction, AuditEntry
from cases.models import Case, CaseStatus, MatterKind
from cases.selectors.people import KeyKind, search_key
from core.identity import mask_id_number, mask_phone
from petitions.models import Petitioner
from petitions.search import find
from petitions.selectors import id_number_hashes, phone_hashes
from tests.factories import make_id_number, make_phone, petitioner, register_petition

pytestmark = pytest.mark.django_db

ZHANG_ID = make_id_number(sequence=11)
ZHANG_PHONE = make_phone()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def searches() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_SEARCH).order_by("pk"))


@pytest.fixture
def zhang(handler1):
    """张伟 petitions twice at the district-1 office (the second a repeat of the first)."""
    first = register_petition(
        handler1,
        petitioners=[petitioner(name="张伟", id_number=ZHANG_ID, phone=ZHANG_PHONE)],
        summary="反映拖欠工资问题",
    ).petition
    second = register_petition(
        handler1,
        petitioners=[petitioner(name="张伟", id_number=ZHANG_ID, phone=ZHANG_PHONE)],
        summary="再次反映拖欠工资问题",
    ).petition
    person = Petitioner.objects.get(id_number_hash__in=id_number_hashes(ZHANG_ID))
    return person, first, second


@pytest.fixture
def accusation(reception1, org):
    """An accusation against the district-2 government, by 钱举报, at the city office."""
    return register_petition(
        reception1,
        matter_kind=MatterKind.ACCUSATION,
        accused_unit=org.d2,
        accused_person="某副区长",
        location_unit=org.d2_street,
        category="1401",
        summary="举报西山区政府违规发放补贴",
        petitioners=[petitioner(name="钱举报")],
    ).petition


# --- the key ------------------------------------------------------------------------------


def test_search_key_kinds():
    assert search_key(ZHANG_ID.lower()).kind == KeyKind.ID_NUMBER
    assert search_key(f" {ZHANG_PHONE} ").kind == KeyKind.PHONE
    assert search_key("010-62345678").value == "010-62345678"
    assert search_key("张伟").kind == KeyKind.TEXT
    assert search_key("D1XFJ-2026-000001").kind == KeyKind.TEXT
    assert search_key("  ").kind == KeyKind.NONE


# --- the selector -------------------------------------------------------------------------


def test_find_by_name_prefix(zhang, handler1):
    person, first, second = zhang
    result = find(handler1, "张")
    assert result.people == [person]
    assert {p.number for p in result.petitions} == {first.number, second.number}
    assert {c.pk for c in result.cases} == {first.case_id, second.case_id}
    assert find(handler1, "伟").empty  # a prefix, not a substring


def test_find_by_id_number_and_phone(zhang, handler1):
    person, first, second = zhang
    for q in (ZHANG_ID, ZHANG_ID.lower(), ZHANG_PHONE):
        result = find(handler1, q)
        assert result.people == [person], q
        assert {p.number for p in result.petitions} == {first.number, second.number}
    assert find(handler1, make_id_number(sequence=12)).empty
    assert find(handler1, make_phone()).empty


def test_find_by_exact_number(zhang, handler1):
    _, first, _ = zhang
    result = find(handler1, first.number)
    assert [p.number for p in result.petitions] == [first.number]
    assert result.exact_hit == first
    assert find(handler1, first.number[:-1]).empty  # exact only
    case = find(handler1, first.case.number)
    assert [c.number for c in case.cases] == [first.case.number]


def test_find_stays_in_scope(zhang, handler2, outsider):
    for user in (handler2, outsider):
        for q in ("张伟", ZHANG_ID, ZHANG_PHONE):
            assert find(user, q).empty, (user.username, q)


def test_an_accusation_is_never_found_by_the_accused_unit(
    accusation, reception1, d2_leader, handler2
):
    for user in (d2_leader, handler2):
        assert find(user, "钱举报").empty
        assert find(user, accusation.number).empty
        assert find(user, accusation.case.number).empty
    assert [p.number for p in find(reception1, "钱举报").petitions] == [accusation.number]


def test_find_shows_masked_data_only(zhang, handler1):
    person = find(handler1, ZHANG_ID).people[0]
    assert person.id_number_masked == mask_id_number(ZHANG_ID)


def _queries(user, q) -> int:
    with CaptureQueriesContext(connection) as queries:
        find(user, q)
    return len(queries)


def test_find_query_count_does_not_grow_with_results(handler1):
    for name in ("王一", "王二"):
        register_petition(handler1, petitioners=[petitioner(name=name)])
    few = _queries(handler1, "王一")
    for index in range(6):
        register_petition(handler1, petitioners=[petitioner(name=f"王{index}号")])
    assert len(find(handler1, "王").people) == 8
    assert _queries(handler1, "王") == few <= 6


# --- the search page ----------------------------------------------------------------------


def test_search_page_lists_people_and_matters(zhang, handler1):
    person, first, _ = zhang
    page = logged_in(handler1).get("/search/", {"q": "张伟"})
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/petitions/people/{person.pk}/" in text
    assert first.number in text
    assert ZHANG_ID not in text and ZHANG_PHONE not in text
    assert mask_id_number(ZHANG_ID) in text
    assert searches() == []  # a name is not personal data searched


def test_search_page_audits_id_number_and_phone(zhang, handler1):
    client = logged_in(handler1)
    client.get("/search/", {"q": ZHANG_ID})
    client.get("/search/", {"q": ZHANG_PHONE})
    entries = searches()
    assert [e.detail["keys"] for e in entries] == [
        [{"id_number": mask_id_number(ZHANG_ID)}],
        [{"phone": mask_phone(ZHANG_PHONE)}],
    ]
    assert all(e.detail["via"] == "search" for e in entries)
    assert all(ZHANG_ID not in str(e.detail) for e in entries)


def test_search_page_redirects_on_an_exact_number(zhang, handler1):
    _, first, second = zhang
    client = logged_in(handler1)
    response = client.get("/search/", {"q": first.number})
    assert response.status_code == 302
    assert response["Location"] == f"/petitions/{first.number}/"
    # A case numbered unlike any petition opens the case page.
    Case.objects.filter(pk=second.case_id).update(number="D1XFJ-AJ-2026-000009")
    response = client.get("/search/", {"q": "D1XFJ-AJ-2026-000009"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/D1XFJ-AJ-2026-000009/"
    # A name finds people: a page, not a redirect.
    assert client.get("/search/", {"q": "张伟"}).status_code == 200


def test_search_page_finds_nothing_outside_the_scope(zhang, handler2):
    _, first, _ = zhang
    response = logged_in(handler2).get("/search/", {"q": first.number})
    assert response.status_code == 200
    assert "search-empty" in response.content.decode()


def test_nav_has_the_search_box(handler1):
    text = logged_in(handler1).get("/petitions/").content.decode()
    assert 'id="nav-search-q"' in text
    assert "js/search.js" in text


# --- the petitioner page ------------------------------------------------------------------


def test_petitioner_page_shows_the_history(zhang, handler1):
    person, first, second = zhang
    Case.objects.filter(pk=first.case_id).update(status=CaseStatus.TERMINATED)
    Case.objects.filter(pk=second.case_id).update(same_matter_as=first.case)
    response = logged_in(handler1).get(f"/petitions/people/{person.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert first.number in text and second.number in text
    assert first.case.number in text and "data-terminated" in text
    assert mask_id_number(ZHANG_ID) in text and ZHANG_ID not in text
    assert mask_phone(ZHANG_PHONE) in text and ZHANG_PHONE not in text


def test_petitioner_page_is_404_outside_the_scope(zhang, accusation, handler2, d2_leader, outsider):
    person, _, _ = zhang
    for user in (handler2, outsider):
        assert logged_in(user).get(f"/petitions/people/{person.pk}/").status_code == 404
    accuser = accusation.parties.get().petitioner
    assert logged_in(d2_leader).get(f"/petitions/people/{accuser.pk}/").status_code == 404
    assert logged_in(handler2).get("/petitions/people/999999/").status_code == 404


def test_petition_detail_links_to_the_petitioner(zhang, handler1):
    person, first, _ = zhang
    text = logged_in(handler1).get(f"/petitions/{first.number}/").content.decode()
    assert f"/petitions/people/{person.pk}/" in text


# --- the lists' q -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/petitions/", "/cases/"])
def test_lists_find_by_person(zhang, handler1, url):
    _, first, second = zhang
    other = register_petition(handler1, petitioners=[petitioner(name="李四")]).petition
    client = logged_in(handler1)
    for q in ("张", ZHANG_ID, ZHANG_PHONE):
        text = client.get(url, {"q": q}).content.decode()
        numbers = (
            (first.number, second.number)
            if url == "/petitions/"
            else (
                first.case.number,
                second.case.number,
            )
        )
        assert all(n in text for n in numbers), (url, q)
        other_number = other.number if url == "/petitions/" else other.case.number
        assert other_number not in text, (url, q)
    entries = searches()
    assert len(entries) == 2
    assert {e.detail["via"] for e in entries} == {
        "petition list" if url == "/petitions/" else "case list"
    }


def test_same_hashes_as_the_models():
    from cases.selectors.people import ID_NUMBER_PURPOSE, PHONE_PURPOSE
    from core import crypto

    assert crypto.lookup_hashes(ID_NUMBER_PURPOSE, ZHANG_ID) == id_number_hashes(ZHANG_ID)
    assert crypto.lookup_hashes(PHONE_PURPOSE, ZHANG_PHONE) == phone_hashes(ZHANG_PHONE)
