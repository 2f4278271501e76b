"""Joint supervision pages: the board (grid of party states, my tasks, open/closed filter,
query count), the open form (five rows, unit lists of the right kind, inline errors), the
detail (who sees it, the report form for one's own party) and reporting through it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from escalation.joint.services.opening import joint_supervision_open
from escalation.joint.services.reporting import joint_party_report
from escalation.models import JointReport, JointStatus, JointSupervision, PartyRole
from tests.conftest import _user
from tests.factories import picker_offers

from . import joint_fixtures
from .joint_fixtures import DUES, ID_NUMBER, TASKS, drafts_for, new_case

joint_case = joint_fixtures.joint_case
supervision = joint_fixtures.supervision

BOARD = "/escalation/joint/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1).strip() if found else None


def open_url(case) -> str:
    return f"/escalation/cases/{case.number}/joint/new/"


def form_data(units, **changes) -> dict:
    data = {"summary": ""}
    for role in PartyRole.values:
        data |= {
            f"{role}_unit": str(getattr(units, role).pk),
            f"{role}_task": TASKS[role],
            f"{role}_due": DUES[role].isoformat(),
        }
    data.update(changes)
    return data


# --- board --------------------------------------------------------------------------------


def test_the_board_shows_each_partys_state_and_days_left(supervision, d1_supervisor, party_users):
    joint_party_report(
        actor=party_users.stability,
        supervision=supervision,
        role="stability",
        content="已走访",
        done=False,
    )
    joint_party_report(
        actor=party_users.judicial,
        supervision=supervision,
        role="judicial",
        content="完成",
        done=True,
    )
    page = html(logged_in(d1_supervisor).get(BOARD))

    row = re.search(rf'<tr data-supervision="{re.escape(supervision.number)}".*?</tr>', page, re.S)
    assert row is not None
    states = dict(re.findall(r'data-party="(\w+)" data-state="(\w+)"', row.group(0)))
    assert states == {
        "tracking": "not_reported",
        "business": "not_reported",
        "stability": "in_progress",
        "judicial": "done",
        "discipline": "not_reported",
    }
    # Calendar days to the due date, as on the case pages (2026-11-22 → 2026-12-04: 12).
    stability_cell = re.search(r'data-party="stability".*?</td>', row.group(0), re.S).group(0)
    assert 'data-days-left="12"' in stability_cell
    assert 'id="my-tasks"' not in page  # the supervisor's unit is no party


def test_party_users_see_their_own_task_on_top(supervision, party_users):
    page = html(logged_in(party_users.discipline).get(BOARD))
    tasks = re.search(r'id="my-tasks".*?</section>', page, re.S).group(0)
    assert f'data-task="{supervision.pk}-discipline"' in tasks
    assert TASKS["discipline"] in tasks
    assert "data-task=" in tasks and tasks.count("data-task=") == 1
    # The discipline office does not see the case: its number is not a link.
    assert f'href="/cases/{supervision.case.number}/"' not in page


def test_the_board_filters_open_and_closed(supervision, d1_supervisor):
    client = logged_in(d1_supervisor)
    closed_page = html(client.get(BOARD, {"status": "closed"}))
    assert f'data-supervision="{supervision.number}"' not in closed_page
    JointSupervision.objects.filter(pk=supervision.pk).update(status=JointStatus.CLOSED)
    closed_page = html(client.get(BOARD, {"status": "closed"}))
    assert f'data-supervision="{supervision.number}"' in closed_page
    assert f'data-supervision="{supervision.number}"' not in html(client.get(BOARD))
    assert client.get(BOARD, {"status": "nonsense", "page": "x"}).status_code == 200


def test_the_board_query_count_does_not_grow_with_supervisions(
    d1_supervisor, handler1, party_units, party_users, frozen_now
):
    def add(count):
        for _ in range(count):
            case = new_case(handler1)
            joint_supervision_open(actor=d1_supervisor, case=case, parties=drafts_for(party_units))

    def queries(user) -> int:
        client = logged_in(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(BOARD)
        assert response.status_code == 200
        return len(captured)

    add(1)
    one = {user: queries(user) for user in (d1_supervisor, party_users.business)}
    add(19)
    page = html(logged_in(d1_supervisor).get(BOARD))
    assert page.count("data-supervision=") == 20
    assert html(logged_in(party_users.business).get(BOARD)).count("data-task=") == 20
    for user, count in one.items():
        assert queries(user) <= count, user


# --- opening ------------------------------------------------------------------------------


def test_the_open_form_offers_units_of_the_right_kind_and_prefills_the_summary(
    d1_supervisor, joint_case, party_units, org
):
    client = logged_in(d1_supervisor)
    page = html(client.get(open_url(joint_case)))

    assert re.findall(r'data-party-row="(\w+)"', page) == PartyRole.values
    stability = {unit["name"] for unit in picker_offers(client, page, "stability_unit")}
    assert "东湖区综治中心" in stability and "东湖区教育局" not in stability
    business = {unit["name"] for unit in picker_offers(client, page, "business_unit")}
    assert "东湖区教育局" in business and "西山区教育局" not in business  # outside D1
    summary = re.search(r'<textarea name="summary".*?</textarea>', page, re.S).group(0)
    assert "某建筑公司拖欠农民工工资三个月" in summary and ID_NUMBER not in summary


def test_opening_through_the_form_goes_to_the_supervision(
    d1_supervisor, joint_case, party_units, party_users
):
    response = logged_in(d1_supervisor).post(open_url(joint_case), form_data(party_units))
    supervision = JointSupervision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/escalation/joint/{supervision.pk}/"
    assert supervision.parties.count() == 5
    assert supervision.summary.startswith("某建筑公司拖欠农民工工资三个月")


def test_a_missing_party_unit_is_an_inline_error_on_its_row(d1_supervisor, joint_case, party_units):
    data = form_data(party_units, stability_unit="", judicial_due="2026-11-22")
    response = logged_in(d1_supervisor).post(open_url(joint_case), data)
    page = html(response)
    assert response.status_code == 400
    assert "适时稳控" in field_error(page, "stability_unit")
    assert "法律援助" in field_error(page, "judicial_due")
    assert field_error(page, "business_unit") is None
    assert not JointSupervision.objects.exists()


def test_a_unit_of_the_wrong_kind_is_refused_on_its_row(d1_supervisor, joint_case, party_units):
    data = form_data(party_units, discipline_unit=str(party_units.business.pk))
    response = logged_in(d1_supervisor).post(open_url(joint_case), data)
    assert response.status_code == 400
    assert field_error(html(response), "discipline_unit")
    assert not JointSupervision.objects.exists()


def test_a_second_supervision_through_the_form_is_a_conflict(
    supervision, d1_supervisor, party_units
):
    response = logged_in(d1_supervisor).post(open_url(supervision.case), form_data(party_units))
    assert response.status_code == 409
    assert supervision.number in html(response)
    assert JointSupervision.objects.count() == 1


def test_the_open_form_is_refused_to_those_who_may_not_open(joint_case, party_users, org, outsider):
    leader = _user("d1_leader", org.d1, "leader")
    assert logged_in(leader).get(open_url(joint_case)).status_code == 403
    assert logged_in(leader).post(open_url(joint_case), {}).status_code == 403
    # Units that do not see the case do not learn it exists.
    assert logged_in(party_users.stability).get(open_url(joint_case)).status_code == 404
    assert logged_in(outsider).get(open_url(joint_case)).status_code == 404


# --- detail and reports -------------------------------------------------------------------


def test_the_detail_shows_each_party_its_task_and_its_own_report_form(supervision, party_users):
    for role, user in vars(party_users).items():
        page = html(logged_in(user).get(f"/escalation/joint/{supervision.pk}/"))
        assert TASKS[role] in page
        assert re.findall(r"data-mine", page) == ["data-mine"], role
        assert 'id="joint-report-form"' in page
        assert f'name="role" value="{role}"' in page
        for kind in ("letter", "summary", "responsibility"):
            assert f"/escalation/joint/{supervision.pk}/documents/{kind}/docx/" in page


def test_the_supervisor_sees_the_detail_without_a_report_form(supervision, d1_supervisor):
    page = html(logged_in(d1_supervisor).get(f"/escalation/joint/{supervision.pk}/"))
    assert 'id="joint-report-form"' not in page
    assert f'href="/cases/{supervision.case.number}/"' in page


def test_others_get_404(supervision, outsider, handler2):
    for user in (outsider, handler2):
        client = logged_in(user)
        assert client.get(f"/escalation/joint/{supervision.pk}/").status_code == 404
        assert client.post(f"/escalation/joint/{supervision.pk}/report/", {}).status_code == 404
        assert (
            client.get(f"/escalation/joint/{supervision.pk}/documents/letter/").status_code == 404
        )


def test_reporting_through_the_form(supervision, party_users):
    client = logged_in(party_users.business)
    url = f"/escalation/joint/{supervision.pk}/report/"
    response = client.post(url, {"role": "business", "content": "已组织调解", "done": "on"})
    assert response.status_code == 302
    party = supervision.parties.get(role="business")
    assert party.done_on is not None
    page = html(client.get(f"/escalation/joint/{supervision.pk}/"))
    assert "已组织调解" in page
    assert re.search(r'data-party="business" data-state="done"', page)


def test_a_report_without_content_is_an_inline_error(supervision, party_users):
    response = logged_in(party_users.business).post(
        f"/escalation/joint/{supervision.pk}/report/", {"role": "business", "content": ""}
    )
    assert response.status_code == 400
    assert field_error(html(response), "content")
    assert not JointReport.objects.exists()


def test_a_report_for_another_partys_role_is_refused(supervision, party_users, d1_supervisor):
    response = logged_in(party_users.business).post(
        f"/escalation/joint/{supervision.pk}/report/", {"role": "stability", "content": "x"}
    )
    assert response.status_code == 400
    assert not JointReport.objects.exists()
    response = logged_in(d1_supervisor).post(
        f"/escalation/joint/{supervision.pk}/report/", {"role": "tracking", "content": "x"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["report/"])
def test_get_on_the_report_url_changes_nothing(supervision, party_users, path):
    response = logged_in(party_users.business).get(f"/escalation/joint/{supervision.pk}/{path}")
    assert response.status_code == 405
