"""API of the people's suggestions: the register (`/api/v1/suggestions/`) with its filters,
one suggestion, and the commendation (`…/{id}/commendations/`): field-level 400s, 403 for a
role that does not commend, 404 outside the caller's scope; no personal data."""

from __future__ import annotations

import pytest

from ledgers.models import SuggestionCommendation
from tests.factories import token_client

pytestmark = pytest.mark.usefixtures("frozen_now")

URL = "/api/v1/suggestions/"


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_the_register_lists_the_callers_suggestions_with_their_answers(suggestions, handler1):
    response = token_client(handler1).get(URL)
    s = suggestions
    assert numbers(response) == {c.number for c in (s.a, s.b, s.c, s.d, s.e)}
    row = next(r for r in response.json()["results"] if r["number"] == s.a.number)
    assert row["decision"] == "adopted" and row["state"] == "answered"
    assert row["answer_due"] == "2026-11-09" and row["answered_on"] == "2026-10-20"
    assert row["owner_unit"] == "D1XFJ" and row["late"] is False
    assert [c["kind"] for c in row["commendations"]] == ["written"]
    assert not {"petitioners", "id_number", "phone"} & set(row)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("adopted=true", "ab"),
        ("late=true", "cd"),
        ("state=studying", "de"),
        ("decision=adopted", "a"),
    ],
)
def test_the_filters(suggestions, handler1, query, expected):
    wanted = {getattr(suggestions, letter).number for letter in expected}
    assert numbers(token_client(handler1).get(f"{URL}?{query}")) == wanted


def test_a_bad_filter_is_a_field_error(suggestions, handler1):
    response = token_client(handler1).get(f"{URL}?decision=support&received_from=bad")
    assert response.status_code == 400
    assert {"decision", "received_from"} <= set(response.json())


def test_one_suggestion_and_404_outside_scope(suggestions, handler1, outsider):
    url = f"{URL}{suggestions.b.pk}/"
    assert token_client(handler1).get(url).json()["decision"] == "partly_adopted"
    assert token_client(outsider).get(url).status_code == 404
    # A complaint is no suggestion.
    assert token_client(handler1).get(f"{URL}{suggestions.complaint.pk}/").status_code == 404
    assert token_client(handler1).get(f"{URL}abc/").status_code == 404


def commend_url(case) -> str:
    return f"{URL}{case.pk}/commendations/"


def test_commending_through_the_api(suggestions, city_leader):
    response = token_client(city_leader).post(
        commend_url(suggestions.b),
        {"kind": "material", "granted_on": "2026-11-10", "text": "奖励", "granting_unit": "CT"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["granting_unit"], body["granted_on"]) == (
        "material",
        "CT",
        "2026-11-10",
    )
    assert SuggestionCommendation.objects.filter(case=suggestions.b).count() == 1


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"kind", "granted_on", "text"}),
        ({"kind": "medal", "granted_on": "2026-11-10", "text": "x"}, {"kind"}),
        ({"kind": "written", "granted_on": "2026-02-30", "text": "x"}, {"granted_on"}),
        ({"kind": "written", "granted_on": "2026-12-30", "text": "x"}, {"granted_on"}),
        ({"kind": "written", "granted_on": "2026-11-10", "text": ""}, {"text"}),
        (
            {"kind": "written", "granted_on": "2026-11-10", "text": "x", "granting_unit": "NOPE"},
            {"granting_unit"},
        ),
        (
            {"kind": "written", "granted_on": "2026-11-10", "text": "x", "granting_unit": "D2"},
            {"granting_unit"},
        ),
        ({"kind": "written", "granted_on": "2026-11-10", "text": "x\x00"}, {"text"}),
        ({"kind": ["written"], "granted_on": 5, "text": {"a": 1}}, {"kind", "granted_on", "text"}),
    ],
)
def test_bad_input_is_a_field_error(suggestions, handler1, data, fields):
    response = token_client(handler1).post(commend_url(suggestions.b), data, format="json")
    assert response.status_code == 400, response.content
    assert fields <= set(response.json())
    assert not SuggestionCommendation.objects.filter(case=suggestions.b).exists()


def test_a_suggestion_not_adopted_is_a_case_error(suggestions, handler1):
    data = {"kind": "written", "granted_on": "2026-11-20", "text": "表扬"}
    response = token_client(handler1).post(commend_url(suggestions.c), data, format="json")
    assert response.status_code == 400
    assert "case" in response.json()


def test_roles_and_scope(suggestions, city_supervisor, outsider, handler2):
    data = {"kind": "written", "granted_on": "2026-11-10", "text": "表扬"}
    assert token_client(city_supervisor).post(commend_url(suggestions.b), data).status_code == 403
    assert token_client(outsider).post(commend_url(suggestions.b), data).status_code == 404
    assert token_client(handler2).post(commend_url(suggestions.b), data).status_code == 404
    # Even with bad input, the role is refused first.
    assert token_client(city_supervisor).post(commend_url(suggestions.b), {}).status_code == 403
