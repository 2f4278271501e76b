"""The Redis cache backend (CACHE_URL=redis://…), keeping one client per connection pool.

Django's `RedisCache` builds a `redis.Redis` client for every cache call; each build sets up
the client's table of some hundred response callbacks, which costs more than the read itself
on a Redis nearby, and a staff page makes five to eight cache calls (session, scope, stamps,
filter bar). A client is safe to share between threads (its pool hands each call a
connection, and starts afresh in a forked process), so one per pool is kept and reused.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusedClients(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own helpers, which its type stubs do not declare.
        base = cast(Any, self)
        pool = base._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = base._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]):
        super().__init__(server, params)
        self._class = _ReusedClients
