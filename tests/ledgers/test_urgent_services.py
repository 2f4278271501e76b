"""Major and urgent matters (Art. 25), time frozen on Sunday 2026-11-22 at noon: flagging
starts the reporting clock in hours, the report goes to the government of its level and the
petition office above (never to an accused unit), each acknowledges, follow-ups go to the
same units; the scan reminds an unsent report and escalates an unacknowledged one, once."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter

import pytest

from cases.models import CaseEvent
from core.exceptions import Conflict, NotAllowed, ValidationError
from escalation.deadlines.services import deadlines_scan
from ledgers.models import LedgerEvent, UrgentReport, UrgentStatus
from ledgers.urgent.services import (
    urgent_acknowledge,
    urgent_flag,
    urgent_follow_up,
    urgent_report_issue,
)
from notifications.models import Notification
from tests.conftest import _user
from tests.factories import register_petition

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = datetime.datetime(2026, 11, 22, 12, tzinfo=SHANGHAI)

pytestmark = pytest.mark.usefixtures("frozen_now")


def at(time_machine, hours: float) -> None:
    time_machine.move_to(NOON + datetime.timedelta(hours=hours), tick=False)


def told(kind: str = "urgent") -> Counter:
    return Counter(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def d1_leader(org):
    return _user("d1_leader", org.d1, "leader", last_name="冯")


@pytest.fixture
def case(handler1):
    return register_petition(handler1, summary="五十余人聚集区政府门前").petition.case


@pytest.fixture
def flagged(case, handler1, d1_leader, d1_supervisor):
    return urgent_flag(
        actor=handler1, case=case, gravity="urgent", reason="五十余人聚集，情绪激动。"
    )


def test_flagging_starts_the_reporting_clock_and_tells_the_district(
    flagged, case, d1_leader, d1_supervisor
):
    assert flagged.number == "东湖区信访局专报〔2026〕1号"
    assert flagged.status == UrgentStatus.DRAFT
    assert flagged.report_due_at == NOON + datetime.timedelta(hours=4)
    assert told() == {"d1_leader": 1, "d1_supervisor": 1}
    assert CaseEvent.objects.filter(case=case, kind="urgent_flagged").exists()


def test_the_reporting_clock_is_a_setting(case, handler1, settings):
    settings.URGENT_REPORT_HOURS = 1
    report = urgent_flag(actor=handler1, case=case, gravity="major", reason="涉及人数众多")
    assert report.report_due_at == NOON + datetime.timedelta(hours=1)


def test_flagging_refuses_bad_input_a_second_open_report_and_outsiders(
    flagged, case, handler1, outsider
):
    with pytest.raises(ValidationError) as refused:
        urgent_flag(actor=handler1, case=case, gravity="huge", reason=" ")
    assert set(refused.value.message_dict) == {"gravity"}
    with pytest.raises(ValidationError) as blank:
        urgent_flag(actor=handler1, case=case, gravity="major", reason=" ")
    assert set(blank.value.message_dict) == {"reason"}
    with pytest.raises(Conflict):
        urgent_flag(actor=handler1, case=case, gravity="urgent", reason="again")
    with pytest.raises(NotAllowed):
        urgent_flag(actor=outsider, case=case, gravity="major", reason="x")
    assert UrgentReport.objects.count() == 1


def test_sending_goes_to_the_government_and_the_office_above(
    flagged, handler1, d1_leader, city_handler, org, time_machine
):
    at(time_machine, 1)
    report = urgent_report_issue(actor=handler1, report=flagged, content="今日上午……")
    assert report.status == UrgentStatus.ISSUED and not report.reported_late
    assert report.ack_due_at == NOON + datetime.timedelta(hours=3)
    assert set(report.recipients.values_list("unit__code", flat=True)) == {"D1", "CTXFJ"}
    assert told()["city_handler"] == 1 and told()["d1_leader"] == 2


def test_a_report_sent_after_its_clock_is_late(flagged, handler1, time_machine):
    at(time_machine, 5)
    report = urgent_report_issue(actor=handler1, report=flagged, content="迟报")
    assert report.reported_late
    assert report.is_late(NOON + datetime.timedelta(hours=5))


def test_sending_is_for_the_reporting_unit_once_with_content(flagged, handler1, street_handler):
    with pytest.raises(NotAllowed):
        urgent_report_issue(actor=street_handler, report=flagged, content="x")
    with pytest.raises(ValidationError) as blank:
        urgent_report_issue(actor=handler1, report=flagged, content="")
    assert set(blank.value.message_dict) == {"content"}
    urgent_report_issue(actor=handler1, report=flagged, content="报告")
    with pytest.raises(Conflict):
        urgent_report_issue(actor=handler1, report=flagged, content="报告")


def test_an_accused_office_above_is_not_sent_the_report(handler1, org):
    case = register_petition(
        handler1, matter_kind="accusation", accused_unit=org.city_office
    ).petition.case
    report = urgent_flag(actor=handler1, case=case, gravity="major", reason="控告")
    report = urgent_report_issue(actor=handler1, report=report, content="报告")
    assert list(report.recipients.values_list("unit__code", flat=True)) == ["D1"]


def test_each_recipient_acknowledges_and_then_the_report_is(
    flagged, handler1, d1_leader, city_handler, outsider
):
    with pytest.raises(Conflict):
        urgent_acknowledge(actor=d1_leader, report=flagged)  # not sent yet
    urgent_report_issue(actor=handler1, report=flagged, content="报告")
    # Neither a stranger nor the reporting office (it acts for D1, but not to receive its
    # own report).
    for actor in (outsider, handler1):
        with pytest.raises(NotAllowed):
            urgent_acknowledge(actor=actor, report=flagged)
    report = urgent_acknowledge(actor=d1_leader, report=flagged)
    assert report.status == UrgentStatus.ISSUED
    with pytest.raises(Conflict):
        urgent_acknowledge(actor=d1_leader, report=flagged)
    report = urgent_acknowledge(actor=city_handler, report=flagged)
    assert report.status == UrgentStatus.ACKNOWLEDGED
    assert not report.is_late(NOON)


def test_follow_ups_go_to_the_recipients(flagged, handler1, d1_leader, city_handler):
    with pytest.raises(Conflict):
        urgent_follow_up(actor=handler1, report=flagged, content="续报")
    urgent_report_issue(actor=handler1, report=flagged, content="报告")
    before = told()
    urgent_follow_up(actor=handler1, report=flagged, content="人员已劝返。")
    # D1 receives through its leaders and its supervisors; the city office through its staff.
    assert told() - before == Counter({"d1_leader": 1, "d1_supervisor": 1, "city_handler": 1})
    assert LedgerEvent.objects.filter(object_id=flagged.pk, kind="follow_up").get().note == (
        "人员已劝返。"
    )


def test_the_scan_reminds_an_unsent_report_once(flagged, d1_leader, d1_supervisor, time_machine):
    at(time_machine, 3)
    assert deadlines_scan().steps["urgent"] == {"reports_late": 0, "escalated": 0}
    at(time_machine, 4.5)
    assert deadlines_scan().steps["urgent"]["reports_late"] == 1
    assert told("overdue") == {"d1_leader": 1, "d1_supervisor": 1}
    assert deadlines_scan().steps["urgent"]["reports_late"] == 0
    assert told("overdue") == {"d1_leader": 1, "d1_supervisor": 1}


def test_the_scan_escalates_an_unacknowledged_report_once(
    flagged, handler1, d1_leader, city_handler, city_leader, time_machine
):
    urgent_report_issue(actor=handler1, report=flagged, content="报告")
    urgent_acknowledge(actor=city_handler, report=flagged)
    at(time_machine, 2.5)
    assert deadlines_scan().steps["urgent"]["escalated"] == 1
    # D1 did not acknowledge: the leaders of the city above it are told.
    assert "city_leader" in told()
    assert deadlines_scan().steps["urgent"]["escalated"] == 0
    flagged.refresh_from_db()
    assert flagged.escalated_at is not None and flagged.is_late(NOON + datetime.timedelta(hours=3))
    assert LedgerEvent.objects.filter(object_id=flagged.pk, kind="escalated").count() == 1
