"""Data kept in the cache across requests, and the version stamps that drop it when it changes.

A cached value's key carries the stamps of what it was built from (`stamp("reference")`, a
case's own stamp …); a write calls `bump(name)` (from a model signal or the service that
wrote in bulk) and every key built on the old stamp is never read again. A stamp is a fresh
random value, not a counter, so a stamp the cache evicted comes back as a new one.

Only worth it, and only safe, when every process shares the cache (`settings.SHARED_CACHE`:
Redis by CACHE_URL): with a per-process cache (locmem, the default) one process would never
see the others' bumps, so `shared()` is False and callers build their data afresh.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

# Stamps live until bumped; the values built on them expire after their own timeout.
_PREFIX = "stamp:"


def stamp_key(name: str) -> str:
    """Where the stamp of `name` is kept. It carries the release (`settings.RELEASE`, set at
    each deploy): a new release starts from new stamps, so nothing built by the old code
    (a page's sections, a filter bar) is served by the new."""
    release = getattr(settings, "RELEASE", "")
    return f"{_PREFIX}{release}:{name}" if release else _PREFIX + name


def _fresh() -> str:
    # Random, not the clock: a clock frozen (or set back) must not bring an old stamp back.
    return secrets.token_hex(8)


def shared() -> bool:
    """Whether cross-request caches are in use (every process sees the same cache)."""
    return bool(getattr(settings, "SHARED_CACHE", False))


def stamp(name: str) -> str:
    """The current stamp of `name` (created on first use)."""
    key = stamp_key(name)
    value = cache.get(key)
    if value is None:
        value = _fresh()
        # Another process may have set it meanwhile: keep theirs.
        if not cache.add(key, value, timeout=None):
            value = cache.get(key) or value
    return str(value)


def stamps(*names: str) -> str:
    """The stamps of `names` in one round trip, joined (for a cache key)."""
    return ".".join(stamp_values(*names))


def stamp_values(*names: str) -> list[str]:
    """The current stamps of `names`, in order, in one round trip (those never made, made)."""
    keys = [stamp_key(name) for name in names]
    found = cache.get_many(keys)
    return [
        str(found[key]) if key in found else stamp(name)
        for key, name in zip(keys, names, strict=True)
    ]


def bump(name: str) -> None:
    """Drop everything built on `name`'s current stamp."""
    cache.set(stamp_key(name), _fresh(), timeout=None)


class _CommitBump:
    """The bump of `name` queued for a transaction's commit."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self) -> None:
        bump(self.name)


def bump_around_commit(name: str) -> None:
    """Drop what is built on `name` now, and again once the transaction commits: a value built
    in between, from the data not yet committed, is then keyed on a stamp no one reads any
    more. The bump at the commit is queued once per transaction: a registration saves a
    dozen rows of one case, each of which would add a round trip to the cache. (Not when the
    one queued may yet be rolled back without the caller's writes: a savepoint's
    callbacks go with it.)"""
    bump(name)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        open_savepoints = set(connection.savepoint_ids)
        for sids, func, _robust in connection.run_on_commit:
            if isinstance(func, _CommitBump) and func.name == name and sids <= open_savepoints:
                return
    transaction.on_commit(_CommitBump(name))
