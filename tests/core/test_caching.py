"""The version stamps of core.caching: a write drops what was built on a stamp at once, and
again at its commit, once per transaction however many rows it saves."""

import pytest
from django.db import transaction

from core import caching


@pytest.fixture
def bumped(monkeypatch):
    names: list[str] = []
    real = caching.bump
    monkeypatch.setattr(caching, "bump", lambda name: (names.append(name), real(name)))
    return names


@pytest.mark.django_db(transaction=True)
def test_each_write_bumps_at_once_and_the_commit_bumps_each_name_once(bumped):
    before = caching.stamp("case-page:1")
    with transaction.atomic():
        for _ in range(3):  # three rows of one case saved
            caching.bump_around_commit("case-page:1")
            assert caching.stamp("case-page:1") != before
            before = caching.stamp("case-page:1")
        caching.bump_around_commit("case-page:2")
        assert bumped == ["case-page:1"] * 3 + ["case-page:2"]
    assert bumped == ["case-page:1"] * 3 + ["case-page:2"] + ["case-page:1", "case-page:2"]
    assert caching.stamp("case-page:1") != before


@pytest.mark.django_db(transaction=True)
def test_a_bump_queued_in_a_savepoint_that_rolls_back_is_queued_again(bumped):
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            caching.bump_around_commit("scope")
            raise RuntimeError
        caching.bump_around_commit("scope")  # the one queued above went with the savepoint
        assert bumped == ["scope", "scope"]
    assert bumped == ["scope", "scope", "scope"]


@pytest.mark.django_db(transaction=True)
def test_one_queued_by_the_outer_transaction_serves_the_savepoints_inside(bumped):
    with transaction.atomic():
        caching.bump_around_commit("scope")
        with transaction.atomic():
            caching.bump_around_commit("scope")
    assert bumped == ["scope", "scope", "scope"]


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_each_call_bumps_twice(bumped):
    caching.bump_around_commit("scope")
    caching.bump_around_commit("scope")
    assert bumped == ["scope"] * 4


def test_a_new_release_starts_from_new_stamps(settings, shared_cache):
    """Set at each deploy (RELEASE), it keeps the old code's page parts from being served."""
    settings.RELEASE = "2026.12.1"
    first = caching.stamps("case-pages", "org-units")
    assert caching.stamps("case-pages", "org-units") == first
    settings.RELEASE = "2026.12.2"
    second = caching.stamps("case-pages", "org-units")
    assert second != first
    assert caching.stamp_key("org-units") == "stamp:2026.12.2:org-units"
    settings.RELEASE = ""
    assert caching.stamp_key("org-units") == "stamp:org-units"


@pytest.mark.django_db
def test_a_filter_bar_drawn_by_the_last_release_is_drawn_again(settings, shared_cache, handler1):
    from django.test import Client

    settings.RELEASE = "2026.12.1"
    client = Client()
    client.force_login(handler1)
    client.get("/cases/")
    assert not any(t.name == "cases/_filters.html" for t in client.get("/cases/").templates)
    settings.RELEASE = "2026.12.2"
    assert any(t.name == "cases/_filters.html" for t in client.get("/cases/").templates)
