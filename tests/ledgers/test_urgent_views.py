"""Pages of major and urgent matters (time frozen on Sunday 2026-11-22 at noon): the reports
list with its filters (htmx: the table alone) and its .xlsx export (read back with openpyxl,
ID numbers masked), a report with its recipients and the steps each user may take (send,
acknowledge, follow up), the flag form from a case and the case page's panel; 404 outside the
user's area, 403 for the wrong role, the auditor kept out, and a list whose queries do not
grow with the rows."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from ledgers.models import LedgerEvent, UrgentRecipient, UrgentReport, UrgentStatus
from ledgers.urgent.services import (
    urgent_acknowledge,
    urgent_flag,
    urgent_follow_up,
    urgent_report_issue,
)
from tests.conftest import _user
from tests.factories import UserFactory, make_id_number, register_petition

pytestmark = pytest.mark.usefixtures("frozen_now")

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = datetime.datetime(2026, 11, 22, 12, tzinfo=SHANGHAI)
LIST = "/ledgers/urgent/"
EXPORT = "/ledgers/urgent/export/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def at(time_machine, hours: float) -> None:
    time_machine.move_to(NOON + datetime.timedelta(hours=hours), tick=False)


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1).strip() if found else None


def listed(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return re.findall(r'<tr data-urgent="([^"]+)"', html(response))


def report_url(report) -> str:
    return reverse("ledgers:urgent_detail", args=[report.pk])


def step_url(report, step: str) -> str:
    return reverse("ledgers:urgent_step", args=[report.pk, step])


def flag_url(case) -> str:
    return reverse("ledgers:urgent_flag", args=[case.number])


def panel_url(case) -> str:
    return reverse("ledgers:urgent_case_panel", args=[case.number])


@pytest.fixture
def d1_leader(org):
    """Leader at the district-1 government D1: D1's reports come to them."""
    return _user("d1_leader", org.d1, "leader", last_name="冯")


@pytest.fixture
def d1_admin(org):
    """The system administrator at D1XFJ: sees the office's cases, flags nothing."""
    return UserFactory(username="d1_admin", org_unit=org.d1_office, roles=["admin"])


@pytest.fixture
def auditor(org):
    return UserFactory(username="auditor", org_unit=org.city, roles=["auditor"])


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
    return urgent_report_issue(actor=handler1, report=flagged, content="今日上午，五十余人聚集。")


def test_urls(case, flagged):
    assert reverse("ledgers:urgent_list") == LIST
    assert reverse("ledgers:urgent_export") == EXPORT
    assert report_url(flagged) == f"{LIST}{flagged.pk}/"
    assert step_url(flagged, "issue") == f"{LIST}{flagged.pk}/issue/"
    assert flag_url(case) == f"{LIST}cases/{case.number}/flag/"
    assert panel_url(case) == f"{LIST}cases/{case.number}/panel/"


def test_login_required(case, flagged):
    for url in (LIST, EXPORT, report_url(flagged), flag_url(case), panel_url(case)):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = Client().post(step_url(flagged, "issue"), {"content": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    flagged.refresh_from_db()
    assert flagged.status == UrgentStatus.DRAFT


# --- the list -------------------------------------------------------------------------------


@pytest.fixture
def ledger(handler1, d1_leader, d1_supervisor, city_handler, time_machine):
    """Three reports of D1XFJ: `old` flagged on 20 November (urgent, sent late and
    acknowledged), `sent` this morning (major, awaiting acknowledgement) and `draft` at noon
    (urgent, within its clock)."""
    time_machine.move_to(datetime.datetime(2026, 11, 20, 9, tzinfo=SHANGHAI), tick=False)
    old_case = register_petition(handler1, summary="欠薪群访").petition.case
    old = urgent_flag(actor=handler1, case=old_case, gravity="urgent", reason="欠薪群访")
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
    return {"old": old, "sent": sent, "draft": draft}


def test_list_and_its_filters(ledger, d1_supervisor):
    client = logged_in(d1_supervisor)
    names = {report.number: name for name, report in ledger.items()}

    def found(**query) -> set[str]:
        return {names[number] for number in listed(client.get(LIST, query))}

    page = html(client.get(LIST))
    assert 'id="urgent-filters"' in page and 'id="urgent-export"' in page
    assert found() == {"old", "sent", "draft"}
    assert listed(client.get(LIST)) == [ledger[n].number for n in ("draft", "sent", "old")]
    assert found(gravity="urgent") == {"old", "draft"}
    assert found(status="issued") == {"sent"}
    assert found(status="acknowledged") == {"old"}
    assert found(reported="false") == {"draft"}
    assert found(late="true") == {"old"}
    assert found(flagged_from="2026-11-21") == {"sent", "draft"}
    assert found(flagged_to="2026-11-20") == {"old"}
    assert found(area="D1XFJ") == {"old", "sent", "draft"}
    assert found(case=ledger["sent"].case.number) == {"sent"}


def test_list_marks_the_late(ledger, d1_supervisor, time_machine):
    def late_rows() -> set[str]:
        page = html(logged_in(d1_supervisor).get(LIST))
        rows = dict(re.findall(r'<tr data-urgent="([^"]+)"([^>]*)>', page))
        return {number for number, attributes in rows.items() if "data-late" in attributes}

    assert late_rows() == {ledger["old"].number}
    at(time_machine, 4.5)  # the draft unsent, the sent one unacknowledged past their clocks
    assert late_rows() == {report.number for report in ledger.values()}


@pytest.mark.parametrize(
    "query",
    [
        {"gravity": "huge"},
        {"status": "lost"},
        {"area": "NOPE"},
        {"area": "CY"},  # another city
        {"flagged_from": "not a date"},
        {"flagged_to": "2026-13-01"},
        {"case": "x" * 200},
    ],
)
def test_bad_filter_values_do_not_break_the_list(ledger, d1_supervisor, query):
    client = logged_in(d1_supervisor)
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert 'id="urgent-filters"' in html(response)
    # The export of a filter it cannot read is the list again, with the filter bar.
    response = client.get(EXPORT, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_values_the_filters_ignore(ledger, d1_supervisor):
    client = logged_in(d1_supervisor)
    for query in ({"late": "maybe"}, {"page": "999"}, {"page": "x"}):
        assert len(listed(client.get(LIST, query))) == 3, query


def test_htmx_gets_the_table_alone(ledger, d1_supervisor):
    response = logged_in(d1_supervisor).get(LIST, {"gravity": "major"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = html(response)
    assert "<html" not in fragment and 'id="urgent-filters"' not in fragment
    assert 'id="urgent-reports"' in fragment
    assert re.findall(r'<tr data-urgent="([^"]+)"', fragment) == [ledger["sent"].number]


def test_list_is_scoped(ledger, handler2, outsider, city_handler):
    # The city's office receives D1XFJ's reports: it sees them.
    assert len(listed(logged_in(city_handler).get(LIST))) == 3
    for user in (handler2, outsider):
        page = logged_in(user).get(LIST)
        assert listed(page) == []
        assert 'id="no-urgent"' in html(page)


# --- the export -----------------------------------------------------------------------------


def read_workbook(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_the_export_has_the_rows_and_masks_an_id_number(
    ledger, handler1, d1_supervisor, city_handler
):
    id_number = make_id_number()
    phone = "13945120367"
    case = register_petition(handler1, summary="讨薪").petition.case
    secret = urgent_flag(
        actor=handler1,
        case=case,
        gravity="major",
        reason=f"带头人身份证号{id_number}，电话{phone}，扬言聚集。",
    )
    response = logged_in(d1_supervisor).get(EXPORT)
    expected_name = quote("信访信息专报-2026-11-22.xlsx")
    assert f"filename*=UTF-8''{expected_name}" in response["Content-Disposition"]
    rows = read_workbook(response)
    assert rows[0][0].endswith("（2026-11-22 12:00）")
    assert len(rows[1]) == 10
    body = {row[0]: row for row in rows[2:]}
    assert set(body) == {secret.number, *(report.number for report in ledger.values())}
    row = body[secret.number]
    assert row[1] == case.number and row[4] == "东湖区信访局"
    assert row[5] == datetime.datetime(2026, 11, 22, 12)  # a date-time cell, local time
    assert row[6] == datetime.datetime(2026, 11, 22, 16)
    assert row[7] is None  # not sent
    reason = row[3]
    assert id_number not in reason and phone not in reason
    assert id_number[:6] in reason and "********" in reason and "扬言聚集" in reason
    old = body[ledger["old"].number]
    assert "东湖区" in old[9] and "江城市信访局" in old[9]
    everything = "".join(str(cell) for line in rows for cell in line if cell is not None)
    assert id_number not in everything and phone not in everything
    # The download is in the audit trail.
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_export_works_in_english_too(ledger, d1_supervisor, settings):
    """A sheet's title takes no ":" (openpyxl refuses it): whatever the language."""
    settings.LANGUAGE_CODE = "en"
    rows = read_workbook(logged_in(d1_supervisor).get(EXPORT))
    assert {row[0] for row in rows[2:]} == {report.number for report in ledger.values()}


def test_the_export_is_filtered_and_scoped(ledger, d1_supervisor, city_handler, outsider):
    rows = read_workbook(logged_in(d1_supervisor).get(EXPORT, {"status": "issued"}))
    assert [row[0] for row in rows[2:]] == [ledger["sent"].number]
    rows = read_workbook(logged_in(city_handler).get(EXPORT, {"gravity": "urgent"}))
    assert {row[0] for row in rows[2:]} == {ledger["old"].number, ledger["draft"].number}
    assert read_workbook(logged_in(outsider).get(EXPORT))[2:] == []


# --- a report and its steps -----------------------------------------------------------------


def test_the_draft_offers_the_send_form_to_the_reporting_office(
    flagged, handler1, colleague1, d1_leader, city_handler, city_leader
):
    for user in (handler1, colleague1):
        page = html(logged_in(user).get(report_url(flagged)))
        assert flagged.number in page and 'data-state="draft"' in page
        assert "五十余人聚集，情绪激动。" in page and "五十余人聚集区政府门前" in page
        assert 'id="content-form"' in page and step_url(flagged, "issue") in page
        assert 'data-submit="issue"' in page
        assert 'id="acknowledge-form"' not in page and 'id="urgent-recipients"' not in page
        assert 'data-event="flagged"' in page
    # Those who see it but do not report for D1XFJ: no form (nothing to acknowledge yet).
    for user in (d1_leader, city_handler, city_leader):
        page = html(logged_in(user).get(report_url(flagged)))
        assert flagged.number in page, user
        assert 'id="content-form"' not in page and 'id="acknowledge-form"' not in page, user


def test_sending_through_the_form(flagged, handler1, d1_leader, city_handler):
    client = logged_in(handler1)
    response = client.post(step_url(flagged, "issue"), {"content": "今日上午，五十余人聚集。"})
    assert response.status_code == 302 and response["Location"] == report_url(flagged)
    flagged.refresh_from_db()
    assert flagged.status == UrgentStatus.ISSUED
    assert flagged.content == "今日上午，五十余人聚集。"
    page = html(client.get(report_url(flagged)))
    assert 'data-state="issued"' in page and 'id="urgent-content"' in page
    assert set(re.findall(r'data-recipient="([^"]+)"', page)) == {"D1", "CTXFJ"}
    assert "data-acknowledged" not in page
    # Now a follow-up, not the report again; the office acknowledges nothing of its own.
    assert 'data-submit="follow_up"' in page and step_url(flagged, "follow_up") in page
    assert 'data-submit="issue"' not in page and 'id="acknowledge-form"' not in page


def test_sending_without_content_shows_the_field_error(flagged, handler1):
    response = logged_in(handler1).post(step_url(flagged, "issue"), {"content": "  "})
    assert response.status_code == 400
    page = html(response)
    assert field_error(page, "content")
    assert 'id="content-form"' in page and 'data-submit="issue"' in page
    flagged.refresh_from_db()
    assert flagged.status == UrgentStatus.DRAFT
    assert not UrgentRecipient.objects.exists()


def test_sending_twice_is_409(issued, handler1):
    response = logged_in(handler1).post(step_url(issued, "issue"), {"content": "再报"})
    assert response.status_code == 409
    assert issued.number in html(response)
    issued.refresh_from_db()
    assert issued.content == "今日上午，五十余人聚集。"


def test_another_unit_may_not_send(flagged, d1_leader, city_handler):
    for user in (d1_leader, city_handler):
        response = logged_in(user).post(step_url(flagged, "issue"), {"content": "报告"})
        assert response.status_code == 403, user
        assert 'id="not-allowed"' in html(response)
    flagged.refresh_from_db()
    assert flagged.status == UrgentStatus.DRAFT


def test_a_recipient_acknowledges_through_the_button(issued, d1_leader, city_handler):
    client = logged_in(d1_leader)
    page = html(client.get(report_url(issued)))
    assert 'id="acknowledge-form"' in page and step_url(issued, "acknowledge") in page
    assert 'id="content-form"' not in page  # D1's government reports nothing of D1XFJ's
    response = client.post(step_url(issued, "acknowledge"))
    assert response.status_code == 302 and response["Location"] == report_url(issued)
    page = html(client.get(report_url(issued)))
    assert 'id="acknowledge-form"' not in page
    acknowledged = re.findall(r'data-recipient="([^"]+)" data-acknowledged', page)
    assert acknowledged == ["D1"]
    assert 'data-event="acknowledged"' in page
    again = client.post(step_url(issued, "acknowledge"))
    assert again.status_code == 409 and issued.number in html(again)

    client = logged_in(city_handler)
    assert 'id="acknowledge-form"' in html(client.get(report_url(issued)))
    assert client.post(step_url(issued, "acknowledge")).status_code == 302
    issued.refresh_from_db()
    assert issued.status == UrgentStatus.ACKNOWLEDGED
    page = html(client.get(report_url(issued)))
    assert 'data-state="acknowledged"' in page and 'id="acknowledge-form"' not in page


def test_acknowledging_is_for_a_recipient_once_sent(flagged, handler1, d1_leader, city_leader):
    response = logged_in(d1_leader).post(step_url(flagged, "acknowledge"))
    assert response.status_code == 409  # not sent yet
    urgent_report_issue(actor=handler1, report=flagged, content="报告")
    for user in (handler1, city_leader):
        response = logged_in(user).post(step_url(flagged, "acknowledge"))
        assert response.status_code == 403, user
        assert 'id="not-allowed"' in html(response)
    assert not UrgentRecipient.objects.filter(acknowledged_at__isnull=False).exists()


def test_a_follow_up_through_the_form(issued, handler1, d1_leader):
    client = logged_in(handler1)
    response = client.post(step_url(issued, "follow_up"), {"content": "人员已劝返。"})
    assert response.status_code == 302 and response["Location"] == report_url(issued)
    assert LedgerEvent.objects.get(object_id=issued.pk, kind="follow_up").note == "人员已劝返。"
    page = html(client.get(report_url(issued)))
    assert 'data-event="follow_up"' in page and "人员已劝返。" in page
    response = client.post(step_url(issued, "follow_up"), {"content": ""})
    assert response.status_code == 400
    page = html(response)
    assert field_error(page, "content") and 'data-submit="follow_up"' in page


def test_a_follow_up_before_sending_is_409(flagged, handler1):
    response = logged_in(handler1).post(step_url(flagged, "follow_up"), {"content": "续报"})
    assert response.status_code == 409
    assert flagged.number in html(response)
    assert not LedgerEvent.objects.filter(kind="follow_up").exists()


def test_an_unknown_step_is_refused(flagged, handler1):
    client = logged_in(handler1)
    response = client.post(step_url(flagged, "explode"), {})
    assert response.status_code == 403
    assert client.get(step_url(flagged, "issue")).status_code == 405


def test_a_report_outside_the_area_is_404(issued, handler2, outsider, street_handler):
    for user in (handler2, outsider, street_handler):
        client = logged_in(user)
        assert client.get(report_url(issued)).status_code == 404, user
        for step, data in (("issue", {"content": "x"}), ("acknowledge", {}), ("follow_up", {})):
            assert client.post(step_url(issued, step), data).status_code == 404, (user, step)
    assert logged_in(handler2).get(f"{LIST}999999/").status_code == 404


def test_the_accused_unit_never_sees_the_report(handler1, org, city_handler):
    accusation = register_petition(
        handler1, matter_kind="accusation", accused_unit=org.city_office
    ).petition.case
    report = urgent_flag(actor=handler1, case=accusation, gravity="major", reason="控告")
    urgent_report_issue(actor=handler1, report=report, content="报告")
    client = logged_in(city_handler)
    assert listed(client.get(LIST)) == []
    assert client.get(report_url(report)).status_code == 404
    assert client.post(step_url(report, "acknowledge")).status_code == 404
    assert client.get(panel_url(accusation)).status_code == 404
    assert client.get(flag_url(accusation)).status_code == 404


# --- flagging -------------------------------------------------------------------------------


def test_the_flag_form_renders(case, handler1):
    response = logged_in(handler1).get(flag_url(case))
    assert response.status_code == 200
    page = html(response)
    assert 'id="flag-form"' in page and case.number in page
    for name in ("gravity", "reason", "content"):
        assert f'name="{name}"' in page, name


def test_flagging_through_the_form(case, handler1, d1_leader):
    response = logged_in(handler1).post(
        flag_url(case), {"gravity": "urgent", "reason": "五十余人聚集。", "content": ""}
    )
    report = UrgentReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report_url(report)
    assert report.number == "东湖区信访局专报〔2026〕1号"
    assert (report.case, report.gravity, report.reason) == (case, "urgent", "五十余人聚集。")
    assert report.report_due_at == NOON + datetime.timedelta(hours=4)


@pytest.mark.parametrize(
    "data, fields",
    [
        ({"gravity": "", "reason": ""}, ["gravity", "reason"]),
        ({"gravity": "huge", "reason": "聚集"}, ["gravity"]),
        ({"gravity": "major", "reason": "   "}, ["reason"]),
        ({"gravity": "major", "reason": "聚集\x00"}, ["reason"]),
    ],
)
def test_bad_flag_input_is_400_with_the_field_errors(case, handler1, data, fields):
    response = logged_in(handler1).post(flag_url(case), data)
    assert response.status_code == 400
    page = html(response)
    assert 'id="flag-form"' in page
    for name in fields:
        assert field_error(page, name), name
    assert not UrgentReport.objects.exists()


def test_a_second_open_report_is_409(flagged, case, handler1):
    response = logged_in(handler1).post(flag_url(case), {"gravity": "urgent", "reason": "再次"})
    assert response.status_code == 409
    page = html(response)
    assert flagged.number in page and 'id="flag-form"' in page
    assert UrgentReport.objects.count() == 1


def test_a_role_that_may_not_flag_gets_the_403_page(case, d1_admin):
    client = logged_in(d1_admin)
    for response in (
        client.get(flag_url(case)),
        client.post(flag_url(case), {"gravity": "major", "reason": "聚集"}),
    ):
        assert response.status_code == 403
        assert 'id="not-allowed"' in html(response)
    assert not UrgentReport.objects.exists()


def test_flagging_a_case_outside_the_area_is_404(case, handler2, outsider):
    for user in (handler2, outsider):
        client = logged_in(user)
        assert client.get(flag_url(case)).status_code == 404
        response = client.post(flag_url(case), {"gravity": "major", "reason": "聚集"})
        assert response.status_code == 404
    assert logged_in(handler2).get("/ledgers/urgent/cases/NOPE/flag/").status_code == 404
    assert not UrgentReport.objects.exists()


# --- the case panel -------------------------------------------------------------------------


def test_the_panel_lists_the_cases_reports_and_the_flag_button(
    case, flagged, handler1, d1_admin, city_leader
):
    client = logged_in(handler1)
    major = urgent_flag(actor=handler1, case=case, gravity="major", reason="涉及人数众多")
    response = client.get(panel_url(case))
    assert response.status_code == 200
    page = html(response)
    assert "<html" not in page
    assert re.findall(r'data-panel-urgent="([^"]+)"', page) == [major.number, flagged.number]
    assert report_url(flagged) in page and report_url(major) in page
    assert 'id="panel-flag-urgent"' in page and flag_url(case) in page
    # The administrator sees the case, but flags nothing.
    page = html(logged_in(d1_admin).get(panel_url(case)))
    assert flagged.number in page and 'id="panel-flag-urgent"' not in page


def test_the_panel_of_a_case_never_flagged(case, handler1):
    page = html(logged_in(handler1).get(panel_url(case)))
    assert 'id="no-urgent-reports"' in page and 'id="panel-flag-urgent"' in page


def test_the_panel_lists_only_the_reports_the_user_sees(case, handler1, city_handler):
    """The city's office flags the district's case: its report goes to the city and the
    province, not to the district, which does not see it (its page is a 404 to them)."""
    report = urgent_flag(actor=city_handler, case=case, gravity="major", reason="到市聚集")
    assert logged_in(handler1).get(report_url(report)).status_code == 404
    page = html(logged_in(handler1).get(panel_url(case)))
    assert report.number not in page and 'id="no-urgent-reports"' in page
    page = html(logged_in(city_handler).get(panel_url(case)))
    assert re.findall(r'data-panel-urgent="([^"]+)"', page) == [report.number]


def test_the_panel_outside_the_area_is_404(case, flagged, handler2, outsider):
    for user in (handler2, outsider):
        assert logged_in(user).get(panel_url(case)).status_code == 404, user


# --- the auditor ----------------------------------------------------------------------------


def test_the_auditor_is_kept_out(case, issued, auditor):
    client = logged_in(auditor)
    for url in (LIST, EXPORT, report_url(issued), flag_url(case), panel_url(case)):
        assert client.get(url).status_code == 403, url
    for step in ("issue", "acknowledge", "follow_up"):
        assert client.post(step_url(issued, step), {"content": "x"}).status_code == 403, step
    assert client.post(flag_url(case), {"gravity": "major", "reason": "x"}).status_code == 403
    assert UrgentReport.objects.count() == 1
    assert not UrgentRecipient.objects.filter(acknowledged_at__isnull=False).exists()
    assert not LedgerEvent.objects.filter(kind="follow_up").exists()


# --- bounded queries ------------------------------------------------------------------------


def _queries(client, url: str, rows: int, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert len(listed(response)) == rows
    return len(captured)


def test_the_list_queries_do_not_grow_with_the_rows(handler1, d1_leader, city_handler):
    def report(count: int) -> None:
        """Drafts, sent reports and acknowledged ones in turn, each on a case of its own."""
        for n in range(count):
            case = register_petition(handler1, summary=f"聚集{n}").petition.case
            item = urgent_flag(actor=handler1, case=case, gravity="urgent", reason=f"聚集{n}")
            if n % 3:
                urgent_report_issue(actor=handler1, report=item, content="报告")
            if n % 3 == 2:
                urgent_acknowledge(actor=d1_leader, report=item)
                urgent_acknowledge(actor=city_handler, report=item)
            if n == 1:
                urgent_follow_up(actor=handler1, report=item, content="续报")

    client, recipient = logged_in(handler1), logged_in(city_handler)
    report(3)
    few = _queries(client, LIST, 3)
    few_htmx = _queries(client, LIST, 3, HTTP_HX_REQUEST="true")
    few_late = _queries(recipient, f"{LIST}?late=false", 3)
    report(27)
    assert _queries(client, LIST, 30) == few
    assert _queries(client, LIST, 30, HTTP_HX_REQUEST="true") == few_htmx
    assert _queries(recipient, f"{LIST}?late=false", 30) == few_late
