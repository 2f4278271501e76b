"""Idempotent API requests (the IETF httpapi "Idempotency-Key" header draft): the rules the
middleware applies, and the purge of expired records."""

from __future__ import annotations

import datetime
import hashlib
import re

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User

from .models import MAX_KEY_LENGTH, IdempotencyRecord

# The draft makes the header a Structured Field string ("..."); a bare token is taken too.
# Visible ASCII only, without quotes or backslashes, so the key prints and logs as it is.
_KEY = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
PURGE_BATCH = 1000


class InvalidKey(ValueError):
    """The Idempotency-Key header is empty, too long or not a string of visible characters."""


def parse_key(header: str) -> str:
    """The key of an `Idempotency-Key` header value; InvalidKey if it is malformed."""
    value = header.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not value:
        raise InvalidKey("empty")
    if len(value) > MAX_KEY_LENGTH:
        raise InvalidKey("too long")
    if not _KEY.fullmatch(value):
        raise InvalidKey("malformed")
    return value


class Fingerprint:
    """SHA-256 of the method, the path with its query string and the body, fed as the body is
    read (a file upload is hashed in chunks, never held in memory for this)."""

    def __init__(self, method: str, path: str) -> None:
        self._hash = hashlib.sha256(f"{method}\n{path}\n".encode())

    def update(self, chunk: bytes) -> None:
        self._hash.update(chunk)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)


def claim(*, user: User, key: str) -> bool:
    """Take the (user, key) for this transaction; False while another transaction holds it
    (the first request is still being processed). Must run inside a transaction.

    PostgreSQL: a transaction-scoped advisory lock, tried without waiting, released by the
    commit or rollback after the record is visible. SQLite runs one writing transaction at a
    time, so a second request only starts once the first is over."""
    if connection.vendor != "postgresql":
        return True
    digest = hashlib.sha256(f"idempotency:{user.pk}:{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_id])
        (taken,) = cursor.fetchone()
    return bool(taken)


def live_record(*, user: User, key: str) -> IdempotencyRecord | None:
    """The unexpired record of (user, key), if any. An expired one is deleted here so that the
    key can be used again before the purge has run."""
    records = IdempotencyRecord.objects.filter(user=user, key=key)
    records.filter(created_at__lt=timezone.now() - ttl()).delete()
    return records.first()


def record_store(
    *, user: User, key: str, fingerprint: str, status_code: int, content_type: str, body: str
) -> IdempotencyRecord:
    """Write the answer of a request just processed; runs in the request's transaction."""
    return IdempotencyRecord.objects.create(
        user=user,
        key=key,
        fingerprint=fingerprint,
        status_code=status_code,
        content_type=content_type,
        response_body=body,
        created_at=timezone.now(),
    )


def records_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the records older than IDEMPOTENCY_TTL_HOURS, in batches (each its own
    transaction); returns how many were deleted. Running it twice deletes nothing more."""
    cutoff = (now or timezone.now()) - ttl()
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                IdempotencyRecord.objects.filter(created_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:PURGE_BATCH]
            )
            if not ids:
                return deleted
            deleted += IdempotencyRecord.objects.filter(pk__in=ids).delete()[0]
