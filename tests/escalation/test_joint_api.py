"""The joint supervision API (`/api/v1/supervisions/`): list and detail in the caller's
scope, opening with five parties (bad input refused with field errors, nothing written),
party reports, the three documents listed with download links, 403/404/409."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.models import Deadline
from escalation.kinds import EscalationDeadlineKind
from escalation.models import JointReport, JointStatus, JointSupervision, PartyRole
from notifications.models import Notification
from tests.document_links import check_token_download

from . import joint_fixtures
from .joint_fixtures import DUES, ID_NUMBER, PHONE, TASKS, new_case

joint_case = joint_fixtures.joint_case
supervision = joint_fixtures.supervision

URL = "/api/v1/supervisions/"
CODES = {"tracking": "D1XFJ", "business": "D1JY", "stability": "D1ZZ", "judicial": "D1SF",
         "discipline": "D1JW"}  # fmt: skip


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def parties_payload(**changes) -> list[dict]:
    rows = []
    for role in PartyRole.values:
        row = {"role": role, "unit": CODES[role], "task": TASKS[role], "due": str(DUES[role])}
        if role in changes:
            row = changes[role]
        if row is not None:
            rows.append(row)
    return rows


def written() -> tuple:
    return (
        JointSupervision.objects.count(),
        Deadline.objects.filter(kind=EscalationDeadlineKind.JOINT_TASK).count(),
        Notification.objects.filter(kind="joint_supervision").count(),
    )


# --- opening ------------------------------------------------------------------------------


def test_open_with_five_parties_answers_the_supervision_with_its_documents(
    d1_supervisor, joint_case, party_units, party_users
):
    response = api(d1_supervisor).post(
        URL, {"case": joint_case.number, "parties": parties_payload()}, format="json"
    )

    assert response.status_code == 201, response.data
    body = response.json()
    assert body["number"] == "东湖区联督〔2026〕1号"
    assert body["case"] == joint_case.number and body["status"] == "open"
    assert [(p["role"], p["unit"], p["due"]) for p in body["parties"]] == [
        (role, CODES[role], str(DUES[role])) for role in PartyRole.values
    ]
    assert {p["state"] for p in body["parties"]} == {"not_reported"}
    documents = {doc["kind"]: doc for doc in body["documents"]}
    assert set(documents) == {"letter", "summary", "responsibility"}
    pk = body["id"]
    assert documents["letter"]["docx_url"] == (
        f"http://testserver/escalation/joint/{pk}/documents/letter/docx/"
    )
    assert ID_NUMBER not in body["summary"] and PHONE not in body["summary"]


def test_fewer_than_five_parties_are_refused_with_a_field_error_and_nothing_written(
    d1_supervisor, joint_case, party_units
):
    before = written()
    response = api(d1_supervisor).post(
        URL,
        {"case": joint_case.number, "parties": parties_payload(judicial=None)},
        format="json",
    )
    assert response.status_code == 400
    (message,) = response.json()["parties"]
    assert "法律援助" in message
    assert written() == before


def test_a_party_of_the_wrong_kind_is_refused_with_a_field_error_and_nothing_written(
    d1_supervisor, joint_case, party_units
):
    before = written()
    wrong = {"role": "discipline", "unit": "D1JY", "task": "审计", "due": "2026-12-15"}
    response = api(d1_supervisor).post(
        URL,
        {"case": joint_case.number, "parties": parties_payload(discipline=wrong)},
        format="json",
    )
    assert response.status_code == 400
    (message,) = response.json()["parties"]
    assert "审计查处" in message and "东湖区教育局" in message
    assert written() == before


def test_an_unknown_unit_code_is_refused_on_that_party(d1_supervisor, joint_case, party_units):
    bad = {"role": "judicial", "unit": "NOSUCH", "task": "援助", "due": "2026-12-08"}
    response = api(d1_supervisor).post(
        URL, {"case": joint_case.number, "parties": parties_payload(judicial=bad)}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["parties"]
    assert errors[3]["unit"] and not errors[0]
    assert not JointSupervision.objects.exists()


def test_bad_shapes_are_field_errors(d1_supervisor, joint_case, party_units):
    client = api(d1_supervisor)
    response = client.post(URL, {"case": joint_case.number, "parties": "five"}, format="json")
    assert response.status_code == 400 and "parties" in response.json()
    bad_role = {"role": "mayor", "unit": "D1XFJ", "task": "x", "due": "2026-12-01"}
    response = client.post(URL, {"case": joint_case.number, "parties": [bad_role]}, format="json")
    assert response.status_code == 400 and response.json()["parties"][0]["role"]
    response = client.post(URL, {"parties": parties_payload()}, format="json")
    assert response.status_code == 400 and "case" in response.json()


def test_a_case_outside_the_callers_scope_is_no_such_case(
    handler2, d1_supervisor, joint_case, party_units, org
):
    other = new_case(handler2)
    response = api(d1_supervisor).post(
        URL, {"case": other.number, "parties": parties_payload()}, format="json"
    )
    assert response.status_code == 400
    assert "case" in response.json()


def test_a_business_department_handler_may_not_open_one(joint_case, party_units, party_users):
    response = api(party_users.business).post(
        URL, {"case": joint_case.number, "parties": parties_payload()}, format="json"
    )
    # The business department does not see the case at all.
    assert response.status_code == 400 and "case" in response.json()
    response = api(party_users.tracking).post(
        URL, {"case": joint_case.number, "parties": parties_payload()}, format="json"
    )
    assert response.status_code == 201


def test_a_leader_who_sees_the_case_gets_403(joint_case, party_units, org):
    from tests.conftest import _user

    leader = _user("d1_leader", org.d1, "leader")
    response = api(leader).post(
        URL, {"case": joint_case.number, "parties": parties_payload()}, format="json"
    )
    assert response.status_code == 403
    assert not JointSupervision.objects.exists()


def test_a_second_open_supervision_is_a_conflict(supervision, d1_supervisor, joint_case):
    response = api(d1_supervisor).post(
        URL, {"case": joint_case.number, "parties": parties_payload()}, format="json"
    )
    assert response.status_code == 409


# --- reading ------------------------------------------------------------------------------


def test_list_and_filters(supervision, d1_supervisor, joint_case):
    client = api(d1_supervisor)
    assert [row["number"] for row in client.get(URL).json()["results"]] == [supervision.number]
    assert client.get(URL, {"status": "closed"}).json()["results"] == []
    assert len(client.get(URL, {"status": "open"}).json()["results"]) == 1
    assert len(client.get(URL, {"case": joint_case.number}).json()["results"]) == 1
    assert client.get(URL, {"case": "D1XFJ-2026-999999"}).json()["results"] == []
    assert client.get(URL, {"status": "sideways"}).status_code == 400


def test_party_units_see_the_supervision_others_do_not(
    supervision, party_users, handler2, outsider
):
    for user in vars(party_users).values():
        assert api(user).get(URL).json()["count"] == 1, user
        assert api(user).get(f"{URL}{supervision.pk}/").status_code == 200
    for user in (handler2, outsider):
        assert api(user).get(URL).json()["count"] == 0
        assert api(user).get(f"{URL}{supervision.pk}/").status_code == 404


def test_detail_of_an_unknown_or_malformed_id_is_404(supervision, d1_supervisor):
    client = api(d1_supervisor)
    for pk in ("999999", "abc", "0", str(2**70)):
        assert client.get(f"{URL}{pk}/").status_code == 404


def test_list_queries_do_not_grow_with_the_number_of_supervisions(
    d1_supervisor, handler1, party_units, party_users, django_assert_max_num_queries, frozen_now
):
    from escalation.joint.services.opening import joint_supervision_open

    from .joint_fixtures import drafts_for

    def add(count):
        for _ in range(count):
            case = new_case(handler1)
            joint_supervision_open(actor=d1_supervisor, case=case, parties=drafts_for(party_units))

    client = api(d1_supervisor)
    add(1)
    with django_assert_max_num_queries(8) as one:
        assert client.get(URL).json()["count"] == 1
    add(19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(URL).json()["count"] == 20


# --- reports ------------------------------------------------------------------------------


def test_a_party_reports_progress_then_completion(supervision, party_users):
    client = api(party_users.stability)
    url = f"{URL}{supervision.pk}/report/"
    response = client.post(url, {"role": "stability", "content": "已走访", "done": False})
    assert response.status_code == 200
    states = {p["role"]: p["state"] for p in response.json()["parties"]}
    assert states["stability"] == "in_progress" and states["business"] == "not_reported"
    response = client.post(
        url, {"role": "stability", "content": "稳控到位", "done": True}, format="json"
    )
    party = next(p for p in response.json()["parties"] if p["role"] == "stability")
    assert party["state"] == "done" and party["done_on"] == "2026-11-22"
    assert [r["content"] for r in party["reports"]] == ["已走访", "稳控到位"]
    again = client.post(url, {"role": "stability", "content": "再报", "done": True})
    assert again.status_code == 409


def test_reporting_for_another_partys_unit_is_403(supervision, party_users):
    response = api(party_users.business).post(
        f"{URL}{supervision.pk}/report/", {"role": "stability", "content": "x", "done": True}
    )
    assert response.status_code == 403
    assert not JointReport.objects.exists()


def test_reporting_on_a_supervision_outside_scope_is_404(supervision, outsider):
    response = api(outsider).post(
        f"{URL}{supervision.pk}/report/", {"role": "tracking", "content": "x", "done": False}
    )
    assert response.status_code == 404


def test_a_report_without_content_or_with_a_future_date_is_a_field_error(supervision, party_users):
    client = api(party_users.judicial)
    url = f"{URL}{supervision.pk}/report/"
    response = client.post(url, {"role": "judicial", "content": " ", "done": True})
    assert response.status_code == 400 and "content" in response.json()
    response = client.post(
        url, {"role": "judicial", "content": "x", "done": False, "date": "2026-12-01"}
    )
    assert response.status_code == 400 and "date" in response.json()
    response = client.post(url, {"role": "judge", "content": "x"})
    assert response.status_code == 400 and "role" in response.json()
    assert not JointReport.objects.exists()
    supervision.refresh_from_db()
    assert supervision.status == JointStatus.OPEN


@pytest.mark.parametrize("kind", ["letter", "summary", "responsibility"])
def test_the_listed_document_links_download(supervision, d1_supervisor, kind, client):
    body = api(d1_supervisor).get(f"{URL}{supervision.pk}/").json()
    link = next(doc for doc in body["documents"] if doc["kind"] == kind)["docx_url"]
    client.force_login(d1_supervisor)
    response = client.get(link.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("kind", ["letter", "summary", "responsibility"])
def test_the_listed_document_links_open_with_the_api_token(
    supervision, d1_supervisor, outsider, kind
):
    body = api(d1_supervisor).get(f"{URL}{supervision.pk}/").json()
    link = next(doc for doc in body["documents"] if doc["kind"] == kind)
    check_token_download(link["docx_url"], owner=d1_supervisor, outsider=outsider)
    check_token_download(link["print_url"], owner=d1_supervisor, outsider=outsider, docx=False)
