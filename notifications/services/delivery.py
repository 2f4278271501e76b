"""Delivering notifications: each channel through a `DeliveryAttempt` claimed before the send,
so that nothing is ever sent twice; the sweeper that queues again what an outage left pending
and marks "unknown" the attempts whose outcome was never recorded; an admin's resend or
confirmation of such a row."""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import logging
from collections import Counter

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, NotAllowed
from core.identity import is_mobile

from ..models import (
    AttemptStatus,
    Channel,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
)
from ..screens import screened
from ..sms import SmsError, SmsOutcomeUnknown, get_sms_backend
from . import sending

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """A channel failed; the task retries with backoff."""


def _retry_delay(attempts: int) -> datetime.timedelta:
    base = settings.NOTIFY_RETRY_BASE_SECONDS
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def notification_deliver(*, notification_id: int) -> None:
    """Send the channels of one notification that are due, each at most once, in three steps:

    1. claim: one `DeliveryAttempt` per due channel, marked in flight and committed in its
       own transaction (a second worker finds the channel taken and sends nothing);
    2. send each one, outside any transaction, with the attempt's key;
    3. record the outcomes.

    If step 3 fails (a locked or lost database) or the process dies between 2 and 3, the
    attempts stay in flight: no later run sends them again, and the sweeper marks them
    unknown (`attempts_mark_unknown`) for an operator. Raises `DeliveryFailed` when a channel
    was refused and a retry is due."""
    claimed = _claim(notification_id)
    if claimed is None:
        return
    row, attempts = claimed
    outcomes = [_send(row, attempt) for attempt in attempts]
    try:
        settled = _record(row.pk, outcomes)
    except Exception:
        logger.exception(
            "notification %s: outcome of attempt(s) %s not recorded; they stay in flight and "
            "the sweeper will mark them unknown",
            row.pk,
            ", ".join(f"{o.attempt.key} ({o.attempt.channel}: {o.status})" for o in outcomes),
        )
        raise
    if (
        settled is not None
        and settled.status == DeliveryStatus.PENDING
        and any(outcome.status == AttemptStatus.FAILED for outcome in outcomes)
    ):
        raise DeliveryFailed(settled.last_error)


@dataclasses.dataclass(frozen=True)
class _Outcome:
    attempt: DeliveryAttempt
    status: str
    error: str = ""


@dataclasses.dataclass
class _ChannelState:
    live: str = ""  # the status of the live attempt (sending, sent, unknown), if any
    failures: int = 0
    sent_at: datetime.datetime | None = None


def _channel_states(row: Notification) -> dict[str, _ChannelState]:
    """What each of the row's channels (those with an address) has been through: one query."""
    states: dict[str, _ChannelState] = {
        channel: _ChannelState()
        for channel, address in ((Channel.EMAIL, row.email_to), (Channel.SMS, row.sms_to))
        if address
    }
    attempts = DeliveryAttempt.objects.filter(notification_id=row.pk).values_list(
        "channel", "status", "resolved_at", "finished_at"
    )
    for channel, status, resolved_at, finished_at in attempts:
        state = states.get(channel)
        if state is None:
            continue
        if status == AttemptStatus.FAILED:
            state.failures += 1
        elif status == AttemptStatus.SENT:
            state.live, state.sent_at = status, finished_at
        elif status == AttemptStatus.SENDING or resolved_at is None:
            state.live = status
    return states


def _is_due(state: _ChannelState) -> bool:
    return not state.live and state.failures < settings.NOTIFY_MAX_ATTEMPTS


def _claim(notification_id: int) -> tuple[Notification, list[DeliveryAttempt]] | None:
    """Step 1: an attempt in flight per due channel, committed before anything is sent."""
    now = timezone.now()
    try:
        with transaction.atomic():
            # skip_locked: another worker holding the row is claiming or recording right now.
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk=notification_id, status=DeliveryStatus.PENDING)
                .first()
            )
            if row is None:
                return None
            due = [channel for channel, state in _channel_states(row).items() if _is_due(state)]
            if not due:
                return None  # in flight with another worker, or waiting for an operator
            row.attempts += 1
            # Nothing for the requeue sweeper while in flight: recording sets the next one.
            row.next_attempt_at = None
            row.save(update_fields=["attempts", "next_attempt_at"])
            attempts = DeliveryAttempt.objects.bulk_create(
                [
                    DeliveryAttempt(notification=row, channel=channel, started_at=now)
                    for channel in due
                ]
            )
    except IntegrityError:
        # The unique live-attempt constraint: another worker claimed a channel between our
        # read and our insert (where the database has no row locks). It sends; we do not.
        logger.info("notification %s: claimed by another worker", notification_id)
        return None
    return row, attempts


def _send(row: Notification, attempt: DeliveryAttempt, sms_text: str = "") -> _Outcome:
    """Step 2: one channel, no database access. `sms_text`: what the text says, when it is not
    what the row keeps (`notify_phone_secret`)."""
    key = str(attempt.key)
    if attempt.channel == Channel.EMAIL:
        message = EmailMessage(
            subject=row.title,
            body=_email_text(row),
            to=[row.email_to],
            headers={"Message-ID": _message_id(key)},
        )
        try:
            message.send()
        except Exception as exc:  # SMTP and socket errors alike
            return _Outcome(attempt, AttemptStatus.FAILED, f"email: {exc}")
        return _Outcome(attempt, AttemptStatus.SENT)
    try:
        backend = get_sms_backend()
    except Exception as exc:  # SMS_BACKEND or its settings are wrong: nothing was sent
        return _Outcome(attempt, AttemptStatus.FAILED, f"sms: {exc}")
    try:
        backend.send(to=row.sms_to, text=sms_text or _sms_text(row), idempotency_key=key)
    except SmsError as exc:
        return _Outcome(attempt, AttemptStatus.FAILED, f"sms: {exc}")
    except SmsOutcomeUnknown as exc:
        return _Outcome(attempt, AttemptStatus.UNKNOWN, f"sms: {exc}")
    except Exception as exc:
        # A backend that broke in an unexpected way may have sent the message already.
        logger.exception("SMS backend error on attempt %s", key)
        return _Outcome(attempt, AttemptStatus.UNKNOWN, f"sms: {exc!r}")
    return _Outcome(attempt, AttemptStatus.SENT)


def notify_phone_secret(
    *, phone: str, kind: str, text: str, kept_text: str, case_number: str = ""
) -> Notification | None:
    """A text message that carries a secret (a verification code, a query code) to someone
    without an account: sent now by this process, once, never queued or retried, because the
    row keeps only `kept_text` (the text with the secret masked) and no table ever holds the
    secret. Only a mobile receives texts (None otherwise), as with `notify_phone`.

    Call it outside the caller's transaction (after its commit): the attempt is claimed and
    recorded in transactions of its own. A refused or unknown send stays so on the row, for
    an operator; an operator's resend would send `kept_text`."""
    if not is_mobile(phone):
        return None
    now = timezone.now()
    row = Notification(
        recipient=None,
        sms_to=phone.strip(),
        created_at=now,
        status=DeliveryStatus.PENDING,
        next_attempt_at=None,  # nothing for the requeue sweeper: sent here or never
        kind=kind,
        title=kept_text[:200],
        body=kept_text,
        case_number=case_number,
    )
    if not screened([row]):
        return None
    row.save()
    claimed = _claim(row.pk)
    if claimed is None:
        return row
    row, attempts = claimed
    secret_text = f"{settings.SMS_SIGNATURE}{text}"
    outcomes = [_send(row, attempt, sms_text=secret_text) for attempt in attempts]
    return _record(row.pk, outcomes, retry=False) or row


def _message_id(key: str) -> str:
    """The Message-ID of an attempt's email: the same attempt always gives the same one, on
    the domain of the sender's address (the host's name when it has none)."""
    _local, at, domain = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")
    return f"<{key}@{domain if at and domain else DNS_NAME}>"


def _record(
    notification_id: int, outcomes: list[_Outcome], *, retry: bool = True
) -> Notification | None:
    """Step 3: the outcome of each attempt, then the notification's status (`retry` False: a
    failed channel is not tried again, the row fails)."""
    now = timezone.now()
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None:  # deleted meanwhile (with its recipient), attempts and all
            return None
        for outcome in outcomes:
            # Also over an "unknown" the sweeper set meanwhile (a send slower than its
            # timeout): now it is known. Not once an operator has dealt with it.
            DeliveryAttempt.objects.filter(pk=outcome.attempt.pk).filter(
                Q(status=AttemptStatus.SENDING)
                | Q(status=AttemptStatus.UNKNOWN, resolved_at__isnull=True)
            ).update(status=outcome.status, finished_at=now, error=outcome.error[:300])
        errors = [outcome.error for outcome in outcomes if outcome.error]
        retry_at = now + _retry_delay(row.attempts) if retry else None
        _settle(row, now=now, retry_at=retry_at, errors=errors)
    return row


def _settle(
    row: Notification,
    *,
    now: datetime.datetime,
    retry_at: datetime.datetime | None,
    errors: list[str] | None = None,
) -> None:
    """Derive the (locked) row's status from its channels and save it: pending while a
    channel is due (at `retry_at`; None: no more tries) or in flight, else unknown, failed or
    sent."""
    states = _channel_states(row)
    live = Counter(state.live for state in states.values())
    row.email_sent_at = states[Channel.EMAIL].sent_at if Channel.EMAIL in states else None
    row.sms_sent_at = states[Channel.SMS].sent_at if Channel.SMS in states else None
    if retry_at is not None and any(_is_due(state) for state in states.values()):
        row.status, row.next_attempt_at = DeliveryStatus.PENDING, retry_at
    elif live[AttemptStatus.SENDING]:
        row.status, row.next_attempt_at = DeliveryStatus.PENDING, None
    elif live[AttemptStatus.UNKNOWN]:
        row.status, row.next_attempt_at = DeliveryStatus.UNKNOWN, None
    elif live[AttemptStatus.SENT] < len(states):
        row.status, row.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        row.status, row.next_attempt_at = DeliveryStatus.SENT, None
    if row.status == DeliveryStatus.SENT:
        row.sent_at, row.last_error = row.sent_at or now, ""
    elif errors is not None:
        row.last_error = "; ".join(errors)[:300]
    row.save(
        update_fields=[
            "status",
            "next_attempt_at",
            "sent_at",
            "last_error",
            "email_sent_at",
            "sms_sent_at",
        ]
    )


def _email_text(row: Notification) -> str:
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{row.url}" if row.url else ""
    return f"{row.body or row.title}{link}"


def _sms_text(row: Notification) -> str:
    prefix = settings.SMS_SIGNATURE
    return f"{prefix}{row.body or row.title}"


def attempts_mark_unknown(*, limit: int = 500) -> int:
    """Sweeper: attempts in flight for longer than `NOTIFY_IN_FLIGHT_SECONDS` belong to a
    worker that stopped, or whose database failed after the send. Each becomes "unknown" (and
    its notification with it, once nothing else is outstanding): never sent again by itself.
    Returns how many were marked."""
    now = timezone.now()
    timeout = settings.NOTIFY_IN_FLIGHT_SECONDS
    stale = (
        DeliveryAttempt.objects.filter(
            status=AttemptStatus.SENDING,
            started_at__lte=now - datetime.timedelta(seconds=timeout),
        )
        .order_by("started_at")
        .values_list("notification_id", flat=True)[:limit]
    )
    marked = 0
    for notification_id in dict.fromkeys(stale):
        with transaction.atomic():
            row = Notification.objects.select_for_update().filter(pk=notification_id).first()
            if row is None:
                continue
            count = DeliveryAttempt.objects.filter(
                notification=row,
                status=AttemptStatus.SENDING,
                started_at__lte=now - datetime.timedelta(seconds=timeout),
            ).update(
                status=AttemptStatus.UNKNOWN,
                finished_at=now,
                error=f"no outcome recorded within {timeout} s",
            )
            if count:
                _settle(
                    row,
                    now=now,
                    retry_at=now,
                    errors=[f"{count} attempt(s): no outcome recorded within {timeout} s"],
                )
            marked += count
    if marked:
        logger.warning(
            "%s delivery attempt(s) in flight for over %s s marked unknown", marked, timeout
        )
    return marked


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
    return sending.enqueue_delivery(ids)


def notification_resend(*, actor: User, notification: Notification) -> int:
    """An operator's deliberate resend of the channels of `notification` whose delivery is
    unknown: their attempts are marked resolved by `actor`, and a new attempt (with a new
    key) is queued after the commit. The recipient may get the message twice; that is the
    operator's call, after checking with the gateway. Returns how many channels."""
    return _resolve_unknown(actor=actor, notification=notification, confirm=False)


def notification_confirm_sent(*, actor: User, notification: Notification) -> int:
    """An operator's finding (from the gateway's records, by the attempt's key) that the
    unknown channels of `notification` did go out: their attempts become sent. Returns how
    many channels."""
    return _resolve_unknown(actor=actor, notification=notification, confirm=True)


def _resolve_unknown(*, actor: User, notification: Notification, confirm: bool) -> int:
    if not actor.has_perm("notifications.resend_notification"):
        raise NotAllowed(_("You may not resend notifications."))
    now = timezone.now()
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=notification.pk)
        unknown = DeliveryAttempt.objects.filter(
            notification=row, status=AttemptStatus.UNKNOWN, resolved_at__isnull=True
        )
        changes = {"resolved_at": now, "resolved_by": actor}
        if confirm:
            changes["status"] = AttemptStatus.SENT
        count = unknown.update(**changes)
        if not count:
            raise Conflict(_("The delivery of this notification is not unknown (any more)."))
        _settle(row, now=now, retry_at=now, errors=[])
        if row.status == DeliveryStatus.PENDING:
            transaction.on_commit(lambda: sending.enqueue_delivery([row.pk]), robust=True)
    logger.info(
        "notification %s: %s unknown channel(s) %s by user %s",
        row.pk,
        count,
        "confirmed sent" if confirm else "resent",
        actor.pk,
    )
    return count
