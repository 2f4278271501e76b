"""Writing the audit trail. `record` is the one way in; `purge_expired` the one way out."""

from __future__ import annotations

import datetime
import ipaddress
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.login_guard import client_ip as login_client_ip
from core.identity import mask_personal_data

from .context import current_request
from .models import AuditAction, AuditEntry

USER_AGENT_LENGTH = 300
PATH_LENGTH = 300
REPR_LENGTH = 200


class ObjectRef(NamedTuple):
    """An object named without its instance (e.g. one the admin has just deleted)."""

    content_type: ContentType | None
    object_id: str
    text: str


def client_ip(request: HttpRequest) -> str | None:
    """The client's address by the login lockout's rule (`accounts.login_guard.client_ip`:
    REMOTE_ADDR, or what the outermost of TRUSTED_PROXY_COUNT proxies saw); None when it is
    not a valid address."""
    try:
        return str(ipaddress.ip_address((login_client_ip(request) or "").strip()))
    except ValueError:
        return None


def _masked(value: Any) -> Any:
    """`value` with every ID number and mobile number in its strings masked."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {str(key): _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_masked(item) for item in items]
    if isinstance(value, bool | int | float) or value is None:
        return value
    return mask_personal_data(str(value))


def record(
    action: AuditAction | str,
    *,
    request: HttpRequest | None = None,
    actor=None,
    obj: models.Model | ObjectRef | None = None,
    username: str | None = None,
    **detail: Any,
) -> AuditEntry:
    """Write one audit entry on the default connection: inside a transaction it commits or
    rolls back with the change it records.

    `request` defaults to the request being served (`audit.context`); `actor` to its user;
    `username` (the text kept with the entry) to the actor's. Every string in `detail` and in
    the object's text is masked (`mask_personal_data`)."""
    if request is None:
        request = current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if username is None:
        username = actor.get_username() if actor is not None else ""
    entry = AuditEntry(
        action=action,
        actor=actor,
        actor_username=username[:150],
        detail=_masked(detail),
    )
    if isinstance(obj, ObjectRef):
        entry.object_type = obj.content_type
        entry.object_id = str(obj.object_id or "")[:64]
        entry.object_repr = mask_personal_data(obj.text)[:REPR_LENGTH]
    elif obj is not None:
        entry.object_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)[:64]
        entry.object_repr = mask_personal_data(str(obj))[:REPR_LENGTH]
    if request is not None:
        entry.client_address = client_ip(request)
        entry.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
        entry.path = mask_personal_data(request.path)[:PATH_LENGTH]
    entry.save(force_insert=True)
    return entry


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Entries older than this may be purged (`AUDIT_RETENTION_DAYS`)."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the entries older than the retention period; returns how many. The only deletion
    of audit entries: on PostgreSQL the append-only trigger lets it through because it sets
    `audit.purge` for its own transaction."""
    cutoff = retention_cutoff(now)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL audit.purge = 'on'")
        return AuditEntry.objects.filter(when__lt=cutoff)._purge()
