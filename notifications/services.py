"""Writing notifications and delivering them.

`notify` writes the rows inside the caller's transaction and queues delivery for after the
commit; `notification_deliver` (run by the Celery task) sends what is outstanding and records
the attempt. A broker or gateway outage leaves rows pending; the sweeper queues them again.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import DeliveryStatus, Notification
from .screens import screened
from .sms import SmsError, get_sms_backend

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """A channel failed; the task retries with backoff."""


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


def notify_phone(*, phone: str, kind: str, text: str, case_number: str = "") -> Notification:
    """A text message to someone without an account (a petitioner), kept and retried like
    any other notification."""
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
        transaction.on_commit(lambda: enqueue_delivery(pending))
    return rows


def enqueue_delivery(ids: Iterable[int]) -> int:
    """Queue a delivery task per id; stop at the first broker error (the rows stay pending
    and the sweeper queues them once the broker is back). Returns how many were queued."""
    from .tasks import deliver_notification

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


def _retry_delay(attempts: int) -> datetime.timedelta:
    base = settings.NOTIFY_RETRY_BASE_SECONDS
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def notification_deliver(*, notification_id: int) -> None:
    """Send the channels of one notification that have not gone out yet, and record the
    attempt. Raises `DeliveryFailed` when a channel failed and a retry is due."""
    with transaction.atomic():
        # skip_locked: another worker holding the row is sending it right now.
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if row is None:
            return
        now = timezone.now()
        row.attempts += 1
        errors = []
        if row.email_to and row.email_sent_at is None:
            try:
                send_mail(row.title, _email_text(row), None, [row.email_to])
                row.email_sent_at = now
            except Exception as exc:  # SMTP and socket errors alike
                errors.append(f"email: {exc}")
        if row.sms_to and row.sms_sent_at is None:
            try:
                get_sms_backend().send(to=row.sms_to, text=_sms_text(row))
                row.sms_sent_at = now
            except SmsError as exc:
                errors.append(f"sms: {exc}")
        if not errors:
            row.status, row.sent_at, row.last_error, row.next_attempt_at = (
                DeliveryStatus.SENT,
                now,
                "",
                None,
            )
        else:
            row.last_error = "; ".join(errors)[:300]
            if row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                row.status, row.next_attempt_at = DeliveryStatus.FAILED, None
            else:
                row.next_attempt_at = now + _retry_delay(row.attempts)
        row.save()
    if errors and row.status == DeliveryStatus.PENDING:
        raise DeliveryFailed(row.last_error)


def _email_text(row: Notification) -> str:
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{row.url}" if row.url else ""
    return f"{row.body or row.title}{link}"


def _sms_text(row: Notification) -> str:
    prefix = settings.SMS_SIGNATURE
    return f"{prefix}{row.body or row.title}"


def pending_requeue(*, limit: int = 500) -> int:
    """Queue again the pending notifications whose next attempt is due (their message was
    lost with a broker outage, or a retry fell through). Each is pushed back a few minutes
    first, so that a slow worker is not handed the same row twice."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
        next_attempt_at=now + datetime.timedelta(seconds=settings.NOTIFY_REQUEUE_SECONDS)
    )
    return enqueue_delivery(ids)


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (again is harmless)."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
