"""The case page drawn cheaply: action forms and other apps' panels fetched when opened, the
sections kept in the shared cache and dropped when what they show changes, a query count
that does not grow with the case's history."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import OrgUnit
from cases import services
from cases.models import Case, CaseEvent, EventKind, MatterKind
from cases.sections import case_pages_changed
from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
HTMX = {"HTTP_HX_REQUEST": "true"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(case: Case) -> str:
    return f"/cases/{case.number}/"


def page(client: Client, case: Case) -> str:
    response = client.get(detail_url(case))
    assert response.status_code == 200
    return response.content.decode()


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def case(handler1, frozen_now) -> Case:
    return register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 21, 9, tzinfo=SHANGHAI)
    ).petition.case


def grow(case: Case, handler1, times: int) -> None:
    """More history on `case`: petitions joining it and timeline events."""
    for index in range(times):
        register_petition(
            handler1,
            case=case,
            received_at=datetime.datetime(2026, 11, 21, 10 + index, tzinfo=SHANGHAI),
        )
        CaseEvent.objects.create(
            case=case, kind=EventKind.ACCEPTED, actor=handler1, effective_on=D(2026, 11, 22)
        )


# --- on demand -------------------------------------------------------------------------------


def test_the_page_offers_action_cards_without_their_forms(case, handler1):
    body = page(logged_in(handler1), case)
    assert 'data-action="accept"' in body
    assert f'hx-get="/cases/{case.number}/accept/"' in body
    assert 'id="form-accept"' not in body and "csrfmiddlewaretoken" not in body.split("<aside")[1]


def test_an_action_form_is_fetched_when_its_card_opens(case, handler1):
    response = logged_in(handler1).get(f"/cases/{case.number}/accept/", **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="form-accept"' in body and "csrfmiddlewaretoken" in body
    assert 'data-submit="accept"' in body and "<html" not in body


def test_an_action_url_opened_in_the_browser_goes_to_the_case(case, handler1):
    response = logged_in(handler1).get(f"/cases/{case.number}/accept/")
    assert response.status_code == 302 and response["Location"] == detail_url(case)


def test_an_action_no_longer_open_says_so_instead_of_a_form(case, handler1, city_supervisor):
    response = logged_in(city_supervisor).get(f"/cases/{case.number}/accept/", **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-action-closed" in body and "<form" not in body


def test_an_action_form_is_404_outside_the_users_scope(case, handler2, outsider):
    for user in (handler2, outsider):
        client = logged_in(user)
        assert client.get(f"/cases/{case.number}/accept/", **HTMX).status_code == 404
        assert client.get(f"/cases/{case.number}/nonsense/", **HTMX).status_code == 404


def test_an_accused_unit_never_gets_the_form(
    org, city_handler, handler1, street_handler, frozen_now
):
    """An accusation against the district petition office D1XFJ, registered at the city's
    and assigned to the street office D1S1: D1XFJ, which sees everything assigned in its
    district, gets neither the page nor a form of it; the street office gets both."""
    accused = register_petition(
        city_handler,
        matter_kind=MatterKind.ACCUSATION,
        accused_unit=org.d1_office,
        accused_person="某主任",
        category="1401",
    ).petition.case
    assignment = services.case_assign(
        actor=city_handler,
        case=accused,
        lead_unit=org.d1_street,
        responsible_person="孙街道",
        instructions="请核实",
        due_on=D(2026, 12, 10),
    )
    sign = f"/cases/assignments/{assignment.pk}/sign/"
    client = logged_in(handler1)
    assert client.get(detail_url(accused)).status_code == 404
    assert client.get(f"/cases/{accused.number}/accept/", **HTMX).status_code == 404
    assert client.get(sign, **HTMX).status_code == 404
    street = logged_in(street_handler)
    assert street.get(detail_url(accused)).status_code == 200
    assert 'id="form-assignment-' in street.get(sign, **HTMX).content.decode()


def test_an_assignment_form_is_fetched_for_its_lead_unit_only(
    case, handler1, street_handler, handler2
):
    assignment = services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=street_handler.org_unit,
        responsible_person="孙街道",
        instructions="请核实并报告",
        due_on=D(2026, 12, 10),
    )
    url = f"/cases/assignments/{assignment.pk}/sign/"
    body = logged_in(street_handler).get(url, **HTMX).content.decode()
    assert f'id="form-assignment-{assignment.pk}-sign"' in body
    closed = logged_in(handler1).get(url, **HTMX)
    assert closed.status_code == 200 and "data-action-closed" in closed.content.decode()
    assert logged_in(handler2).get(url, **HTMX).status_code == 404


def test_a_form_posted_with_errors_comes_back_open_and_filled_in(case, handler1):
    response = logged_in(handler1).post(f"/cases/{case.number}/not-accept/", {})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="form-not-accept"' in body and "data-field-error" in body


def test_the_panels_load_only_when_opened(case, handler1):
    body = page(logged_in(handler1), case)
    panels = re.findall(r'<details class="case-panel[^>]*data-case-panel="([^"]+)"', body)
    assert panels == [
        f"/escalation/cases/{case.number}/panel/",
        f"/reception/cases/{case.number}/panel/",
        f"/ledgers/urgent/cases/{case.number}/panel/",
        f"/ledgers/suggestions/cases/{case.number}/panel/",
    ]
    assert 'hx-trigger="load"' not in body
    assert body.count('hx-trigger="toggle once from:closest details"') == 4
    for url in panels:
        assert logged_in(handler1).get(url).status_code == 200


# --- queries ---------------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_the_cases_history(settings, case, handler1):
    settings.SHARED_CACHE = False  # every view builds the whole page
    client = logged_in(handler1)
    page(client, case)
    small = queries(client, detail_url(case))
    grow(case, handler1, 4)
    assert queries(client, detail_url(case)) == small


def test_the_page_issues_few_queries(settings, case, handler1, django_assert_max_num_queries):
    settings.SHARED_CACHE = False
    grow(case, handler1, 3)
    client = logged_in(handler1)
    page(client, case)
    # 21 when every action form came with the page; the case's units are one query of their
    # own without a shared cache (`core.reference`).
    with django_assert_max_num_queries(19):
        page(client, case)


def test_with_a_shared_cache_a_second_view_reads_only_the_case(
    shared_cache, case, handler1, django_assert_max_num_queries
):
    grow(case, handler1, 3)
    client = logged_in(handler1)
    first = page(client, case)
    # The session, the user, the case and its written notices.
    with django_assert_max_num_queries(4):
        second = page(client, case)
    assert _main(second) == _main(first)


def _main(body: str) -> str:
    """The page without its CSRF tokens and messages."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


# --- the cache is dropped when what it shows changes -------------------------------------------


def test_a_step_on_the_case_shows_at_once(shared_cache, case, handler1):
    client = logged_in(handler1)
    assert 'data-event="accepted"' not in page(client, case)
    services.case_accept(actor=handler1, case=case)
    body = page(client, case)
    assert 'data-event="accepted"' in body and 'data-action="assign"' in body
    assert 'data-action="accept"' not in body


def test_a_row_written_without_a_case_step_shows_at_once(shared_cache, case, handler1):
    client = logged_in(handler1)
    page(client, case)
    # No service touches the case's updated_at here: the row's own signal drops the cache.
    Case.objects.filter(pk=case.pk).update(updated_at=case.updated_at)
    CaseEvent.objects.create(
        case=case, kind=EventKind.ACCEPTED, actor=handler1, effective_on=D(2026, 11, 22)
    )
    assert 'data-event="accepted"' in page(client, case)


def test_a_renamed_category_or_unit_shows_at_once(shared_cache, case, handler1, org):
    client = logged_in(handler1)
    page(client, case)
    category = case.petitions.get().category
    category.name = "改名后的类别"
    category.save()
    assert "改名后的类别" in page(client, case)
    unit = OrgUnit.objects.get(pk=handler1.org_unit_id)
    unit.name = "改名后的信访局"
    unit.save()
    assert "改名后的信访局" in page(client, case)


def test_a_bulk_clock_change_shows_at_once(shared_cache, case, handler1):
    """The work calendar moves the open clocks with one bulk update (no signal)."""
    client = logged_in(handler1)
    before = page(client, case)
    clock = case.deadlines.get()
    type(clock).objects.filter(pk=clock.pk).update(due_on=D(2027, 1, 29))
    assert "2027-01-29" not in page(client, case)  # a bulk write without the call is not seen
    case_pages_changed()
    assert "2027-01-29" in page(client, case) and before


def test_one_users_sections_are_never_served_to_another(
    shared_cache, case, handler1, city_leader, reception1
):
    assert 'data-action="accept"' in page(logged_in(handler1), case)
    leader = page(logged_in(city_leader), case)
    assert 'data-action="accept"' not in leader and 'data-action="sponsor"' in leader
    assert 'data-action="' not in page(logged_in(reception1), case)


def test_a_changed_role_changes_the_cached_actions(shared_cache, case, colleague1):
    client = logged_in(colleague1)
    assert 'data-action="accept"' in page(client, case)
    colleague1.groups.clear()
    assert 'data-action="accept"' not in page(client, case)
