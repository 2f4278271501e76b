"""Written notices under concurrency (PostgreSQL): two deliveries of one notice, two reminder
scans at once."""

import threading

import pytest

from cases import services
from cases.models import NoticeKind, WrittenNotice
from core.exceptions import Conflict
from notifications.models import Notification
from tests.cases.notice_helpers import D, accepted, notice_of
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_deliveries_at_once_record_one(postgres_only, handler1, colleague1, clock_at):
    clock_at(D(2026, 11, 22))
    notice = notice_of(accepted(handler1), NoticeKind.ACCEPTANCE)
    start = threading.Barrier(2)

    def deliver(user, method):
        def run():
            start.wait()
            services.notice_deliver(actor=user, notice=notice, method=method)

        return run

    errors = run_in_threads(deliver(handler1, "post"), deliver(colleague1, "in_person"))
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    notice.refresh_from_db()
    assert notice.delivered_on == D(2026, 11, 22)
    assert notice.case.events.filter(kind="notice_delivered").count() == 1


def test_two_scans_at_once_chase_each_notice_once(postgres_only, handler1, colleague1, clock_at):
    clock_at(D(2026, 11, 22))
    for _ in range(12):
        accepted(handler1)
    late = max(WrittenNotice.objects.values_list("deliver_by", flat=True))
    start = threading.Barrier(2)

    def scan():
        start.wait()
        services.notices_chase_undelivered(today=late.replace(year=late.year + 1), batch_size=3)

    assert run_in_threads(scan, scan) == []
    assert Notification.objects.filter(kind="notice_undelivered").count() == 12 * 2
    assert not WrittenNotice.objects.filter(chased_at__isnull=True).exists()
