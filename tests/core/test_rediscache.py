"""The Redis cache backend (core.rediscache): Django's, with its client built once per pool
and reused; chosen for every redis:// CACHE_URL."""

import os
import subprocess
import sys
import threading
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from core.rediscache import RedisCache


@pytest.fixture
def redis_cache(redis_url, worker_id):
    # A database of its own (the broker tests use 10-14): emptied before and after.
    number = 8 if worker_id == "master" else 6 + int(worker_id.removeprefix("gw"))
    url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{number}"))
    cache = RedisCache(url, {"KEY_PREFIX": "test-rediscache"})
    cache.clear()
    yield cache
    cache.clear()


def test_it_stores_and_reads_as_djangos_does(redis_cache):
    redis_cache.set("filter-bar:x", "<form>…</form>", 60)
    assert redis_cache.get("filter-bar:x") == "<form>…</form>"
    assert redis_cache.add("filter-bar:x", "other") is False
    assert redis_cache.get_many(["filter-bar:x", "missing"]) == {"filter-bar:x": "<form>…</form>"}
    redis_cache.delete("filter-bar:x")
    assert redis_cache.get("filter-bar:x", "gone") == "gone"


def test_one_client_serves_every_call_and_every_thread(redis_cache):
    first = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is first
    seen = []

    def read():
        redis_cache.set("shared", 1)
        seen.append((redis_cache.get("shared"), redis_cache._cache.get_client()))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [value for value, _ in seen] == [1] * 4
    assert all(client is first for _, client in seen)


def test_a_redis_cache_url_chooses_it():
    """config.settings maps django-environ's choice for redis:// (Django's backend) to it."""
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**os.environ, "CACHE_URL": "redis://127.0.0.1:6379/3", "DJANGO_ENV": "development"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert out.stdout.strip() == "core.rediscache.RedisCache"
