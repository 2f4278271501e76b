"""Setting up, changing and ending reception schedules, and cancelling or replacing one
reception day (issue 5 §1). "Today" is 2026-11-22 (a Sunday) unless a test says otherwise;
the city leader receives on Thursdays (26 November, 3, 10, 17 … December)."""

import datetime
import zoneinfo

import pytest

from core.exceptions import Conflict, NotAllowed, ValidationError
from notifications.models import Notification
from reception.appointments.services.booking import appointment_book
from reception.appointments.services.changes import appointment_cancel, appointment_move
from reception.models import (
    Appointment,
    AppointmentStatus,
    DayStatus,
    ReceptionDay,
    ReceptionSchedule,
)
from reception.schedules.services.days import reception_day_cancel
from reception.schedules.services.schedules import (
    schedule_create,
    schedule_deactivate,
    schedule_update,
)
from reception.selectors import reception_day_on, reception_days
from tests.factories import UserFactory, petitioner, register_petition

D = datetime.date
T = datetime.time
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def weekly(actor, leader, **overrides):
    values = {
        "actor": actor,
        "leader": leader,
        "kind": "weekly",
        "weekdays": [4],
        "start_time": T(9),
        "end_time": T(11, 30),
        "place": "市信访局接待大厅",
        "slots": 4,
        "valid_from": D(2026, 1, 1),
    }
    values.update(overrides)
    return schedule_create(**values)


def update(actor, schedule, **overrides):
    values = {
        "actor": actor,
        "schedule": schedule,
        "kind": schedule.kind,
        "weekdays": schedule.weekdays,
        "days": schedule.days,
        "start_time": schedule.start_time,
        "end_time": schedule.end_time,
        "place": schedule.place,
        "slots": schedule.slots,
        "attending_units": list(schedule.attending_units.all()),
        "valid_from": schedule.valid_from,
        "valid_until": schedule.valid_until,
    }
    values.update(overrides)
    return schedule_update(**values)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.fixture
def thursdays(reception1, city_leader, org, frozen_now):
    return weekly(reception1, city_leader, attending_units=[org.city_business])


@pytest.fixture
def unit_handler(org):
    """A handler of the city education bureau, a usual attending unit."""
    return UserFactory(username="ctjy_handler", org_unit=org.city_business, roles=["handler"])


def booked(reception1, schedule, date, phone=None):
    people = [petitioner(phone=phone)] if phone is not None else None
    case = register_petition(reception1, **({"petitioners": people} if people else {}))
    case = case.petition.case
    return appointment_book(actor=reception1, case=case, schedule=schedule, date=date).appointment


def sms_texts() -> list[tuple[str, str]]:
    return [(n.sms_to, n.body) for n in Notification.objects.filter(recipient__isnull=True)]


# --- create -----------------------------------------------------------------------------------


def test_clerk_sets_up_a_weekly_schedule_for_a_leader_of_the_area(
    reception1, city_leader, org, frozen_now
):
    schedule = weekly(
        reception1, city_leader, weekdays=[4, 1], valid_from=None, attending_units=[org.d1_office]
    )
    assert schedule.weekdays == [1, 4] and schedule.days == []
    assert schedule.unit == org.city and schedule.created_by == reception1
    assert schedule.valid_from == D(2026, 11, 22)  # today when not given
    assert list(schedule.attending_units.all()) == [org.d1_office]


def test_monthly_schedule_on_the_tenth_twentieth_and_thirtieth(city_leader, frozen_now):
    schedule = weekly(city_leader, city_leader, kind="monthly", weekdays=[], days=[30, 10, 20])
    assert schedule.days == [10, 20, 30]
    days = reception_days(schedules=[schedule], start=D(2026, 2, 1), end=D(2026, 2, 28))
    assert [d.date for d in days] == [D(2026, 2, 10), D(2026, 2, 24), D(2026, 2, 28)]


def test_every_bad_field_is_named_at_once(reception1, city_leader, org, frozen_now):
    with pytest.raises(ValidationError) as excinfo:
        weekly(
            reception1,
            city_leader,
            weekdays=[0, 8],
            days=[10],
            start_time=T(11),
            end_time=T(9),
            place="  ",
            slots=51,
            attending_units=[org.other_city_office],
            valid_until=D(2025, 12, 31),
        )
    assert set(errors_of(excinfo)) == {
        "weekdays",
        "days",
        "end_time",
        "place",
        "slots",
        "attending_units",
        "valid_until",
    }
    assert ReceptionSchedule.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "weekdays", "days", "field"),
    [
        ("weekly", [], [], "weekdays"),
        ("weekly", [4, 4], [], "weekdays"),
        ("weekly", ["4"], [], "weekdays"),
        ("monthly", [], [0], "days"),
        ("monthly", [], [32], "days"),
        ("monthly", [], [10, 10], "days"),
        ("monthly", [], [], "days"),
        ("daily", [], [], "kind"),
    ],
)
def test_bad_recurrence_is_a_field_error(
    reception1, city_leader, frozen_now, kind, weekdays, days, field
):
    with pytest.raises(ValidationError) as excinfo:
        weekly(reception1, city_leader, kind=kind, weekdays=weekdays, days=days)
    assert list(errors_of(excinfo)) == [field]


@pytest.mark.parametrize("slots", [0, 51, True])
def test_slots_from_one_to_fifty(reception1, city_leader, frozen_now, slots):
    with pytest.raises(ValidationError) as excinfo:
        weekly(reception1, city_leader, slots=slots)
    assert list(errors_of(excinfo)) == ["slots"]


def test_the_leader_must_be_a_leader(reception1, handler1, frozen_now):
    with pytest.raises(ValidationError) as excinfo:
        weekly(reception1, handler1)
    assert list(errors_of(excinfo)) == ["leader"]


def test_outsiders_and_other_leaders_may_not_set_up_a_leaders_schedule(
    outsider, d2_leader, handler1, city_leader, frozen_now
):
    for actor in (outsider, d2_leader, handler1):
        with pytest.raises(NotAllowed):
            weekly(actor, city_leader)
    assert weekly(city_leader, city_leader).leader == city_leader


# --- update -----------------------------------------------------------------------------------


def test_a_schedule_not_yet_started_is_changed_in_place(reception1, city_leader, frozen_now):
    schedule = weekly(reception1, city_leader, valid_from=D(2026, 12, 1))
    changed = update(reception1, schedule, weekdays=[2], place="市民中心")
    assert changed.pk == schedule.pk
    schedule.refresh_from_db()
    assert schedule.weekdays == [2] and schedule.place == "市民中心"
    assert ReceptionSchedule.objects.count() == 1


def test_a_change_applies_from_today_and_keeps_the_days_already_held(reception1, thursdays, org):
    coming = booked(reception1, thursdays, D(2026, 12, 3))
    new = update(reception1, thursdays, place="市民中心二楼", slots=6, attending_units=[])
    assert new.pk != thursdays.pk
    thursdays.refresh_from_db()
    assert thursdays.valid_until == D(2026, 11, 21)
    assert new.valid_from == D(2026, 11, 22) and new.valid_until is None
    assert reception_day_on(thursdays, D(2026, 11, 19)).schedule.place == "市信访局接待大厅"
    assert reception_day_on(thursdays, D(2026, 11, 26)) is None
    december = reception_day_on(new, D(2026, 12, 3))
    assert december.schedule.place == "市民中心二楼" and december.booked == 1
    assert Appointment.objects.get(pk=coming.pk).day.schedule == new
    assert list(new.attending_units.all()) == []


def test_a_change_that_would_drop_a_booked_day_or_slot_is_refused(
    reception1, thursdays, frozen_now
):
    booked(reception1, thursdays, D(2026, 12, 3))
    second = booked(reception1, thursdays, D(2026, 12, 3))
    assert second.slot == 2
    with pytest.raises(ValidationError) as excinfo:
        update(reception1, thursdays, weekdays=[2])
    assert "2026-12-03" in errors_of(excinfo)["weekdays"][0]
    with pytest.raises(ValidationError) as excinfo:
        update(reception1, thursdays, slots=1)
    assert list(errors_of(excinfo)) == ["slots"]
    assert ReceptionSchedule.objects.count() == 1


def test_only_a_new_end_date_changes_the_schedule_in_place(reception1, thursdays):
    new = update(reception1, thursdays, valid_until=D(2026, 12, 31))
    assert new.pk == thursdays.pk
    thursdays.refresh_from_db()
    assert thursdays.valid_from == D(2026, 1, 1) and thursdays.valid_until == D(2026, 12, 31)


def test_a_change_cannot_reach_into_the_past(reception1, thursdays):
    with pytest.raises(ValidationError) as excinfo:
        update(reception1, thursdays, valid_from=D(2026, 6, 1))
    assert list(errors_of(excinfo)) == ["valid_from"]


def test_an_unchanged_schedule_stays_as_it_is(reception1, thursdays):
    assert update(reception1, thursdays).pk == thursdays.pk
    assert ReceptionSchedule.objects.count() == 1


# --- deactivate -------------------------------------------------------------------------------


def test_ending_a_schedule_keeps_its_past_days_and_refuses_while_people_are_booked(
    reception1, thursdays
):
    appointment = booked(reception1, thursdays, D(2026, 12, 3))
    with pytest.raises(Conflict):
        schedule_deactivate(actor=reception1, schedule=thursdays)
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.CANCELLED)
    schedule_deactivate(actor=reception1, schedule=thursdays)
    thursdays.refresh_from_db()
    assert thursdays.is_active and thursdays.valid_until == D(2026, 11, 21)
    assert reception_day_on(thursdays, D(2026, 11, 19)) is not None
    assert reception_day_on(thursdays, D(2026, 12, 3)) is None


def test_ending_a_schedule_that_never_started_retires_it(reception1, city_leader, frozen_now):
    schedule = weekly(reception1, city_leader, valid_from=D(2027, 1, 1))
    schedule_deactivate(actor=reception1, schedule=schedule)
    schedule.refresh_from_db()
    assert not schedule.is_active


# --- cancelling one day -----------------------------------------------------------------------


def test_cancelling_a_day_releases_its_bookings_and_tells_petitioners_and_units(
    reception1, thursdays, city_leader, unit_handler
):
    appointment = booked(reception1, thursdays, D(2026, 12, 3), phone="13912345678")
    Notification.objects.all().delete()
    day = reception_day_cancel(
        actor=reception1, schedule=thursdays, date=D(2026, 12, 3), reason="领导外出学习"
    )
    assert (day.status, day.reason) == (DayStatus.CANCELLED, "领导外出学习")
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CANCELLED
    view = reception_day_on(thursdays, D(2026, 12, 3))
    assert view.status == DayStatus.CANCELLED and view.free == 0
    [(phone, text)] = sms_texts()
    assert phone == "13912345678" and "领导外出学习" in text and appointment.case.number in text
    inbox = Notification.objects.filter(recipient=unit_handler)
    assert any("2026-12-03" in n.title and "领导外出学习" in n.title for n in inbox)
    assert Notification.objects.filter(recipient=city_leader).exists()


def test_replacing_a_day_moves_its_bookings_to_the_new_day(reception1, thursdays, unit_handler):
    first = booked(reception1, thursdays, D(2026, 12, 3), phone="13912345678")
    second = booked(reception1, thursdays, D(2026, 12, 3), phone="010-62345678")
    Notification.objects.all().delete()
    day = reception_day_cancel(
        actor=reception1,
        schedule=thursdays,
        date=D(2026, 12, 3),
        reason="市委常委会",
        move_to=D(2026, 12, 4),
    )
    replacement = ReceptionDay.objects.get(replaces=day)
    assert replacement.date == D(2026, 12, 4) and replacement.status == DayStatus.OPEN
    for appointment in (first, second):
        moved = Appointment.objects.get(pk=appointment.pk)
        assert moved.day == replacement and moved.status == AppointmentStatus.BOOKED
    days = reception_days(schedules=[thursdays], start=D(2026, 12, 1), end=D(2026, 12, 6))
    assert [(d.date, d.status, d.booked) for d in days] == [
        (D(2026, 12, 3), DayStatus.CANCELLED, 0),
        (D(2026, 12, 4), DayStatus.OPEN, 2),
    ]
    # One text, to the mobile only (a landline gets no SMS), with the new date.
    [(phone, text)] = sms_texts()
    assert phone == "13912345678" and "2026-12-04" in text and "市委常委会" in text


@pytest.mark.parametrize(
    ("date", "move_to", "reason", "fields"),
    [
        (D(2026, 12, 4), None, "出差", {"date"}),  # a Friday: no reception day
        (D(2026, 11, 19), None, "出差", {"date"}),  # past
        (D(2026, 12, 3), None, " ", {"reason"}),
        (D(2026, 12, 3), D(2026, 12, 5), "出差", {"move_to"}),  # a Saturday
        (D(2026, 12, 3), D(2026, 12, 10), "出差", {"move_to"}),  # already a reception day
        (D(2026, 12, 3), D(2026, 11, 20), "出差", {"move_to"}),  # past
        (D(2026, 12, 3), D(2026, 12, 3), "出差", {"move_to"}),
    ],
)
def test_cancel_refuses_bad_input_by_field(reception1, thursdays, date, move_to, reason, fields):
    with pytest.raises(ValidationError) as excinfo:
        reception_day_cancel(
            actor=reception1, schedule=thursdays, date=date, reason=reason, move_to=move_to
        )
    assert set(errors_of(excinfo)) == fields
    assert not ReceptionDay.objects.exists()


def test_a_day_is_cancelled_once(reception1, thursdays):
    reception_day_cancel(actor=reception1, schedule=thursdays, date=D(2026, 12, 3), reason="出差")
    with pytest.raises(Conflict):
        reception_day_cancel(
            actor=reception1, schedule=thursdays, date=D(2026, 12, 3), reason="出差"
        )


def test_a_day_someone_was_received_on_is_not_cancelled(reception1, thursdays):
    appointment = booked(reception1, thursdays, D(2026, 11, 26))
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.ATTENDED)
    with pytest.raises(Conflict):
        reception_day_cancel(
            actor=reception1, schedule=thursdays, date=D(2026, 11, 26), reason="出差"
        )
    assert ReceptionDay.objects.get(date=D(2026, 11, 26)).status == DayStatus.OPEN


def test_only_the_leader_or_the_areas_reception_staff_cancel(
    thursdays, handler1, outsider, city_leader
):
    for actor in (handler1, outsider):
        with pytest.raises(NotAllowed):
            reception_day_cancel(
                actor=actor, schedule=thursdays, date=D(2026, 12, 3), reason="出差"
            )
    reception_day_cancel(actor=city_leader, schedule=thursdays, date=D(2026, 12, 3), reason="出差")


def test_national_day_cancelled_before_the_holiday_moves_to_friday(
    reception1, city_leader, time_machine
):
    """Seen from 25 September: Thursday 1 October is on 8 October; the leader replaces it by
    Friday 9 October."""
    time_machine.move_to(datetime.datetime(2026, 9, 25, 10, 0, tzinfo=SHANGHAI), tick=False)
    schedule = weekly(reception1, city_leader)
    reception_day_cancel(
        actor=reception1,
        schedule=schedule,
        date=D(2026, 10, 8),
        reason="国庆值班调整",
        move_to=D(2026, 10, 9),
    )
    days = reception_days(schedules=[schedule], start=D(2026, 10, 1), end=D(2026, 10, 15))
    assert [(d.date, d.moved_from, d.status) for d in days] == [
        (D(2026, 10, 8), (D(2026, 10, 1),), DayStatus.CANCELLED),
        (D(2026, 10, 9), (), DayStatus.OPEN),
        (D(2026, 10, 15), (), DayStatus.OPEN),
    ]


# --- texts to petitioners: mobiles only, the one rule of notify_phone -------------------------


@pytest.mark.parametrize("phone", ["010-62345678", "0451-86201234"])
def test_cancelling_one_appointment_texts_no_landline(reception1, thursdays, phone):
    appointment = booked(reception1, thursdays, D(2026, 12, 3), phone=phone)
    Notification.objects.all().delete()
    appointment_cancel(actor=reception1, appointment=appointment, reason="领导出差")
    assert sms_texts() == []


def test_moving_one_appointment_texts_the_mobile_and_not_the_landline(reception1, thursdays):
    mobile = booked(reception1, thursdays, D(2026, 12, 3), phone="13912345678")
    landline = booked(reception1, thursdays, D(2026, 12, 3), phone="010-62345678")
    Notification.objects.all().delete()
    for appointment in (mobile, landline):
        appointment_move(actor=reception1, appointment=appointment, date=D(2026, 12, 10))
    [(phone, text)] = sms_texts()
    assert phone == "13912345678" and mobile.case.number in text


def test_cancelling_one_appointment_texts_the_mobile_of_those_who_were_to_come(
    reception1, thursdays
):
    appointment = booked(reception1, thursdays, D(2026, 12, 3), phone="13912345678")
    Notification.objects.all().delete()
    appointment_cancel(actor=reception1, appointment=appointment, reason="领导出差")
    [(phone, text)] = sms_texts()
    assert phone == "13912345678" and "领导出差" in text
    assert not appointment.petitioners.filter(active=True).exists()
