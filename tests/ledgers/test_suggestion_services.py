"""People's suggestions: the commendation (表扬奖励, Art. 29 para. 2), time frozen on
2026-11-22. Only a suggestion adopted or partly adopted, its answer delivered, is commended;
on a day neither in the future nor before the answer; by a unit the actor acts for at or
above the competent unit; by the petition office's staff or a leader; the history, the
case's timeline and the competent unit's notification are written with it."""

from __future__ import annotations

import pytest

from cases.models import CaseEvent
from core.exceptions import NotAllowed, ValidationError
from ledgers.models import LedgerEvent, SuggestionCommendation
from ledgers.suggestions.services import suggestion_commend
from notifications.models import Notification
from tests.conftest import _user

from .suggestion_fixtures import D, answer, suggestion

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def adopted(handler1, city_leader):
    case = suggestion(handler1, D(2026, 10, 12))
    return answer(case, handler1, city_leader, "partly_adopted", D(2026, 10, 25))


def commend(actor, case, **overrides):
    values = {"kind": "written", "granted_on": D(2026, 11, 2), "text": "建议已采纳，予以表扬。"}
    values.update(overrides)
    return suggestion_commend(actor=actor, case=case, **values)


def test_commending_writes_the_row_its_history_the_timeline_and_tells_the_unit(
    adopted, handler1, colleague1
):
    commendation = commend(handler1, adopted)
    assert (commendation.kind, commendation.granted_on) == ("written", D(2026, 11, 2))
    assert commendation.granting_unit == handler1.org_unit
    assert commendation.recorded_by == handler1
    event = LedgerEvent.objects.get(ledger="suggestion", object_id=adopted.pk)
    assert (event.kind, event.status, event.actor) == ("commended", "partly_adopted", handler1)
    timeline = CaseEvent.objects.get(case=adopted, kind="suggestion_commended")
    assert timeline.effective_on == D(2026, 11, 2)
    told = Notification.objects.filter(kind="suggestion")
    assert list(told.values_list("recipient__username", flat=True)) == ["colleague1"]


def test_a_leader_above_commends_in_the_name_of_a_unit_above(adopted, city_leader, org):
    commendation = commend(city_leader, adopted, kind="material", granting_unit=org.city)
    assert commendation.granting_unit == org.city


def test_the_petition_office_grants_in_its_governments_name(adopted, handler1, org):
    assert commend(handler1, adopted, granting_unit=org.d1).granting_unit == org.d1


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("kind", {"kind": "medal"}),
        ("granted_on", {"granted_on": D(2026, 11, 23)}),
        ("granted_on", {"granted_on": D(2026, 10, 24)}),
        ("granted_on", {"granted_on": None}),
        ("text", {"text": "   "}),
    ],
)
def test_bad_input_gets_a_field_error_and_writes_nothing(adopted, handler1, field, overrides):
    with pytest.raises(ValidationError) as refused:
        commend(handler1, adopted, **overrides)
    assert field in refused.value.message_dict
    assert not SuggestionCommendation.objects.exists()
    assert not LedgerEvent.objects.exists()


def test_a_granting_unit_below_the_competent_unit_or_not_ones_own_is_refused(
    adopted, handler1, org
):
    for unit in (org.d1_street, org.city, org.d2_office):
        with pytest.raises(ValidationError) as refused:
            commend(handler1, adopted, granting_unit=unit)
        assert "granting_unit" in refused.value.message_dict


def test_only_an_adopted_answer_delivered_is_commended(handler1, city_leader):
    not_adopted = answer(
        suggestion(handler1, D(2026, 10, 12)), handler1, city_leader, "not_adopted", D(2026, 10, 20)
    )
    studying = suggestion(handler1, D(2026, 10, 15))
    for case in (not_adopted, studying):
        with pytest.raises(ValidationError) as refused:
            commend(handler1, case)
        assert "case" in refused.value.message_dict


def test_a_complaint_is_not_commended(handler1):
    from tests.factories import register_petition

    complaint = register_petition(handler1).petition.case
    with pytest.raises(ValidationError) as refused:
        commend(handler1, complaint)
    assert "case" in refused.value.message_dict


def test_roles_and_units_that_do_not_commend_are_refused(
    adopted, outsider, handler2, street_handler, city_supervisor, org
):
    reception = _user("d1_reception", org.d1_office, "reception")
    for actor in (outsider, handler2, street_handler, city_supervisor, reception):
        with pytest.raises(NotAllowed):
            commend(actor, adopted)
    assert not SuggestionCommendation.objects.exists()


def test_the_case_is_locked_and_read_afresh(adopted, handler1, city_leader):
    # The caller's copy says nothing of the answer: the service reads the row again.
    stale = type(adopted).objects.get(pk=adopted.pk)
    stale.matter_kind = "complaint"
    assert commend(handler1, stale).case_id == adopted.pk


def test_the_portal_tells_the_suggester_of_the_commendation(handler1, city_leader):
    from django.utils import translation

    from cases import services
    from portal.selectors import public_view
    from tests.factories import register_petition

    from .suggestion_fixtures import received

    registration = register_petition(
        handler1, matter_kind="suggestion", received_at=received(D(2026, 10, 12))
    )
    case = services.case_accept(actor=handler1, case=registration.petition.case, on=D(2026, 10, 12))
    answer(case, handler1, city_leader, "adopted", D(2026, 10, 25))
    commend(handler1, case)
    with translation.override("en"):
        matter = public_view(registration.petition.number, registration.query_code)
        labels = [(step.date, step.label) for step in matter.steps]
    assert labels[-2:] == [
        (D(2026, 10, 25), "Answered: your suggestion is adopted"),
        (D(2026, 11, 2), "Your suggestion was adopted, and you are commended for it"),
    ]
