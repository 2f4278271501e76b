"""Five-party joint supervision services: opening (all five parties, of the right kind, in
the opener's area), party reports and the closing rules, with time frozen on 2026-11-22."""

from __future__ import annotations

import pytest

from accounts.models import OrgKind, OrgLevel
from cases import services as case_services
from cases.models import Case, CaseEvent, CaseStatus, Deadline
from core.exceptions import Conflict, NotAllowed, ValidationError
from escalation.joint.services.opening import PartyDraft, joint_supervision_open
from escalation.joint.services.reporting import (
    joint_party_report,
    joint_supervisions_close_answered,
)
from escalation.kinds import EscalationDeadlineKind, EscalationEventKind
from escalation.models import (
    JointParty,
    JointReport,
    JointStatus,
    JointSupervision,
    PartyRole,
)
from notifications.models import Notification
from tests.conftest import _unit, _user

from . import joint_fixtures
from .joint_fixtures import DUES, ID_NUMBER, PHONE, D, answer, drafts_for

joint_case = joint_fixtures.joint_case
supervision = joint_fixtures.supervision


def parties_errors(excinfo) -> list[str]:
    return excinfo.value.message_dict["parties"]


def written() -> dict:
    return {
        "supervisions": JointSupervision.objects.count(),
        "parties": JointParty.objects.count(),
        "clocks": Deadline.objects.filter(kind=EscalationDeadlineKind.JOINT_TASK).count(),
        "events": CaseEvent.objects.filter(kind=EscalationEventKind.JOINT_OPENED).count(),
        "notifications": Notification.objects.count(),
    }


def report_all_done(supervision, party_users, *, but=()):
    for role in PartyRole.values:
        if role not in but:
            joint_party_report(
                actor=getattr(party_users, role),
                supervision=supervision,
                role=role,
                content="任务已完成",
                done=True,
            )


# --- opening ------------------------------------------------------------------------------


def test_open_creates_five_parties_each_on_its_own_task_clock(
    d1_supervisor, joint_case, party_units, party_users
):
    supervision = joint_supervision_open(
        actor=d1_supervisor, case=joint_case, parties=drafts_for(party_units)
    )

    assert supervision.number == "东湖区联督〔2026〕1号"
    assert supervision.status == JointStatus.OPEN
    assert supervision.opened_on == D(2026, 11, 22)
    assert supervision.opening_unit == d1_supervisor.org_unit
    parties = {party.role: party for party in supervision.parties.select_related("deadline")}
    assert set(parties) == set(PartyRole.values)
    for role, party in parties.items():
        assert party.unit == getattr(party_units, role)
        assert party.due_on == DUES[role]
        clock = party.deadline
        assert clock.kind == EscalationDeadlineKind.JOINT_TASK
        assert clock.case == joint_case
        assert clock.responsible_unit == party.unit
        assert (clock.starts_on, clock.due_on) == (D(2026, 11, 22), DUES[role])
        assert clock.is_open
    event = CaseEvent.objects.get(case=joint_case, kind=EscalationEventKind.JOINT_OPENED)
    assert event.actor == d1_supervisor
    assert event.data["supervision"] == supervision.number
    assert {p["unit"] for p in event.data["parties"]} == {"D1XFJ", "D1JY", "D1ZZ", "D1SF", "D1JW"}


def test_open_notifies_every_party_unit_with_a_link_to_the_supervision(
    d1_supervisor, joint_case, party_units, party_users, handler2
):
    supervision = joint_supervision_open(
        actor=d1_supervisor, case=joint_case, parties=drafts_for(party_units)
    )

    notified = Notification.objects.filter(case_number=joint_case.number, kind="joint_supervision")
    recipients = set(notified.values_list("recipient__username", flat=True))
    assert recipients == {
        "handler1",
        "d1_business",
        "d1_stability",
        "d1_judicial",
        "d1_discipline",
    }
    assert set(notified.values_list("url", flat=True)) == {f"/escalation/joint/{supervision.pk}/"}


def test_the_summary_defaults_to_the_case_and_petitions_without_id_or_phone(
    d1_supervisor, joint_case, party_units
):
    supervision = joint_supervision_open(
        actor=d1_supervisor, case=joint_case, parties=drafts_for(party_units)
    )

    assert supervision.summary.startswith("某建筑公司拖欠农民工工资三个月")
    assert "多次讨要未果" in supervision.summary
    assert ID_NUMBER not in supervision.summary and PHONE not in supervision.summary
    assert "110105********002X" in supervision.summary


def test_a_summary_given_is_kept(d1_supervisor, joint_case, party_units):
    supervision = joint_supervision_open(
        actor=d1_supervisor,
        case=joint_case,
        parties=drafts_for(party_units),
        summary="  工资纠纷，涉及三十余名农民工。 ",
    )
    assert supervision.summary == "工资纠纷，涉及三十余名农民工。"


def test_the_petition_office_handler_may_open_one(handler1, joint_case, party_units):
    supervision = joint_supervision_open(
        actor=handler1, case=joint_case, parties=drafts_for(party_units)
    )
    assert supervision.number == "东湖区信访局联督〔2026〕1号"


def test_fewer_than_five_parties_are_refused_naming_the_missing_and_nothing_is_written(
    d1_supervisor, joint_case, party_units
):
    before = written()
    drafts = drafts_for(party_units, stability=None, discipline=None)
    with pytest.raises(ValidationError) as excinfo:
        joint_supervision_open(actor=d1_supervisor, case=joint_case, parties=drafts)

    (message,) = parties_errors(excinfo)
    assert "适时稳控" in message and "审计查处" in message
    assert written() == before
    # The number was not used up: the next supervision is still number 1.
    opened = joint_supervision_open(
        actor=d1_supervisor, case=joint_case, parties=drafts_for(party_units)
    )
    assert opened.number == "东湖区联督〔2026〕1号"


def test_a_party_named_twice_is_refused(d1_supervisor, joint_case, party_units):
    drafts = [
        *drafts_for(party_units),
        PartyDraft(role="judicial", unit=party_units.judicial, task="再次", due_on=D(2026, 12, 1)),
    ]
    with pytest.raises(ValidationError) as excinfo:
        joint_supervision_open(actor=d1_supervisor, case=joint_case, parties=drafts)
    (error,) = excinfo.value.error_dict["parties"]
    assert error.code == "repeated" and "法律援助" in parties_errors(excinfo)[0]
    assert not JointSupervision.objects.exists()


def test_a_party_of_the_wrong_kind_is_refused_naming_the_role_and_the_kind(
    d1_supervisor, joint_case, party_units
):
    wrong = PartyDraft(
        role="stability", unit=party_units.business, task="稳控", due_on=D(2026, 12, 4)
    )
    with pytest.raises(ValidationError) as excinfo:
        joint_supervision_open(
            actor=d1_supervisor,
            case=joint_case,
            parties=drafts_for(party_units, stability=wrong),
        )
    (error,) = excinfo.value.error_dict["parties"]
    assert (error.code, error.params["party"]) == ("unit", "stability")
    (message,) = parties_errors(excinfo)
    assert "适时稳控" in message
    assert str(OrgKind.STABILITY.label) in message
    assert not JointSupervision.objects.exists()
    assert not Deadline.objects.filter(kind=EscalationDeadlineKind.JOINT_TASK).exists()


def test_a_unit_outside_the_openers_area_is_refused(d1_supervisor, joint_case, party_units, org):
    elsewhere = _unit("D2ZZ", "西山区综治中心", org.d2, OrgLevel.DISTRICT, OrgKind.STABILITY)
    drafts = drafts_for(
        party_units,
        stability=PartyDraft(role="stability", unit=elsewhere, task="稳控", due_on=D(2026, 12, 4)),
    )
    with pytest.raises(ValidationError) as excinfo:
        joint_supervision_open(actor=d1_supervisor, case=joint_case, parties=drafts)
    (message,) = parties_errors(excinfo)
    assert "西山区综治中心" in message


def test_a_task_is_required_and_due_after_today(d1_supervisor, joint_case, party_units):
    drafts = drafts_for(
        party_units,
        business=PartyDraft(role="business", unit=party_units.business, task=" ", due_on=None),
        judicial=PartyDraft(
            role="judicial", unit=party_units.judicial, task="援助", due_on=D(2026, 11, 22)
        ),
    )
    with pytest.raises(ValidationError) as excinfo:
        joint_supervision_open(actor=d1_supervisor, case=joint_case, parties=drafts)
    codes = sorted((e.params["party"], e.code) for e in excinfo.value.error_dict["parties"])
    assert codes == [("business", "due"), ("business", "task"), ("judicial", "due")]


@pytest.mark.parametrize("who", ["business", "street", "outsider", "reception"])
def test_only_supervisors_and_the_petition_office_open_one(
    who, joint_case, party_units, party_users, street_handler, outsider, org
):
    actor = {
        "business": party_users.business,
        "street": street_handler,
        "outsider": outsider,
        "reception": _user("d1_reception", org.d1_office, "reception"),
    }[who]
    with pytest.raises(NotAllowed):
        joint_supervision_open(actor=actor, case=joint_case, parties=drafts_for(party_units))
    assert not JointSupervision.objects.exists()


def test_a_second_open_supervision_on_the_case_is_a_conflict(
    supervision, d1_supervisor, joint_case, party_units
):
    with pytest.raises(Conflict, match=supervision.number):
        joint_supervision_open(
            actor=d1_supervisor, case=joint_case, parties=drafts_for(party_units)
        )
    assert JointSupervision.objects.count() == 1


@pytest.mark.parametrize(
    "status", [CaseStatus.CLOSED, CaseStatus.TERMINATED, CaseStatus.NOT_ACCEPTED]
)
def test_a_closed_case_cannot_be_put_under_joint_supervision(
    status, d1_supervisor, joint_case, party_units
):
    Case.objects.filter(pk=joint_case.pk).update(status=status)
    with pytest.raises(Conflict):
        joint_supervision_open(
            actor=d1_supervisor, case=joint_case, parties=drafts_for(party_units)
        )
    assert not JointSupervision.objects.exists()


# --- reports ------------------------------------------------------------------------------


def test_a_progress_report_is_recorded_and_told_to_the_opener_and_the_tracking_party(
    supervision, party_users, d1_supervisor
):
    Notification.objects.all().delete()
    report = joint_party_report(
        actor=party_users.stability,
        supervision=supervision,
        role="stability",
        content="已走访信访人，情绪稳定",
        done=False,
    )

    assert report.reported_on == D(2026, 11, 22) and not report.done
    party = supervision.parties.get(role="stability")
    assert party.done_on is None and party.deadline.is_open
    event = CaseEvent.objects.get(kind=EscalationEventKind.JOINT_REPORTED)
    assert event.data == {
        "supervision": supervision.number,
        "role": "stability",
        "unit": "D1ZZ",
        "done": False,
    }
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "d1_supervisor",
        "handler1",
    }


def test_done_stops_the_partys_clock_and_cannot_be_reported_twice(supervision, party_users):
    joint_party_report(
        actor=party_users.judicial,
        supervision=supervision,
        role="judicial",
        content="已指派律师提供法律援助",
        done=True,
        on=D(2026, 11, 22),
    )
    party = supervision.parties.select_related("deadline").get(role="judicial")
    assert party.done_on == D(2026, 11, 22)
    assert party.deadline.met_on == D(2026, 11, 22) and not party.deadline.is_open

    with pytest.raises(Conflict):
        joint_party_report(
            actor=party_users.judicial,
            supervision=supervision,
            role="judicial",
            content="再次完成",
            done=True,
        )
    # Progress after completion is still welcome.
    joint_party_report(
        actor=party_users.judicial,
        supervision=supervision,
        role="judicial",
        content="补充材料",
        done=False,
    )
    assert JointReport.objects.filter(party=party).count() == 2


@pytest.mark.parametrize("reporter", ["business", "d1_supervisor", "outsider"])
def test_only_the_partys_own_unit_reports_for_it(
    reporter, supervision, party_users, d1_supervisor, outsider
):
    actor = {"business": party_users.business, "d1_supervisor": d1_supervisor}.get(
        reporter, outsider
    )
    with pytest.raises(NotAllowed):
        joint_party_report(
            actor=actor, supervision=supervision, role="stability", content="x", done=True
        )
    assert not JointReport.objects.exists()


def test_a_report_needs_content_a_known_role_and_a_date_not_in_the_future(supervision, party_users):
    user = party_users.business
    with pytest.raises(ValidationError) as excinfo:
        joint_party_report(
            actor=user, supervision=supervision, role="business", content="  ", done=False
        )
    assert "content" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        joint_party_report(
            actor=user, supervision=supervision, role="mayor", content="x", done=False
        )
    assert "role" in excinfo.value.message_dict
    for day in (D(2026, 11, 23), D(2026, 11, 21)):
        with pytest.raises(ValidationError) as excinfo:
            joint_party_report(
                actor=user,
                supervision=supervision,
                role="business",
                content="x",
                done=False,
                on=day,
            )
        assert "date" in excinfo.value.message_dict
    assert not JointReport.objects.exists()


# --- closing ------------------------------------------------------------------------------


def test_all_five_done_does_not_close_before_the_case_is_answered(supervision, party_users):
    report_all_done(supervision, party_users)
    supervision.refresh_from_db()
    assert supervision.status == JointStatus.OPEN
    assert joint_supervisions_close_answered() == 0


def test_the_scan_closes_it_once_the_case_is_answered_and_only_once(
    supervision, party_users, joint_case, handler1, city_leader
):
    report_all_done(supervision, party_users)
    answer(joint_case, handler1, city_leader)
    Notification.objects.all().delete()

    assert joint_supervisions_close_answered() == 1
    supervision.refresh_from_db()
    assert supervision.status == JointStatus.CLOSED
    assert supervision.closed_on == D(2026, 11, 22)
    assert (
        CaseEvent.objects.filter(case=joint_case, kind=EscalationEventKind.JOINT_CLOSED).count()
        == 1
    )
    assert set(Notification.objects.values_list("recipient__username", flat=True)) >= {
        "d1_supervisor",
        "d1_stability",
        "d1_discipline",
    }
    assert joint_supervisions_close_answered() == 0
    assert CaseEvent.objects.filter(kind=EscalationEventKind.JOINT_CLOSED).count() == 1


def test_the_last_done_report_closes_it_when_the_case_was_answered_already(
    supervision, party_users, joint_case, handler1, city_leader
):
    answer(joint_case, handler1, city_leader)
    report_all_done(supervision, party_users, but=["discipline"])
    supervision.refresh_from_db()
    assert supervision.status == JointStatus.OPEN

    joint_party_report(
        actor=party_users.discipline,
        supervision=supervision,
        role="discipline",
        content="审计完毕，已问责",
        done=True,
    )
    supervision.refresh_from_db()
    assert supervision.status == JointStatus.CLOSED
    with pytest.raises(Conflict):
        joint_party_report(
            actor=party_users.stability,
            supervision=supervision,
            role="stability",
            content="补充",
            done=False,
        )


def test_an_answer_under_review_does_not_count_as_answered(
    supervision, party_users, joint_case, handler1, city_leader, d1_handler
):
    answer(joint_case, handler1, city_leader)
    case_services.case_request_review(actor=d1_handler, case=joint_case, request="不服")
    report_all_done(supervision, party_users)
    supervision.refresh_from_db()
    assert supervision.status == JointStatus.OPEN
    assert joint_supervisions_close_answered() == 0


def test_a_new_supervision_may_be_opened_after_the_last_one_closed(
    supervision, party_users, joint_case, handler1, city_leader, d1_supervisor, party_units
):
    answer(joint_case, handler1, city_leader)
    report_all_done(supervision, party_users)
    joint_case.refresh_from_db()
    assert joint_case.status == CaseStatus.REPLIED
    again = joint_supervision_open(
        actor=d1_supervisor, case=joint_case, parties=drafts_for(party_units)
    )
    assert again.number == "东湖区联督〔2026〕2号"
