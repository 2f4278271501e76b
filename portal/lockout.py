"""The lock on looking a number up after wrong query codes, the daily cap on new query codes
for a number, and the per-address throttle.

PUBLIC_QUERY_FAILURE_LIMIT wrong codes for one number within PUBLIC_QUERY_LOCK_MINUTES (from
the first of them) lock that number's lookup for PUBLIC_QUERY_LOCK_MINUTES: while locked even
the right code gets the locked answer. A number that does not exist counts exactly like one
that does, so the lock tells nothing about which numbers exist. Counted in Django's cache
(Redis in production, local memory in tests and development); keys are a digest of the
number, so any input makes a valid key."""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from accounts.login_guard import AddressRateThrottle

PREFIX = "public-query"


def _key(kind: str, number: str) -> str:
    digest = hashlib.sha256(number.strip().encode("utf-8", "surrogatepass")).hexdigest()
    return f"{PREFIX}:{kind}:{digest}"


def _window_seconds() -> int:
    return settings.PUBLIC_QUERY_LOCK_MINUTES * 60


def locked_for(number: str) -> int:
    """Seconds until the lookup of `number` is open again (0: not locked)."""
    until = cache.get(_key("lock", number))
    if until is None:
        return 0
    remaining = math.ceil(until - time.time())
    return max(remaining, 0)


def _count(key: str, window: int) -> int:
    """One more in the count under `key`, which starts at the first and lasts `window`
    seconds from it; returns the count."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def record_failure(number: str) -> int:
    """Count a wrong code (or unknown number) for `number`; lock it at the limit. Returns the
    seconds it is now locked for (0: not locked)."""
    window = _window_seconds()
    key = _key("fail", number)
    failures = _count(key, window)
    if failures >= settings.PUBLIC_QUERY_FAILURE_LIMIT:
        cache.set(_key("lock", number), time.time() + window, timeout=window)
        cache.delete(key)
        return window
    return 0


def clear_failures(number: str) -> None:
    """A right code, not locked: the count starts again."""
    cache.delete(_key("fail", number))


RENEWAL_WINDOW = 24 * 3600


def renewal_allowed(number: str) -> bool:
    """Count a request for a new query code for `number`, whether the number exists or not:
    False once PUBLIC_CODE_RENEWAL_LIMIT were asked for it within a day (from the first)."""
    count = _count(_key("renew", number), RENEWAL_WINDOW)
    return count <= settings.PUBLIC_CODE_RENEWAL_LIMIT


class PublicQueryThrottle(AddressRateThrottle):
    """Lookups per client address (rate PUBLIC_QUERY_RATE), for the API and the page alike."""

    scope = "public_query"
    rate_setting = "PUBLIC_QUERY_RATE"


class PublicSubmitThrottle(AddressRateThrottle):
    """Online petitions per client address (rate PUBLIC_SUBMIT_RATE), API and page alike."""

    scope = "public_submit"
    rate_setting = "PUBLIC_SUBMIT_RATE"


class PublicUnitSearchThrottle(AddressRateThrottle):
    """Unit searches per client address (rate PUBLIC_UNIT_SEARCH_RATE)."""

    scope = "public_unit_search"
    rate_setting = "PUBLIC_UNIT_SEARCH_RATE"


def throttle_wait(request, throttle_class: type[AddressRateThrottle] = PublicQueryThrottle) -> int:
    """For a page: 0 if the address may go on now (by default: look up), else the seconds to
    wait."""
    return wait_for(throttle_class(), request)


def wait_for(throttle: SimpleRateThrottle, request) -> int:
    """Count `request` against `throttle`: 0 if it may go on now, else the seconds to wait."""
    if throttle.allow_request(request, None):
        return 0
    return max(math.ceil(throttle.wait() or 1), 1)
