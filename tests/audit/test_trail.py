"""The audit trail itself: append-only, in the caller's transaction, kept AUDIT_RETENTION_DAYS."""

import datetime
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from audit import tasks
from audit.models import AppendOnlyError, AuditAction, AuditEntry
from audit.services import client_ip, purge_expired, record
from core import keyring


@pytest.fixture
def entry(db):
    return record(AuditAction.EXPORT, what="x")


def test_record_keeps_who_what_when_and_where(handler1):
    request = RequestFactory().get(
        "/dashboards/export/", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 500, REMOTE_ADDR="10.1.2.3"
    )
    request.user = handler1
    entry = record(AuditAction.EXPORT, request=request, obj=handler1, table="all")
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == handler1 and entry.actor_username == "handler1"
    assert entry.action == AuditAction.EXPORT
    assert abs(entry.when - timezone.now()) < datetime.timedelta(minutes=5)
    assert entry.client_address == "10.1.2.3"
    assert entry.path == "/dashboards/export/"
    assert len(entry.user_agent) == 300
    assert entry.object_id == str(handler1.pk) and entry.object_repr == str(handler1)
    assert entry.detail == {"table": "all"}


def test_detail_never_holds_a_full_id_number_or_phone(db):
    entry = record(
        AuditAction.PERSONAL_DATA_SEARCH,
        keys=[{"note": "11010519491231002X"}],
        text="call 13812345678",
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.detail == {"keys": [{"note": "110105********002X"}], "text": "call 138****5678"}


def test_an_entry_cannot_be_changed_or_deleted(entry):
    entry.detail = {"what": "y"}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail={})
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == {"what": "x"}


def test_postgresql_refuses_a_raw_update_or_delete(postgres_only, entry):
    for statement in (
        "UPDATE audit_auditentry SET action = 'login' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == AuditAction.EXPORT


def test_postgresql_lets_the_purge_through(postgres_only, entry):
    AuditEntry.objects.create(
        action=AuditAction.LOGIN, when=timezone.now() - datetime.timedelta(days=400)
    )
    assert purge_expired() == 1
    assert not AuditEntry.objects.filter(when__lt=timezone.now() - datetime.timedelta(days=200))
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_entry_rolls_back_with_the_change_it_records(handler1):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        handler1.groups.clear()  # a role change: recorded in this transaction
        assert AuditEntry.objects.count() == before + 1
        raise RuntimeError("the change fails")
    assert AuditEntry.objects.count() == before
    assert handler1.groups.exists()


def _aged(days: float) -> AuditEntry:
    return AuditEntry.objects.create(
        action=AuditAction.LOGIN, when=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_purge_keeps_180_days(db, settings):
    assert settings.AUDIT_RETENTION_DAYS == 180
    recent = set(AuditEntry.objects.values_list("pk", flat=True))  # e.g. from the migrations
    kept = [_aged(0), _aged(179), _aged(179.9)]
    _aged(180.1), _aged(400)
    assert purge_expired() == 2
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == recent | {e.pk for e in kept}


def test_the_command_and_the_beat_task_purge(db, settings, capsys):
    settings.AUDIT_RETENTION_DAYS = 365
    recent = set(AuditEntry.objects.values_list("pk", flat=True))
    kept = _aged(300)
    _aged(366)
    call_command("purge_audit_trail")
    assert "1 audit entries" in capsys.readouterr().out
    _aged(400)
    assert tasks.purge_expired() == 1
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == recent | {kept.pk}
    assert "audit.tasks.purge_expired" in {
        job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_production_refuses_a_retention_under_180_days():
    code = "import config.settings"
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": keyring.new_secret_key(),
        "FIELD_ENCRYPTION_KEY": keyring.new_sm4_key(),
        "FIELD_HASH_KEY": keyring.new_hash_key(),
        "DATABASE_URL": "sqlite:///:memory:",
        "ALLOWED_HOSTS": "example.org",
        "PATH": "/usr/bin:/bin",
    }
    short = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "AUDIT_RETENTION_DAYS": "90"},
        capture_output=True,
        text=True,
    )
    assert short.returncode != 0 and "AUDIT_RETENTION_DAYS" in short.stderr
    enough = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "AUDIT_RETENTION_DAYS": "180"},
        capture_output=True,
        text=True,
    )
    assert enough.returncode == 0, enough.stderr[-2000:]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.1", "10.0.0.1"),  # no proxy: a forged header is ignored
        (1, "6.6.6.6, 1.1.1.1", "10.0.0.1", "1.1.1.1"),  # the client the proxy saw
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.9", "10.0.0.1", "1.1.1.1"),
        (1, "", "10.0.0.1", "10.0.0.1"),
        (0, "", "not-an-address", None),
    ],
)
def test_client_ip_follows_the_proxy_count(settings, proxies, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected
