"""API contract of major and urgent matters: /api/v1/urgent-reports/ (time frozen on Sunday
2026-11-22 at noon): the output, what each caller sees (404 and no rows outside their area,
nor on a case that accuses their unit), bad input as 400 on its field, 403 for the wrong role
or unit, 409 for a step the report's state refuses, the filters, and list queries that do not
grow with the rows."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ledgers.models import LedgerEvent, UrgentRecipient, UrgentReport, UrgentStatus
from ledgers.urgent.services import (
    urgent_acknowledge,
    urgent_flag,
    urgent_follow_up,
    urgent_report_issue,
)
from notifications.models import Notification
from tests.conftest import _user
from tests.factories import UserFactory, register_petition, token_client

pytestmark = pytest.mark.usefixtures("frozen_now")

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = datetime.datetime(2026, 11, 22, 12, tzinfo=SHANGHAI)
REPORTS = "/api/v1/urgent-reports/"


def api(user):
    return token_client(user)


def at(time_machine, hours: float) -> None:
    time_machine.move_to(NOON + datetime.timedelta(hours=hours), tick=False)


def report_url(report) -> str:
    return f"{REPORTS}{report.pk}/"


def step_url(report, step: str) -> str:
    return f"{REPORTS}{report.pk}/{step}/"


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


@pytest.fixture
def d1_leader(org):
    """Leader at the district-1 government D1: D1's reports come to them."""
    return _user("d1_leader", org.d1, "leader", last_name="冯")


@pytest.fixture
def case(handler1):
    return register_petition(handler1, summary="五十余人聚集区政府门前").petition.case


@pytest.fixture
def flagged(case, handler1, d1_leader, d1_supervisor) -> UrgentReport:
    return urgent_flag(
        actor=handler1, case=case, gravity="urgent", reason="五十余人聚集，情绪激动。"
    )


@pytest.fixture
def issued(flagged, handler1, city_handler) -> UrgentReport:
    return urgent_report_issue(actor=handler1, report=flagged, content="今日上午……")


@pytest.fixture
def accusation(handler1, org):
    """A case accusing the city's petition office CTXFJ."""
    return register_petition(
        handler1, matter_kind="accusation", accused_unit=org.city_office
    ).petition.case


def flag_payload(flagged_case, **overrides) -> dict:
    return {
        "case": flagged_case.number,
        "gravity": "urgent",
        "reason": "五十余人聚集，情绪激动。",
        **overrides,
    }


# --- flagging -------------------------------------------------------------------------------


def test_a_handler_flags_a_case_and_the_reporting_clock_starts(
    case, handler1, d1_leader, d1_supervisor
):
    response = api(handler1).post(REPORTS, flag_payload(case, content="初稿"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    report = UrgentReport.objects.get()
    assert data["id"] == report.pk
    assert data["number"] == "东湖区信访局专报〔2026〕1号"
    assert data["case"] == case.number and data["gravity"] == "urgent"
    assert data["reason"] == "五十余人聚集，情绪激动。" and data["content"] == "初稿"
    assert data["reporting_unit"] == "D1XFJ" and data["reporting_unit_name"] == "东湖区信访局"
    assert data["flagged_by"] == "handler1"
    assert data["status"] == "draft" and data["late"] is False
    assert data["recipients"] == []
    assert data["issued_at"] is None and data["issued_by"] is None and data["ack_due_at"] is None
    flagged_at = datetime.datetime.fromisoformat(data["flagged_at"])
    due = datetime.datetime.fromisoformat(data["report_due_at"])
    assert flagged_at == NOON and due == NOON + datetime.timedelta(hours=4)
    assert report.report_due_at == NOON + datetime.timedelta(hours=4)
    # The district's leaders and supervisors are told.
    told = set(
        Notification.objects.filter(kind="urgent").values_list("recipient__username", flat=True)
    )
    assert told == {"d1_leader", "d1_supervisor"}
    second = api(handler1).post(REPORTS, flag_payload(case, gravity="major"), format="json")
    assert second.status_code == 201, second.content
    assert second.json()["number"] == "东湖区信访局专报〔2026〕2号"


def test_a_second_open_report_of_the_same_gravity_is_409(flagged, case, handler1):
    response = api(handler1).post(REPORTS, flag_payload(case), format="json")
    assert response.status_code == 409, response.content
    assert flagged.number in response.json()["detail"]
    assert UrgentReport.objects.count() == 1


def test_an_acknowledged_report_does_not_stop_another(
    issued, case, handler1, d1_leader, city_handler
):
    for user in (d1_leader, city_handler):
        urgent_acknowledge(actor=user, report=issued)
    response = api(handler1).post(REPORTS, flag_payload(case), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"gravity": "huge"}, "gravity"),
        ({"gravity": ""}, "gravity"),
        ({"gravity": ["urgent"]}, "gravity"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": {"a": 1}}, "reason"),
        ({"reason": "聚集\x00"}, "reason"),
        ({"content": "报告\x00"}, "content"),
        ({"case": "NOPE-1"}, "case"),
        ({"case": ""}, "case"),
        ({"case": "x" * 41}, "case"),
        ({"case": "\x00"}, "case"),
    ],
)
def test_bad_flag_input_is_400_on_the_field_and_flags_nothing(case, handler1, overrides, field):
    response = api(handler1).post(REPORTS, flag_payload(case, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not UrgentReport.objects.exists()


def test_missing_flag_fields_are_named(handler1):
    response = api(handler1).post(REPORTS, {}, format="json")
    assert response.status_code == 400
    assert {"case", "gravity", "reason"} <= set(response.json())


def test_a_case_outside_the_callers_area_is_400_on_the_case(case, handler2, outsider):
    for user in (handler2, outsider):
        response = api(user).post(REPORTS, flag_payload(case), format="json")
        assert response.status_code == 400, (user, response.content)
        assert "case" in response.json()
    assert not UrgentReport.objects.exists()


def test_the_accused_unit_may_not_flag_the_accusation(accusation, city_handler):
    response = api(city_handler).post(REPORTS, flag_payload(accusation), format="json")
    assert response.status_code == 400 and "case" in response.json()
    assert not UrgentReport.objects.exists()


def test_a_role_without_flagging_rights_is_403(org, case):
    auditor = UserFactory(username="auditor", org_unit=org.city, roles=["auditor"])
    admin = UserFactory(username="d1_admin", org_unit=org.d1_office, roles=["admin"])
    for user in (auditor, admin):
        response = api(user).post(REPORTS, flag_payload(case), format="json")
        assert response.status_code == 403, (user, response.content)
        assert "detail" in response.json()
    assert not UrgentReport.objects.exists()


def test_a_user_without_a_unit_may_not_flag(case):
    nobody = UserFactory(username="unplaced", org_unit=None, roles=["handler"])
    response = api(nobody).post(REPORTS, flag_payload(case), format="json")
    assert response.status_code == 403, response.content
    assert not UrgentReport.objects.exists()


# --- reading --------------------------------------------------------------------------------


def test_reports_are_listed_and_read_within_the_callers_area(
    issued, handler1, colleague1, d1_leader, d1_supervisor, city_handler, city_leader
):
    for user in (handler1, colleague1, d1_leader, d1_supervisor, city_handler, city_leader):
        assert numbers(api(user).get(REPORTS)) == [issued.number], user
        response = api(user).get(report_url(issued))
        assert response.status_code == 200, user
        assert response.json()["number"] == issued.number


def test_another_city_or_district_sees_nothing(issued, handler1, handler2, outsider):
    for user in (handler2, outsider):
        response = api(user).get(REPORTS)
        assert response.status_code == 200 and response.json()["count"] == 0, user
        assert api(user).get(report_url(issued)).status_code == 404, user
        for step, payload in (
            ("issue", {"content": "x"}),
            ("acknowledge", {}),
            ("follow_up", {"content": "x"}),
        ):
            response = api(user).post(step_url(issued, step), payload, format="json")
            assert response.status_code == 404, (user, step)
    client = api(handler1)
    for bad in ("999999", "abc", str(2**64), "0", "-1"):
        assert client.get(f"{REPORTS}{bad}/").status_code == 404, bad


def test_the_accused_unit_never_sees_the_report(accusation, handler1, city_handler, city_leader):
    report = urgent_flag(actor=handler1, case=accusation, gravity="major", reason="控告")
    report = urgent_report_issue(actor=handler1, report=report, content="报告")
    assert list(report.recipients.values_list("unit__code", flat=True)) == ["D1"]
    client = api(city_handler)
    assert numbers(client.get(REPORTS)) == []
    assert client.get(report_url(report)).status_code == 404
    assert client.post(step_url(report, "acknowledge"), {}, format="json").status_code == 404
    # The city's government, not accused, sees it.
    assert numbers(api(city_leader).get(REPORTS)) == [report.number]


def test_the_output_of_a_sent_report(issued, handler1, d1_leader):
    urgent_acknowledge(actor=d1_leader, report=issued)
    data = api(handler1).get(report_url(issued)).json()
    assert data["status"] == "issued" and data["content"] == "今日上午……"
    assert data["issued_by"] == "handler1"
    assert datetime.datetime.fromisoformat(data["issued_at"]) == NOON
    assert datetime.datetime.fromisoformat(data["ack_due_at"]) == NOON + datetime.timedelta(hours=2)
    recipients = {row["unit"]: row for row in data["recipients"]}
    assert set(recipients) == {"D1", "CTXFJ"}
    assert recipients["D1"]["unit_name"] == "东湖区"
    assert recipients["D1"]["acknowledged_by"] == "d1_leader"
    assert recipients["D1"]["acknowledged_at"] is not None
    assert recipients["CTXFJ"]["unit_name"] == "江城市信访局"
    assert recipients["CTXFJ"]["acknowledged_by"] is None
    assert recipients["CTXFJ"]["acknowledged_at"] is None


def test_anonymous_and_the_auditor_are_refused(issued, org):
    for url in (REPORTS, report_url(issued)):
        assert APIClient().get(url).status_code in (401, 403), url
    auditor = UserFactory(username="auditor", org_unit=org.city, roles=["auditor"])
    client = api(auditor)
    for url in (REPORTS, report_url(issued)):
        assert client.get(url).status_code == 403, url
    for step in ("issue", "acknowledge", "follow_up"):
        response = client.post(step_url(issued, step), {"content": "x"}, format="json")
        assert response.status_code == 403, step


# --- sending --------------------------------------------------------------------------------


def test_the_reporting_office_sends_the_report(flagged, handler1, d1_leader, city_handler):
    response = api(handler1).post(
        step_url(flagged, "issue"), {"content": "今日上午，五十余人聚集。"}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "issued" and data["content"] == "今日上午，五十余人聚集。"
    assert {row["unit"] for row in data["recipients"]} == {"D1", "CTXFJ"}
    assert data["late"] is False


def test_a_colleague_at_the_office_sends_it_too(flagged, colleague1):
    response = api(colleague1).post(step_url(flagged, "issue"), {"content": "报告"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["issued_by"] == "colleague1"


@pytest.mark.parametrize(
    "payload", [{}, {"content": ""}, {"content": "   "}, {"content": ["x"]}, {"content": "\x00"}]
)
def test_sending_without_content_is_400(flagged, handler1, payload):
    response = api(handler1).post(step_url(flagged, "issue"), payload, format="json")
    assert response.status_code == 400, response.content
    assert "content" in response.json()
    flagged.refresh_from_db()
    assert flagged.status == UrgentStatus.DRAFT
    assert not UrgentRecipient.objects.exists()


def test_another_unit_may_not_send_it(flagged, d1_leader, d1_supervisor, city_handler, city_leader):
    # They see the report (D1's government, the city above) but do not send D1XFJ's report.
    for user in (d1_leader, d1_supervisor, city_handler, city_leader):
        response = api(user).post(step_url(flagged, "issue"), {"content": "报告"}, format="json")
        assert response.status_code == 403, (user, response.content)
    flagged.refresh_from_db()
    assert flagged.status == UrgentStatus.DRAFT


def test_sending_twice_is_409(issued, handler1):
    response = api(handler1).post(step_url(issued, "issue"), {"content": "再报"}, format="json")
    assert response.status_code == 409
    assert issued.number in response.json()["detail"]
    issued.refresh_from_db()
    assert issued.content == "今日上午……"


def test_a_report_sent_after_its_clock_is_late(flagged, handler1, time_machine):
    client = api(handler1)
    at(time_machine, 3)
    assert client.get(report_url(flagged)).json()["late"] is False
    at(time_machine, 5)
    assert client.get(report_url(flagged)).json()["late"] is True  # still unsent
    response = client.post(step_url(flagged, "issue"), {"content": "迟报"}, format="json")
    assert response.status_code == 200
    assert response.json()["late"] is True  # sent late


# --- acknowledging --------------------------------------------------------------------------


def test_each_recipient_acknowledges_and_then_the_report_is(issued, d1_leader, city_handler):
    response = api(d1_leader).post(step_url(issued, "acknowledge"), format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "issued"
    acknowledged = {r["unit"]: r["acknowledged_by"] for r in data["recipients"]}
    assert acknowledged == {"D1": "d1_leader", "CTXFJ": None}
    again = api(d1_leader).post(step_url(issued, "acknowledge"), format="json")
    assert again.status_code == 409
    assert issued.number in again.json()["detail"]
    response = api(city_handler).post(step_url(issued, "acknowledge"), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "acknowledged"
    assert response.json()["late"] is False
    kinds = LedgerEvent.objects.filter(ledger="urgent_report", object_id=issued.pk)
    assert list(kinds.order_by("pk").values_list("kind", flat=True)) == [
        "flagged",
        "issued",
        "acknowledged",
        "acknowledged",
    ]


def test_acknowledging_before_sending_is_409(flagged, d1_leader):
    response = api(d1_leader).post(step_url(flagged, "acknowledge"), format="json")
    assert response.status_code == 409
    assert flagged.number in response.json()["detail"]


def test_neither_a_stranger_nor_the_reporting_office_acknowledges(
    issued, handler1, colleague1, city_leader
):
    # The office acts for D1, but does not receive its own report; the city's leader sees it
    # but the city government is no recipient.
    for user in (handler1, colleague1, city_leader):
        response = api(user).post(step_url(issued, "acknowledge"), format="json")
        assert response.status_code == 403, (user, response.content)
    assert not UrgentRecipient.objects.filter(acknowledged_at__isnull=False).exists()


def test_acknowledged_late_is_late(issued, d1_leader, city_handler, time_machine):
    urgent_acknowledge(actor=d1_leader, report=issued)
    at(time_machine, 2.5)
    assert api(d1_leader).get(report_url(issued)).json()["late"] is True  # CTXFJ not yet
    response = api(city_handler).post(step_url(issued, "acknowledge"), format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged" and response.json()["late"] is True


# --- following up ---------------------------------------------------------------------------


def test_a_follow_up_goes_to_the_recipients(issued, handler1, d1_leader, city_handler):
    response = api(handler1).post(
        step_url(issued, "follow_up"), {"content": "人员已劝返。"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "issued"
    event = LedgerEvent.objects.get(object_id=issued.pk, kind="follow_up")
    assert event.note == "人员已劝返。"


def test_following_up_before_sending_is_409(flagged, handler1):
    response = api(handler1).post(
        step_url(flagged, "follow_up"), {"content": "续报"}, format="json"
    )
    assert response.status_code == 409
    assert flagged.number in response.json()["detail"]
    assert not LedgerEvent.objects.filter(kind="follow_up").exists()


def test_a_follow_up_needs_content_and_the_reporting_office(issued, handler1, city_handler):
    response = api(handler1).post(step_url(issued, "follow_up"), {"content": " "}, format="json")
    assert response.status_code == 400 and "content" in response.json()
    response = api(city_handler).post(
        step_url(issued, "follow_up"), {"content": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not LedgerEvent.objects.filter(kind="follow_up").exists()


def test_a_step_on_no_such_report_is_404(handler1):
    client = api(handler1)
    for pk in ("999999", "abc"):
        response = client.post(f"{REPORTS}{pk}/issue/", {"content": "x"}, format="json")
        assert response.status_code == 404, pk


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def ledger(handler1, d1_leader, d1_supervisor, city_handler, time_machine):
    """Four reports of D1XFJ: `old` flagged on 20 November (urgent, sent late and
    acknowledged), `sent` this morning (major, sent in time, awaiting acknowledgement), `draft`
    at noon (urgent, still within its clock) and `other` at noon (major, on another case)."""
    time_machine.move_to(datetime.datetime(2026, 11, 20, 9, tzinfo=SHANGHAI), tick=False)
    old_case = register_petition(handler1, summary="欠薪群访").petition.case
    old = urgent_flag(actor=handler1, case=old_case, gravity="urgent", reason="群访")
    time_machine.shift(datetime.timedelta(hours=6))
    urgent_report_issue(actor=handler1, report=old, content="迟报")
    urgent_acknowledge(actor=d1_leader, report=old)
    urgent_acknowledge(actor=city_handler, report=old)
    at(time_machine, -2)
    sent_case = register_petition(handler1, summary="征地拆迁").petition.case
    sent = urgent_flag(actor=handler1, case=sent_case, gravity="major", reason="涉及人数众多")
    urgent_report_issue(actor=handler1, report=sent, content="报告")
    at(time_machine, 0)
    draft_case = register_petition(handler1, summary="聚集").petition.case
    draft = urgent_flag(actor=handler1, case=draft_case, gravity="urgent", reason="聚集")
    other = urgent_flag(actor=handler1, case=old_case, gravity="major", reason="再次群访")
    return {"old": old, "sent": sent, "draft": draft, "other": other}


def test_filters(ledger, d1_supervisor):
    client = api(d1_supervisor)
    names = {report.number: name for name, report in ledger.items()}

    def found(**query) -> set[str]:
        return {names[number] for number in numbers(client.get(REPORTS, query))}

    assert found() == {"old", "sent", "draft", "other"}
    assert found(gravity="urgent") == {"old", "draft"}
    assert found(gravity="major") == {"sent", "other"}
    assert found(status="draft") == {"draft", "other"}
    assert found(status="issued") == {"sent"}
    assert found(status="acknowledged") == {"old"}
    assert found(reported="true") == {"old", "sent"}
    assert found(reported="false") == {"draft", "other"}
    assert found(late="true") == {"old"}
    assert found(late="false") == {"sent", "draft", "other"}
    assert found(flagged_from="2026-11-21") == {"sent", "draft", "other"}
    assert found(flagged_to="2026-11-21") == {"old"}
    assert found(flagged_from="2026-11-20", flagged_to="2026-11-20") == {"old"}
    assert found(area="D1") == {"old", "sent", "draft", "other"}
    assert found(area="D1XFJ") == {"old", "sent", "draft", "other"}
    assert found(area="D1S1") == set()
    assert found(case=ledger["old"].case.number) == {"old", "other"}
    assert found(case="NOPE") == set()
    assert found(late="") == found()
    assert found(late="maybe") == found()


def test_late_follows_the_clock(ledger, d1_supervisor, time_machine):
    client = api(d1_supervisor)
    names = {report.number: name for name, report in ledger.items()}
    at(time_machine, 4.5)  # the drafts' reports and the sent one's acknowledgement overdue
    late = {names[n] for n in numbers(client.get(REPORTS, {"late": "true"}))}
    assert late == {"old", "sent", "draft", "other"}
    rows = {names[row["number"]]: row["late"] for row in client.get(REPORTS).json()["results"]}
    assert rows == {"old": True, "sent": True, "draft": True, "other": True}


def test_the_list_is_newest_flagged_first(ledger, d1_supervisor):
    rows = api(d1_supervisor).get(REPORTS).json()["results"]
    flagged = [row["flagged_at"] for row in rows]
    assert flagged == sorted(flagged, reverse=True)
    assert rows[-1]["number"] == ledger["old"].number


@pytest.mark.parametrize(
    "query",
    [
        {"gravity": "huge"},
        {"status": "lost"},
        {"area": "NOPE"},
        {"area": "CY"},  # another city
        {"area": "D2"},  # another district
        {"area": "D1\x00"},
        {"flagged_from": "not a date"},
        {"flagged_to": "2026-13-01"},
        {"flagged_from": "99999-01-01"},
        {"case": "x" * 41},
        {"case": "a\x00b"},
    ],
)
def test_bad_filter_values_are_400_not_500(ledger, d1_supervisor, query):
    response = api(d1_supervisor).get(REPORTS, query)
    assert response.status_code == 400, (query, response.content)
    assert set(query) <= set(response.json())


def test_a_recipients_area_filter_is_its_own(ledger, city_handler):
    # The city office receives D1XFJ's reports; D1 is in its area, the province is not.
    client = api(city_handler)
    assert len(numbers(client.get(REPORTS, {"area": "D1"}))) == 4
    response = client.get(REPORTS, {"area": "PR"})
    assert response.status_code == 400 and "area" in response.json()


# --- bounded queries ------------------------------------------------------------------------


def _count_queries(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["count"] == rows
    return len(queries)


def _reports(handler1, d1_leader, city_handler, count: int) -> None:
    """`count` reports, each on a case of its own: a draft, a sent one, an acknowledged one in
    turn (a sent report lists its recipients, an acknowledged one who acknowledged it)."""
    for n in range(count):
        case = register_petition(handler1, summary=f"聚集{n}").petition.case
        report = urgent_flag(actor=handler1, case=case, gravity="urgent", reason=f"聚集{n}")
        if n % 3:
            urgent_report_issue(actor=handler1, report=report, content="报告")
        if n % 3 == 2:
            urgent_acknowledge(actor=d1_leader, report=report)
            urgent_acknowledge(actor=city_handler, report=report)
        if n == 1:
            urgent_follow_up(actor=handler1, report=report, content="续报")


def test_the_list_queries_do_not_grow_with_the_rows(
    handler1, d1_leader, city_handler, django_assert_max_num_queries
):
    client, recipient = api(handler1), api(city_handler)
    filtered = f"{REPORTS}?late=false&gravity=urgent"
    _reports(handler1, d1_leader, city_handler, 3)
    few = _count_queries(client, REPORTS, 3)
    few_filtered = _count_queries(recipient, filtered, 3)
    _reports(handler1, d1_leader, city_handler, 27)
    with django_assert_max_num_queries(few):
        assert client.get(REPORTS).json()["count"] == 30
    with django_assert_max_num_queries(few_filtered):
        assert recipient.get(filtered).json()["count"] == 30
