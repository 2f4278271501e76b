"""A five-party joint supervision in the browser: `supervisor1` of the district opens one on a
case through the form (a missing party shown on its row first), each party's user finds
their task, two of them report (progress, completion), and the board shows the progress."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from escalation.models import JointStatus, JointSupervision, PartyRole
from tests.conftest import _user
from tests.factories import PASSWORD, register_petition

from .conftest import choose, log_in, open_panel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TASKS = {
    "tracking": "全程跟踪督办，每周汇总各方进展",
    "business": "组织劳资双方调解，依法作出处理决定",
    "stability": "做好信访人思想疏导工作",
    "judicial": "为农民工提供法律援助，指导申请劳动仲裁",
    "discipline": "对有关部门监管履职情况审计查处",
}
DAYS = {"tracking": 30, "business": 20, "stability": 10, "judicial": 15, "discipline": 25}


@pytest.fixture
def supervisor1(org):
    """The district's joint-conference office: a supervisor at the district government D1."""
    return _user("supervisor1", org.d1, "supervisor", last_name="何", first_name="督查")


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def party_states(page, number: str) -> dict[str, str]:
    return page.locator(f"tr[data-supervision='{number}'] td[data-party]").evaluate_all(
        "cells => Object.fromEntries(cells.map(c => [c.dataset.party, c.dataset.state]))"
    )


def test_supervisor_opens_a_joint_supervision_parties_report_and_the_board_shows_it(
    page, live_server, org, party_units, party_users, supervisor1, artifacts
):
    handler1 = party_users.tracking
    case = register_petition(
        handler1,
        summary="某建筑公司拖欠三十余名农民工工资",
        content="信访人反映某建筑公司拖欠其及工友工资共计四十余万元，多次讨要未果。",
    ).petition.case
    services.case_accept(actor=handler1, case=case)
    number = case.number
    today = timezone.localdate()
    units = {role: getattr(party_units, role) for role in PartyRole.values}

    # supervisor1 opens the form from the case's escalation panel.
    log_in(page, live_server, "supervisor1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{number}/")
    open_panel(page, "escalation")
    page.click("#panel-open-joint")
    page.wait_for_url(f"**/escalation/cases/{number}/joint/new/")
    assert "某建筑公司拖欠三十余名农民工工资" in page.input_value("#id_summary")
    # The cursor waits in the first party's unit.
    assert page.evaluate("document.activeElement.id") == "id_tracking_unit-ts-control"
    for role in PartyRole.values:
        if role != "stability":  # forgotten at first
            choose(page, f"id_{role}_unit", units[role].name)
    # The texts after the pickers: a picker closing late must not take a keystroke of them.
    for role in PartyRole.values:
        page.fill(f"#id_{role}_task", TASKS[role])
        page.fill(f"#id_{role}_due", f"{today + datetime.timedelta(days=DAYS[role]):%Y-%m-%d}")
    for role in PartyRole.values:
        assert page.input_value(f"#id_{role}_task") == TASKS[role]
    page.click("#joint-open-submit")
    error = page.locator("[data-field-error='stability_unit']")
    error.wait_for()
    assert "适时稳控" in error.inner_text()
    assert not JointSupervision.objects.exists()
    # What was typed is still there; the cursor is on the row with the error.
    assert page.input_value("#id_judicial_task") == TASKS["judicial"]
    assert page.evaluate("document.activeElement.id") == "id_stability_unit-ts-control"
    page.screenshot(path=str(artifacts / "joint-open-error.png"), full_page=True)

    choose(page, "id_stability_unit", units["stability"].name)
    page.screenshot(path=str(artifacts / "joint-open-form.png"), full_page=True)
    page.click("#joint-open-submit")
    page.wait_for_url("**/escalation/joint/*/")
    supervision = JointSupervision.objects.get(case=case)
    assert page.locator("#joint-number").inner_text() == supervision.number
    assert page.locator("#joint-parties tr[data-party]").count() == 5
    assert page.locator("#joint-documents [data-document]").count() == 3
    page.screenshot(path=str(artifacts / "joint-detail-opened.png"), full_page=True)
    log_out(page)

    # Each party's user finds their task on the board and on the supervision.
    for role in PartyRole.values:
        user = getattr(party_users, role)
        log_in(page, live_server, user.username, PASSWORD)
        page.click("#nav-escalation")
        page.click("#nav-joint-board")
        page.wait_for_url("**/escalation/joint/")
        task = page.locator(f"#my-tasks [data-task='{supervision.pk}-{role}']")
        assert TASKS[role] in task.inner_text()
        if role == "stability":
            page.screenshot(path=str(artifacts / "joint-board-party.png"), full_page=True)
        task.locator("a").first.click()
        page.wait_for_url(f"**/escalation/joint/{supervision.pk}/")
        mine = page.locator("#joint-parties tr[data-mine]")
        assert mine.get_attribute("data-party") == role
        assert TASKS[role] in mine.inner_text()

        if role == "stability":  # progress, not done
            page.fill("#id_report_content", "已约谈信访人代表，情绪平稳，同意通过调解解决。")
            page.click("#joint-report-submit")
            page.wait_for_url(f"**/escalation/joint/{supervision.pk}/")
            page.locator(".alert-success").wait_for()
            assert page.locator("tr[data-party='stability']").get_attribute("data-state") == (
                "in_progress"
            )
        elif role == "judicial":  # done
            page.fill("#id_report_content", "已指派律师为农民工提供法律援助，仲裁申请已受理。")
            page.check("#id_report_done")
            page.screenshot(path=str(artifacts / "joint-report-form.png"), full_page=True)
            page.click("#joint-report-submit")
            page.wait_for_url(f"**/escalation/joint/{supervision.pk}/")
            page.locator(".alert-success").wait_for()
            assert page.locator("tr[data-party='judicial']").get_attribute("data-state") == "done"
            assert "仲裁申请已受理" in page.locator("[data-reports='judicial']").inner_text()
        log_out(page)

    # The board shows the progress to the supervisor.
    log_in(page, live_server, "supervisor1", PASSWORD)
    page.goto(f"{live_server.url}/escalation/joint/")
    assert party_states(page, supervision.number) == {
        "tracking": "not_reported",
        "business": "not_reported",
        "stability": "in_progress",
        "judicial": "done",
        "discipline": "not_reported",
    }
    days = page.locator(
        f"tr[data-supervision='{supervision.number}'] td[data-party='stability'] [data-days-left]"
    )
    assert days.get_attribute("data-days-left") == str(DAYS["stability"])
    page.screenshot(path=str(artifacts / "joint-board.png"), full_page=True)

    # And the assignment letter prints with all five units.
    page.click(f"tr[data-supervision='{supervision.number}'] a:text('{supervision.number}')")
    page.click("[data-document='letter'] [data-print]")
    sheet = page.locator("[data-official-document]")
    for unit in units.values():
        assert unit.name in sheet.inner_text()
    page.screenshot(path=str(artifacts / "joint-letter.png"), full_page=True)
    page.goto(f"{live_server.url}/escalation/joint/{supervision.pk}/documents/responsibility/")
    assert page.locator("[data-official-document] table tbody tr").count() == 5
    page.screenshot(path=str(artifacts / "joint-responsibility-table.png"), full_page=True)
    supervision.refresh_from_db()
    assert supervision.status == JointStatus.OPEN
