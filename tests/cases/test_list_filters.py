"""The case list's filters on dates of one thing apply together: the next clock's due date,
the answer's delivery date, one clock's kind, unit, due date and state. Today is 22 November
2026 (`frozen_now`)."""

import datetime

import pytest
from django.test import RequestFactory

from cases.filters import CaseFilter
from cases.models import CaseStatus, DeadlineKind
from cases.selectors import case_list
from core.filters import QuickSelect
from tests.dashboards.builders import make_answer, make_case, make_clock

pytestmark = pytest.mark.django_db

D = datetime.date


def numbers(user, **params) -> set[str]:
    request = RequestFactory().get("/cases/", params)
    request.user = user
    cases = CaseFilter(params, queryset=case_list(user=user), request=request)
    assert cases.is_valid(), cases.errors
    return set(cases.qs.values_list("number", flat=True))


def test_next_due_is_the_earliest_open_clock(org, city_supervisor, frozen_now):
    """A case with clocks due 24 November and 30 December is due next on 24 November: it is
    not in a December range, though one of its clocks is."""
    case = make_case(org.d1_office, D(2026, 11, 1))
    make_clock(case, DeadlineKind.HANDLING, D(2026, 11, 24))
    make_clock(case, DeadlineKind.REVIEW, D(2026, 12, 30))
    make_clock(case, DeadlineKind.ACCEPTANCE, D(2026, 11, 2), met=D(2026, 11, 2))
    make_clock(case, DeadlineKind.REVIEW_REQUEST, D(2026, 11, 23))  # the petitioner's window
    user = city_supervisor
    assert numbers(user, due_from="2026-12-01", due_to="2026-12-31") == set()
    assert numbers(user, due_from="2026-12-01") == set()
    assert numbers(user, due_to="2026-11-30") == {case.number}
    assert numbers(user, due_from="2026-11-24", due_to="2026-11-24") == {case.number}
    assert numbers(user, due_from="2026-11-25") == set()


def test_the_answer_dates_bound_one_delivery(org, city_supervisor, frozen_now):
    """Answered in September, then again in November after a review: not answered in
    October, though one answer is after 1 October and another before 31 October."""
    case = make_case(org.d1_office, D(2026, 8, 1))
    make_answer(case, D(2026, 9, 10), on_time=True, resolved=False, by=city_supervisor)
    make_answer(case, D(2026, 11, 10), on_time=True, resolved=True, by=city_supervisor)
    user = city_supervisor
    assert numbers(user, answered_from="2026-10-01", answered_to="2026-10-31") == set()
    assert numbers(user, answered_from="2026-11-01", answered_to="2026-11-30") == {case.number}
    assert numbers(user, answered_to="2026-09-30") == {case.number}


def test_the_time_limit_filters_describe_one_clock(org, city_supervisor, frozen_now):
    """An acceptance clock of D1's office met late in October, and an answer clock of D2's
    office met on time: no single clock is D1's and on time."""
    case = make_case(org.d1_office, D(2026, 9, 20), status=CaseStatus.IN_PROGRESS)
    make_clock(
        case, DeadlineKind.ACCEPTANCE, D(2026, 10, 5), unit=org.d1_office, met=D(2026, 10, 9)
    )
    make_clock(
        case, DeadlineKind.HANDLING, D(2026, 10, 30), unit=org.d2_office, met=D(2026, 10, 20)
    )
    late = make_case(org.d1_office, D(2026, 10, 1))
    make_clock(late, DeadlineKind.ACCEPTANCE, D(2026, 10, 16), unit=org.d1_office)  # open: missed
    soon = make_case(org.d1_office, D(2026, 11, 20))
    make_clock(soon, DeadlineKind.ACCEPTANCE, D(2026, 12, 5), unit=org.d1_office)  # running
    user, d1, d2 = city_supervisor, org.d1.code, org.d2.code
    assert numbers(user, clock_unit=d1, clock_state="on_time") == set()
    assert numbers(user, clock_unit=d2, clock_state="on_time") == {case.number}
    assert numbers(user, clock="acceptance", clock_state="on_time") == set()
    assert numbers(user, clock="acceptance", clock_state="missed") == {case.number, late.number}
    assert numbers(user, clock="acceptance", clock_state="counted") == {case.number, late.number}
    assert numbers(user, clock="acceptance") == {case.number, late.number, soon.number}
    assert numbers(user, clock="answer", clock_state="met", clock_due_to="2026-10-31") == {
        case.number
    }
    assert numbers(user, clock="answer", clock_due_from="2026-11-01") == set()


def test_a_quick_select_renders_like_a_select():
    widget = QuickSelect(
        choices=[("", "全部"), ("D1", "东湖区（D1）"), ("X", '<b>"甲"</b>')],
        attrs={"data-search": "true", "class": "form-select"},
    )
    html = widget.render("unit", "D1", attrs={"id": "id_unit"})
    assert html.startswith('<select name="unit" ')
    assert 'id="id_unit"' in html and 'data-search="true"' in html
    assert '<option value="D1" selected>东湖区（D1）</option>' in html
    assert '<option value="">全部</option>' in html
    assert "&lt;b&gt;&quot;甲&quot;&lt;/b&gt;" in html and "<b>" not in html


ON_TIME_IN_OCTOBER = {
    "clock": "acceptance",
    "clock_state": "on_time",
    "clock_due_from": "2026-10-01",
    "clock_due_to": "2026-10-31",
}


def joined(user, unit) -> set[str]:
    """The clock filter as a semi-join (`filter_clocks` without `dense`): the rows the
    walk over the whole scope must keep."""
    from accounts.selectors import subtree_ids
    from cases.models import ACCEPTANCE_CLOCKS
    from cases.selectors import filter_clocks

    cases = filter_clocks(
        case_list(user=user),
        kinds=ACCEPTANCE_CLOCKS,
        unit_ids=subtree_ids(unit),
        due_from=D(2026, 10, 1),
        due_to=D(2026, 10, 31),
        state="on_time",
    )
    return set(cases.values_list("number", flat=True))


def clock_sql(user, **params) -> str:
    request = RequestFactory().get("/cases/", params)
    request.user = user
    return str(CaseFilter(params, queryset=case_list(user=user), request=request).qs.query)


def test_a_time_limit_filter_over_the_whole_scope_keeps_the_joined_cases(
    org, city_supervisor, d1_supervisor, frozen_now
):
    """The dashboard's clock rates drill down with the user's own area as the clock's unit:
    the list then walks its cases newest first from the period's end, each probing its
    clocks, where a narrower unit joins the clocks. The rows are the join's: a case received
    and decided on the period's last day, a forwarded case with two such clocks once, not a
    decision made late, due after the period, or another city's."""
    ACCEPT = DeadlineKind.ACCEPTANCE
    last_day = make_case(org.d1_office, D(2026, 10, 31))
    make_clock(last_day, ACCEPT, D(2026, 10, 31), met=D(2026, 10, 31))
    forwarded = make_case(org.d1_office, D(2026, 10, 2))
    make_clock(forwarded, ACCEPT, D(2026, 10, 10), unit=org.city_office, met=D(2026, 10, 3))
    make_clock(forwarded, ACCEPT, D(2026, 10, 20), unit=org.d1_office, met=D(2026, 10, 12))
    d2 = make_case(org.d2_office, D(2026, 9, 25))
    make_clock(d2, ACCEPT, D(2026, 10, 8), met=D(2026, 10, 8))
    late = make_case(org.d1_office, D(2026, 10, 1))
    make_clock(late, ACCEPT, D(2026, 10, 15), met=D(2026, 10, 20))
    after = make_case(org.d1_office, D(2026, 11, 1))
    make_clock(after, ACCEPT, D(2026, 11, 5), met=D(2026, 11, 2))
    elsewhere = make_case(org.other_city_office, D(2026, 10, 5))
    make_clock(elsewhere, ACCEPT, D(2026, 10, 12), met=D(2026, 10, 6))

    city = {last_day.number, forwarded.number, d2.number}
    assert numbers(city_supervisor, clock_unit=org.city.code, **ON_TIME_IN_OCTOBER) == city
    assert joined(city_supervisor, org.city) == city
    district = {last_day.number, forwarded.number}
    assert numbers(d1_supervisor, clock_unit=org.d1.code, **ON_TIME_IN_OCTOBER) == district
    assert joined(d1_supervisor, org.d1) == district
    # A narrower unit than the user's scope: the join, with the same meaning.
    assert numbers(city_supervisor, clock_unit=org.d1.code, **ON_TIME_IN_OCTOBER) == district
    assert numbers(city_supervisor, **ON_TIME_IN_OCTOBER) == city


def test_only_a_time_limit_filter_over_the_whole_scope_walks_the_cases(
    org, city_supervisor, frozen_now
):
    """The walk (EXISTS kept a subplan by OFFSET 0, the received date bounded by the
    period's end) for the user's own area or none named; a unit below it joins the clocks,
    which finds its few cases without reading every case in scope."""
    walk = "OFFSET 0"
    assert walk in clock_sql(city_supervisor, clock_unit=org.city.code, **ON_TIME_IN_OCTOBER)
    assert walk in clock_sql(city_supervisor, clock="answer", clock_state="met")
    assert walk in clock_sql(city_supervisor, **ON_TIME_IN_OCTOBER)
    assert walk not in clock_sql(city_supervisor, clock_unit=org.d1.code, **ON_TIME_IN_OCTOBER)
