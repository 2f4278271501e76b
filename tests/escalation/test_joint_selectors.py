"""Who sees a joint supervision: everyone who sees its case, and the users acting for one of
its party units (who may not see the case) — never a unit the case accuses."""

from __future__ import annotations

from cases.selectors import cases_visible_to
from escalation.joint.selectors import my_party_tasks, supervisions_visible_to
from escalation.joint.services.opening import joint_supervision_open
from escalation.joint.services.reporting import joint_party_report

from . import joint_fixtures
from .joint_fixtures import drafts_for, new_case

joint_case = joint_fixtures.joint_case
supervision = joint_fixtures.supervision


def test_party_units_that_do_not_see_the_case_see_the_supervision(supervision, party_users):
    for role in ("business", "stability", "judicial", "discipline"):
        user = getattr(party_users, role)
        assert not cases_visible_to(user).filter(pk=supervision.case_id).exists(), role
        assert list(supervisions_visible_to(user)) == [supervision], role


def test_those_who_see_the_case_see_it_and_others_do_not(
    supervision, d1_supervisor, city_supervisor, colleague1, handler2, outsider, street_handler
):
    for user in (d1_supervisor, city_supervisor, colleague1):
        assert list(supervisions_visible_to(user)) == [supervision], user
    for user in (handler2, outsider, street_handler):
        assert not supervisions_visible_to(user).exists(), user


def test_a_unit_accused_by_the_case_never_sees_the_supervision(
    handler1, d1_supervisor, party_units, party_users, frozen_now
):
    # An accused unit cannot be made a party (tests/cases/test_accusations.py); here the
    # accusation names it after the supervision was opened.
    case = new_case(handler1)
    opened = joint_supervision_open(actor=d1_supervisor, case=case, parties=drafts_for(party_units))
    type(case).objects.filter(pk=case.pk).update(
        matter_kind="accusation", accused_unit=party_units.business
    )
    assert not supervisions_visible_to(party_users.business).exists()
    assert my_party_tasks(user=party_users.business) == []
    assert list(supervisions_visible_to(party_users.stability)) == [opened]


def test_my_tasks_list_the_undone_first_then_the_soonest_due(
    handler1, d1_supervisor, party_units, party_users, frozen_now
):
    first = joint_supervision_open(
        actor=d1_supervisor, case=new_case(handler1), parties=drafts_for(party_units)
    )
    second = joint_supervision_open(
        actor=d1_supervisor, case=new_case(handler1), parties=drafts_for(party_units)
    )
    joint_party_report(
        actor=party_users.judicial, supervision=first, role="judicial", content="完成", done=True
    )
    rows = my_party_tasks(user=party_users.judicial)
    assert [(row.party.supervision_id, row.state) for row in rows] == [
        (second.pk, "not_reported"),
        (first.pk, "done"),
    ]
    assert rows[0].days_left == 16 and rows[1].days_left is None
