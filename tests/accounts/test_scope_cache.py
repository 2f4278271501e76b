"""A user's roles and unit kept in the shared cache between requests (accounts.scope_cache),
dropped when a group, a membership or a unit changes; sessions read from the cache when it
is shared (settings)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import units_visible_to

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def fresh(user: User) -> User:
    """The user as the next request reads them (a new object, nothing cached on it)."""
    return User.objects.get(pk=user.pk)


def scope_queries(user: User) -> list[str]:
    """The SQL run to learn the user's roles and unit."""
    with CaptureQueriesContext(connection) as captured:
        assert user.roles is not None
        list(units_visible_to(user)[:0])
        assert user.org_unit is not None
    return [query["sql"] for query in captured]


def test_a_second_request_reads_neither_roles_nor_unit(shared_cache, handler1):
    assert len(scope_queries(fresh(handler1))) == 2
    again = fresh(handler1)
    assert scope_queries(again) == []
    assert again.roles == frozenset({Role.HANDLER})
    assert again.org_unit.code == handler1.org_unit.code


def test_without_a_shared_cache_they_are_read_each_time(settings, handler1):
    settings.SHARED_CACHE = False
    scope_queries(fresh(handler1))
    assert len(scope_queries(fresh(handler1))) == 2


def test_a_role_taken_away_is_seen_at_once(shared_cache, handler1):
    assert fresh(handler1).has_role(Role.HANDLER)
    handler1.groups.remove(Group.objects.get(name=Role.HANDLER))
    assert not fresh(handler1).has_role(Role.HANDLER)
    handler1.groups.add(Group.objects.get(name=Role.LEADER))
    assert fresh(handler1).roles == frozenset({Role.LEADER})


def test_a_renamed_group_drops_every_cached_role(shared_cache, handler1):
    scope_queries(fresh(handler1))
    group = Group.objects.get(name=Role.HANDLER)
    group.name = "renamed"
    group.save()
    assert fresh(handler1).roles == frozenset({"renamed"})


def test_a_changed_unit_is_seen_at_once(shared_cache, handler1, org):
    scope_queries(fresh(handler1))
    unit = handler1.org_unit
    unit.name = "改名后的信访局"
    unit.save()
    user = fresh(handler1)
    scope_queries(user)
    assert user.org_unit.name == "改名后的信访局"
    # Moved to another unit: the entry of the former one is not used.
    User.objects.filter(pk=handler1.pk).update(org_unit=org.d2_office)
    user = fresh(handler1)
    scope_queries(user)
    assert user.org_unit.code == org.d2_office.code


SCRIPT = r"""
import importlib, json, os, sys
from django.conf import settings
out = []
for url in json.loads(sys.stdin.read()):
    if url is None:
        os.environ.pop("CACHE_URL", None)
    else:
        os.environ["CACHE_URL"] = url
    sys.modules.pop("config.settings", None)
    module = importlib.import_module("config.settings")
    out.append([module.SHARED_CACHE, getattr(module, "SESSION_ENGINE", "db")])
print(json.dumps(out))
"""


def test_sessions_are_read_from_the_cache_only_when_it_is_shared():
    env = {k: v for k, v in os.environ.items() if k not in ("SHARED_CACHE", "CACHE_URL")}
    env.update(PYTHONPATH=str(BASE_DIR), DJANGO_ENV="development")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        input=json.dumps([None, "locmemcache://", "redis://127.0.0.1:6379/1"]),
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        [False, "db"],
        [False, "db"],
        [True, "django.contrib.sessions.backends.cached_db"],
    ]


def test_a_request_reads_the_scope_once_behind_the_lazy_user(shared_cache, handler1, monkeypatch):
    """`request.user` is a lazy object (authentication's, django-otp's): the scope read
    through it and through the user behind it is one cache read, not two."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(handler1)
    client.get("/petitions/")
    reads: list[list[str]] = []
    get_many = cache.get_many

    def counted(keys, *args, **kwargs):
        reads.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    assert client.get("/petitions/").status_code == 200
    assert sum(f"user-scope:{handler1.pk}" in keys for keys in reads) == 1
