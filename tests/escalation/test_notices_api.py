"""API contract of supervision notices: GET/POST /api/v1/supervision-notices/ and
POST …/{id}/respond/: the output, bad input on the field, 403 for the wrong role, 404
outside the caller's scope, 409 for a second answer, bounded queries."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases import services as case_services
from cases.models import Deadline
from escalation.kinds import EscalationDeadlineKind, EscalationEventKind
from escalation.models import SupervisionNotice
from escalation.notices.services import supervision_notice_issue
from tests.document_links import check_token_download
from tests.factories import register_petition

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
NOTICES = "/api/v1/supervision-notices/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def respond_url(notice) -> str:
    return f"{NOTICES}{notice.pk}/respond/"


@pytest.fixture
def case(handler1, frozen_now):
    case = register_petition(
        handler1,
        received_at=datetime.datetime(2026, 11, 20, 9, tzinfo=SHANGHAI),
        summary="升平街3号楼楼道垃圾堆积",
    ).petition.case
    case_services.case_accept(actor=handler1, case=case)
    return case


@pytest.fixture
def notice(case, d1_supervisor, org):
    return supervision_notice_issue(
        actor=d1_supervisor,
        case=case,
        unit=org.d1_street,
        due_on=D(2026, 11, 27),
        content="请清运并书面报告。",
    )


def issue_payload(on_case, **overrides) -> dict:
    return {
        "case": on_case.number,
        "unit": "D1S1",
        "due": "2026-11-27",
        "content": "请于期限内办结并书面报告。",
        **overrides,
    }


# --- issuing --------------------------------------------------------------------------------


def test_a_supervisor_issues_a_notice_and_gets_it_back(case, d1_supervisor):
    response = api(d1_supervisor).post(NOTICES, issue_payload(case, kind="urge"), format="json")
    assert response.status_code == 201, response.data
    data = response.json()
    notice = SupervisionNotice.objects.get()
    assert data["id"] == notice.pk
    assert data["number"] == "东湖区督〔2026〕1号"
    assert data["case"] == case.number
    assert data["unit"] == "D1S1" and data["unit_name"] == "东湖街道"
    assert data["kind"] == "urge"
    assert data["due"] == "2026-11-27" and data["issued_on"] == "2026-11-22"
    assert data["issuing_unit"] == "D1" and data["issued_by"] == "d1_supervisor"
    assert data["automatic"] is False
    assert data["status"] == "open"
    assert data["response"] == "" and data["responded_on"] is None
    (document,) = data["documents"]
    assert document["name"] == "催办通知书"
    assert document["print_url"].endswith(f"/escalation/notices/{notice.pk}/print/")
    assert document["docx_url"].endswith(f"/escalation/notices/{notice.pk}/docx/")
    assert Deadline.objects.filter(kind=EscalationDeadlineKind.SUPERVISION_NOTICE).count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"case": "NO-SUCH-CASE"}, "case"),
        ({"unit": "NOPE"}, "unit"),
        ({"unit": "CYXFJ"}, "unit"),  # another city: not in the supervisor's area
        ({"due": "2026-11-22"}, "due"),  # today
        ({"due": "not a date"}, "due"),
        ({"content": ""}, "content"),
        ({"kind": "order"}, "kind"),
        ({"case": "JZ\x00"}, "case"),
    ],
)
def test_bad_input_is_400_on_the_field_and_issues_nothing(case, d1_supervisor, overrides, field):
    response = api(d1_supervisor).post(NOTICES, issue_payload(case, **overrides), format="json")
    assert response.status_code == 400, response.data
    assert field in response.json()
    assert not SupervisionNotice.objects.exists()


def test_missing_fields_are_named(d1_supervisor):
    response = api(d1_supervisor).post(NOTICES, {}, format="json")
    assert response.status_code == 400
    assert {"case", "unit", "due", "content"} <= set(response.json())


def test_a_case_outside_the_supervisors_area_is_no_case(d1_supervisor, handler2, frozen_now):
    elsewhere = register_petition(handler2).petition.case
    response = api(d1_supervisor).post(
        NOTICES, issue_payload(elsewhere, unit="D1S1"), format="json"
    )
    assert response.status_code == 400 and "case" in response.json()


def test_a_handler_may_not_issue_a_notice(case, handler1):
    response = api(handler1).post(NOTICES, issue_payload(case), format="json")
    assert response.status_code == 403
    assert not SupervisionNotice.objects.exists()


# --- reading --------------------------------------------------------------------------------


def test_list_tabs_and_filters(notice, case, street_handler, d1_supervisor, handler2):
    assert [n["number"] for n in api(street_handler).get(NOTICES).json()["results"]] == [
        notice.number
    ]
    awaiting = api(street_handler).get(NOTICES, {"tab": "awaiting"}).json()["results"]
    assert [n["id"] for n in awaiting] == [notice.pk]
    assert api(d1_supervisor).get(NOTICES, {"tab": "awaiting"}).json()["results"] == []
    issued = api(d1_supervisor).get(NOTICES, {"tab": "issued"}).json()["results"]
    assert [n["id"] for n in issued] == [notice.pk]
    assert api(d1_supervisor).get(NOTICES, {"case": case.number}).json()["count"] == 1
    assert api(d1_supervisor).get(NOTICES, {"case": "OTHER"}).json()["count"] == 0
    assert api(d1_supervisor).get(NOTICES, {"open": "false"}).json()["count"] == 0
    assert api(handler2).get(NOTICES).json()["count"] == 0
    response = api(d1_supervisor).get(NOTICES, {"tab": "mine"})
    assert response.status_code == 400 and "tab" in response.json()


def test_list_query_count_does_not_grow_with_the_rows(
    case, notice, d1_supervisor, org, django_assert_max_num_queries
):
    client = api(d1_supervisor)
    with CaptureQueriesContext(connection) as one:
        assert client.get(NOTICES).json()["count"] == 1
    for unit in (org.d1_business, org.d1_community, org.d1_office, org.d1_street):
        supervision_notice_issue(
            actor=d1_supervisor, case=case, unit=unit, due_on=D(2026, 11, 27), content="x"
        )
    with django_assert_max_num_queries(len(one)):
        assert client.get(NOTICES).json()["count"] == 5


def test_detail_is_404_outside_scope(notice, handler2, outsider, street_handler):
    assert api(street_handler).get(f"{NOTICES}{notice.pk}/").status_code == 200
    for user in (handler2, outsider):
        assert api(user).get(f"{NOTICES}{notice.pk}/").status_code == 404
    assert api(street_handler).get(f"{NOTICES}999999/").status_code == 404
    assert api(street_handler).get(f"{NOTICES}abc/").status_code == 404
    assert api(street_handler).get(f"{NOTICES}{2**64}/").status_code == 404


def test_an_automatic_notice_says_so(case, org, street_handler):
    supervision_notice_issue(
        actor=None,
        case=case,
        unit=org.d1_street,
        due_on=D(2026, 11, 27),
        content="超期",
        issuing_unit=org.d1_office,
    )
    (data,) = api(street_handler).get(NOTICES).json()["results"]
    assert data["automatic"] is True and data["issued_by"] is None
    assert data["issuing_unit"] == "D1XFJ"


# --- responding -----------------------------------------------------------------------------


def test_the_unit_responds_through_the_api(notice, case, street_handler):
    response = api(street_handler).post(
        respond_url(notice), {"response": "已清运完毕。"}, format="json"
    )
    assert response.status_code == 200, response.data
    data = response.json()
    assert data["status"] == "answered"
    assert data["response"] == "已清运完毕。"
    assert data["responded_on"] == "2026-11-22" and data["responded_by"] == "street_handler"
    assert case.events.filter(kind=EscalationEventKind.SUPERVISION_ANSWERED).count() == 1

    again = api(street_handler).post(respond_url(notice), {"response": "再答"}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "response"),
        ({"response": ""}, "response"),
        ({"response": "已办", "date": "2026-11-23"}, "date"),
        ({"response": "已办", "date": "2026-11-21"}, "date"),
        ({"response": "已办", "date": "yesterday"}, "date"),
    ],
)
def test_bad_response_is_400_on_the_field(notice, street_handler, payload, field):
    response = api(street_handler).post(respond_url(notice), payload, format="json")
    assert response.status_code == 400, response.data
    assert field in response.json()
    notice.refresh_from_db()
    assert notice.is_open


def test_the_wrong_unit_or_role_gets_403_and_outside_scope_404(
    notice, handler1, d1_supervisor, handler2
):
    for user in (handler1, d1_supervisor):  # they see the notice but it is not addressed to them
        response = api(user).post(respond_url(notice), {"response": "已办"}, format="json")
        assert response.status_code == 403, user
    response = api(handler2).post(respond_url(notice), {"response": "已办"}, format="json")
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.is_open


def test_overdue_status(notice, street_handler, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 30, 12, tzinfo=SHANGHAI), tick=False)
    data = api(street_handler).get(f"{NOTICES}{notice.pk}/").json()
    assert data["status"] == "overdue"


def test_anonymous_is_refused(notice):
    assert APIClient().get(NOTICES).status_code in (401, 403)


def test_the_notice_links_open_with_the_api_token(notice, d1_supervisor, outsider):
    (document,) = api(d1_supervisor).get(f"{NOTICES}{notice.pk}/").json()["documents"]
    check_token_download(document["docx_url"], owner=d1_supervisor, outsider=outsider)
    check_token_download(document["print_url"], owner=d1_supervisor, outsider=outsider, docx=False)
