"""Writing notifications: the rows, inside the caller's transaction, and their delivery
queued for after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.identity import is_mobile

from ..models import (
    DeliveryStatus,
    Notification,
)
from ..screens import screened

logger = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    case_number: str = "",
    url: str = "",
    sms: bool = False,
) -> list[Notification]:
    """One notification per distinct recipient, in the inbox at once; by email to users with
    an address, and by SMS (when `sms`) to users with a mobile. Call inside the transaction of
    the event that causes it: delivery is queued only once that commits."""
    return save_notifications(
        build_notifications(
            recipients=recipients,
            kind=kind,
            title=title,
            body=body,
            case_number=case_number,
            url=url,
            sms=sms,
        )
    )


def build_notifications(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    case_number: str = "",
    url: str = "",
    sms: bool = False,
) -> list[Notification]:
    """The unsaved rows `notify` would write, for callers that save many messages at once
    (`save_notifications`)."""
    now = timezone.now()
    rows, seen = [], set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            _row(
                recipient=user,
                email=user.email if settings.NOTIFY_BY_EMAIL else "",
                phone=user.mobile if sms else "",
                now=now,
                kind=kind,
                title=title[:200],
                body=body,
                case_number=case_number,
                url=url,
            )
        )
    return rows


def notify_phone(*, phone: str, kind: str, text: str, case_number: str = "") -> Notification | None:
    """A text message to someone without an account (a petitioner), kept and retried like
    any other notification. Only a mobile number receives texts: for a landline or no number
    nothing is sent (None)."""
    if not is_mobile(phone):
        return None
    phone = phone.strip()
    row = _row(
        recipient=None,
        email="",
        phone=phone,
        now=timezone.now(),
        kind=kind,
        title=text[:200],
        body=text,
        case_number=case_number,
        url="",
    )
    return save_notifications([row])[0]


def _row(*, recipient, email, phone, now, **fields) -> Notification:
    external = bool(email or phone)
    return Notification(
        recipient=recipient,
        email_to=email or "",
        sms_to=phone or "",
        created_at=now,
        status=DeliveryStatus.PENDING if external else DeliveryStatus.SENT,
        sent_at=None if external else now,
        next_attempt_at=now if external else None,
        **fields,
    )


def save_notifications(rows: list[Notification]) -> list[Notification]:
    """Write the rows the screens let through (`screens`; one statement per 500) and queue
    the email/SMS ones after commit. Returns the rows written."""
    rows = screened(rows)
    Notification.objects.bulk_create(rows, batch_size=500)
    pending = [row.pk for row in rows if row.status == DeliveryStatus.PENDING]
    if pending:
        # robust: after the commit nothing may turn the caller's success into an error.
        transaction.on_commit(lambda: enqueue_delivery(pending), robust=True)
    return rows


def enqueue_delivery(ids: Iterable[int]) -> int:
    """Queue a delivery task per id; stop at the first broker error (the rows stay pending
    and the sweeper queues them once the broker is back). Returns how many were queued."""
    from ..tasks import deliver_notification

    ids = list(ids)
    queued = 0
    for pk in ids:
        try:
            # No publish retries: a request must not hang on a broker that is down.
            deliver_notification.apply_async((pk,), retry=False)
        except Exception as exc:  # kombu raises several types for "broker unreachable"
            logger.warning(
                "broker unavailable, %s notification(s) left pending: %s", len(ids) - queued, exc
            )
            break
        queued += 1
    return queued
