"""A case handled in the browser from acceptance to the delivered reply, by the handler of
the district petition office, the street office it is assigned to and a city leader."""

import datetime
import re

import pytest
from django.utils import timezone

from cases.models import Assignment, CaseStatus, EventKind, Reply, ReplyStatus
from tests.factories import PASSWORD, UserFactory, pdf_bytes, register_petition

from .conftest import choose, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def open_action(page, key: str) -> None:
    """Open an action's card on the detail page (the cursor goes to its first field)."""
    page.click(f"#toggle-{key}")
    page.locator(f"#action-{key}.show").wait_for()
    # The page puts the cursor in the card once it has opened; typing before that would
    # land wherever the focus was and then lose it.
    page.wait_for_function(
        "key => document.activeElement && document.activeElement.closest('#action-' + key)",
        arg=key,
    )


def submit_action(page, key: str, number: str) -> None:
    page.click(f"[data-submit='{key}']")
    page.wait_for_url(f"**/cases/{number}/")
    page.locator(".alert-success").wait_for()


def timeline(page) -> list[str]:
    return page.locator("#timeline [data-event]").evaluate_all(
        "items => items.map(item => item.dataset.event)"
    )


def test_case_from_acceptance_to_the_delivered_reply(
    page, live_server, org, handler1, street_handler, artifacts
):
    UserFactory(
        username="leader1", org_unit=org.city, roles=["leader"], last_name="刘", first_name="市长"
    )
    case = register_petition(handler1, summary="某建筑公司拖欠农民工工资三个月").petition.case
    number = case.number
    today = timezone.localdate()

    # handler1 finds the new case in the queue and accepts it.
    log_in(page, live_server, "handler1", PASSWORD)
    page.click("#nav-queue")
    page.wait_for_url("**/cases/queue/")
    page.locator(f"[data-section='to-accept'] [data-case='{number}']").wait_for()
    page.screenshot(path=str(artifacts / "case-queue-handler.png"), full_page=True)
    page.click(f"[data-section='to-accept'] a:text('{number}')")
    page.wait_for_url(f"**/cases/{number}/")
    assert page.locator("#case-status").get_attribute("data-status") == CaseStatus.REGISTERED
    assert page.locator("[data-id-number]").first.inner_text().count("*") == 8

    open_action(page, "accept")
    assert page.evaluate("document.activeElement.id") in (
        "id_accept_simplified",
        "id_accept_comment",
    )
    page.fill("#id_accept_comment", "属于本机关职责范围，予以受理")
    submit_action(page, "accept", number)
    assert page.locator("#case-status").get_attribute("data-status") == CaseStatus.ACCEPTED

    # ... and assigns it to the street office.
    open_action(page, "assign")
    # The cursor is in the lead unit's search box, ready to type.
    assert page.evaluate("document.activeElement.id") == "id_assign_lead_unit-ts-control"
    choose(page, "id_assign_lead_unit", org.d1_street.name)
    page.fill("#id_assign_responsible_person", "孙街道")
    page.fill("#id_assign_instructions", "请核实工资拖欠情况，督促企业支付，并于期限内报告。")
    page.fill("#id_assign_due_on", f"{today + datetime.timedelta(days=20):%Y-%m-%d}")
    page.screenshot(path=str(artifacts / "case-assign-form.png"), full_page=True)
    submit_action(page, "assign", number)
    assert page.locator("#case-status").get_attribute("data-status") == CaseStatus.IN_PROGRESS
    assignment = Assignment.objects.get(case__number=number)
    log_out(page)

    # The street office signs for the assignment and reports back with its material.
    log_in(page, live_server, "street_handler", PASSWORD)
    page.goto(f"{live_server.url}/cases/queue/")
    page.click(f"[data-section='to-sign'] a:text('{number}')")
    page.wait_for_url(f"**/cases/{number}/#assignment-{assignment.pk}")
    sign = f"assignment-{assignment.pk}-sign"
    open_action(page, sign)
    submit_action(page, sign, number)
    report = f"assignment-{assignment.pk}-report"
    open_action(page, report)
    page.fill(
        f"#id_assignment{assignment.pk}_report_report", "经核实，企业已于本周支付全部拖欠工资。"
    )
    page.set_input_files(
        f"#id_assignment{assignment.pk}_report_files",
        files=[{"name": "核实报告.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    page.screenshot(path=str(artifacts / "case-report-form.png"), full_page=True)
    submit_action(page, report, number)
    assert (
        page.locator(f"#assignment-{assignment.pk}").get_attribute("data-assignment-status")
        == "reported"
    )
    assert page.locator("#documents a", has_text="核实报告.pdf").count() == 1
    log_out(page)

    # handler1 drafts the reply.
    log_in(page, live_server, "handler1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{number}/")
    open_action(page, "reply")
    page.fill("#id_reply_request", "要求支付拖欠的三个月工资")
    page.fill("#id_reply_facts_and_reasons", "经街道核实，该公司拖欠工资属实，现已全部支付。")
    page.select_option("#id_reply_opinion", "support")
    page.fill("#id_reply_legal_basis", "《保障农民工工资支付条例》第十五条")
    page.check("#id_reply_resolved")
    submit_action(page, "reply", number)
    reply = Reply.objects.get(case__number=number)
    assert reply.status == ReplyStatus.PENDING_APPROVAL
    log_out(page)

    # leader1 approves it from the inbox, with an instruction.
    log_in(page, live_server, "leader1", PASSWORD)
    page.click("#nav-approvals")
    page.wait_for_url("**/cases/approvals/")
    card = page.locator(f"[data-approval][data-case='{number}'][data-kind='reply']")
    approval_id = card.get_attribute("data-approval")
    page.fill(f"#id_approval{approval_id}_instruction", "同意，请及时送达。")
    page.screenshot(path=str(artifacts / "case-approvals-inbox.png"), full_page=True)
    card.locator("[data-decide='approve']").click()
    page.wait_for_url("**/cases/approvals/")
    page.locator(".alert-success").wait_for()
    assert page.locator(f"[data-case='{number}']").count() == 0
    log_out(page)

    # handler1 delivers it.
    log_in(page, live_server, "handler1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{number}/")
    open_action(page, "deliver-reply")
    page.select_option("#id_deliver_reply_method", "in_person")
    submit_action(page, "deliver-reply", number)
    assert page.locator("#case-status").get_attribute("data-status") == CaseStatus.REPLIED
    assert page.locator(f"[data-reply-print='{reply.pk}']").count() == 1

    # The detail shows the whole timeline, in order.
    assert timeline(page) == [
        EventKind.REGISTERED,
        EventKind.ACCEPTED,
        EventKind.ASSIGNED,
        EventKind.ASSIGNMENT_SIGNED,
        EventKind.ASSIGNMENT_REPORTED,
        EventKind.REPLY_DRAFTED,
        EventKind.REPLY_APPROVED,
        EventKind.REPLY_DELIVERED,
    ]
    assert "同意，请及时送达。" in page.locator("#approvals").inner_text()
    page.screenshot(path=str(artifacts / "case-detail-replied.png"), full_page=True)

    page.click("#nav-cases")
    page.wait_for_url("**/cases/")
    row = page.locator(f"tr[data-case='{number}']")
    assert re.search(r"\b1\b", row.locator("td").nth(7).inner_text())
    page.screenshot(path=str(artifacts / "case-list.png"), full_page=True)
    # Filters apply as they change (htmx), and the address keeps them.
    page.select_option("#id_overdue", "true")
    page.locator(f"tr[data-case='{number}']").wait_for(state="detached")
    assert "overdue=true" in page.url


def test_a_refused_action_shows_its_error_in_the_open_form(
    page, live_server, org, handler1, artifacts
):
    case = register_petition(handler1).petition.case
    log_in(page, live_server, "handler1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    open_action(page, "assign")
    choose(page, "id_assign_lead_unit", org.d1_street.name)
    page.fill("#id_assign_responsible_person", "孙街道")
    page.fill("#id_assign_instructions", "请核实")
    # Later than the answer is due: the service refuses it.
    late = timezone.localdate() + datetime.timedelta(days=200)
    page.fill("#id_assign_due_on", f"{late:%Y-%m-%d}")
    assert page.input_value("#id_assign_responsible_person") == "孙街道"
    page.click("[data-submit='assign']")
    page.locator(
        "#action-assign.show .invalid-feedback, #action-assign.show .alert"
    ).first.wait_for()
    page.screenshot(path=str(artifacts / "case-assign-error.png"), full_page=True)
    errors = page.eval_on_selector_all(
        "#action-assign [data-field-error], #action-assign .alert",
        "nodes => nodes.map(n => (n.dataset.fieldError || 'form') + ': ' + n.textContent.trim())",
    )
    assert [e.split(":")[0] for e in errors] == ["due_on"], errors
    # What was typed is kept, and the cursor waits in the field to correct.
    assert page.input_value("#id_assign_instructions") == "请核实"
    assert page.evaluate("document.activeElement.id") == "id_assign_due_on"
    assert not Assignment.objects.exists()
