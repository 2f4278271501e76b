"""The reminder machinery on a real Celery worker and the Redis broker (no eager mode), and
what happens while the broker is down."""

import datetime
import time
import zoneinfo

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.core import mail
from django.db import connections
from django.utils import timezone

import config.celery
from cases import services as case_services
from cases.models import Deadline, DeadlineKind
from notifications.models import DeliveryStatus, Notification
from notifications.services import enqueue_delivery
from tests.factories import register_petition

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 11, 22)


def celery_app(broker_url: str) -> Celery:
    """An app configured like config.celery's, on `broker_url`, made the current app so that
    the project's shared tasks (`deliver_notification.apply_async`) publish through it."""
    app = Celery("xinfangtong-worker-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    # Under the CELERY namespace the prefixed keys are the ones read: override those.
    app.conf.update(
        CELERY_BROKER_URL=broker_url,
        CELERY_BROKER_TRANSPORT_OPTIONS=django_settings.NETWORK_BROKER_OPTIONS,
        CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP=False,
    )
    app.autodiscover_tasks(["accounts", "notifications", "escalation"], force=True)
    app.set_current()
    assert app.connection_for_write().as_uri() == broker_url
    return app


@pytest.fixture
def restore_current_app():
    """Put the project's app back, and close the database connections the worker's thread
    opened (else the test database cannot be dropped at the end)."""

    def close_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    yield
    task_postrun.disconnect(close_connections)
    config.celery.app.set_current()


@pytest.fixture
def late_case(handler1, colleague1, settings):
    """A case at D1XFJ whose handling clock is due in two workdays; both handlers have an
    email address, so their reminders go out by email through the worker."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (handler1, colleague1):
        user.email = f"{user.username}@d1.example.gov.cn"
        user.save(update_fields=["email"])
    case = register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 20, 9, tzinfo=SHANGHAI)
    ).petition.case
    case_services.case_accept(actor=handler1, case=case)
    Deadline.objects.filter(case=case, kind=DeadlineKind.HANDLING).update(
        due_on=datetime.date(2026, 11, 24)
    )
    return case


def wait_until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def sent() -> int:
    return Notification.objects.filter(status=DeliveryStatus.SENT).count()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scan_and_sends_the_reminders_through_redis(
    redis_broker, restore_current_app, late_case, frozen_now
):
    app = celery_app(redis_broker)
    assert app.connection_for_write().transport_cls == "redis"
    with start_worker(app, pool="solo", perform_ping_check=False):
        app.send_task("escalation.tasks.scan_deadlines")
        # The scan wrote the rows; their delivery was queued after its commit and run by the
        # same worker: one "due soon" email to each handler.
        assert wait_until(lambda: Notification.objects.count() == 2 and sent() == 2)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "colleague1@d1.example.gov.cn",
        "handler1@d1.example.gov.cn",
    ]
    assert all("D1XFJ-2026-000001" in message.subject for message in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_work_goes_on_and_pending_notifications_go_out_once_it_is_back(
    redis_broker, restore_current_app, handler1, colleague1, street_handler, late_case, frozen_now
):
    from escalation.deadlines.services import deadlines_scan
    from notifications.services import pending_requeue

    street_handler.email = "street@d1.example.gov.cn"
    street_handler.save(update_fields=["email"])
    celery_app("redis://127.0.0.1:1/0")  # nothing listens on port 1

    # Registering and handling a case, and the scan, all work while nothing can be queued.
    case = register_petition(
        handler1, received_at=datetime.datetime(2026, 11, 21, 9, tzinfo=SHANGHAI)
    ).petition.case
    case_services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=street_handler.org_unit,
        responsible_person="孙街道",
        instructions="请核实并报告",
        due_on=datetime.date(2026, 12, 10),
    )
    deadlines_scan()
    pending = Notification.objects.filter(status=DeliveryStatus.PENDING)
    assert pending.count() == 3  # the assignment to the street, two "due soon" reminders
    assert not mail.outbox

    # The broker is back: the every-minute sweeper queues them and the worker sends them.
    app = celery_app(redis_broker)
    Notification.objects.update(next_attempt_at=timezone.now())
    with start_worker(app, pool="solo", perform_ping_check=False):
        assert pending_requeue() == 3
        assert wait_until(lambda: sent() == 3)
    assert len(mail.outbox) == 3
    # Queuing a sent one again sends nothing twice.
    with start_worker(app, pool="solo", perform_ping_check=False):
        enqueue_delivery(Notification.objects.values_list("pk", flat=True))
        time.sleep(1)
    assert len(mail.outbox) == 3
