"""The register of people's suggestions (人民建议台账) page, its filters and tabs, its export,
the case page's panel and the commendation page; time frozen on 2026-11-22 (see
`suggestion_fixtures` for the suggestions counted by hand)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledgers.models import SuggestionCommendation

from .suggestion_fixtures import D, answer, suggestion

pytestmark = pytest.mark.usefixtures("frozen_now")

LIST = "/ledgers/suggestions/"
EXPORT = "/ledgers/suggestions/export/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def listed(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return re.findall(r'<tr data-suggestion="([^"]+)"', html(response))


def numbers(*cases) -> set[str]:
    return {case.number for case in cases}


def test_the_register_lists_the_users_suggestions_newest_first(suggestions, handler1):
    s = suggestions
    response = logged_in(handler1).get(LIST)
    assert listed(response) == [c.number for c in (s.e, s.d, s.c, s.b, s.a)]
    page = html(response)
    assert f'href="{reverse("cases:detail", args=[s.a.number])}"' in page
    row_c = re.search(rf'<tr data-suggestion="{s.c.number}"[^>]*>', page).group(0)
    assert 'data-decision="not_adopted"' in row_c and "data-late" in row_c
    row_d = re.search(rf'<tr data-suggestion="{s.d.number}"[^>]*>', page).group(0)
    assert 'data-state="studying"' in row_d and "data-late" in row_d
    row_e = re.search(rf'<tr data-suggestion="{s.e.number}"[^>]*>', page).group(0)
    assert "data-late" not in row_e
    assert page.count("data-commendation") == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("adopted=true", "ab"),
        ("adopted=false", "cde"),
        ("decision=partly_adopted", "b"),
        ("state=answered", "abc"),
        ("state=studying", "de"),
        ("late=true", "cd"),
        ("late=false", "abe"),
        ("commended=true", "a"),
        ("received_from=2026-10-12&received_to=2026-10-15", "bc"),
        ("area=D1XFJ", "abcde"),
        ("area=D1S1", ""),
    ],
)
def test_the_filters(suggestions, handler1, query, expected):
    wanted = numbers(*(getattr(suggestions, letter) for letter in expected))
    assert set(listed(logged_in(handler1).get(f"{LIST}?{query}"))) == wanted


def test_the_adopted_tab_is_the_register_of_adopted_suggestions(suggestions, city_leader):
    response = logged_in(city_leader).get(f"{LIST}?adopted=true")
    assert set(listed(response)) == numbers(suggestions.a, suggestions.b, suggestions.f)
    assert re.search(r'id="tab-adopted"[^>]*aria-current="page"', html(response))


@pytest.mark.parametrize(
    "query",
    ["decision=support", "state=closed", "received_from=2026-13-45", "area=ZZZ"],
)
def test_bad_filter_values_do_not_break_the_list_or_the_export(suggestions, handler1, query):
    client = logged_in(handler1)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert 'id="suggestion-filters"' in html(response)
    response = client.get(f"{EXPORT}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_the_outsider_sees_none_and_the_district_two_office_only_its_own(
    suggestions, outsider, handler2
):
    assert listed(logged_in(outsider).get(LIST)) == []
    assert listed(logged_in(handler2).get(LIST)) == [suggestions.f.number]


def test_the_export_holds_the_filtered_register(suggestions, handler1):
    response = logged_in(handler1).get(f"{EXPORT}?adopted=true")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert {row[0] for row in rows} == numbers(suggestions.a, suggestions.b)
    by_number = {row[0]: row for row in rows}
    a = by_number[suggestions.a.number]
    assert a[4].date() == D(2026, 10, 8) and a[5].date() == D(2026, 11, 9)
    assert a[7].date() == D(2026, 10, 20)
    assert "东湖区信访局" in a[10]


def _queries(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    if "export" not in url:
        assert len(listed(response)) == rows
    return len(captured)


def test_the_register_and_export_queries_do_not_grow_with_the_rows(
    handler1, city_leader, django_assert_max_num_queries
):
    def add(count: int, start: int) -> None:
        for n in range(count):
            case = suggestion(handler1, D(2026, 10, 1 + (start + n) % 28), summary=f"建议{n}")
            if n % 2:
                answer(case, handler1, city_leader, "adopted", D(2026, 11, 1))

    client = logged_in(handler1)
    add(3, 0)
    few = _queries(client, LIST, 3)
    few_export = _queries(client, EXPORT, 3)
    add(12, 3)
    assert _queries(client, LIST, 15) == few
    assert _queries(client, EXPORT, 15) == few_export
    # Filtered by an area: one more, the unit of its code.
    with django_assert_max_num_queries(few + 1):
        client.get(f"{LIST}?late=true&adopted=false&area=D1XFJ")


def test_the_case_panel_shows_the_decision_due_date_and_commendations(suggestions, handler1):
    client = logged_in(handler1)
    url = reverse("ledgers:suggestion_case_panel", args=[suggestions.a.number])
    page = html(client.get(url))
    assert 'data-decision="adopted"' in page
    assert "2026-11-09" in page
    assert 'data-panel-commendation="written"' in page
    assert 'id="panel-commend"' in page
    # Not adopted: no commending; a complaint: no register.
    page = html(client.get(reverse("ledgers:suggestion_case_panel", args=[suggestions.c.number])))
    assert 'data-decision="not_adopted"' in page and 'id="panel-commend"' not in page
    complaint = reverse("ledgers:suggestion_case_panel", args=[suggestions.complaint.number])
    assert 'id="not-a-suggestion"' in html(client.get(complaint))


def test_the_case_panel_is_404_outside_scope(suggestions, outsider):
    url = reverse("ledgers:suggestion_case_panel", args=[suggestions.a.number])
    assert logged_in(outsider).get(url).status_code == 404


def test_the_case_page_lists_the_panel(suggestions, handler1):
    page = html(logged_in(handler1).get(reverse("cases:detail", args=[suggestions.b.number])))
    assert reverse("ledgers:suggestion_case_panel", args=[suggestions.b.number]) in page
    assert page.count('id="panel-suggestions"') == 1 and page.count('id="panel-ledgers"') == 1


def test_recording_a_commendation_from_its_page(suggestions, handler1):
    url = reverse("ledgers:suggestion_commend", args=[suggestions.b.number])
    client = logged_in(handler1)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"kind": "public", "granted_on": "2026-11-05", "text": "通报表扬", "granting_unit": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[suggestions.b.number])
    commendation = SuggestionCommendation.objects.get(case=suggestions.b)
    assert (commendation.kind, commendation.granting_unit) == ("public", handler1.org_unit)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "medal", "granted_on": "2026-11-05", "text": "x"}, "kind"),
        ({"kind": "written", "granted_on": "2026-11-30", "text": "x"}, "granted_on"),
        ({"kind": "written", "granted_on": "not a date", "text": "x"}, "granted_on"),
        ({"kind": "written", "granted_on": "2026-11-05", "text": ""}, "text"),
        (
            {"kind": "written", "granted_on": "2026-11-05", "text": "x", "granting_unit": "9999"},
            "granting_unit",
        ),
    ],
)
def test_bad_input_on_the_commend_page_is_a_field_error(suggestions, handler1, data, field):
    url = reverse("ledgers:suggestion_commend", args=[suggestions.b.number])
    response = logged_in(handler1).post(url, data)
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in html(response) or f'name="{field}"' in html(response)
    assert not SuggestionCommendation.objects.filter(case=suggestions.b).exists()


def test_a_suggestion_not_adopted_is_refused_above_the_form(suggestions, handler1):
    url = reverse("ledgers:suggestion_commend", args=[suggestions.c.number])
    response = logged_in(handler1).post(
        url, {"kind": "written", "granted_on": "2026-11-20", "text": "表扬"}
    )
    assert response.status_code == 400
    assert 'role="alert"' in html(response)


def test_the_commend_page_refuses_roles_and_scope(suggestions, street_handler, outsider):
    url = reverse("ledgers:suggestion_commend", args=[suggestions.b.number])
    assert logged_in(outsider).get(url).status_code == 404
    assert logged_in(street_handler).get(url).status_code in (403, 404)


def test_the_nav_links_to_the_register(handler1):
    assert 'id="nav-suggestions"' in html(logged_in(handler1).get(LIST))
