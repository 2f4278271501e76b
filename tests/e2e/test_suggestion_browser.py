"""In Chromium: a suggestion (建议意见类, Art. 29) answered on its own track. The district
petition office drafts the answer with the decision 部分采纳 and its reasons; the city leader
approves it; the office delivers it; the register of people's suggestions shows it in the
tab of adopted suggestions; the office records a commendation of the suggester from the case
page's panel, which the register then shows."""

import shutil

import pytest
from django.utils import timezone

from cases import services
from cases.models import ReplyStatus
from ledgers.models import SuggestionCommendation
from tests.factories import PASSWORD, register_petition

from .conftest import log_in, open_panel
from .test_case_flow import open_action, submit_action

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def test_a_suggestion_partly_adopted_and_its_suggester_commended(
    page, live_server, handler1, city_leader, artifacts
):
    case = register_petition(
        handler1, matter_kind="suggestion", summary="建议在东湖公园增设无障碍通道"
    ).petition.case
    services.case_accept(actor=handler1, case=case)
    number = case.number

    # The office drafts the answer: a suggestion takes a decision, not an opinion.
    log_in(page, live_server, "handler1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{number}/")
    assert page.locator("#action-request-extension").count() == 0  # no extension
    open_action(page, "reply")
    options = page.locator("#id_reply_opinion option").evaluate_all(
        "items => items.map(item => item.value).filter(Boolean)"
    )
    assert options == ["adopted", "partly_adopted", "not_adopted"]
    page.fill("#id_reply_request", "建议在东湖公园各出入口增设无障碍通道。")
    page.fill(
        "#id_reply_facts_and_reasons",
        "区住建局研究论证认为，南门、东门具备改造条件，纳入明年公园改造计划；北门受地形限制暂不改造。",
    )
    page.select_option("#id_reply_opinion", "partly_adopted")
    page.screenshot(path=str(artifacts / "suggestion-reply-form.png"), full_page=True)
    submit_action(page, "reply", number)
    log_out(page)

    # The city leader approves it from the inbox.
    log_in(page, live_server, "city_leader", PASSWORD)
    page.click("#nav-approvals")
    page.wait_for_url("**/cases/approvals/")
    card = page.locator(f"[data-approval][data-case='{number}'][data-kind='reply']")
    card.locator("[data-decide='approve']").click()
    page.wait_for_url("**/cases/approvals/")
    page.locator(".alert-success").wait_for()
    log_out(page)

    # The office delivers it, then finds it in the register's tab of adopted suggestions.
    log_in(page, live_server, "handler1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{number}/")
    open_action(page, "deliver-reply")
    page.select_option("#id_deliver_reply_method", "post")
    submit_action(page, "deliver-reply", number)
    assert case.replies.get().status == ReplyStatus.DELIVERED
    page.click("#nav-ledgers")
    page.click("#nav-suggestions")
    page.wait_for_url("**/ledgers/suggestions/")
    page.click("#tab-adopted")
    page.wait_for_url("**/ledgers/suggestions/?adopted=true")
    row = page.locator(f"#suggestions tr[data-suggestion='{number}']")
    row.wait_for()
    assert row.get_attribute("data-decision") == "partly_adopted"
    assert row.get_attribute("data-state") == "answered"

    # The commendation, from the case page's panel.
    row.locator(f"a[href$='/cases/{number}/']").click()
    page.wait_for_url(f"**/cases/{number}/")
    open_panel(page, "suggestions")
    panel = page.locator("#suggestions-panel")
    assert panel.locator("#suggestion-decision").get_attribute("data-decision") == (
        "partly_adopted"
    )
    panel.locator("#panel-commend").click()
    page.wait_for_url(f"**/ledgers/suggestions/cases/{number}/commend/")
    page.click("[data-submit='commend']")  # no reasons: refused on the field
    page.locator("[data-field-error='text']").wait_for()
    page.select_option("#id_kind", "written")
    page.fill("#id_granted_on", timezone.localdate().isoformat())
    page.fill("#id_text", "该建议已部分采纳并纳入公园改造计划，对改进工作有贡献，予以书面表扬。")
    page.screenshot(path=str(artifacts / "suggestion-commend-form.png"), full_page=True)
    page.click("[data-submit='commend']")
    page.wait_for_url(f"**/cases/{number}/")
    page.locator(".alert-success").wait_for()
    assert SuggestionCommendation.objects.get().case_id == case.pk

    page.goto(f"{live_server.url}/ledgers/suggestions/?adopted=true")
    row = page.locator(f"#suggestions tr[data-suggestion='{number}']")
    row.locator("[data-commendation]").wait_for()
    shot = artifacts / "suggestion-register.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copy(shot, "/tmp/suggestion-register.png")
