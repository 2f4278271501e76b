"""Repeat detection finds people: a name matches within the location's area (a village's
township/street included), name-only matches are shown as possibly related, and only an ID
number or phone makes a petition not first-time (issue 16 §1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseStatus, MatterKind
from petitions.selectors import PersonKey, has_earlier_petition, repeat_cases
from tests.factories import (
    make_id_number,
    make_phone,
    petitioner,
    register_petition,
    set_owner,
    token_client,
)

REPEAT_PANEL_URL = "/petitions/new/repeat-panel/"
REPEAT_URL = "/api/v1/petitions/repeat-check/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def han(reception1, org):
    """韩立新's terminated case about 松花江社区 (d1_community), inside 升平街道 (d1_street)."""
    principal = petitioner(name="韩立新", id_number=make_id_number(), phone=make_phone())
    petition = register_petition(
        reception1, location_unit=org.d1_community, petitioners=[principal]
    ).petition
    Case.objects.filter(pk=petition.case_id).update(status=CaseStatus.TERMINATED)
    return petition, principal


def _panel(user, location=None, **values) -> str:
    data = {f"petitioners-0-{key}": value for key, value in values.items()}
    if location is not None:
        data["location_unit"] = str(location.pk)
    response = logged_in(user).post(REPEAT_PANEL_URL, data)
    assert response.status_code == 200
    return response.content.decode()


def test_a_name_at_the_street_finds_the_case_at_its_community(han, reception1, org):
    petition, _ = han
    [case] = repeat_cases(user=reception1, people=[PersonKey("韩立新")], location=org.d1_street)
    assert case.pk == petition.case_id and case.match == "possible"
    page = _panel(reception1, org.d1_street, name="韩立新")
    assert f'data-repeat-case="{petition.case.number}" data-match="possible"' in page
    assert "data-possible-heading" in page and "data-terminated" in page
    assert "未查到以往信访事项" not in page and 'data-repeat="none"' not in page


def test_a_name_at_a_village_searches_its_township(reception1, org):
    """A case about the street itself is found from a community below it."""
    principal = petitioner(name="韩立新", id_number="", phone="")
    petition = register_petition(
        reception1, location_unit=org.d1_street, petitioners=[principal]
    ).petition
    cases = repeat_cases(user=reception1, people=[PersonKey("韩立新")], location=org.d1_community)
    assert [case.pk for case in cases] == [petition.case_id]


def test_a_name_elsewhere_is_not_found(han, reception1, org):
    assert repeat_cases(user=reception1, people=[PersonKey("韩立新")], location=org.d2_street) == []
    assert repeat_cases(user=reception1, people=[PersonKey("韩立")], location=org.d1_street) == []


def test_a_name_with_no_place_is_not_called_first_time(han, reception1):
    petition, _ = han
    page = _panel(reception1, name="韩立新")
    assert 'data-repeat="none"' not in page
    assert 'data-repeat="name-only"' in page
    assert f'data-repeat-case="{petition.case.number}" data-match="possible"' in page


def test_id_number_and_phone_matches_are_certain(han, reception1, org):
    _petition, principal = han
    for person in (PersonKey(id_number=principal.id_number), PersonKey(phone=principal.phone)):
        [case] = repeat_cases(user=reception1, people=[person], location=None)
        assert case.match == "certain"
    page = _panel(reception1, org.d1_street, name="韩立新", id_number=principal.id_number)
    assert 'data-match="certain"' in page and "data-possible-heading" not in page
    nobody = _panel(reception1, id_number=make_id_number())
    assert 'data-repeat="none"' in nobody and 'data-repeat="no-name-match"' not in nobody


def test_certain_cases_come_before_possible_ones(han, reception1, org):
    _petition, principal = han
    other = register_petition(
        reception1,
        location_unit=org.d1_street,
        petitioners=[petitioner(name="韩立新", id_number="", phone="")],
    )
    people = [PersonKey("韩立新", phone=principal.phone)]
    cases = repeat_cases(user=reception1, people=people, location=org.d1_street)
    assert [case.match for case in cases] == ["certain", "possible"]
    assert cases[1].pk == other.petition.case_id


def test_a_party_recorded_with_another_id_number_is_someone_else(han, reception1, org):
    person = PersonKey("韩立新", id_number=make_id_number())
    assert repeat_cases(user=reception1, people=[person], location=org.d1_street) == []


def test_a_name_only_match_leaves_the_petition_first_time(han, reception1, org):
    _petition, principal = han
    assert not has_earlier_petition([PersonKey("韩立新")])
    assert has_earlier_petition([PersonKey("韩立新", id_number=principal.id_number)])
    new = register_petition(
        reception1,
        location_unit=org.d1_street,
        petitioners=[petitioner(name="韩立新", id_number="", phone="")],
    )
    assert new.petition.case.is_first_time
    assert new.petition.case.same_matter_as_id is None


def test_an_accusation_stays_hidden_from_the_accused_unit_by_name(reception1, org, handler2):
    principal = petitioner(name="赵举报", id_number=make_id_number(), phone=make_phone())
    petition = register_petition(
        reception1,
        matter_kind=MatterKind.ACCUSATION,
        accused_unit=org.d2,
        accused_person="某副区长",
        location_unit=org.d2_street,
        category="1401",
        petitioners=[principal],
    ).petition
    set_owner(Case.objects.filter(pk=petition.case_id), org.d2_office)
    assert repeat_cases(user=handler2, people=[PersonKey("赵举报")], location=org.d2) == []
    assert petition.case.number not in _panel(handler2, org.d2_street, name="赵举报")
    assert repeat_cases(user=reception1, people=[PersonKey("赵举报")], location=org.d2)


def test_the_api_flags_each_case(han, reception1):
    petition, principal = han
    client = token_client(reception1)
    [possible] = client.get(REPEAT_URL, {"name": "韩立新", "location_unit": "D1S1"}).json()
    assert possible["number"] == petition.case.number and possible["match"] == "possible"
    [certain] = client.get(REPEAT_URL, {"phone": principal.phone}).json()
    assert certain["match"] == "certain" and certain["is_terminated"] is True


def test_query_count_is_bounded(reception1, org):
    for _ in range(4):
        register_petition(
            reception1,
            location_unit=org.d1_community,
            petitioners=[petitioner(name="韩立新"), petitioner("member", name="韩立军")],
            person_count=2,
        )
    people = [PersonKey("韩立新"), PersonKey("韩立军", phone=make_phone())]
    with CaptureQueriesContext(connection) as queries:
        cases = repeat_cases(user=reception1, people=people, location=org.d1_street)
    assert len(cases) == 4
    assert len(queries) <= 4
