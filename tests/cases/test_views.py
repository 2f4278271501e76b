"""Case pages: my queue, the case list (filters, query count), the detail (masking, timeline,
the action forms offered), actions through the forms (success, inline errors, conflicts, 403,
404, no change on GET), the approvals inbox and document downloads."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    DeadlineKind,
    Document,
    EventKind,
    MatterKind,
    ReplyStatus,
)
from cases.services.reach import reach_refresh
from tests.factories import pdf_bytes, petitioner, register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
LIST_URL = "/cases/"
QUEUE_URL = "/cases/queue/"
APPROVALS_URL = "/cases/approvals/"


# --- helpers ------------------------------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def detail_url(case: Case) -> str:
    return f"/cases/{case.number}/"


def action_url(case: Case, action: str) -> str:
    return f"/cases/{case.number}/{action}/"


def assignment_url(assignment: Assignment, action: str) -> str:
    return f"/cases/assignments/{assignment.pk}/{action}/"


def listed(response) -> list[str]:
    """Case numbers of the rows of a list or queue page, in order."""
    assert response.status_code == 200
    return re.findall(r'<tr data-case="([^"]+)"', html(response))


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1).strip() if found else None


def offered(page: str) -> list[str]:
    """The action forms the detail page offers, in order."""
    return re.findall(r'data-action="([^"]+)"', page)


def events(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


def page_queries(client: Client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def case(handler1, frozen_now) -> Case:
    """A complaint registered at D1XFJ on Saturday 2026-11-21, awaiting acceptance."""
    return register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 21, 9, tzinfo=SHANGHAI)
    ).petition.case


@pytest.fixture
def assigned(case, handler1, street_handler) -> Assignment:
    """`case` accepted and assigned by D1XFJ to the street office D1S1."""
    return services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=street_handler.org_unit,
        responsible_person="孙街道",
        instructions="请核实并报告",
        due_on=D(2026, 12, 10),
    )


@pytest.fixture
def drafted(assigned, case, handler1, street_handler):
    """The assignment reported back and a reply drafted, awaiting a leader."""
    services.assignment_sign(actor=street_handler, assignment=assigned)
    services.assignment_report(actor=street_handler, assignment=assigned, report="已核实")
    return services.reply_draft(
        actor=handler1,
        case=case,
        request="支付工资",
        facts_and_reasons="经核实，公司拖欠工资属实。",
        opinion="support",
        legal_basis="《劳动合同法》第三十条",
        resolved=True,
    )


# --- many cases, fast ---------------------------------------------------------------------


def bulk_cases(org, handler1, street_handler, leader, count: int, start: int = 0) -> None:
    """`count` cases in district 1 written with bulk_create, in every state the pages show:
    awaiting acceptance (acceptance clock), assigned to the street office (assignment clock),
    overdue and due soon, sponsored, with pending approvals."""
    today = timezone.localdate()
    received = timezone.now() - datetime.timedelta(days=2)
    cases = Case.objects.bulk_create(
        [
            Case(
                number=f"BULK-{start + index:06d}",
                status=CaseStatus.REGISTERED if index % 2 == 0 else CaseStatus.IN_PROGRESS,
                matter_kind=MatterKind.COMPLAINT,
                receiving_unit=org.d1_office,
                owner_unit=org.d1_office,
                location_unit=org.d1_street,
                summary=f"批量事项{index}",
                received_at=received,
                last_step_on=today - datetime.timedelta(days=2),
                accepted_on=None if index % 2 == 0 else today - datetime.timedelta(days=2),
                sponsoring_leader=leader if index % 3 == 0 else None,
            )
            for index in range(count)
        ]
    )
    deadlines = []
    assignments = []
    approvals = []
    for index, row in enumerate(cases):
        due = today + datetime.timedelta(days=(index % 7) - 3)  # overdue, due soon, later
        if row.status == CaseStatus.REGISTERED:
            deadlines.append(
                Deadline(
                    case=row,
                    kind=DeadlineKind.ACCEPTANCE,
                    responsible_unit=org.d1_office,
                    starts_on=today - datetime.timedelta(days=2),
                    due_on=due,
                )
            )
        else:
            deadlines.append(
                Deadline(
                    case=row,
                    kind=DeadlineKind.HANDLING,
                    responsible_unit=org.d1_office,
                    starts_on=today - datetime.timedelta(days=2),
                    due_on=due + datetime.timedelta(days=30),
                )
            )
            assignments.append(
                Assignment(
                    case=row,
                    assigning_unit=org.d1_office,
                    lead_unit=org.d1_street,
                    responsible_person="孙街道",
                    instructions="请核实",
                    assigned_on=today - datetime.timedelta(days=1),
                    due_on=due,
                    created_by=handler1,
                )
            )
            approvals.append(
                Approval(
                    case=row,
                    kind=ApprovalKind.EXTENSION,
                    proposal={"days": 30, "reason": "情况复杂", "due_on": f"{due}"},
                    requested_by=handler1,
                    requested_on=today,
                )
            )
    Deadline.objects.bulk_create(deadlines)
    assignments = Assignment.objects.bulk_create(assignments)
    Deadline.objects.bulk_create(
        [
            Deadline(
                case_id=assignment.case_id,
                kind=DeadlineKind.ASSIGNMENT,
                assignment=assignment,
                responsible_unit=org.d1_street,
                starts_on=assignment.assigned_on,
                due_on=assignment.due_on,
            )
            for assignment in assignments
        ]
    )
    Approval.objects.bulk_create(approvals)
    reach_refresh(case.pk for case in cases)  # bulk_create sends no signal


MANY = 1000


def test_list_and_queue_pages_issue_the_same_queries_for_10_and_1000_cases(
    org, handler1, street_handler, city_leader
):
    for _index in range(3):  # a few real cases, with petitions and parties
        register_petition(handler1, petitioners=[petitioner(), petitioner("member")])
    bulk_cases(org, handler1, street_handler, city_leader, 10)
    pages = [
        (handler1, LIST_URL, None),
        (handler1, LIST_URL, {"status": ["registered", "in_progress"], "overdue": "true"}),
        (
            city_leader,
            LIST_URL,
            {"unit": "D1", "sponsored": "true", "due_from": "2026-01-01", "min_petitions": "1"},
        ),
        (handler1, QUEUE_URL, None),
        (street_handler, QUEUE_URL, None),
        (city_leader, QUEUE_URL, None),
        (city_leader, APPROVALS_URL, None),
    ]
    clients = {user.pk: logged_in(user) for user in (handler1, street_handler, city_leader)}
    few = [page_queries(clients[user.pk], url, params) for user, url, params in pages]

    bulk_cases(org, handler1, street_handler, city_leader, MANY - 10, start=10)
    assert Case.objects.count() == MANY + 3
    many = [page_queries(clients[user.pk], url, params) for user, url, params in pages]
    assert many == few
    assert page_queries(clients[handler1.pk], LIST_URL, {"page": 3}) == few[0]


def test_the_list_page_reads_only_the_due_date_it_shows(handler1):
    """The page shows `next_due`; the API's other due dates are not computed for it."""
    register_petition(handler1)
    client = logged_in(handler1)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST_URL).status_code == 200
    [rows] = [q["sql"] for q in captured.captured_queries if '"cases_case"."summary"' in q["sql"]]
    assert rows.count('FROM "cases_deadline"') == 1
    api = logged_in(handler1).get("/api/v1/cases/").json()["results"][0]
    assert "acceptance_due" in api and "handling_due" in api


def test_list_shows_fifty_rows_a_page_with_due_dates_and_days_left(
    org, handler1, street_handler, city_leader
):
    bulk_cases(org, handler1, street_handler, city_leader, 60)
    client = logged_in(handler1)
    first = client.get(LIST_URL)
    assert len(listed(first)) == 50
    assert len(listed(client.get(LIST_URL, {"page": 2}))) == 10
    page = html(first)
    assert 'data-days-left="-3"' in page  # overdue, shown in red
    assert "text-danger" in page


def test_list_filters(case, handler1, street_handler, city_leader, assigned):
    other = register_petition(handler1, summary="另一件事").petition.case
    client = logged_in(city_leader)
    assert set(listed(client.get(LIST_URL))) == {case.number, other.number}
    assert listed(client.get(LIST_URL, {"status": "in_progress"})) == [case.number]
    assert listed(client.get(LIST_URL, {"status": "registered"})) == [other.number]
    assert listed(client.get(LIST_URL, {"q": "另一件"})) == [other.number]
    assert listed(client.get(LIST_URL, {"sponsored": "true"})) == []
    assert listed(client.get(LIST_URL, {"unit": "D2"})) == []
    # The street office sees the case assigned to it, not the other one.
    assert listed(logged_in(street_handler).get(LIST_URL)) == [case.number]


def test_htmx_list_request_gets_only_the_table(case, handler1):
    response = logged_in(handler1).get(LIST_URL, HTTP_HX_REQUEST="true")
    assert "<html" not in html(response)
    assert 'id="case-count"' in html(response)


def test_list_is_scoped(case, handler2, outsider):
    assert listed(logged_in(handler2).get(LIST_URL)) == []
    assert listed(logged_in(outsider).get(LIST_URL, {"unit": "D1"})) == []


# --- my queue -------------------------------------------------------------------------------


def section(page: str, key: str) -> str:
    found = re.search(rf'<section[^>]*data-section="{key}".*?</section>', page, re.S)
    assert found, key
    return found.group(0)


def test_queue_sections_per_role(case, assigned, handler1, street_handler, city_leader):
    other = register_petition(handler1).petition.case
    page = html(logged_in(handler1).get(QUEUE_URL))
    assert other.number in section(page, "to-accept")
    assert 'data-section="to-approve"' not in page  # handlers approve nothing

    street = html(logged_in(street_handler).get(QUEUE_URL))
    assert f"#assignment-{assigned.pk}" in section(street, "to-sign")

    services.case_request_extension(actor=handler1, case=case, days=20, reason="需要调查")
    services.case_sponsor(
        actor=city_leader, case=other, staff=None, due_on=D(2026, 12, 31), responsibility="包案"
    )
    leader = html(logged_in(city_leader).get(QUEUE_URL))
    assert case.number in section(leader, "to-approve")
    assert other.number in section(leader, "sponsored")


def test_queue_shows_overdue_with_negative_days(org, handler1, street_handler, city_leader):
    bulk_cases(org, handler1, street_handler, city_leader, 7)
    page = html(logged_in(handler1).get(QUEUE_URL))
    overdue = section(page, "overdue")
    assert 'data-days-left="-3"' in overdue and "text-danger" in overdue
    assert 'data-days-left="1"' in section(page, "due-soon")


# --- detail ---------------------------------------------------------------------------------


def test_detail_masks_ids_and_phones_and_shows_the_timeline(handler1, frozen_now):
    people = [petitioner(name="李四", id_number="11010519491231002X", phone="13812345678")]
    case = register_petition(handler1, petitioners=people).petition.case
    services.case_accept(actor=handler1, case=case, comment="属于本机关职责")
    page = html(logged_in(handler1).get(detail_url(case)))
    assert "李四" in page
    assert "110105********002X" in page and "11010519491231002X" not in page
    assert "138****5678" in page and "13812345678" not in page
    assert re.findall(r'data-event="([^"]+)"', page) == ["registered", "accepted"]
    assert "属于本机关职责" in page
    assert f'href="/petitions/{case.number}/"' in page


def test_detail_shows_back_entered_dates_with_the_entry_time(case, handler1):
    services.case_accept(actor=handler1, case=case, on=D(2026, 11, 21))
    page = html(logged_in(handler1).get(detail_url(case)))
    accepted = re.search(r'data-event="accepted".*?</li>', page, re.S).group(0)
    assert "2026-11-21" in accepted and "2026-11-22 12:00" in accepted


def test_detail_is_404_outside_the_scope(case, handler2, outsider):
    for user in (handler2, outsider):
        assert logged_in(user).get(detail_url(case)).status_code == 404
    assert logged_in(handler2).get("/cases/NO-SUCH-CASE/").status_code == 404


def test_detail_offers_the_actions_each_user_may_take(
    case, handler1, colleague1, reception1, street_handler, city_leader, city_supervisor
):
    acceptance = ["accept", "assign", "forward", "not-accept", "divert"]
    assert offered(html(logged_in(handler1).get(detail_url(case)))) == acceptance
    assert offered(html(logged_in(colleague1).get(detail_url(case)))) == acceptance
    assert offered(html(logged_in(reception1).get(detail_url(case)))) == []
    assert offered(html(logged_in(city_supervisor).get(detail_url(case)))) == []
    # A leader responsible for the unit may assign (批示交办) as the service allows, and sponsor.
    assert offered(html(logged_in(city_leader).get(detail_url(case)))) == ["assign", "sponsor"]

    assignment = services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=street_handler.org_unit,
        responsible_person="孙街道",
        instructions="请核实",
        due_on=D(2026, 12, 10),
    )
    street_page = html(logged_in(street_handler).get(detail_url(case)))
    street = offered(street_page)
    assert street == [f"assignment-{assignment.pk}-sign", f"assignment-{assignment.pk}-return"]
    # The steps' names in the user's language (the catalogue keeps them).
    unit = street_handler.org_unit.name
    assert f"签收 · {unit}" in street_page and f"异议退回 · {unit}" in street_page
    assert "Sign for it" not in street_page
    # While the street office works on it, the handler may not draft the reply yet.
    assert offered(html(logged_in(handler1).get(detail_url(case)))) == [
        "assign",
        "request-extension",
    ]


def test_detail_query_count_is_bounded(drafted, case, handler1):
    client = logged_in(handler1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail_url(case)).status_code == 200
    assert len(queries) <= 25


# --- actions through the forms --------------------------------------------------------------


def test_accept_with_a_back_entry_date(case, handler1):
    response = logged_in(handler1).post(
        action_url(case, "accept"), {"comment": "受理", "date": "2026-11-21"}
    )
    assert response.status_code == 302 and response["Location"] == detail_url(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.accepted_on == D(2026, 11, 21)
    follow = logged_in(handler1).get(detail_url(case))
    assert offered(html(follow))[0] == "assign"


def test_whole_handling_through_the_forms(case, handler1, street_handler, city_leader, org):
    client = logged_in(handler1)
    response = client.post(
        action_url(case, "assign"),
        {
            "lead_unit": org.d1_street.pk,
            "co_units": [org.d1_business.pk],
            "responsible_person": "孙街道",
            "leader": city_leader.pk,
            "instructions": "请核实并于期限内报告",
            "due_on": "2026-12-10",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(case=case)
    assert list(assignment.co_units.all()) == [org.d1_business]

    street = logged_in(street_handler)
    assert street.post(assignment_url(assignment, "sign"), {}).status_code == 302
    upload = SimpleUploadedFile("核实报告.pdf", pdf_bytes(), "application/pdf")
    response = street.post(
        assignment_url(assignment, "report"), {"report": "已核实，已督促支付。", "files": [upload]}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REPORTED
    document = Document.objects.get(assignment=assignment)

    agreement = SimpleUploadedFile("调解协议.pdf", pdf_bytes(), "application/pdf")
    response = client.post(
        action_url(case, "reply"),
        {
            "request": "支付拖欠工资",
            "facts_and_reasons": "经核实属实。",
            "opinion": "support",
            "legal_basis": "《劳动合同法》第三十条",
            "resolved": "on",
            "agreement": agreement,
            "agreement_kind": "mediation_agreement",
        },
    )
    assert response.status_code == 302
    reply = case.replies.get()
    assert reply.agreement is not None and reply.resolved

    leader = logged_in(city_leader)
    inbox = html(leader.get(APPROVALS_URL))
    approval = Approval.objects.get(case=case, kind=ApprovalKind.REPLY)
    assert f'id="approval-{approval.pk}"' in inbox
    assert "支付拖欠工资" in inbox
    response = leader.post(
        f"/cases/approvals/{approval.pk}/decide/", {"approve": "true", "instruction": "同意"}
    )
    assert response.status_code == 302 and response["Location"] == APPROVALS_URL
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.APPROVED

    response = client.post(action_url(case, "deliver-reply"), {"method": "in_person"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED

    page = html(client.get(detail_url(case)))
    assert re.findall(r'data-event="([^"]+)"', page) == [
        EventKind.REGISTERED,
        EventKind.ACCEPTED,
        EventKind.ASSIGNED,
        EventKind.ASSIGNMENT_SIGNED,
        EventKind.ASSIGNMENT_REPORTED,
        EventKind.REPLY_DRAFTED,
        EventKind.REPLY_APPROVED,
        EventKind.REPLY_DELIVERED,
    ]
    assert f"/cases/{case.number}/replies/{reply.pk}/print/" in page
    assert f"/cases/{case.number}/replies/{reply.pk}/docx/" in page
    assert "同意" in page  # the leader's instruction
    assert offered(page) == ["evaluate"]

    # The report's material downloads for those who see the case, not for others.
    download = client.get(f"/cases/{case.number}/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()


def test_form_error_is_shown_inline_and_changes_nothing(case, handler1, org):
    before = events(case)
    response = logged_in(handler1).post(
        action_url(case, "assign"),
        {"lead_unit": org.d1_street.pk, "responsible_person": "", "instructions": "请核实"},
    )
    assert response.status_code == 400
    page = html(response)
    assert field_error(page, "responsible_person")
    assert field_error(page, "due_on")
    # The form in error is open, with what was typed kept.
    assert 'id="action-assign" class="accordion-collapse collapse show"' in page
    assert "请核实" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED
    assert events(case) == before
    assert not Assignment.objects.exists()


def test_service_validation_error_is_shown_on_its_field(case, handler1, org):
    before = events(case)
    client = logged_in(handler1)
    # The report-back date after the handling deadline: the service refuses it.
    response = client.post(
        action_url(case, "assign"),
        {
            "lead_unit": org.d1_street.pk,
            "responsible_person": "孙街道",
            "instructions": "请核实",
            "due_on": "2027-06-01",
        },
    )
    assert response.status_code == 400
    assert field_error(html(response), "due_on")
    # A back-entry date in the future.
    response = client.post(action_url(case, "accept"), {"date": "2026-11-23"})
    assert response.status_code == 400
    assert field_error(html(response), "date")
    # A unit above the owner cannot be the lead unit (not even offered).
    response = client.post(
        action_url(case, "assign"),
        {
            "lead_unit": org.city.pk,
            "responsible_person": "某",
            "instructions": "请核实",
            "due_on": "2026-12-10",
        },
    )
    assert response.status_code == 400
    assert field_error(html(response), "lead_unit")
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED
    assert events(case) == before


def test_conflict_is_shown_as_a_message_on_the_page(case, handler1, colleague1):
    stale = logged_in(handler1)
    stale.get(detail_url(case))  # handler1 opens the page ...
    services.case_accept(actor=colleague1, case=case)  # ... colleague1 accepts first
    before = events(case)
    response = stale.post(action_url(case, "accept"), {"comment": "我也受理"})
    assert response.status_code == 409
    page = html(response)
    assert 'class="alert alert-danger' in page
    assert case.number in re.search(r"alert-danger[^>]*>(.*?)</div>", page, re.S).group(1)
    assert events(case) == before
    assert offered(page)[0] == "assign"  # the page shows what may be done now


def test_reply_while_the_assignment_is_open_is_a_conflict(assigned, case, handler1):
    response = logged_in(handler1).post(
        action_url(case, "reply"),
        {"request": "支付", "facts_and_reasons": "……", "opinion": "support", "legal_basis": "法"},
    )
    assert response.status_code == 409
    assert assigned.lead_unit.name in html(response)
    assert not case.replies.exists()


@pytest.mark.parametrize("user", ["reception1", "city_supervisor", "city_leader", "street_handler"])
def test_wrong_role_on_a_visible_case_is_403(case, request, user):
    actor = request.getfixturevalue(user)
    client = logged_in(actor)
    assert client.get(detail_url(case)).status_code in (200, 404)
    response = client.post(action_url(case, "accept"), {})
    expected = 404 if user == "street_handler" else 403  # the street office sees nothing yet
    assert response.status_code == expected
    if expected == 403:
        assert 'id="not-allowed"' in html(response)  # with the reason, on a page
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


def test_handler_cannot_work_another_units_assignment_or_approve(
    assigned, drafted, case, handler1, colleague1
):
    assert (
        logged_in(handler1).post(assignment_url(assigned, "return"), {"reason": "x"}).status_code
        == 403
    )
    approval = Approval.objects.get(case=case, status=ApprovalStatus.PENDING)
    response = logged_in(colleague1).post(
        f"/cases/approvals/{approval.pk}/decide/", {"approve": "true"}
    )
    assert response.status_code == 403
    assert logged_in(colleague1).get(APPROVALS_URL).status_code == 403
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING


def test_another_units_case_is_404_for_every_action(assigned, drafted, case, handler2, d2_leader):
    client = logged_in(handler2)
    assert client.post(action_url(case, "accept"), {}).status_code == 404
    assert client.post(assignment_url(assigned, "sign"), {}).status_code == 404
    document = Document.objects.filter(case=case).first()
    if document:
        assert client.get(f"/cases/{case.number}/documents/{document.pk}/").status_code == 404
    approval = Approval.objects.get(case=case, status=ApprovalStatus.PENDING)
    response = logged_in(d2_leader).post(
        f"/cases/approvals/{approval.pk}/decide/", {"approve": "true"}
    )
    assert response.status_code == 404
    assert f'id="approval-{approval.pk}"' not in html(logged_in(d2_leader).get(APPROVALS_URL))


def test_get_on_an_action_url_changes_nothing(assigned, drafted, case, handler1, city_leader):
    """A GET of an action's URL only draws its form (to htmx; a browser goes to the case)."""
    before = events(case)
    client = logged_in(handler1)
    assert client.get(action_url(case, "accept")).status_code == 302
    assert client.get(action_url(case, "deliver-reply"), HTTP_HX_REQUEST="true").status_code == 200
    assert client.get(assignment_url(assigned, "sign"), HTTP_HX_REQUEST="true").status_code == 200
    approval = Approval.objects.get(case=case, status=ApprovalStatus.PENDING)
    assert logged_in(city_leader).get(f"/cases/approvals/{approval.pk}/decide/").status_code == 405
    assert events(case) == before


def test_unknown_action_is_404(case, handler1):
    assert logged_in(handler1).post(action_url(case, "delete"), {}).status_code == 404


# --- approvals inbox and leaders --------------------------------------------------------------


def test_send_back_needs_an_instruction(drafted, case, city_leader):
    approval = Approval.objects.get(case=case, kind=ApprovalKind.REPLY)
    client = logged_in(city_leader)
    url = f"/cases/approvals/{approval.pk}/decide/"
    response = client.post(url, {"approve": "false", "instruction": ""})
    assert response.status_code == 400
    assert field_error(html(response), "instruction")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING

    response = client.post(url, {"approve": "false", "instruction": "事实部分再核实"})
    assert response.status_code == 302
    drafted.refresh_from_db()
    assert drafted.status == ReplyStatus.SENT_BACK
    # Deciding twice: the second is refused with the reason.
    response = client.post(url, {"approve": "true"})
    assert response.status_code == 409
    assert 'class="alert alert-danger' in html(response)


def test_inbox_shows_extension_and_not_accept_proposals(case, handler1, city_leader, frozen_now):
    other = register_petition(handler1).petition.case
    services.case_propose_not_accept(
        actor=handler1, case=other, reason="other", text="不属于信访事项"
    )
    services.case_accept(actor=handler1, case=case)
    services.case_request_extension(actor=handler1, case=case, days=20, reason="需要调查取证")
    page = html(logged_in(city_leader).get(APPROVALS_URL))
    assert "需要调查取证" in page and "不属于信访事项" in page
    assert re.findall(r'data-kind="([^"]+)"', page) == ["not_accept", "extension"]


def test_leader_sponsors_a_case(case, city_leader, colleague1):
    response = logged_in(city_leader).post(
        action_url(case, "sponsor"),
        {"staff": colleague1.pk, "due_on": "2026-12-31", "responsibility": "包案化解"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.sponsoring_leader == city_leader and case.sponsor_staff == colleague1
    page = html(logged_in(city_leader).get(detail_url(case)))
    assert "包案化解" in page and "2026-12-31" in page


def test_review_and_rereview_through_the_forms(
    drafted, case, handler1, city_leader, d1_handler, city_handler
):
    approval = Approval.objects.get(case=case, kind=ApprovalKind.REPLY)
    services.approval_decide(actor=city_leader, approval=approval, approve=True)
    services.reply_deliver(actor=handler1, case=case, method="post")

    district = logged_in(d1_handler)
    assert "request-review" in offered(html(district.get(detail_url(case))))
    response = district.post(action_url(case, "request-review"), {"request": "对答复不服"})
    assert response.status_code == 302
    assert offered(html(district.get(detail_url(case)))) == ["review"]
    opinion = SimpleUploadedFile("复查意见书.pdf", pdf_bytes(), "application/pdf")
    response = district.post(
        action_url(case, "review"),
        {"decision": "uphold", "opinion": "维持原处理意见", "document": opinion},
    )
    assert response.status_code == 302

    city = logged_in(city_handler)
    assert offered(html(city.get(detail_url(case)))) == ["request-rereview"]
    assert city.post(action_url(case, "request-rereview"), {"request": "仍不服"}).status_code == 302
    assert offered(html(city.get(detail_url(case)))) == ["hearing", "rereview"]
    response = city.post(
        action_url(case, "hearing"), {"starts_on": "2026-11-22", "ends_on": "2026-11-21"}
    )
    assert response.status_code == 400
    assert field_error(html(response), "ends_on")
    response = city.post(
        action_url(case, "hearing"),
        {"starts_on": "2026-11-22", "ends_on": "2026-11-22", "note": "公开听证"},
    )
    assert response.status_code == 302
    response = city.post(action_url(case, "rereview"), {"decision": "uphold", "opinion": "维持"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    page = html(city.get(detail_url(case)))
    assert "复查意见书.pdf" in page and "公开听证" in page
    assert re.findall(r'data-event="([^"]+)"', page)[-5:] == [
        EventKind.REVIEWED,
        EventKind.REREVIEW_REQUESTED,
        EventKind.HEARING,
        EventKind.REREVIEWED,
        EventKind.TERMINATED,
    ]
