"""Field visits (下访 / 带案下访): who records them, what is refused, who sees them."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import datetime

import pytest

from core.exceptions import NotAllowed, ValidationError
from reception.models import FieldVisit, FieldVisitCase
from reception.visits.selectors import field_visit_list, leaders_for_visits
from reception.visits.services import field_visit_record
from tests.factories import UserFactory
from tests.reception.records_data import make_case, reception_now  # noqa: F401

D = datetime.date


@pytest.fixture
def d1_leader(org):
    return UserFactory(username="d1_leader", org_unit=org.d1, roles=["leader"])


def visit(actor, leader, cases=(), **overrides):
    values = {
        "actor": actor,
        "leader": leader,
        "date": D(2026, 11, 25),
        "place": "东湖街道办事处",
        "summary": "带案下访，现场协调拖欠工资问题。",
        "cases": list(cases),
    }
    values.update(overrides)
    return field_visit_record(**values)


def test_a_leader_records_a_visit_with_the_cases_taken_along(reception_now, d1_leader, handler1):
    first, second = make_case(handler1), make_case(handler1)
    recorded = visit(d1_leader, d1_leader, [(first, "公司承诺月底前支付"), (second, "  ")])
    assert recorded.leader == d1_leader and recorded.recorded_by == d1_leader
    assert list(recorded.cases.order_by("pk").values_list("case__number", "outcome")) == [
        (first.number, "公司承诺月底前支付"),
        (second.number, ""),
    ]
    # Each case's timeline shows the visit.
    assert "公司承诺月底前支付" in first.events.get(kind="field_visit").comment
    assert second.events.filter(kind="field_visit").count() == 1


def test_the_petition_office_records_a_visit_for_a_leader_of_its_area(
    reception_now, d1_leader, handler1, reception1
):
    case = make_case(handler1)
    assert visit(handler1, d1_leader, [(case, "已化解")]).recorded_by == handler1
    assert visit(reception1, d1_leader).recorded_by == reception1


def test_others_may_not_record_a_leaders_visit(
    reception_now, d1_leader, city_leader, handler2, outsider, city_supervisor
):
    for actor in (city_leader, handler2, outsider, city_supervisor):
        with pytest.raises(NotAllowed):
            visit(actor, d1_leader)
    assert not FieldVisit.objects.exists()


def test_bad_input_is_refused_field_by_field(reception_now, d1_leader, handler1, handler2):
    case = make_case(handler1)
    hidden = make_case(handler2)  # district 2: not visible to handler1
    with pytest.raises(ValidationError) as excinfo:
        visit(
            handler1,
            d1_leader,
            [(case, "a"), (case, "b"), (hidden, "c")],
            date=D(2026, 11, 27),
            place=" ",
        )
    errors = excinfo.value.message_dict
    assert set(errors) == {"date", "place", "cases"}
    assert any(hidden.number in message for message in errors["cases"])
    assert not FieldVisit.objects.exists() and not FieldVisitCase.objects.exists()


def test_a_visit_is_recorded_for_a_leader_only(reception_now, org, handler1):
    not_a_leader = UserFactory(username="d1_clerk", org_unit=org.d1, roles=["handler"])
    with pytest.raises(ValidationError) as excinfo:
        visit(handler1, not_a_leader)
    assert set(excinfo.value.message_dict) == {"leader"}


def test_the_list_shows_the_visits_in_scope_newest_first(
    reception_now, org, d1_leader, d2_leader, handler1, handler2, reception1, city_supervisor
):
    older = visit(handler1, d1_leader, date=D(2026, 11, 2))
    newer = visit(handler1, d1_leader, [(make_case(handler1), "好")])
    d2_visit = visit(handler2, d2_leader, [(make_case(handler2), "好")])
    assert list(field_visit_list(user=handler1)) == [newer, older]
    assert list(field_visit_list(user=d1_leader)) == [newer, older]
    assert set(field_visit_list(user=city_supervisor)) == {older, newer, d2_visit}
    assert list(field_visit_list(user=handler2)) == [d2_visit]


def test_the_list_shows_only_the_cases_the_user_may_see(
    reception_now, org, d1_leader, handler1, handler2, reception1
):
    d1_case, d2_case = make_case(handler1), make_case(handler2)
    visit(reception1, d1_leader, [(d1_case, "甲"), (d2_case, "乙")])
    [seen] = field_visit_list(user=handler1)
    assert [row.case.number for row in seen.visible_cases] == [d1_case.number]
    [seen] = field_visit_list(user=reception1)
    assert {row.case.number for row in seen.visible_cases} == {d1_case.number, d2_case.number}


def test_the_list_takes_three_queries_for_one_or_many_visits(
    reception_now, d1_leader, handler1, django_assert_max_num_queries
):
    case = make_case(handler1)
    visit(handler1, d1_leader, [(case, "一")])
    with django_assert_max_num_queries(3):
        assert len([v.visible_cases for v in field_visit_list(user=handler1)]) == 1
    for day in range(1, 21):
        visit(handler1, d1_leader, [(case, str(day))], date=D(2026, 11, day))
    with django_assert_max_num_queries(3):
        assert len([v.visible_cases for v in field_visit_list(user=handler1)]) == 21


def test_the_leaders_offered_are_those_the_user_may_record_for(
    reception_now, org, d1_leader, d2_leader, city_leader, handler1, reception1
):
    assert list(leaders_for_visits(handler1)) == [d1_leader]
    assert set(leaders_for_visits(reception1)) == {city_leader, d1_leader, d2_leader}
    assert list(leaders_for_visits(d1_leader)) == [d1_leader]
