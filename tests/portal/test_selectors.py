"""The public view of a matter: statuses and steps in plain words, the dates that concern the
petitioner, what they may do next; found only by the right number and code."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import DeadlineKind
from portal.selectors import public_view
from tests.factories import deliver, petitioner

from .conftest import D, registered

pytestmark = pytest.mark.usefixtures("frozen_now")  # 2026-11-22


def labels(matter):
    return [step.label for step in matter.steps]


def dues(matter):
    return {due.label: due.date for due in matter.due_dates}


def test_a_registered_matter(handler1):
    petition, code = registered(handler1)
    matter = public_view(petition.number, code)
    assert (matter.number, matter.status, matter.status_label) == (
        petition.number,
        "registered",
        "已登记",
    )
    assert [(s.date, s.label) for s in matter.steps] == [(D(2026, 11, 2), "已登记")]
    assert dues(matter) == {"受理决定期限": D(2026, 11, 17)}
    assert not matter.can_evaluate and not matter.can_request_review


def test_an_accepted_matter_shows_when_the_answer_is_due(handler1):
    petition, code = registered(handler1)
    services.case_accept(actor=handler1, case=petition.case, on=D(2026, 11, 5))
    matter = public_view(petition.number, code)
    assert (matter.status, matter.status_label) == ("accepted", "已受理")
    assert labels(matter) == ["已登记", "已受理"]
    assert matter.steps[1].date == D(2026, 11, 5)
    assert list(dues(matter)) == ["答复期限"]


def test_a_forwarded_matter_names_the_body_it_went_to(handler1, org):
    petition, code = registered(handler1)
    services.case_forward(
        actor=handler1, case=petition.case, to_unit=org.d2_office, on=D(2026, 11, 3)
    )
    matter = public_view(petition.number, code)
    assert matter.status == "forwarded"
    assert matter.status_label == f"已转送至{org.d2_office.name}"
    assert org.d2_office.name in labels(matter)[1]
    # The new body's acceptance clock: from the day it received the matter.
    assert dues(matter)["受理决定期限"] == D(2026, 11, 18)


def test_an_assigned_then_extended_matter(handler1, street_handler, city_leader, org):
    petition, code = registered(handler1)
    case = petition.case
    services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=org.d1_street,
        responsible_person="孙街道",
        instructions="请调查核实，内部批示",
        due_on=D(2026, 12, 10),
        on=D(2026, 11, 4),
    )
    approval = services.case_request_extension(
        actor=handler1, case=case, days=30, reason="需现场调查", on=D(2026, 11, 20)
    )
    services.approval_decide(actor=city_leader, approval=approval, approve=True, on=D(2026, 11, 21))
    matter = public_view(petition.number, code)
    assert (matter.status, matter.status_label) == ("assigned", "已交办")
    assert labels(matter)[:3] == ["已登记", "已受理", "已交办下级单位调查处理"]
    new_due = dues(matter)["答复期限"]
    assert labels(matter)[3] == f"答复期限延长至{new_due.year}年{new_due.month}月{new_due.day}日"
    # The assignment reported back: the matter is being handled again.
    assignment = case.assignments.get()
    services.assignment_sign(actor=street_handler, assignment=assignment, on=D(2026, 11, 22))
    services.assignment_report(
        actor=street_handler, assignment=assignment, report="已核实", on=D(2026, 11, 22)
    )
    matter = public_view(petition.number, code)
    assert (matter.status, matter.status_label) == ("in_progress", "办理中")


def test_an_answered_matter_may_be_rated_and_reviewed_within_the_windows(
    handler1, city_leader, time_machine
):
    petition, code = registered(handler1)
    case = petition.case
    services.case_accept(actor=handler1, case=case, on=D(2026, 11, 5))
    deliver(case, handler1, city_leader, on=D(2026, 11, 20))
    matter = public_view(petition.number, code)
    assert (matter.status, matter.status_label) == ("replied", "已答复")
    assert labels(matter) == ["已登记", "已受理", "已答复"]
    assert matter.can_evaluate and matter.can_request_review
    dates = dues(matter)
    assert set(dates) == {"评价截止", "申请复查截止"}
    window = case.deadlines.get(kind=DeadlineKind.REVIEW_REQUEST)
    assert dates["申请复查截止"] == window.due_on == D(2026, 12, 21)  # 30 days, Sunday moved
    # After the evaluation window and then the review window: neither any more.
    later = dates["评价截止"] + datetime.timedelta(days=1)
    assert not public_view(petition.number, code, today=later).can_evaluate
    past = dates["申请复查截止"] + datetime.timedelta(days=1)
    matter = public_view(petition.number, code, today=past)
    assert not matter.can_request_review and not matter.can_evaluate


def test_not_accepted_and_diverted(handler1, city_leader):
    petition, code = registered(handler1)
    approval = services.case_propose_not_accept(
        actor=handler1, case=petition.case, reason="outside_remit", on=D(2026, 11, 4)
    )
    services.approval_decide(actor=city_leader, approval=approval, approve=True, on=D(2026, 11, 5))
    matter = public_view(petition.number, code)
    assert (matter.status, matter.status_label) == ("not_accepted", "不予受理")
    assert matter.due_dates == ()

    other, other_code = registered(handler1)
    services.case_divert(actor=handler1, case=other.case, channel="litigation", guided_to="法院")
    matter = public_view(other.number, other_code)
    assert matter.status == "diverted"
    assert "诉讼" in labels(matter)[-1]


def test_only_the_right_pair_finds_the_matter(handler1):
    petition, code = registered(handler1)
    _other, other_code = registered(handler1)
    assert public_view(petition.number, other_code) is None
    assert public_view("XF-NO-SUCH-1", code) is None
    assert public_view(petition.number, "") is None
    assert public_view(petition.number + "\x00", code) is None
    # Typed in lower case with spaces around: the same code.
    assert public_view(petition.number, f"  {code.lower()} ").number == petition.number


def test_the_lookup_costs_the_same_for_an_unknown_number_and_a_wrong_code(handler1):
    petition, code = registered(handler1)
    with CaptureQueriesContext(connection) as wrong_code:
        public_view(petition.number, "WRONG234")
    with CaptureQueriesContext(connection) as unknown:
        public_view("XF-NO-SUCH-1", code)
    assert len(wrong_code) == len(unknown) == 1


def test_queries_are_bounded_whatever_the_history(handler1, street_handler, city_leader, org):
    small, small_code = registered(handler1)
    big, big_code = registered(handler1)
    services.case_accept(actor=handler1, case=small.case, on=D(2026, 11, 5))
    deliver(small.case, handler1, city_leader, on=D(2026, 11, 20))
    services.case_forward(actor=handler1, case=big.case, to_unit=org.d1_business, on=D(2026, 11, 3))
    for day in (4, 5, 6):
        services.case_assign(
            actor=_d1_business_handler(org),
            case=big.case,
            lead_unit=org.d1_street,
            responsible_person="孙街道",
            instructions="请调查",
            due_on=D(2026, 12, 1),
            on=D(2026, 11, day),
        )
        assignment = big.case.assignments.latest("pk")
        services.assignment_sign(actor=street_handler, assignment=assignment, on=D(2026, 11, day))
        services.assignment_report(
            actor=street_handler, assignment=assignment, report="办结", on=D(2026, 11, day)
        )
    deliver(big.case, _d1_business_handler(org), city_leader, on=D(2026, 11, 20))
    with CaptureQueriesContext(connection) as one:
        assert public_view(small.number, small_code).status == "replied"
    with CaptureQueriesContext(connection) as many:
        matter = public_view(big.number, big_code)
    assert matter.status == "replied" and len(matter.steps) > 6
    # Petition, clocks, steps, forward targets' names, the evaluation rule and its calendar,
    # the delivered answers and the written notices.
    assert len(many) <= 9 and len(many) - len(one) == 1  # only the forward targets' names


def _d1_business_handler(org):
    from accounts.models import User
    from tests.factories import UserFactory

    return User.objects.filter(username="d1b_handler").first() or UserFactory(
        username="d1b_handler", org_unit=org.d1_business, roles=["handler"]
    )


def test_a_repeat_petition_follows_the_case_it_joined(handler1):
    first, first_code = registered(handler1, petitioners=[petitioner(name="温启光")])
    services.case_accept(actor=handler1, case=first.case, on=D(2026, 11, 5))
    repeat, code = registered(
        handler1, D(2026, 11, 10), case=first.case, petitioners=[petitioner(name="孙佩华")]
    )
    assert repeat.case_id == first.case_id and code != first_code
    matter = public_view(repeat.number, code)
    assert (matter.number, matter.status) == (repeat.number, "accepted")
    assert [(s.date, s.label) for s in matter.steps] == [
        (D(2026, 11, 5), "已受理"),
        (D(2026, 11, 10), "已登记"),
    ]
    assert public_view(repeat.number, first_code) is None


def test_an_answered_suggestion_tells_its_decision_and_offers_no_review(handler1, city_leader):
    from django.utils import translation

    petition, code = registered(handler1, matter_kind="suggestion")
    case = petition.case
    services.case_accept(actor=handler1, case=case, on=D(2026, 11, 5))
    services.reply_draft(
        actor=handler1,
        case=case,
        request="建议增设无障碍通道",
        facts_and_reasons="经研究论证，部分可行。",
        opinion="partly_adopted",
        on=D(2026, 11, 10),
    )
    services.approval_decide(
        actor=city_leader, approval=case.approvals.get(), approve=True, on=D(2026, 11, 11)
    )
    services.reply_deliver(actor=handler1, case=case, method="online", on=D(2026, 11, 12))
    with translation.override("en"):
        matter = public_view(petition.number, code)
        assert labels(matter)[-1] == "Answered: your suggestion is partly adopted"
        assert not any("review" in label for label in dues(matter))
    assert matter.status == "replied"
    assert not matter.can_request_review
    assert matter.documents  # the answer letter, to download
