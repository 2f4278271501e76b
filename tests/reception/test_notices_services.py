"""Issuing the notices of an appointment (四书): numbered once per appointment, kind and
unit by the schedule's petition office; the leader and the attending units told in the app,
the petitioner by SMS; issuing again (or a concurrent second issue) sends nothing twice."""

import datetime

import pytest

from core.exceptions import Conflict, NotAllowed
from notifications.models import Notification
from notifications.services import notification_deliver
from reception.models import AppointmentStatus, DayStatus, ReceptionNotice
from reception.notices import services as notice_services
from reception.notices.services import notices_issue
from tests.factories import UserFactory
from tests.notifications.conftest import FakeSmsBackend
from tests.reception.notices_fixtures import *  # noqa: F403
from tests.reception.notices_fixtures import PHONE, PLACE, book, notification_rows


@pytest.fixture
def fake_sms(settings, monkeypatch):
    """SMS through a fake backend; delivery runs at commit instead of through a broker."""
    settings.SMS_BACKEND = "tests.notifications.conftest.FakeSmsBackend"
    FakeSmsBackend.sent = []
    FakeSmsBackend.failing = ""

    def deliver_now(ids):
        for pk in ids:
            notification_deliver(notification_id=pk)
        return len(ids)

    from notifications.services import sending

    monkeypatch.setattr(sending, "enqueue_delivery", deliver_now)
    yield FakeSmsBackend
    FakeSmsBackend.sent = []


def kinds(notices):
    return sorted((n.kind, n.unit.code if n.unit_id else None) for n in notices)


def test_the_numbers_start_with_the_offices_abbreviation(appointment, reception1, org):
    org.city_office.doc_abbreviation = "江信访"
    org.city_office.save()
    notices = notices_issue(actor=reception1, appointment=appointment)
    assert sorted(n.number for n in notices) == [f"江信访接访〔2026〕{n}号" for n in (1, 2, 3, 4)]


def test_issue_numbers_each_notice_by_the_city_petition_office(appointment, reception1):
    notices = notices_issue(actor=reception1, appointment=appointment)
    assert kinds(notices) == [
        ("leader", None),
        ("petitioner", None),
        ("unit", "CTJY"),
        ("unit", "D1XFJ"),
    ]
    assert sorted(n.number for n in notices) == [
        f"江城市信访局接访〔2026〕{n}号" for n in (1, 2, 3, 4)
    ]
    assert {n.issued_by_id for n in notices} == {reception1.pk}


def test_issue_tells_the_leader_the_units_and_the_petitioner_once(
    appointment, reception1, leader, city_business_user, handler1, fake_sms,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        notices_issue(actor=reception1, appointment=appointment)
    rows = notification_rows()
    by_recipient = {row.recipient_id: row for row in rows if row.recipient_id}
    assert set(by_recipient) == {leader.pk, city_business_user.pk, handler1.pk}
    assert "/notices/leader/" in by_recipient[leader.pk].url
    assert by_recipient[city_business_user.pk].url.endswith("/notices/unit/?unit=CTJY")
    assert by_recipient[handler1.pk].url.endswith("/notices/unit/?unit=D1XFJ")
    (sms,) = [row for row in rows if row.recipient_id is None]
    assert sms.sms_to == PHONE
    # The text names the leader, the date, the time and the place.
    (sent,) = fake_sms.sent
    assert sent[0] == PHONE
    for part in ("刘市长", "2026年11月26日", "09:00至11:30", PLACE):
        assert part in sent[1]

    with django_capture_on_commit_callbacks(execute=True):
        again = notices_issue(actor=reception1, appointment=appointment)
    assert len(again) == 4
    assert Notification.objects.count() == len(rows)
    assert len(fake_sms.sent) == 1


def test_a_petitioner_without_a_mobile_gets_no_sms(appointment, reception1):
    person = appointment.petitioners.get().petitioner
    person.phone = "010-62345678"
    person.save()
    notices_issue(actor=reception1, appointment=appointment)
    assert not Notification.objects.filter(recipient__isnull=True).exists()


def test_a_unit_added_later_gets_its_notice_alone(appointment, reception1, schedule, org, handler2):
    notices_issue(actor=reception1, appointment=appointment)
    before = Notification.objects.count()
    appointment.attending_units.add(org.d2_office)
    notices = notices_issue(actor=reception1, appointment=appointment)
    assert len(notices) == 5
    assert [row.recipient_id for row in Notification.objects.order_by("pk")[before:]] == [
        handler2.pk
    ]
    added = next(n for n in notices if n.unit_id == org.d2_office.pk)
    assert added.number == "江城市信访局接访〔2026〕5号"


def test_a_notice_issued_meanwhile_is_skipped_and_its_number_given_back(
    appointment, reception1, leader, monkeypatch
):
    """The race: another request issued the leader's notice after this one looked. The
    unique constraint refuses the second row; the savepoint gives the number back and the
    leader is told once."""
    ReceptionNotice.objects.create(
        appointment=appointment,
        kind="leader",
        number="江城市信访局接访〔2026〕99号",
        issued_by=reception1,
    )
    real = notice_services.issued_notices
    calls = []

    def stale(appointment):
        calls.append(1)
        return [] if len(calls) == 1 else real(appointment)

    monkeypatch.setattr(notice_services, "issued_notices", stale)
    notices = notices_issue(actor=reception1, appointment=appointment)
    assert len(notices) == 4
    assert sorted(n.number for n in notices) == [
        "江城市信访局接访〔2026〕1号",
        "江城市信访局接访〔2026〕2号",
        "江城市信访局接访〔2026〕3号",
        "江城市信访局接访〔2026〕99号",
    ]
    assert not Notification.objects.filter(recipient=leader).exists()


def test_an_accused_unit_is_not_an_attending_unit(appointment, reception1, org):
    case = appointment.case
    case.accused_unit = org.d1_office
    case.save(update_fields=["accused_unit"])
    notices = notices_issue(actor=reception1, appointment=appointment)
    assert ("unit", "D1XFJ") not in kinds(notices)
    assert ("unit", "CTJY") in kinds(notices)


@pytest.mark.parametrize("who", ["leader", "outsider", "city_business_user", "handler1"])
def test_only_reception_staff_of_the_area_issue(who, appointment, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        notices_issue(actor=actor, appointment=appointment)
    assert not ReceptionNotice.objects.exists()


def test_a_city_handler_may_issue(appointment, city_handler):
    assert len(notices_issue(actor=city_handler, appointment=appointment)) == 4


def test_a_cancelled_appointment_or_day_or_a_past_day_is_refused(
    appointment, reception1, schedule, case
):
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save()
    with pytest.raises(Conflict):
        notices_issue(actor=reception1, appointment=appointment)

    past = book(schedule, case, reception1, date=datetime.date(2026, 11, 19))
    with pytest.raises(Conflict):
        notices_issue(actor=reception1, appointment=past)

    later = book(schedule, case, reception1, date=datetime.date(2026, 12, 3))
    later.day.status = DayStatus.CANCELLED
    later.day.save()
    with pytest.raises(Conflict):
        notices_issue(actor=reception1, appointment=later)
    assert not ReceptionNotice.objects.exists()
    assert not Notification.objects.exists()


def test_a_leader_acting_for_an_attending_government_is_told(
    appointment, reception1, schedule, org
):
    d1_leader = UserFactory(username="d1_leader", org_unit=org.d1, roles=["leader"])
    appointment.attending_units.add(org.d1)
    notices_issue(actor=reception1, appointment=appointment)
    assert Notification.objects.filter(recipient=d1_leader).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_prints_at_the_same_time_issue_and_tell_once(
    postgres_only, appointment, reception1, city_handler, leader, monkeypatch
):
    import threading

    from django.db import connection

    from notifications.services import sending

    monkeypatch.setattr(sending, "enqueue_delivery", lambda ids: len(list(ids)))
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def issue(user):
        try:
            start.wait()
            outcomes.append(len(notices_issue(actor=user, appointment=appointment)))
        except Exception as exc:  # surfaced below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(user,)) for user in (reception1, city_handler)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == [4, 4]
    assert sorted(ReceptionNotice.objects.values_list("number", flat=True)) == [
        f"江城市信访局接访〔2026〕{n}号" for n in (1, 2, 3, 4)
    ]
    assert Notification.objects.filter(recipient=leader).count() == 1
    assert Notification.objects.filter(recipient__isnull=True).count() == 1
