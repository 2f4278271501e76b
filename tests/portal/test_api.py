"""`POST /api/v1/public/query/`: the contract, enumeration, the lock, the throttle, and that a
staff session or token changes nothing."""

import datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from cases import services
from tests.factories import UserFactory, deliver, make_id_number, petitioner, token_client

from .conftest import D, registered

pytestmark = pytest.mark.usefixtures("frozen_now")  # 2026-11-22

URL = "/api/v1/public/query/"
KEYS = {
    "documents",
    "number",
    "status",
    "status_label",
    "steps",
    "due_dates",
    "can_evaluate",
    "can_request_review",
}


def ask(client, number, code, **extra):
    return client.post(URL, {"number": number, "query_code": code}, format="json", **extra)


def test_the_right_pair_gets_the_matter(client, handler1):
    petition, code = registered(handler1)
    services.case_accept(actor=handler1, case=petition.case, on=D(2026, 11, 5))
    response = ask(client, petition.number, code)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    assert (body["number"], body["status"], body["status_label"]) == (
        petition.number,
        "accepted",
        "已受理",
    )
    assert body["steps"] == [
        {"date": "2026-11-02", "label": "已登记"},
        {"date": "2026-11-05", "label": "已受理"},
    ]
    assert [due["label"] for due in body["due_dates"]] == ["答复期限"]
    assert body["documents"] == []  # nothing answered yet
    assert body["can_evaluate"] is False and body["can_request_review"] is False


def test_a_wrong_code_and_an_unknown_number_look_the_same(client, handler1):
    petition, code = registered(handler1)
    wrong_code = ask(client, petition.number, "ABCDEFGH")
    unknown_number = ask(client, "D1XFJ-2026-999999", code)
    assert wrong_code.status_code == unknown_number.status_code == 404
    assert wrong_code.content == unknown_number.content
    assert set(wrong_code.json()) == {"detail"}
    assert wrong_code.get("Retry-After") is None


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"number", "query_code"}),
        ({"number": "", "query_code": ""}, {"number", "query_code"}),
        ({"number": "X" * 41, "query_code": "ABCDEFGH"}, {"number"}),
        ({"number": "D1XFJ-2026-1", "query_code": "A" * 33}, {"query_code"}),
        ({"number": ["a"], "query_code": {"b": 1}}, {"number", "query_code"}),
        ({"number": "D1\x00", "query_code": "ABCDEFGH"}, {"number"}),
    ],
)
def test_bad_input_gets_field_errors(client, db, data, fields):
    response = client.post(URL, data, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields


def test_a_body_that_does_not_parse_is_400(client, db):
    response = client.post(URL, "{", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()


def test_five_wrong_codes_lock_the_number_even_for_the_right_code(
    client, handler1, settings, time_machine
):
    assert (settings.PUBLIC_QUERY_FAILURE_LIMIT, settings.PUBLIC_QUERY_LOCK_MINUTES) == (5, 15)
    petition, code = registered(handler1)
    for _ in range(5):
        assert ask(client, petition.number, "WRONGCDE").status_code == 404
    locked = ask(client, petition.number, code)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 15 * 60
    assert set(locked.json()) == {"detail"}
    # Another number is not locked.
    other, other_code = registered(handler1)
    assert ask(client, other.number, other_code).status_code == 200
    time_machine.shift(datetime.timedelta(minutes=10))
    refused = ask(client, petition.number, code)
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 5 * 60
    time_machine.shift(datetime.timedelta(minutes=5, seconds=1))
    assert ask(client, petition.number, code).status_code == 200


def test_wrong_codes_spread_over_more_than_the_window_do_not_lock(client, handler1, time_machine):
    petition, code = registered(handler1)
    for _ in range(4):
        ask(client, petition.number, "WRONGCDE")
    time_machine.shift(datetime.timedelta(minutes=15, seconds=1))
    for _ in range(4):
        assert ask(client, petition.number, "WRONGCDE").status_code == 404
    assert ask(client, petition.number, code).status_code == 200


def test_the_right_code_starts_the_count_again(client, handler1):
    petition, code = registered(handler1)
    for _ in range(4):
        ask(client, petition.number, "WRONGCDE")
    assert ask(client, petition.number, code).status_code == 200
    for _ in range(4):
        assert ask(client, petition.number, "WRONGCDE").status_code == 404
    assert ask(client, petition.number, code).status_code == 200


def test_an_unknown_number_locks_the_same_way(client, handler1):
    """The lock tells nothing about which numbers exist."""
    petition, _code = registered(handler1)
    answers = {}
    for number in (petition.number, "D1XFJ-2026-999999"):
        replies = [ask(client, number, "WRONGCDE") for _ in range(6)]
        answers[number] = [(r.status_code, r.content, r.get("Retry-After")) for r in replies]
    existing, unknown = answers.values()
    assert existing == unknown
    assert [status for status, _body, _retry in existing] == [404] * 5 + [429]


def test_lookups_are_throttled_per_address(client, handler1, settings):
    settings.PUBLIC_QUERY_RATE = "3/minute"
    petition, code = registered(handler1)
    for number in ("A-1", "A-2", "A-3"):
        assert ask(client, number, "WRONGCDE").status_code == 404
    throttled = ask(client, petition.number, code)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    other_address = ask(client, petition.number, code, REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 200


def test_a_staff_session_or_token_changes_nothing(handler1, org):
    petition, code = registered(handler1)
    anonymous = ask(APIClient(), petition.number, code)
    session = APIClient()
    session.force_login(handler1)
    token = token_client(handler1)
    auditor = UserFactory(username="auditor9", org_unit=org.city, roles=["auditor"])
    auditor_session = APIClient()
    auditor_session.force_login(auditor)
    expected = (anonymous.status_code, anonymous.content)
    assert expected[0] == 200
    for client in (session, token, token_client(auditor), auditor_session):
        response = ask(client, petition.number, code, HTTP_IDEMPOTENCY_KEY="same-key-1")
        assert (response.status_code, response.content) == expected
        assert response.get("Idempotent-Replayed") is None
    # The same Idempotency-Key again: the portal runs again, nothing is stored for replay.
    again = ask(token, petition.number, code, HTTP_IDEMPOTENCY_KEY="same-key-1")
    assert again.get("Idempotent-Replayed") is None
    # A wrong code is not found for staff either: no staff path through the portal.
    session_wrong = ask(session, petition.number, "WRONGCDE")
    assert session_wrong.status_code == 404


def test_a_session_owing_its_second_step_changes_nothing(handler1):
    """The second-step middleware holds a staff session at its code page; the portal does not
    read the session at all."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    petition, code = registered(handler1)
    TOTPDevice.objects.create(user=handler1, name="phone", confirmed=True)
    session = APIClient()
    session.force_login(handler1)  # no code given in this session
    assert session.get("/api/v1/cases/").status_code == 403  # held at the second step
    assert ask(session, petition.number, code).status_code == 200


def _strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def test_no_internal_field_in_any_answer(client, handler1, street_handler, city_leader, org):
    """An accusation against a unit, with petitioners' ID numbers and phones, handled by named
    staff with internal instructions: nothing of it in the public answer."""
    id_number, phone = make_id_number(), "13912345678"
    other_id, other_phone = make_id_number(female=True), "13800001111"
    petition, code = registered(
        handler1,
        matter_kind="accusation",
        accused_unit=org.d1_business,
        accused_person="某主任",
        category="1401",
        summary="举报东湖区某局违规发放补贴",
        person_count=2,
        petitioners=[
            petitioner(name="温启光", id_number=id_number, phone=phone),
            petitioner("member", name="孙佩华", id_number=other_id, phone=other_phone),
        ],
    )
    case = petition.case
    services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=org.d1_street,
        responsible_person="孙街道主任",
        instructions="内部批示：务必保密",
        due_on=D(2026, 12, 10),
        on=D(2026, 11, 4),
    )
    deliver(
        case,
        handler1,
        city_leader,
        on=D(2026, 11, 20),
        report_by=street_handler,
        instruction="同意，抓紧答复",
    )
    body = ask(client, petition.number, code).json()
    assert body["status"] == "replied" and body["can_request_review"] is True
    text = " ".join(_strings(body))
    staff = list(User.objects.all())
    forbidden = [
        org.d1_business.name,
        "某主任",
        "孙街道主任",
        "内部批示",
        "同意，抓紧答复",
        id_number,
        phone,
        other_id,
        other_phone,
        "温启光",
        "孙佩华",
        *(u.username for u in staff),
        *(u.get_full_name() for u in staff if u.get_full_name()),
    ]
    leaked = [value for value in forbidden if value and value in text]
    assert leaked == []
    internal_keys = {"id", "pk", "case", "owner_unit", "actor", "comment", "data", "instructions"}
    assert not internal_keys & set(_strings(body))


def test_the_operation_is_declared_without_authentication(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["post"]
    assert operation.get("security", []) in ([], [{}])  # no credentials asked for
    assert {"200", "400", "404", "429"} <= set(operation["responses"])
    assert "409" not in operation["responses"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][answer.rsplit("/", 1)[1]]
    assert set(component["properties"]) == KEYS
    assert not any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", []))
