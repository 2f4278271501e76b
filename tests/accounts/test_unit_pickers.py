"""The unit pickers: the search behind them (scoped exactly as the form field's choices), the
forms refusing a unit outside those choices, and pages holding only the chosen units."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import OrgKind, OrgLevel, OrgUnit
from tests.factories import register_petition

SEARCH = "/api/v1/org-units/search/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def search(user, **params):
    return logged_in(user).get(SEARCH, params)


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [match["code"] for match in response.json()]


def unit_selects(html: str) -> list[str]:
    """The unit pickers of a page (select[data-unit-search]), each as its HTML."""
    return re.findall(r"<select[^>]*data-unit-search[^>]*>.*?</select>", html, flags=re.S)


@pytest.fixture
def many_units(org):
    """Sixty communities under 东湖街道: more than any picker may render."""
    OrgUnit.objects.bulk_create(
        OrgUnit(
            code=f"D1S1X{n}",
            name=f"东湖第{n}社区",
            parent=org.d1_street,
            level=OrgLevel.VILLAGE,
            kind=OrgKind.OTHER,
            path=f"{org.d1_street.path}9{n:03d}/",
        )
        for n in range(60)
    )


# --- the search ---------------------------------------------------------------------------------


def test_the_search_finds_by_name_within_the_users_units(handler2, handler1, org):
    # A district office sees its district's units only (the list filters' scope).
    assert codes(search(handler2, q="社区")) == ["D2S1C1"]
    assert codes(search(handler1, q="社区")) == ["D1S1C1"]
    assert codes(search(handler2, q="东湖")) == []


def test_the_search_finds_by_the_start_of_a_code(handler1):
    assert codes(search(handler1, q="d1s1")) == ["D1S1", "D1S1C1"]


def test_a_match_shows_the_units_above_it_nearest_first(handler1):
    [match] = search(handler1, q="东湖社区").json()
    assert match["label"] == "东湖社区（D1S1C1）"
    assert match["above"] == "东湖街道 · 东湖区 · 江城市 · 示范省"
    assert set(match) == {"id", "code", "name", "label", "above"}


def test_names_starting_with_the_text_come_first(handler1, org):
    OrgUnit.objects.create(
        code="D1Z", name="新东湖街道", parent=org.d1, level=OrgLevel.TOWNSHIP, kind="government"
    )
    assert codes(search(handler1, q="东湖街道")) == ["D1S1", "D1Z"]


def test_the_scope_is_the_form_fields(handler2, org):
    # The accused unit may be any active unit; the matter's location only in one's area.
    assert "D1S1C1" in codes(search(handler2, q="社区", scope="active"))
    assert codes(search(handler2, q="社区", scope="jurisdiction")) == ["D2S1C1"]
    org.d2_community.is_active = False
    org.d2_community.save()
    assert codes(search(handler2, q="社区", scope="jurisdiction")) == []
    assert codes(search(handler2, q="社区", scope="visible")) == ["D2S1C1"]


def test_a_case_scope_needs_a_case_the_user_sees(handler1, handler2, org):
    case = register_petition(handler1).petition.case
    below = codes(search(handler1, scope="case_below_owner", context=case.number, limit=50))
    assert "D1S1C1" in below and "D1XFJ" not in below and "D1" not in below
    # Another district's handler learns nothing about the case's units.
    assert codes(search(handler2, scope="case_below_owner", context=case.number)) == []
    assert codes(search(handler1, scope="case_below_owner", context="NO-SUCH")) == []


def test_the_limit_bounds_the_matches_and_queries(
    handler1, many_units, django_assert_max_num_queries
):
    client = logged_in(handler1)
    client.get(SEARCH, {"q": "x"})
    with django_assert_max_num_queries(6):  # session, user, roles, the units, those above
        response = client.get(SEARCH, {"q": "社区", "limit": 5})
    assert len(codes(response)) == 5
    assert len(codes(search(handler1, q="社区"))) == 20  # the default


@pytest.mark.parametrize(
    "params, field",
    [
        ({"scope": "everything"}, "scope"),
        ({"limit": "0"}, "limit"),
        ({"limit": "51"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"q": "东" * 51}, "q"),
        ({"q": "东\x00"}, "q"),
        ({"context": "A\x00"}, "context"),
    ],
)
def test_bad_input_is_a_field_error(handler1, params, field):
    response = search(handler1, **params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_search_needs_a_login(db):
    assert Client().get(SEARCH, {"q": "社区"}).status_code in (401, 403)


# --- the forms decide on the server -------------------------------------------------------------


def offered_by(form, name: str, user, q: str = "") -> set[int]:
    """The ids the picker of `form`'s field `name` offers `user` (its search)."""
    url = form.fields[name].widget.attrs["data-unit-search"]
    response = logged_in(user).get(f"{url}&q={q}&limit=50")
    return {match["id"] for match in response.json()}


def test_the_intake_form_refuses_a_location_its_picker_does_not_offer(handler2, org):
    from petitions.forms import PetitionForm

    assert offered_by(PetitionForm(user=handler2), "location_unit", handler2, "社区") == {
        org.d2_community.pk
    }
    form = PetitionForm({"location_unit": org.d1_community.pk}, user=handler2)
    assert not form.is_valid()
    assert "location_unit" in form.errors
    form = PetitionForm({"location_unit": org.d2_community.pk}, user=handler2)
    form.is_valid()
    assert "location_unit" not in form.errors


def test_the_assign_and_forward_forms_take_only_what_their_pickers_offer(handler1, org):
    from cases.forms import AssignForm, ForwardForm

    case = register_petition(handler1).petition.case
    assign = AssignForm(case=case, user=handler1)
    below = offered_by(assign, "lead_unit", handler1)
    assert org.d1_street.pk in below and org.d2_street.pk not in below
    assert org.d1_office.pk not in below  # the owner itself
    assert offered_by(assign, "co_units", handler1) == below
    form = AssignForm({"lead_unit": org.d2_street.pk}, case=case, user=handler1)
    form.is_valid()
    assert "lead_unit" in form.errors
    form = AssignForm({"lead_unit": org.d1_street.pk}, case=case, user=handler1)
    form.is_valid()
    assert "lead_unit" not in form.errors

    forward = ForwardForm(case=case, user=handler1)
    assert org.d1_office.pk not in offered_by(forward, "to_unit", handler1, "信访局")
    form = ForwardForm({"to_unit": org.d1_office.pk}, case=case, user=handler1)
    form.is_valid()
    assert "to_unit" in form.errors


def test_the_case_list_refuses_a_unit_the_user_does_not_see(handler2, org):
    from cases.filters import CaseFilter
    from cases.selectors import case_list

    request = type("Request", (), {"user": handler2})()
    refused = CaseFilter({"unit": "D1"}, queryset=case_list(user=handler2), request=request)
    assert not refused.is_valid() and "unit" in refused.errors
    taken = CaseFilter({"unit": "D2"}, queryset=case_list(user=handler2), request=request)
    assert taken.is_valid()


# --- pages hold only the chosen units ----------------------------------------------------------


@pytest.mark.parametrize("url", ["/cases/", "/petitions/", "/petitions/new/", "/dashboards/"])
def test_a_page_renders_no_unit_but_the_chosen_one(url, reception1, city_supervisor, many_units):
    user = reception1 if url == "/petitions/new/" else city_supervisor
    html = logged_in(user).get(url).content.decode()
    pickers = unit_selects(html)
    assert pickers
    for picker in pickers:
        assert picker.count("<option") <= 2, picker
    assert "东湖第7社区" not in html
    assert html.count("<option") < 200  # categories and statuses stay on the page


def test_a_chosen_unit_is_rendered_on_the_filtered_list(city_supervisor, org, many_units):
    html = logged_in(city_supervisor).get("/cases/", {"unit": "D1S1X7"}).content.decode()
    [owner] = [p for p in unit_selects(html) if 'name="unit"' in p]
    assert re.findall(r"<option[^>]*>[^<]*</option>", owner) == [
        '<option value="">---------</option>',
        '<option value="D1S1X7" selected>东湖第7社区</option>',
    ]
    assert 'data-unit-search="/api/v1/org-units/search/?scope=visible"' in owner
    assert 'data-value-field="code"' in owner


def test_a_refused_intake_shows_the_units_chosen_again(reception1, org, many_units):
    chosen = OrgUnit.objects.get(code="D1S1X7")
    response = logged_in(reception1).post(
        "/petitions/new/",
        {"location_unit": chosen.pk, "accused_unit": org.d2_business.pk, "summary": ""},
    )
    html = response.content.decode()
    assert response.status_code in (200, 400)
    pickers = {re.search(r'name="(\w+)"', p).group(1): p for p in unit_selects(html)}
    assert f'<option value="{chosen.pk}" selected>' in pickers["location_unit"]
    assert f'<option value="{org.d2_business.pk}" selected>' in pickers["accused_unit"]
    assert "东湖第8社区" not in html
    assert "scope=jurisdiction" in pickers["location_unit"]


def test_the_consultation_page_renders_no_unit_but_the_chosen_ones(handler1, org, many_units):
    case = register_petition(handler1).petition.case
    client = logged_in(handler1)
    url = f"/escalation/cases/{case.number}/consultations/"
    html = client.get(url).content.decode()
    pickers = {re.search(r'name="([\w-]+)"', p).group(1): p for p in unit_selects(html)}
    assert set(pickers) == {"units", "tasks-0-unit", "tasks-1-unit", "tasks-2-unit"}
    assert all("scope=visible_active" in picker for picker in pickers.values())
    assert "东湖第7社区" not in html and "<option" not in pickers["units"]
    # Refused (no analysis), the page comes back with the chosen units and no others.
    chosen = OrgUnit.objects.get(code="D1S1X7")
    response = client.post(
        f"{url}record/",
        {
            "level": "1",
            "date": "2026-11-10",
            "units": [chosen.pk],
            "attendees": "王承办",
            "analysis": "",
            "decision": "决定",
            "tasks-TOTAL_FORMS": "1",
            "tasks-INITIAL_FORMS": "0",
            "tasks-0-unit": str(org.d2_business.pk),  # outside the clerk's units
            "tasks-0-task": "核实",
            "tasks-0-due": "2026-11-30",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    pickers = {re.search(r'name="([\w-]+)"', p).group(1): p for p in unit_selects(html)}
    assert (
        f'<option value="{chosen.pk}" selected>东湖第7社区（D1S1X7）</option>' in pickers["units"]
    )
    assert "<option" not in pickers["tasks-0-unit"].replace('<option value="">', "")
    assert "东湖第8社区" not in html
