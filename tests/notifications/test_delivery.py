"""Delivery of notifications: rows written with the event, email and SMS sent after commit by
the task, retried with backoff, never twice, and failed after the last attempt."""

import datetime
import json
import logging
import socket

import pytest
from django.db import connection, transaction

from escalation.kinds import EscalationNotificationKind
from notifications import services
from notifications.models import DeliveryStatus, Notification
from notifications.services import DeliveryFailed, notification_deliver, notify
from notifications.sms import ConsoleSmsBackend, HttpGatewaySmsBackend, SmsError
from reception.kinds import ReceptionNotificationKind

PHONE = "13812345678"
MASKED = "138****5678"


@pytest.fixture
def handler1(handler1):
    handler1.mobile = PHONE
    handler1.save(update_fields=["mobile"])
    return handler1


def overdue(recipients, *, sms=False, **extra):
    return notify(
        recipients=recipients,
        kind=EscalationNotificationKind.OVERDUE,
        title="办理时限已超期：JZXFJ-2026-000001",
        body="请尽快办理。",
        case_number="JZXFJ-2026-000001",
        url="/cases/JZXFJ-2026-000001/",
        sms=sms,
        **extra,
    )


# --- writing ------------------------------------------------------------------------------


def test_notify_writes_one_row_per_distinct_recipient(handler1, colleague1, queued):
    rows = overdue([handler1, colleague1, handler1, colleague1])

    assert len(rows) == 2
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "colleague1",
        "handler1",
    ]


def test_in_app_only_rows_are_sent_at_once_and_queue_nothing(
    handler1, settings, queued, django_capture_on_commit_callbacks
):
    settings.NOTIFY_BY_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (row,) = overdue([handler1])

    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.sent_at is not None
    assert row.email_to == "" and row.sms_to == "" and row.next_attempt_at is None
    assert callbacks == [] and queued == []


def test_rows_with_email_or_sms_are_pending_and_queued_only_after_commit(
    handler1, colleague1, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = overdue([handler1, colleague1], sms=True)
        assert queued == []  # nothing leaves before the transaction commits

    assert {row.status for row in rows} == {DeliveryStatus.PENDING}
    by_user = {row.recipient.username: row for row in rows}
    assert by_user["handler1"].sms_to == PHONE
    assert by_user["colleague1"].sms_to == ""  # no mobile on file: email only
    assert by_user["colleague1"].email_to == "colleague1@example.org"
    for callback in callbacks:
        callback()
    assert queued == [[row.pk for row in rows]]


def test_a_rolled_back_event_writes_and_queues_nothing(
    handler1, queued, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        overdue([handler1], sms=True)
        raise RuntimeError("the event failed")

    assert not Notification.objects.exists()
    assert callbacks == [] and queued == []


def test_sms_number_is_stored_encrypted(handler1, queued):
    (row,) = overdue([handler1], sms=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT sms_to FROM notifications_notification WHERE id = %s", [row.pk])
        (stored,) = cursor.fetchone()
    assert stored and PHONE not in stored
    assert Notification.objects.get(pk=row.pk).sms_to == PHONE


def test_text_to_a_petitioner_without_account_is_kept_and_queued(
    db, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = services.notify_phone(
            phone=PHONE, kind=ReceptionNotificationKind.RECEPTION, text="请于12月3日到访。"
        )

    assert row.recipient is None and row.status == DeliveryStatus.PENDING
    assert queued == [[row.pk]]


# --- sending ------------------------------------------------------------------------------


def test_deliver_sends_email_and_sms_once(handler1, fake_sms, mailoutbox, queued, settings):
    settings.SITE_URL = "https://xf.example.gov.cn/"
    (row,) = overdue([handler1], sms=True)

    notification_deliver(notification_id=row.pk)
    notification_deliver(notification_id=row.pk)  # a duplicate task message

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["handler1@example.org"]
    assert mail.subject == row.title
    assert "https://xf.example.gov.cn/cases/JZXFJ-2026-000001/" in mail.body
    assert fake_sms.sent == [(PHONE, f"{settings.SMS_SIGNATURE}请尽快办理。")]
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert row.attempts == 1 and row.last_error == "" and row.next_attempt_at is None
    assert row.email_sent_at and row.sms_sent_at and row.sent_at


def test_deliver_of_a_missing_row_is_quiet(db):
    from notifications.tasks import deliver_notification

    assert deliver_notification.run(987654) is None


def test_failing_sms_leaves_the_row_pending_with_the_error_and_a_later_attempt(
    handler1, fake_sms, mailoutbox, queued, settings, frozen_now
):
    settings.NOTIFY_RETRY_BASE_SECONDS = 30
    (row,) = overdue([handler1], sms=True)
    fake_sms.failing = "gateway answered 503"

    with pytest.raises(DeliveryFailed, match="503"):
        notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING
    assert row.attempts == 1
    assert row.last_error == "sms: gateway answered 503"
    assert row.next_attempt_at == frozen_now + datetime.timedelta(seconds=30)
    assert row.email_sent_at is not None and row.sms_sent_at is None
    assert len(mailoutbox) == 1

    with pytest.raises(DeliveryFailed):
        notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at == frozen_now + datetime.timedelta(seconds=60)  # backoff doubles


def test_a_channel_already_sent_is_not_sent_again_on_the_retry(
    handler1, fake_sms, mailoutbox, queued
):
    (row,) = overdue([handler1], sms=True)
    fake_sms.failing = "timeout"
    with pytest.raises(DeliveryFailed):
        notification_deliver(notification_id=row.pk)

    fake_sms.failing = ""
    notification_deliver(notification_id=row.pk)

    assert len(mailoutbox) == 1  # the email went out on the first attempt only
    assert len(fake_sms.sent) == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 2 and row.last_error == ""


class BrokenEmailBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_failing_email_is_retried_and_the_sms_not_sent_twice(handler1, fake_sms, settings, queued):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmailBackend"
    (row,) = overdue([handler1], sms=True)

    with pytest.raises(DeliveryFailed, match="smtp down"):
        notification_deliver(notification_id=row.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notification_deliver(notification_id=row.pk)

    assert len(fake_sms.sent) == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT


def test_after_the_last_attempt_the_row_is_failed_and_left_alone(
    handler1, fake_sms, mailoutbox, queued, settings
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    (row,) = overdue([handler1], sms=True)
    fake_sms.failing = "number barred"

    for _attempt in range(2):
        with pytest.raises(DeliveryFailed):
            notification_deliver(notification_id=row.pk)
    notification_deliver(notification_id=row.pk)  # the last one: no retry is asked for

    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert row.attempts == 3 and row.next_attempt_at is None
    assert row.last_error == "sms: number barred"

    fake_sms.failing = ""
    notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.attempts == 3 and fake_sms.sent == []
    assert services.pending_requeue() == 0


# --- queueing -----------------------------------------------------------------------------


def test_pending_requeue_queues_due_rows_and_pushes_them_back(
    handler1, colleague1, queued, settings, frozen_now
):
    settings.NOTIFY_REQUEUE_SECONDS = 300
    settings.NOTIFY_BY_EMAIL = True
    due, later = overdue([handler1, colleague1])
    Notification.objects.filter(pk=later.pk).update(
        next_attempt_at=frozen_now + datetime.timedelta(minutes=10)
    )
    settings.NOTIFY_BY_EMAIL = False
    (sent,) = overdue([handler1])  # in-app only: already sent, never queued
    queued.clear()

    assert services.pending_requeue() == 1

    assert queued == [[due.pk]]
    due.refresh_from_db()
    assert due.next_attempt_at == frozen_now + datetime.timedelta(seconds=300)
    assert services.pending_requeue() == 0  # pushed back: the next sweep leaves it alone
    assert queued == [[due.pk]]
    assert sent.status == DeliveryStatus.SENT


def test_enqueue_stops_at_the_first_broker_error_and_leaves_the_rest_pending(
    handler1, colleague1, monkeypatch, caplog, settings
):
    from notifications.tasks import deliver_notification

    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, kind=EscalationNotificationKind.OVERDUE, title="t", email_to="x@y.z"
            )
            for user in (handler1, colleague1, handler1)
        ]
    )
    published = []

    def apply_async(args, **kwargs):
        if published:
            raise ConnectionRefusedError("broker down")
        assert kwargs.get("retry") is False  # a request must not hang on a dead broker
        published.append(args)

    monkeypatch.setattr(deliver_notification, "apply_async", apply_async)

    with caplog.at_level(logging.WARNING, logger="notifications.services.sending"):
        assert services.enqueue_delivery([row.pk for row in rows]) == 1

    assert published == [(rows[0].pk,)]
    assert "broker unavailable, 2 notification(s) left pending" in caplog.text
    assert set(Notification.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_the_task_retries_with_backoff_on_a_failed_channel():
    from notifications.tasks import deliver_notification

    assert DeliveryFailed in deliver_notification.autoretry_for
    assert deliver_notification.acks_late is True
    assert deliver_notification.retry_backoff


# --- the HTTP gateway backend -----------------------------------------------------------------


def test_gateway_receives_the_json_body_and_the_bearer_token(gateway, caplog):
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        HttpGatewaySmsBackend().send(to=PHONE, text="【信访通】请于12月3日到访。")

    (request,) = gateway.requests
    assert request["path"] == "/sms/send"
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert json.loads(request["body"].decode()) == {
        "to": PHONE,
        "text": "【信访通】请于12月3日到访。",
    }
    assert MASKED in caplog.text and PHONE not in caplog.text


def test_gateway_error_answer_raises_sms_error(gateway):
    gateway.status = 500
    with pytest.raises(SmsError, match="500"):
        HttpGatewaySmsBackend().send(to=PHONE, text="x")


def test_unreachable_gateway_raises_sms_error(settings):
    with socket.socket() as sock:  # a port that was free a moment ago: nobody listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{port}/sms"
    settings.SMS_GATEWAY_TIMEOUT = 2.0
    with pytest.raises(SmsError, match="unreachable"):
        HttpGatewaySmsBackend().send(to=PHONE, text="x")


def test_gateway_url_without_a_scheme_raises_sms_error(settings):
    settings.SMS_GATEWAY_URL = "sms.example.gov.cn/send"
    with pytest.raises(SmsError, match="not a valid URL"):
        HttpGatewaySmsBackend().send(to=PHONE, text="x")


def test_gateway_without_url_is_a_delivery_error_not_a_crash(
    handler1, settings, queued, mailoutbox
):
    settings.SMS_BACKEND = "notifications.sms.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = ""
    (row,) = overdue([handler1], sms=True)

    with pytest.raises(DeliveryFailed):
        notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING and "SMS_GATEWAY_URL" in row.last_error


def test_delivery_through_the_gateway_end_to_end(handler1, gateway, queued, mailoutbox):
    (row,) = overdue([handler1], sms=True)

    notification_deliver(notification_id=row.pk)

    assert [json.loads(r["body"])["to"] for r in gateway.requests] == [PHONE]
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT


# --- phone numbers in logs ------------------------------------------------------------------


def test_phone_numbers_never_appear_unmasked_in_the_logs(
    handler1, gateway, queued, mailoutbox, caplog, settings
):
    settings.SMS_BACKEND = "notifications.sms.ConsoleSmsBackend"
    with caplog.at_level(logging.DEBUG):
        ConsoleSmsBackend().send(to=PHONE, text="请于12月3日到访。")
        settings.SMS_BACKEND = "notifications.sms.HttpGatewaySmsBackend"
        (row,) = overdue([handler1], sms=True)
        notification_deliver(notification_id=row.pk)
        gateway.status = 500
        (row,) = overdue([handler1], sms=True)
        with pytest.raises(DeliveryFailed):
            notification_deliver(notification_id=row.pk)

    messages = [record.getMessage() for record in caplog.records]
    assert any(MASKED in message for message in messages)
    assert not any(PHONE in message for message in messages)
    row.refresh_from_db()
    assert PHONE not in row.last_error
