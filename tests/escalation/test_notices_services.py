"""Supervision notices (督办 / 催办): issuing (refusals added to the scan's service), the unit's
written response (once, by the unit, meeting the notice's clock, on the timeline, the issuer
told) and who sees which notice."""

import datetime
import zoneinfo

import pytest

from cases import services as case_services
from cases.models import CaseEvent, Deadline
from core.exceptions import Conflict, NotAllowed, ValidationError
from escalation.kinds import EscalationDeadlineKind, EscalationEventKind
from escalation.models import NoticeKind, SupervisionNotice
from escalation.notices.selectors import NoticeTab, notice_list, notices_visible_to
from escalation.notices.services import supervision_notice_issue, supervision_notice_respond
from notifications.models import Notification
from tests.conftest import _user
from tests.factories import register_petition

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
REQUIREMENTS = "请于期限内清运楼道垃圾，并书面报告处理结果。"


@pytest.fixture
def clock_at(time_machine):
    """Move "now" to noon of a given day (what the services and auto_now fields read)."""

    def move(day: datetime.date) -> datetime.date:
        moment = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI)
        time_machine.move_to(moment, tick=False)
        return day

    return move


@pytest.fixture
def case(handler1, frozen_now):
    """A complaint received by D1XFJ on Friday 2026-11-20 and accepted; today is Sunday
    2026-11-22."""
    case = register_petition(
        handler1,
        received_at=datetime.datetime(2026, 11, 20, 9, tzinfo=SHANGHAI),
        summary="升平街3号楼楼道垃圾堆积",
    ).petition.case
    case_services.case_accept(actor=handler1, case=case)
    return case


@pytest.fixture
def notice(case, d1_supervisor, org):
    """The district supervisor's notice to the street office D1S1, answer due Friday 11-27."""
    return supervision_notice_issue(
        actor=d1_supervisor,
        case=case,
        unit=org.d1_street,
        due_on=D(2026, 11, 27),
        content=REQUIREMENTS,
    )


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# --- issuing --------------------------------------------------------------------------------


def test_a_supervisor_issues_a_numbered_notice_with_its_own_clock(notice, case, org):
    assert notice.number == "东湖区督〔2026〕1号"
    assert notice.issuing_unit == org.d1 and not notice.automatic
    clock = notice.deadline
    assert (clock.kind, clock.responsible_unit, clock.starts_on, clock.due_on) == (
        EscalationDeadlineKind.SUPERVISION_NOTICE,
        org.d1_street,
        D(2026, 11, 22),
        D(2026, 11, 27),
    )
    assert (
        CaseEvent.objects.filter(case=case, kind=EscalationEventKind.SUPERVISION_ISSUED).count()
        == 1
    )


def test_a_handler_may_not_issue_a_notice(case, handler1, org):
    with pytest.raises(NotAllowed):
        supervision_notice_issue(
            actor=handler1, case=case, unit=org.d1_street, due_on=D(2026, 11, 27), content="x"
        )


def test_a_superuser_without_a_unit_is_refused_not_a_500(case, org):
    # A notice is issued in the name of the issuer's unit: without one there is none to number.
    admin = _user("bare_admin", None, "supervisor", is_superuser=True)
    with pytest.raises(NotAllowed):
        supervision_notice_issue(
            actor=admin, case=case, unit=org.d1_street, due_on=D(2026, 11, 27), content="x"
        )
    assert not Deadline.objects.filter(kind=EscalationDeadlineKind.SUPERVISION_NOTICE).exists()


def test_the_accused_unit_is_never_sent_a_notice_on_the_accusation(handler1, d1_supervisor, org):
    accusation = register_petition(
        handler1, matter_kind="accusation", accused_unit=org.d1_street
    ).petition.case
    with pytest.raises(ValidationError) as error:
        supervision_notice_issue(
            actor=d1_supervisor,
            case=accusation,
            unit=org.d1_community,  # inside the accused street office
            due_on=D(2026, 11, 27),
            content=REQUIREMENTS,
        )
    assert "unit" in error.value.message_dict
    assert not SupervisionNotice.objects.exists()


# --- responding -----------------------------------------------------------------------------


def test_the_unit_responds_once_and_the_clock_is_met(notice, case, street_handler, d1_supervisor):
    answered = supervision_notice_respond(
        actor=street_handler, notice=notice, response="已于11月22日清运完毕。"
    )

    notice.refresh_from_db()
    assert not notice.is_open
    assert notice.response == "已于11月22日清运完毕。"
    assert notice.responded_on == D(2026, 11, 22) and notice.responded_by == street_handler
    assert answered.responded_on == notice.responded_on
    clock = Deadline.objects.get(pk=notice.deadline_id)
    assert clock.met_on == D(2026, 11, 22) and clock.met_in_time
    event = CaseEvent.objects.get(case=case, kind=EscalationEventKind.SUPERVISION_ANSWERED)
    assert event.actor == street_handler and event.effective_on == D(2026, 11, 22)
    assert event.data == {"notice": notice.number, "unit": "D1S1", "on_time": True}
    assert event.comment == "已于11月22日清运完毕。"
    (title,) = inbox(d1_supervisor)[:1]
    assert notice.number in title and "东湖街道" in title

    with pytest.raises(Conflict):
        supervision_notice_respond(actor=street_handler, notice=notice, response="再次答复")
    notice.refresh_from_db()
    assert notice.response == "已于11月22日清运完毕。"
    assert CaseEvent.objects.filter(kind=EscalationEventKind.SUPERVISION_ANSWERED).count() == 1


def test_a_late_response_entered_later_keeps_its_date_and_is_late(
    notice, case, street_handler, clock_at
):
    clock_at(D(2026, 12, 3))
    supervision_notice_respond(
        actor=street_handler, notice=notice, response="已清运。", on=D(2026, 11, 30)
    )
    clock = Deadline.objects.get(pk=notice.deadline_id)
    assert clock.met_on == D(2026, 11, 30) and clock.met_in_time is False
    event = CaseEvent.objects.get(case=case, kind=EscalationEventKind.SUPERVISION_ANSWERED)
    assert event.effective_on == D(2026, 11, 30) and event.data["on_time"] is False


@pytest.mark.parametrize(
    "response, on, field",
    [
        ("   ", None, "response"),
        ("已清运。", D(2026, 11, 23), "date"),  # tomorrow
        ("已清运。", D(2026, 11, 21), "date"),  # before the notice was issued
    ],
)
def test_bad_input_is_refused_field_by_field_and_changes_nothing(
    notice, street_handler, response, on, field
):
    with pytest.raises(ValidationError) as error:
        supervision_notice_respond(actor=street_handler, notice=notice, response=response, on=on)
    assert list(error.value.message_dict) == [field]
    notice.refresh_from_db()
    assert notice.is_open and notice.deadline.met_at is None
    assert not CaseEvent.objects.filter(kind=EscalationEventKind.SUPERVISION_ANSWERED).exists()


def test_only_the_addressed_unit_may_respond(notice, handler1, d1_supervisor, handler2, org):
    reception = _user("street_reception", org.d1_street, "reception")
    for user in (handler1, d1_supervisor, handler2, reception):
        with pytest.raises(NotAllowed):
            supervision_notice_respond(actor=user, notice=notice, response="已办")
    notice.refresh_from_db()
    assert notice.is_open


def test_a_petition_office_answers_for_its_government(case, d1_supervisor, handler1, org):
    to_district = supervision_notice_issue(
        actor=d1_supervisor, case=case, unit=org.d1, due_on=D(2026, 11, 27), content="请报告"
    )
    supervision_notice_respond(actor=handler1, notice=to_district, response="已报告")
    to_district.refresh_from_db()
    assert to_district.responded_by == handler1


def test_an_automatic_notice_answer_goes_to_the_supervisors_of_the_issuing_unit(
    case, street_handler, d1_supervisor, city_supervisor, org
):
    automatic = supervision_notice_issue(
        actor=None,
        case=case,
        unit=org.d1_street,
        due_on=D(2026, 11, 27),
        content="办理时限已超期",
        issuing_unit=org.d1_office,
        kind=NoticeKind.URGE,
    )
    supervision_notice_respond(actor=street_handler, notice=automatic, response="已办结")
    # D1XFJ issued it: the supervisors of its government D1 hear of it, not the city's.
    assert any(automatic.number in title for title in inbox(d1_supervisor))
    assert not inbox(city_supervisor)


# --- who sees which notice ------------------------------------------------------------------


def test_notices_are_seen_by_the_case_viewers_and_the_addressed_unit_only(
    notice, handler1, street_handler, d1_supervisor, city_supervisor, handler2, outsider
):
    for user in (handler1, street_handler, d1_supervisor, city_supervisor):
        assert list(notices_visible_to(user)) == [notice], user
    for user in (handler2, outsider):
        assert not notices_visible_to(user).exists(), user


def test_tabs_awaiting_issued_and_all(notice, handler1, street_handler, d1_supervisor):
    assert list(notice_list(user=street_handler, tab=NoticeTab.AWAITING)) == [notice]
    assert list(notice_list(user=handler1, tab=NoticeTab.AWAITING)) == []
    assert list(notice_list(user=d1_supervisor, tab=NoticeTab.ISSUED)) == [notice]
    # The street office sees the notice but did not issue it, nor did any unit below it.
    assert list(notice_list(user=street_handler, tab=NoticeTab.ISSUED)) == []
    supervision_notice_respond(actor=street_handler, notice=notice, response="已办")
    assert list(notice_list(user=street_handler, tab=NoticeTab.AWAITING)) == []
    assert list(notice_list(user=street_handler, tab=NoticeTab.ALL)) == [notice]


def test_a_unit_named_the_accused_later_no_longer_sees_the_notice(
    case, d1_supervisor, handler1, org
):
    business = _user("d1_business", org.d1_business, "handler")
    to_business = supervision_notice_issue(
        actor=d1_supervisor, case=case, unit=org.d1_business, due_on=D(2026, 11, 27), content="x"
    )
    assert list(notices_visible_to(business)) == [to_business]
    type(case).objects.filter(pk=case.pk).update(accused_unit=org.d1_business)
    assert not notices_visible_to(business).exists()
    assert not notice_list(user=business, tab=NoticeTab.AWAITING).exists()
    assert list(notices_visible_to(handler1)) == [to_business]


# --- two answers at once --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_the_same_time_record_one(postgres_only, notice, street_handler, org):
    import threading

    from django.db import connection

    colleague = _user("street_colleague", org.d1_street, "handler")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(user, text):
        try:
            start.wait()
            supervision_notice_respond(actor=user, notice=notice, response=text)
            outcomes.append("answered")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # surfaced below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(street_handler, "甲答复")),
        threading.Thread(target=answer, args=(colleague, "乙答复")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["answered", "conflict"]
    assert CaseEvent.objects.filter(kind=EscalationEventKind.SUPERVISION_ANSWERED).count() == 1
    notice.refresh_from_db()
    assert notice.response in ("甲答复", "乙答复")


def test_a_leader_issues_a_notice_on_an_instruction_but_not_outside_their_area(
    case, city_leader, d2_leader, org
):
    notice = supervision_notice_issue(
        actor=city_leader,
        case=case,
        unit=org.d1_street,
        due_on=datetime.date(2026, 12, 4),
        content="按领导批示，请于12月4日前办结并报告。",
    )
    assert notice.issued_by == city_leader and notice.issuing_unit == org.city
    with pytest.raises(NotAllowed):
        supervision_notice_issue(
            actor=d2_leader,
            case=case,
            unit=org.d1_street,
            due_on=datetime.date(2026, 12, 4),
            content="请办理。",
        )
