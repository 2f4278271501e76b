"""Celery on the production broker: a task sent through Redis is executed by a worker."""

import threading

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_success

import config.celery


@pytest.fixture
def redis_celery(redis_broker):
    """An app configured like config.celery's, from the same settings, but on Redis."""
    app = Celery("xinfangtong-redis-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    # Under the CELERY namespace the prefixed keys are the ones read: override those, or the
    # app would quietly keep the filesystem broker of the development settings.
    app.conf.update(CELERY_BROKER_URL=redis_broker, CELERY_BROKER_TRANSPORT_OPTIONS={})
    app.autodiscover_tasks(["accounts"], force=True)
    yield app
    app.close()
    # Creating the app, and its worker, made it the current app: put the project's back, or
    # the shared tasks of later tests on this process resolve against this one (which knows
    # only the heartbeat) and raise NotRegistered.
    config.celery.app.set_current()


def test_heartbeat_runs_through_redis(redis_celery, redis_broker):
    done = threading.Event()

    def on_success(sender=None, result=None, **kwargs):
        if sender.name == "accounts.tasks.heartbeat" and result:
            done.set()

    task_success.connect(on_success, weak=False)
    try:
        assert redis_celery.connection_for_write().as_uri() == redis_broker
        with start_worker(redis_celery, pool="solo", perform_ping_check=False):
            redis_celery.send_task("accounts.tasks.heartbeat")
            assert done.wait(timeout=30), "the worker did not run the heartbeat from Redis"
    finally:
        task_success.disconnect(on_success)
