"""A message is sent once: each channel is claimed (committed) before the send, a send whose
outcome was never recorded is "unknown" for an operator and never sent again by itself, two
workers never both send, and the attempt's key reaches the gateway and the Message-ID."""

import contextlib
import datetime
import json
import threading
import time
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError, connection, connections
from django.urls import reverse

from core.exceptions import Conflict, NotAllowed
from notifications import services
from notifications.models import (
    AttemptStatus,
    Channel,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
)
from notifications.services import DeliveryFailed, delivery, notification_deliver, notify
from notifications.sms import SmsOutcomeUnknown
from notifications.tasks import requeue_pending_notifications
from reception.kinds import ReceptionNotificationKind
from tests.factories import UserFactory

PHONE = "13812345678"
START = datetime.datetime(2026, 11, 23, 4, 19, 19, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def handler1(handler1):
    handler1.mobile = PHONE
    handler1.save(update_fields=["mobile"])
    return handler1


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def in_flight_timeout(settings):
    settings.NOTIFY_IN_FLIGHT_SECONDS = 900
    return datetime.timedelta(seconds=900)


def reception_sms(recipients):
    (row,) = notify(
        recipients=recipients,
        kind=ReceptionNotificationKind.RECEPTION,
        title="接待通知",
        body="请于12月3日到访。",
        case_number="JZXFJ-2026-000001",
        sms=True,
    )
    return row


def attempts(row, channel=None):
    rows = DeliveryAttempt.objects.filter(notification=row).order_by("pk")
    return list(rows.filter(channel=channel) if channel else rows)


def sweep_and_retry(queued):
    """What beat and the workers do next: the sweeper's run, then every task it queued, and
    the task message redelivered once more (acks_late)."""
    queued.clear()
    requeue_pending_notifications.run()
    for ids in queued:
        for pk in ids:
            with contextlib.suppress(DeliveryFailed):
                notification_deliver(notification_id=pk)


# --- a database error after the send ------------------------------------------------------


def test_a_database_error_right_after_the_send_never_sends_again_and_leaves_it_unknown(
    handler1, fake_sms, mailoutbox, queued, clock, in_flight_timeout, caplog
):
    row = reception_sms([handler1])

    def database_locked_once_sent(execute, sql, params, many, context):
        # Every write fails from the moment a message has gone out: the recording of the
        # result hits "database is locked", as it did under `make run` on SQLite.
        if (mail.outbox or fake_sms.sent) and sql.lstrip().upper().startswith(
            ("INSERT", "UPDATE", "DELETE")
        ):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(database_locked_once_sent),
        pytest.raises(OperationalError, match="locked"),
    ):
        notification_deliver(notification_id=row.pk)
    assert len(mailoutbox) == 1 and len(fake_sms.sent) == 1
    assert "not recorded; they stay in flight" in caplog.text  # with each key and outcome

    # The task message comes again, the sweeper runs every minute, retries go on ...
    notification_deliver(notification_id=row.pk)
    for _minute in range(3):
        clock.shift(datetime.timedelta(minutes=1))
        sweep_and_retry(queued)
    assert {a.status for a in attempts(row)} == {AttemptStatus.SENDING}
    # ... and once the attempts have been in flight past the timeout, they are unknown.
    clock.shift(in_flight_timeout)
    sweep_and_retry(queued)
    notification_deliver(notification_id=row.pk)
    clock.shift(datetime.timedelta(hours=7))
    sweep_and_retry(queued)

    assert len(mailoutbox) == 1
    assert fake_sms.sent == [(PHONE, "【信访通】请于12月3日到访。")]
    assert [(a.channel, a.status) for a in attempts(row)] == [
        (Channel.EMAIL, AttemptStatus.UNKNOWN),
        (Channel.SMS, AttemptStatus.UNKNOWN),
    ]
    row.refresh_from_db()
    assert row.status == DeliveryStatus.UNKNOWN
    assert row.attempts == 1 and row.next_attempt_at is None
    assert "no outcome recorded within 900 s" in row.last_error


def test_the_sweeper_marks_an_attempt_unknown_only_after_the_timeout(
    handler1, fake_sms, mailoutbox, queued, clock, in_flight_timeout, monkeypatch
):
    row = reception_sms([handler1])

    def worker_dies(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(delivery, "_record", worker_dies)
    with pytest.raises(SystemExit):
        notification_deliver(notification_id=row.pk)

    clock.shift(in_flight_timeout - datetime.timedelta(seconds=1))
    assert services.attempts_mark_unknown() == 0
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING
    clock.shift(datetime.timedelta(seconds=1))
    assert services.attempts_mark_unknown() == 2
    assert services.attempts_mark_unknown() == 0  # recorded: a second sweep finds nothing
    row.refresh_from_db()
    assert row.status == DeliveryStatus.UNKNOWN
    assert len(fake_sms.sent) == 1 and len(mailoutbox) == 1


def test_a_slow_send_marked_unknown_meanwhile_is_recorded_once_it_finishes(
    handler1, fake_sms, mailoutbox, queued, clock, in_flight_timeout
):
    row = reception_sms([handler1])

    def gateway_slower_than_the_timeout():
        clock.shift(in_flight_timeout)
        assert services.attempts_mark_unknown() == 2

    fake_sms.during_send = gateway_slower_than_the_timeout
    notification_deliver(notification_id=row.pk)

    assert {a.status for a in attempts(row)} == {AttemptStatus.SENT}
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.last_error == ""


# --- two workers ------------------------------------------------------------------------------


def test_a_second_worker_during_the_send_finds_the_channels_claimed_and_sends_nothing(
    handler1, fake_sms, mailoutbox, queued
):
    row = reception_sms([handler1])

    def second_worker():
        fake_sms.during_send = None
        notification_deliver(notification_id=row.pk)  # the same task, delivered twice

    fake_sms.during_send = second_worker
    notification_deliver(notification_id=row.pk)

    assert len(fake_sms.sent) == 1 and len(mailoutbox) == 1
    assert [a.status for a in attempts(row)] == [AttemptStatus.SENT, AttemptStatus.SENT]
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 1


def test_a_claim_that_read_before_another_workers_claim_is_refused_by_the_database(
    handler1, fake_sms, mailoutbox, queued, monkeypatch, caplog
):
    """Without row locks (SQLite), two claims can both read "nothing in flight"; the unique
    live-attempt constraint lets only the first insert."""
    row = reception_sms([handler1])
    DeliveryAttempt.objects.create(notification=row, channel=Channel.SMS)  # the other worker's
    stale_read = delivery._ChannelState
    monkeypatch.setattr(
        delivery,
        "_channel_states",
        lambda row: {Channel.EMAIL: stale_read(), Channel.SMS: stale_read()},
    )

    notification_deliver(notification_id=row.pk)

    assert fake_sms.sent == [] and mailoutbox == []
    assert [(a.channel, a.status) for a in attempts(row)] == [(Channel.SMS, AttemptStatus.SENDING)]
    row.refresh_from_db()
    assert row.attempts == 0 and "claimed by another worker" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_on_postgresql_send_once(postgres_only, org, fake_sms, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    user = UserFactory(org_unit=org.d1_office, mobile=PHONE, email="h@example.org")
    row = reception_sms([user])
    start = threading.Barrier(2)
    errors = []

    def slow_gateway():
        time.sleep(0.3)  # the other worker tries while this one is sending

    fake_sms.during_send = slow_gateway

    def worker():
        try:
            start.wait()
            notification_deliver(notification_id=row.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert len(fake_sms.sent) == 1 and len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 1


# --- per channel --------------------------------------------------------------------------


def test_email_sent_and_sms_outcome_unknown_resends_neither(
    handler1, fake_sms, mailoutbox, queued, clock, settings
):
    row = reception_sms([handler1])

    def gateway_took_it_but_never_answered():
        raise SmsOutcomeUnknown("no answer from the gateway: TimeoutError()")

    fake_sms.during_send = gateway_took_it_but_never_answered
    notification_deliver(notification_id=row.pk)  # not a DeliveryFailed: nothing to retry
    fake_sms.during_send = None
    clock.shift(datetime.timedelta(hours=1))
    sweep_and_retry(queued)
    notification_deliver(notification_id=row.pk)

    assert len(fake_sms.sent) == 1 and len(mailoutbox) == 1
    email, sms = attempts(row)
    assert email.status == AttemptStatus.SENT and sms.status == AttemptStatus.UNKNOWN
    assert "no answer" in sms.error
    row.refresh_from_db()
    assert row.status == DeliveryStatus.UNKNOWN
    assert row.email_sent_at == START and row.sms_sent_at is None


def test_a_refused_sms_is_retried_in_a_new_attempt_and_the_email_is_not_resent(
    handler1, fake_sms, mailoutbox, queued, clock, settings
):
    settings.NOTIFY_RETRY_BASE_SECONDS = 30
    row = reception_sms([handler1])
    fake_sms.failing = "gateway answered 503"
    with pytest.raises(DeliveryFailed):
        notification_deliver(notification_id=row.pk)
    fake_sms.failing = ""
    row.refresh_from_db()
    assert row.next_attempt_at == START + datetime.timedelta(seconds=30)

    clock.shift(datetime.timedelta(seconds=30))
    sweep_and_retry(queued)

    assert len(mailoutbox) == 1 and len(fake_sms.sent) == 1
    email, refused, sms = attempts(row)
    assert (email.channel, email.status) == (Channel.EMAIL, AttemptStatus.SENT)
    assert (refused.status, refused.error) == (AttemptStatus.FAILED, "sms: gateway answered 503")
    assert (sms.channel, sms.status) == (Channel.SMS, AttemptStatus.SENT)
    assert refused.key != sms.key and fake_sms.keys == [str(sms.key)]
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 2


def test_an_sms_backend_that_cannot_be_loaded_is_a_failure_to_retry_not_an_unknown(
    handler1, mailoutbox, queued, settings
):
    settings.SMS_BACKEND = "notifications.sms.NoSuchBackend"
    row = reception_sms([handler1])

    with pytest.raises(DeliveryFailed, match="NoSuchBackend"):
        notification_deliver(notification_id=row.pk)

    (sms,) = attempts(row, Channel.SMS)
    assert sms.status == AttemptStatus.FAILED
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING


# --- the key reaches the gateway and the mail ---------------------------------------------


def test_the_attempts_key_reaches_the_gateway_as_header_and_json_field(
    handler1, gateway, queued, mailoutbox
):
    row = reception_sms([handler1])

    notification_deliver(notification_id=row.pk)

    (sms,) = attempts(row, Channel.SMS)
    (request,) = gateway.requests
    assert request["headers"]["Idempotency-Key"] == str(sms.key)
    assert json.loads(request["body"]) == {
        "to": PHONE,
        "text": "【信访通】请于12月3日到访。",
        "idempotency_key": str(sms.key),
    }
    assert sms.status == AttemptStatus.SENT


def test_a_gateway_that_takes_the_request_but_never_answers_leaves_it_unknown(
    handler1, gateway, queued, mailoutbox, settings
):
    settings.SMS_GATEWAY_TIMEOUT = 0.3
    gateway.delay = 1.0
    row = reception_sms([handler1])

    notification_deliver(notification_id=row.pk)  # no DeliveryFailed: not to be retried
    notification_deliver(notification_id=row.pk)

    assert len(gateway.requests) == 1
    (sms,) = attempts(row, Channel.SMS)
    assert sms.status == AttemptStatus.UNKNOWN and "no answer from the gateway" in sms.error
    row.refresh_from_db()
    assert row.status == DeliveryStatus.UNKNOWN


def test_the_email_message_id_is_derived_from_the_attempts_key(
    handler1, fake_sms, mailoutbox, queued, settings
):
    settings.DEFAULT_FROM_EMAIL = "信访通 <xinfang@example.gov.cn>"
    row = reception_sms([handler1])

    notification_deliver(notification_id=row.pk)

    (email,) = attempts(row, Channel.EMAIL)
    assert mailoutbox[0].message()["Message-ID"] == f"<{email.key}@example.gov.cn>"


# --- the operator ---------------------------------------------------------------------------


@pytest.fixture
def unknown_row(handler1, fake_sms, mailoutbox, queued):
    """A notification whose email went out and whose SMS outcome is unknown."""

    def no_answer():
        raise SmsOutcomeUnknown("no answer")

    row = reception_sms([handler1])
    fake_sms.during_send = no_answer
    notification_deliver(notification_id=row.pk)
    fake_sms.during_send = None
    row.refresh_from_db()
    assert row.status == DeliveryStatus.UNKNOWN
    return row


@pytest.fixture
def operator(org, client):
    user = UserFactory(username="root", org_unit=None, is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def changelist():
    return reverse("admin:notifications_notification_changelist")


def test_the_admin_filters_the_unknown_ones_and_shows_their_attempts(
    unknown_row, operator, client, handler1, queued
):
    reception_sms([handler1])  # another one, pending

    page = client.get(changelist(), {"status": "unknown"})

    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [unknown_row]
    (sms,) = attempts(unknown_row, Channel.SMS)
    detail = client.get(reverse("admin:notifications_notification_change", args=[unknown_row.pk]))
    assert str(sms.key) in detail.content.decode()


def test_the_admin_resends_an_unknown_sms_deliberately_once(
    unknown_row,
    operator,
    client,
    fake_sms,
    mailoutbox,
    queued,
    handler1,
    django_capture_on_commit_callbacks,
):
    sent_row = reception_sms([handler1])
    notification_deliver(notification_id=sent_row.pk)
    queued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist(),
            {"action": "resend_unknown", "_selected_action": [unknown_row.pk, sent_row.pk]},
            follow=True,
        )

    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "已处理 1 条消息提醒。",
        "已跳过 1 条消息提醒：其发送状态不是“状态不明”。",  # the one that was sent
    ]
    assert queued == [[unknown_row.pk]]
    first, *_rest = attempts(unknown_row, Channel.SMS)
    assert first.resolved_by == operator and first.status == AttemptStatus.UNKNOWN
    unknown_row.refresh_from_db()
    assert unknown_row.status == DeliveryStatus.PENDING

    notification_deliver(notification_id=unknown_row.pk)
    notification_deliver(notification_id=unknown_row.pk)

    assert len(fake_sms.sent) == 3  # the unknown one, the other row's, the deliberate resend
    first, second = attempts(unknown_row, Channel.SMS)
    assert second.status == AttemptStatus.SENT and second.key != first.key
    assert fake_sms.keys[-1] == str(second.key)
    assert len(attempts(unknown_row, Channel.EMAIL)) == 1  # the email is not sent again
    unknown_row.refresh_from_db()
    assert unknown_row.status == DeliveryStatus.SENT


def test_the_admin_confirms_an_unknown_sms_as_sent(unknown_row, operator, client, fake_sms, queued):
    client.post(
        changelist(), {"action": "confirm_unknown_sent", "_selected_action": [unknown_row.pk]}
    )

    (sms,) = attempts(unknown_row, Channel.SMS)
    assert sms.status == AttemptStatus.SENT and sms.resolved_by == operator
    unknown_row.refresh_from_db()
    assert unknown_row.status == DeliveryStatus.SENT
    assert queued == [] and len(fake_sms.sent) == 1


def test_staff_without_the_permission_get_neither_action(unknown_row, org, client, queued):
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="viewer", org_unit=None, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_notification"))
    client.force_login(staff)

    page = client.get(changelist())
    assert page.status_code == 200
    assert "resend_unknown" not in page.content.decode()
    with pytest.raises(NotAllowed):
        services.notification_resend(actor=staff, notification=unknown_row)
    client.post(changelist(), {"action": "resend_unknown", "_selected_action": [unknown_row.pk]})
    unknown_row.refresh_from_db()
    assert unknown_row.status == DeliveryStatus.UNKNOWN and queued == []


def test_resending_what_is_not_unknown_is_refused(handler1, operator, fake_sms, queued):
    row = reception_sms([handler1])
    with pytest.raises(Conflict):
        services.notification_resend(actor=operator, notification=row)
    assert Notification.objects.get(pk=row.pk).status == DeliveryStatus.PENDING


# --- upgrading a database with pending notifications -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_what_already_went_out_from_going_out_again(
    org, fake_sms, mailoutbox, settings
):
    from django.db.migrations.executor import MigrationExecutor

    settings.NOTIFY_MAX_ATTEMPTS = 3
    before = [("notifications", "0002_kinds")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    OldNotification = executor.loader.project_state(before).apps.get_model(
        "notifications", "Notification"
    )
    half_sent = OldNotification.objects.create(
        kind="overdue",
        title="t",
        email_to="a@example.org",
        sms_to=PHONE,
        status="pending",
        attempts=2,
        last_error="sms: timeout",
        email_sent_at=START,
        next_attempt_at=START,
    )
    done = OldNotification.objects.create(kind="overdue", title="t", status="sent", sent_at=START)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("notifications"))

    row = Notification.objects.get(pk=half_sent.pk)
    assert [(a.channel, a.status) for a in attempts(row)] == [
        (Channel.EMAIL, AttemptStatus.SENT),
        (Channel.SMS, AttemptStatus.FAILED),
        (Channel.SMS, AttemptStatus.FAILED),
    ]
    assert not DeliveryAttempt.objects.filter(notification_id=done.pk).exists()
    notification_deliver(notification_id=row.pk)  # the third and last try: the SMS only
    assert mailoutbox == [] and len(fake_sms.sent) == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 3
