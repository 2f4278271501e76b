"""Lock first, then check (issue 12 §2): every step locks the case row, reads it afresh and
checks role, unit and state on that row, never on the caller's copy; the page offers exactly
the steps whose guard passes. The race over HTTP needs real concurrent transactions, hence
PostgreSQL."""

import threading
from functools import partial

import pytest

from accounts.models import User
from accounts.selectors import acted_unit_ids, acting_filter, acts_for, users_acting_for
from cases import guards, services
from cases.models import Case, CaseEvent, CaseStatus, EventKind
from cases.selectors import case_for_display
from cases.views.actions import CASE_ACTIONS, offered_case_actions
from core.exceptions import Conflict, NotAllowed
from tests.cases.test_api import api, case_url
from tests.factories import register_petition
from tests.threads import run_in_threads


def test_a_stale_copy_does_not_let_a_handler_accept_a_case_forwarded_away(
    handler1, colleague1, org
):
    """The issue's reproduction: handler1 holds the case, a colleague forwards it to another
    district, and handler1's accept on the copy they still hold is refused."""
    stale = register_petition(handler1).petition.case
    services.case_forward(
        actor=colleague1, case=Case.objects.get(pk=stale.pk), to_unit=org.d2_office
    )

    assert stale.owner_unit == org.d1_office  # what handler1's copy still says
    with pytest.raises(NotAllowed):
        services.case_accept(actor=handler1, case=stale)

    case = Case.objects.get(pk=stale.pk)
    assert case.status == CaseStatus.FORWARDED
    assert case.owner_unit == org.d2_office
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ACCEPTED).exists()


@pytest.mark.parametrize(
    "step",
    [
        lambda actor, case, org: services.case_forward(actor=actor, case=case, to_unit=org.city),
        lambda actor, case, org: services.case_divert(
            actor=actor, case=case, channel="litigation", guided_to="东湖区人民法院"
        ),
        lambda actor, case, org: services.case_propose_not_accept(
            actor=actor, case=case, reason="other", text="不属于信访事项"
        ),
        lambda actor, case, org: services.case_assign(
            actor=actor,
            case=case,
            lead_unit=org.d1_street,
            responsible_person="孙街道",
            instructions="请核实",
            due_on=case.received_at.date(),
        ),
        lambda actor, case, org: services.case_accept(actor=actor, case=case, simplified=True),
    ],
    ids=["forward", "divert", "not-accept", "assign", "accept-simplified"],
)
def test_every_acceptance_step_checks_the_fresh_row(step, handler1, colleague1, org):
    stale = register_petition(handler1).petition.case
    services.case_forward(
        actor=colleague1, case=Case.objects.get(pk=stale.pk), to_unit=org.d2_office
    )

    assert stale.owner_unit == org.d1_office  # the copy still says handler1's unit has it
    with pytest.raises(NotAllowed):
        step(handler1, stale, org)
    assert CaseEvent.objects.filter(case=stale).count() == 2  # registered, forwarded


def test_a_step_refused_on_the_fresh_state_is_a_conflict(handler1, colleague1):
    stale = register_petition(handler1).petition.case
    services.case_accept(actor=colleague1, case=Case.objects.get(pk=stale.pk))

    assert stale.status == CaseStatus.REGISTERED  # the copy still awaits acceptance
    with pytest.raises(Conflict):
        services.case_divert(actor=handler1, case=stale, channel="litigation", guided_to="法院")


def test_a_stale_approval_is_not_decided_twice(handler1, city_leader):
    case = register_petition(handler1).petition.case
    approval = services.case_propose_not_accept(
        actor=handler1, case=case, reason="other", text="不属于信访事项"
    )
    services.approval_decide(actor=city_leader, approval=approval, approve=True)

    assert approval.status == "pending"  # the caller's copy
    with pytest.raises(Conflict):
        services.approval_decide(
            actor=city_leader, approval=approval, approve=False, instruction="再议"
        )


def test_the_page_offers_a_step_exactly_when_its_guard_passes(handler1, handler2, city_leader):
    """One guard, used twice: the offered steps are those whose guard passes, and every
    step offered is one the service then takes."""
    case = register_petition(handler1).petition.case
    for user in (handler1, handler2, city_leader):
        shown = case_for_display(Case.objects.get(pk=case.pk))
        expected = [
            slug
            for slug, action in CASE_ACTIONS.items()
            if guards.allows(action.guard, user, shown)
        ]
        assert offered_case_actions(user, shown) == expected
    assert "accept" in offered_case_actions(handler1, case_for_display(case))
    assert offered_case_actions(handler2, case_for_display(case)) == []
    services.case_accept(actor=handler1, case=case)
    assert "accept" not in offered_case_actions(
        handler1, case_for_display(Case.objects.get(pk=case.pk))
    )


def test_a_petition_office_acts_for_its_government_one_rule(org, handler1, street_handler):
    """The rule and its reverse reading agree (accounts.selectors)."""
    assert acted_unit_ids(handler1) == [org.d1_office.pk, org.d1.pk]
    assert acts_for(handler1, org.d1) and acts_for(handler1, org.d1_office)
    assert not acts_for(handler1, org.d1_street)
    assert acted_unit_ids(street_handler) == [org.d1_street.pk]
    assert acting_filter(handler1, field="unit").children == [
        ("unit_id__in", [org.d1_office.pk, org.d1.pk])
    ]
    by_unit = users_acting_for([org.d1.pk, org.d1_street.pk], "handler")
    assert handler1 in by_unit[org.d1.pk]
    assert by_unit[org.d1_street.pk] == [street_handler]


# --- the race over HTTP ------------------------------------------------------------------------

PAIRS = 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_forward_never_both_succeed_and_never_500(
    postgres_only, handler1, colleague1, org
):
    """25 pairs: handler1 accepts while a colleague forwards the same case to district 2.
    Exactly one of each pair succeeds; the other is refused (409, or 403/404 once the case
    has left handler1's unit); never a 500."""
    actors = [User.objects.get(pk=user.pk) for user in (handler1, colleague1)]
    for actor in actors:
        assert actor.roles  # load the cached roles now: the threads only post
    cases = [register_petition(handler1).petition.case for _ in range(PAIRS)]
    outcomes: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def post(actor, url, body, results, index, barrier):
        client = api(actor, lang="en")
        barrier.wait()
        results[index] = client.post(url, body, format="json").status_code

    to_district_2 = {"to_unit": org.d2_office.code}
    for case in cases:
        barrier = threading.Barrier(2, timeout=30)
        results = [0, 0]
        errors += run_in_threads(
            partial(post, actors[0], case_url(case, "accept"), {}, results, 0, barrier),
            partial(post, actors[1], case_url(case, "forward"), to_district_2, results, 1, barrier),
        )
        outcomes.append(tuple(results))

    assert errors == []
    assert not [pair for pair in outcomes if 500 in pair], outcomes
    for (accept, forward), case in zip(outcomes, cases, strict=True):
        assert sorted([accept == 200, forward == 200]) == [False, True], outcomes
        assert {accept, forward} - {200} <= {403, 404, 409}, outcomes
        case.refresh_from_db()
        if accept == 200:
            assert (case.status, case.owner_unit_id) == (CaseStatus.ACCEPTED, org.d1_office.pk)
        else:
            assert (case.status, case.owner_unit_id) == (CaseStatus.FORWARDED, org.d2_office.pk)
