"""Supervision notice pages: the list (tabs, overdue marked, bounded queries), the notice
with the unit's response form, the supervisor's issue form, the print page and the .docx
(read back with python-docx), the case panel and the read-only admin."""

import datetime
import io
import re
import zoneinfo
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as read_docx

from cases import services as case_services
from escalation.models import NoticeKind, SupervisionNotice
from escalation.notices.services import supervision_notice_issue, supervision_notice_respond
from tests.factories import UserFactory, picker_offers, register_petition

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
LIST = "/escalation/notices/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1).strip() if found else None


def listed(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<tr data-notice="([^"]+)"', html(response))


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
        content="请立即清运楼道垃圾。\n于期限内书面报告处理结果。",
    )


def detail(notice) -> str:
    return reverse("escalation:notice_detail", args=[notice.pk])


# --- the list -------------------------------------------------------------------------------


def test_urls_are_the_ones_the_brief_names(notice, case):
    assert reverse("escalation:notice_list") == LIST
    assert detail(notice) == f"/escalation/notices/{notice.pk}/"
    assert reverse("escalation:notice_issue", args=[case.number]) == (
        f"/escalation/cases/{case.number}/notices/new/"
    )
    assert reverse("escalation:case_panel", args=[case.number]) == (
        f"/escalation/cases/{case.number}/panel/"
    )


def test_list_tabs(notice, street_handler, d1_supervisor, handler2):
    # The addressed unit lands on "awaiting our response", the supervisor on "issued".
    page = logged_in(street_handler).get(LIST)
    assert listed(page) == [notice.number]
    assert 'data-tab="awaiting"' in html(page) and 'id="awaiting-count">1<' in html(page)
    assert listed(logged_in(d1_supervisor).get(LIST)) == [notice.number]
    assert listed(logged_in(d1_supervisor).get(LIST, {"tab": "awaiting"})) == []
    assert listed(logged_in(street_handler).get(LIST, {"tab": "issued"})) == []
    assert listed(logged_in(street_handler).get(LIST, {"tab": "bogus"})) == [notice.number]
    assert listed(logged_in(handler2).get(LIST, {"tab": "all"})) == []


def test_list_marks_overdue_notices(notice, street_handler, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 30, 12, tzinfo=SHANGHAI), tick=False)
    page = html(logged_in(street_handler).get(LIST))
    row = re.search(r'<tr data-notice="[^"]+"[^>]*>', page).group(0)
    assert "data-overdue" in row and "table-danger" in row
    assert 'data-days-left="-3"' in page


def test_list_query_count_is_bounded(case, notice, d1_supervisor, org):
    client = logged_in(d1_supervisor)
    with CaptureQueriesContext(connection) as one:
        assert len(listed(client.get(LIST, {"tab": "all"}))) == 1
    for unit in (org.d1_business, org.d1_community, org.d1_office, org.d1):
        supervision_notice_issue(
            actor=d1_supervisor, case=case, unit=unit, due_on=D(2026, 11, 27), content="x"
        )
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client.get(LIST, {"tab": "all"}))) == 5
    assert len(many) == len(one)


def test_login_required(notice):
    for url in (LIST, detail(notice)):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


# --- the notice and its response ------------------------------------------------------------


def test_the_unit_sees_the_notice_and_the_response_form(notice, street_handler):
    page = html(logged_in(street_handler).get(detail(notice)))
    for expected in (notice.number, "东湖街道", "请立即清运楼道垃圾。", "2026-11-27"):
        assert expected in page
    assert 'id="respond-form"' in page
    assert reverse("escalation:notice_respond", args=[notice.pk]) in page
    # The street office does not see the case itself: its number without a link.
    assert f'href="/cases/{notice.case.number}/"' not in page


def test_the_supervisor_sees_no_response_form(notice, d1_supervisor):
    page = html(logged_in(d1_supervisor).get(detail(notice)))
    assert 'id="respond-form"' not in page and 'id="awaiting-unit"' in page
    assert f'href="/cases/{notice.case.number}/"' in page


def test_notice_outside_scope_is_404(notice, handler2, outsider):
    for user in (handler2, outsider):
        client = logged_in(user)
        for url in (
            detail(notice),
            reverse("escalation:notice_print", args=[notice.pk]),
            reverse("escalation:notice_docx", args=[notice.pk]),
        ):
            assert client.get(url).status_code == 404, (user, url)
        response = client.post(
            reverse("escalation:notice_respond", args=[notice.pk]), {"response": "x"}
        )
        assert response.status_code == 404


def test_responding_through_the_form(notice, street_handler):
    client = logged_in(street_handler)
    url = reverse("escalation:notice_respond", args=[notice.pk])
    response = client.post(url, {"response": "已清运完毕。", "date": ""})
    assert response.status_code == 302 and response["Location"] == detail(notice)
    notice.refresh_from_db()
    assert notice.response == "已清运完毕。" and notice.responded_on == D(2026, 11, 22)
    page = html(client.get(detail(notice)))
    assert 'id="notice-response"' in page and 'id="respond-form"' not in page
    assert 'data-state="answered"' in page


def test_bad_response_shows_inline_errors(notice, street_handler):
    client = logged_in(street_handler)
    url = reverse("escalation:notice_respond", args=[notice.pk])
    response = client.post(url, {"response": ""})
    assert response.status_code == 400
    assert field_error(html(response), "response")
    response = client.post(url, {"response": "已办", "date": "2026-11-21"})
    assert response.status_code == 400
    assert field_error(html(response), "date")
    notice.refresh_from_db()
    assert notice.is_open


def test_second_response_is_a_conflict_and_wrong_unit_403(notice, street_handler, d1_supervisor):
    url = reverse("escalation:notice_respond", args=[notice.pk])
    assert logged_in(d1_supervisor).post(url, {"response": "x"}).status_code == 403
    supervision_notice_respond(actor=street_handler, notice=notice, response="已办")
    assert logged_in(street_handler).post(url, {"response": "再答"}).status_code == 409


def test_get_does_not_respond(notice, street_handler):
    url = reverse("escalation:notice_respond", args=[notice.pk])
    assert logged_in(street_handler).get(url, {"response": "x"}).status_code == 405
    notice.refresh_from_db()
    assert notice.is_open


# --- the issue form -------------------------------------------------------------------------


def test_issue_form_offers_units_in_scope_and_five_workdays(case, d1_supervisor, org):
    url = reverse("escalation:notice_issue", args=[case.number])
    client = logged_in(d1_supervisor)
    page = html(client.get(url))
    codes = {unit["code"] for unit in picker_offers(client, page, "unit")}
    assert codes == {"D1", "D1XFJ", "D1JY", "D1S1", "D1S1C1"}
    # The owner unit is chosen at first: the one unit on the page.
    assert re.findall(r'<option value="(\d+)"', page) == [str(case.owner_unit_id)]
    assert 'value="2026-11-27"' in page  # Sunday + 5 workdays
    assert "autofocus" in page


def test_issue_through_the_form(case, d1_supervisor, org):
    url = reverse("escalation:notice_issue", args=[case.number])
    response = logged_in(d1_supervisor).post(
        url,
        {"unit": org.d1_street.pk, "kind": "urge", "content": "请加快办理", "due": "2026-11-30"},
    )
    notice = SupervisionNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(notice)
    assert (notice.unit, notice.kind, notice.due_on) == (org.d1_street, "urge", D(2026, 11, 30))


def test_issue_form_errors_are_inline(case, d1_supervisor, org):
    url = reverse("escalation:notice_issue", args=[case.number])
    client = logged_in(d1_supervisor)
    response = client.post(
        url, {"unit": org.other_city_office.pk, "kind": "supervise", "content": "", "due": "x"}
    )
    assert response.status_code == 400
    page = html(response)
    for name in ("unit", "content", "due"):
        assert field_error(page, name), name
    response = client.post(
        url, {"unit": org.d1_street.pk, "kind": "supervise", "content": "x", "due": "2026-11-22"}
    )
    assert response.status_code == 400 and field_error(html(response), "due")
    assert not SupervisionNotice.objects.exists()


def test_issue_form_is_for_supervisors_in_scope(case, handler1, outsider):
    url = reverse("escalation:notice_issue", args=[case.number])
    assert logged_in(handler1).get(url).status_code == 403
    assert logged_in(handler1).post(url, {}).status_code == 403
    assert logged_in(outsider).get(url).status_code == 404


# --- the document ---------------------------------------------------------------------------


def test_print_page_shows_the_notice(notice, street_handler, django_assert_max_num_queries):
    client = logged_in(street_handler)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("escalation:notice_print", args=[notice.pk]))
    assert response.status_code == 200
    page = html(response)
    for expected in (
        "督办通知书",
        notice.number,
        "东湖街道：",
        notice.case.number,
        "升平街3号楼楼道垃圾堆积",
        "请立即清运楼道垃圾。",
        "请于2026年11月27日前将办理情况和结果书面报告东湖区人民政府。",
        "2026年11月22日",
        "data-print",
        reverse("escalation:notice_docx", args=[notice.pk]),
    ):
        assert expected in page, expected


def test_docx_opens_and_names_the_addressee_and_number(notice, street_handler):
    response = logged_in(street_handler).get(reverse("escalation:notice_docx", args=[notice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert (
        f"filename*=UTF-8''{quote(f'督办通知书-{notice.number}.docx')}"
        in (response["Content-Disposition"])
    )
    texts = [p.text for p in read_docx(io.BytesIO(response.content)).paragraphs]
    assert texts[0] == "督办通知书"
    assert texts[1] == notice.number
    assert "东湖街道：" in texts
    assert f"信访事项编号：{notice.case.number}" in texts
    assert "于期限内书面报告处理结果。" in texts
    assert texts[-3:] == ["东湖区人民政府", "2026年11月22日", "（印章）"]


def test_urging_notice_is_titled_accordingly(case, d1_supervisor, street_handler, org):
    urge = supervision_notice_issue(
        actor=d1_supervisor,
        case=case,
        unit=org.d1_street,
        due_on=D(2026, 11, 27),
        content="请加快",
        kind=NoticeKind.URGE,
    )
    content = logged_in(street_handler).get(reverse("escalation:notice_docx", args=[urge.pk]))
    texts = [p.text for p in read_docx(io.BytesIO(content.content)).paragraphs]
    assert texts[0] == "催办通知书" and "一、催办事项" in texts


def test_no_id_number_or_phone_in_the_document(handler1, d1_supervisor, org, frozen_now):
    from tests.factories import petitioner

    person = petitioner(name="孙佩华", phone="13945120367")
    case = register_petition(handler1, petitioners=[person]).petition.case
    notice = supervision_notice_issue(
        actor=d1_supervisor, case=case, unit=org.d1_street, due_on=D(2026, 11, 27), content="x"
    )
    client = logged_in(d1_supervisor)
    page = html(client.get(reverse("escalation:notice_print", args=[notice.pk])))
    docx = client.get(reverse("escalation:notice_docx", args=[notice.pk])).content
    xml = "".join(p.text for p in read_docx(io.BytesIO(docx)).paragraphs)
    for secret in (person.id_number, person.phone):
        assert secret not in page and secret not in xml


# --- the case panel -------------------------------------------------------------------------


def test_case_detail_loads_the_panel_with_htmx_when_opened(case, handler1):
    page = html(logged_in(handler1).get(f"/cases/{case.number}/"))
    panel = reverse("escalation:case_panel", args=[case.number])
    assert f'<div hx-get="{panel}" hx-trigger="toggle once from:closest details"' in page
    assert 'id="panel-escalation"' in page


def test_panel_lists_the_notices_and_offers_the_supervisor_to_issue(
    notice, case, d1_supervisor, handler1
):
    url = reverse("escalation:case_panel", args=[case.number])
    page = html(logged_in(d1_supervisor).get(url))
    assert "<html" not in page  # a fragment
    assert f'data-panel-notice="{notice.number}"' in page
    assert detail(notice) in page
    assert 'id="panel-issue-notice"' in page
    assert reverse("escalation:case_consultations", args=[case.number]) in page

    handler_page = html(logged_in(handler1).get(url))
    assert 'id="panel-issue-notice"' not in handler_page
    # handler1 is a petition-office handler: may convene consultations.
    assert 'id="panel-consult"' in handler_page


def test_panel_offers_a_joint_supervision_only_on_an_open_case(case, handler1, d1_supervisor):
    url = reverse("escalation:case_panel", args=[case.number])
    assert 'id="panel-open-joint"' in html(logged_in(d1_supervisor).get(url))
    case.status = "closed"  # as the closing job leaves it; joint_supervision_open refuses it
    case.save(update_fields=["status"])
    assert 'id="panel-open-joint"' not in html(logged_in(d1_supervisor).get(url))


def test_panel_for_a_case_without_supervision(case, street_handler, handler1):
    page = html(logged_in(handler1).get(reverse("escalation:case_panel", args=[case.number])))
    assert 'id="panel-empty"' in page


def test_panel_is_404_outside_scope(case, handler2, outsider):
    url = reverse("escalation:case_panel", args=[case.number])
    for user in (handler2, outsider):
        assert logged_in(user).get(url).status_code == 404


def test_panel_query_count_is_bounded(case, notice, d1_supervisor, org):
    client = logged_in(d1_supervisor)
    url = reverse("escalation:case_panel", args=[case.number])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for unit in (org.d1_business, org.d1_community, org.d1_office, org.d1):
        supervision_notice_issue(
            actor=d1_supervisor, case=case, unit=unit, due_on=D(2026, 11, 27), content="x"
        )
    with CaptureQueriesContext(connection) as many:
        assert html(client.get(url)).count("data-panel-notice=") == 5
    assert len(many) == len(one) <= 15


# --- admin ----------------------------------------------------------------------------------


def test_admin_is_read_only_and_searchable_by_number(notice, org):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True, org_unit=None)
    client = logged_in(admin_user)
    changelist = reverse("admin:escalation_supervisionnotice_changelist")
    page = html(client.get(changelist, {"q": notice.number}))
    assert notice.number in page
    assert client.get(reverse("admin:escalation_supervisionnotice_add")).status_code == 403
    change = reverse("admin:escalation_supervisionnotice_change", args=[notice.pk])
    assert client.get(change).status_code == 200
    response = client.post(change, {"number": "X"})
    assert response.status_code == 403
    for model in (
        "reminder",
        "consultation",
        "consultationtask",
        "jointsupervision",
        "jointparty",
        "jointreport",
        "unitranking",
        "rankingnotice",
    ):
        assert client.get(reverse(f"admin:escalation_{model}_changelist")).status_code == 200
    # The number sequences live in accounts (shared with the replies of cases).
    assert client.get(reverse("admin:accounts_documentsequence_changelist")).status_code == 200
