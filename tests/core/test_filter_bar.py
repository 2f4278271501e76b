"""A list's filter bar (core.pages.filter_bar): opened with no filter set, it is drawn once per
user and kept in the shared cache; a filter set, a category or unit changed, another user or
another language draws it afresh; nothing is kept without a shared cache."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import OrgUnit
from petitions.models import Category
from tests.factories import register_petition

pytestmark = pytest.mark.django_db

LISTS = {
    "/cases/": "case-filters",
    "/petitions/": "petition-filters",
    "/notifications/": "notification-filters",
}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def filter_form(response, form_id: str) -> str:
    html = response.content.decode()
    start = html.index(f'id="{form_id}"')
    return html[start : html.index("</form>", start)]


def drew_the_bar(response) -> bool:
    return any(template.name.endswith("/_filters.html") for template in response.templates)


def categories_read(queries) -> int:
    return sum('FROM "petitions_category"' in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize("path", LISTS)
def test_a_blank_filter_bar_is_drawn_once_and_served_the_same(path, handler1, shared_cache):
    register_petition(handler1)
    client = logged_in(handler1)
    first = client.get(path)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(path, {"page": "1"})
    assert drew_the_bar(first) and not drew_the_bar(second)
    assert filter_form(second, LISTS[path]) == filter_form(first, LISTS[path])
    assert categories_read(queries) == 0


def test_the_cached_bar_is_the_one_drawn_without_a_cache(handler1, settings, shared_cache):
    register_petition(handler1)
    client = logged_in(handler1)
    client.get("/petitions/")
    cached = filter_form(client.get("/petitions/"), "petition-filters")
    settings.SHARED_CACHE = False
    assert filter_form(client.get("/petitions/"), "petition-filters") == cached
    category = Category.objects.filter(is_active=True).first()
    assert 'name="category"' in cached and f">{category}</option>" in cached


def test_a_filter_set_is_drawn_with_its_value(handler1, shared_cache):
    client = logged_in(handler1)
    client.get("/petitions/")
    response = client.get("/petitions/", {"q": "路灯"})
    assert drew_the_bar(response)
    assert 'value="路灯"' in filter_form(response, "petition-filters")
    # … and not kept: the blank bar is unchanged.
    assert 'value="路灯"' not in filter_form(client.get("/petitions/"), "petition-filters")
    # A filter given among empty values (a multiple choice) is a filter set.
    client.get("/cases/")
    statuses = filter_form(client.get("/cases/?status=accepted&status="), "case-filters")
    assert '<option value="accepted" selected>' in statuses
    more = client.get("/cases/", {"resolved": "true"})
    assert 'class="collapse show" id="more-filters"' in more.content.decode()
    assert 'class="collapse" id="more-filters"' in client.get("/cases/").content.decode()


def test_a_category_changed_is_drawn_at_once(handler1, shared_cache):
    client = logged_in(handler1)
    client.get("/petitions/")
    category = Category.objects.filter(is_active=True).order_by("code").first()
    category.name = "改过名的类别"
    category.save()
    assert "改过名的类别" in filter_form(client.get("/petitions/"), "petition-filters")


def test_a_unit_changed_drops_the_bars(handler1, shared_cache):
    client = logged_in(handler1)
    client.get("/cases/")
    assert not drew_the_bar(client.get("/cases/"))
    unit = OrgUnit.objects.get(pk=handler1.org_unit_id)
    unit.name = f"{unit.name}（新）"
    unit.save()
    assert drew_the_bar(client.get("/cases/"))


def test_each_user_and_language_has_their_own_bar(handler1, handler2, settings, shared_cache):
    first, second = logged_in(handler1), logged_in(handler2)
    chinese = filter_form(first.get("/petitions/"), "petition-filters")
    assert filter_form(second.get("/petitions/"), "petition-filters") == chinese
    first.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = filter_form(first.get("/petitions/"), "petition-filters")
    assert re.search(r"[\u4e00-\u9fff]", chinese)
    assert not re.search(r"[\u4e00-\u9fff]", english.split('name="category"')[0])
    assert "Channel" in english


def test_without_a_shared_cache_the_bar_is_drawn_every_time(handler1, settings):
    settings.SHARED_CACHE = False
    client = logged_in(handler1)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            client.get("/petitions/")
        assert categories_read(queries) == 1
