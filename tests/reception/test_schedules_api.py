"""API contract of reception schedules and days (issue 5 §7): `/api/v1/reception/schedules/`
and `/api/v1/reception/days/`, with the 2026 calendar (National Day, make-up workdays)."""

import datetime

import pytest
from rest_framework.test import APIClient

from reception.appointments.services.booking import appointment_book
from reception.models import Appointment, DayStatus, ReceptionDay, ReceptionSchedule
from reception.schedules.services.schedules import schedule_create
from tests.factories import UserFactory, register_petition

D = datetime.date
T = datetime.time
SCHEDULES = "/api/v1/reception/schedules/"
DAYS = "/api/v1/reception/days/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def make(actor, leader, **overrides):
    values = {
        "actor": actor,
        "leader": leader,
        "kind": "weekly",
        "weekdays": [4],
        "start_time": T(9),
        "end_time": T(11, 30),
        "place": "市信访局接待大厅",
        "slots": 6,
        "valid_from": D(2026, 1, 1),
    }
    values.update(overrides)
    return schedule_create(**values)


@pytest.fixture
def thursdays(reception1, city_leader, frozen_now):
    return make(reception1, city_leader)


def valid_body(**overrides) -> dict:
    body = {
        "leader": "city_leader",
        "kind": "weekly",
        "weekdays": [4],
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "市信访局接待大厅",
        "slots": 6,
        "attending_units": ["CTJY", "D1XFJ"],
    }
    body.update(overrides)
    return body


# --- schedules --------------------------------------------------------------------------------


def test_post_sets_up_a_weekly_schedule(reception1, city_leader, frozen_now):
    response = api(reception1).post(SCHEDULES, valid_body(), format="json")
    assert response.status_code == 201, response.data
    data = response.json()
    assert data["leader"] == "city_leader" and data["unit"] == "CT"
    assert (data["kind"], data["weekdays"], data["days"]) == ("weekly", [4], [])
    assert (data["start_time"], data["end_time"]) == ("09:00:00", "11:30:00")
    assert sorted(data["attending_units"]) == ["CTJY", "D1XFJ"]
    assert data["valid_from"] == "2026-11-22" and data["valid_until"] is None
    assert ReceptionSchedule.objects.get().created_by == reception1


def test_post_a_monthly_schedule_on_the_tenth_twentieth_and_thirtieth(
    reception1, city_leader, frozen_now
):
    body = valid_body(kind="monthly", weekdays=[], days=[10, 20, 30], valid_from="2026-01-01")
    response = api(reception1).post(SCHEDULES, body, format="json")
    assert response.status_code == 201, response.data
    days = api(reception1).get(DAYS, {"from": "2026-01-01", "to": "2026-12-31"}).json()
    dates = [day["date"] for day in days["results"]]
    for expected in ("2026-01-12", "2026-02-24", "2026-02-28", "2026-05-11", "2026-06-01"):
        assert expected in dates
    assert "2026-09-20" in dates and "2026-10-10" in dates  # make-up workdays stay
    assert "2026-01-10" not in dates and "2026-05-30" not in dates


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"leader": "nobody"}, "leader"),
        ({"leader": "handler1"}, "leader"),  # not a leader
        ({"leader": "far_leader"}, "leader"),  # outside the area: no such user
        ({"kind": "daily"}, "kind"),
        ({"weekdays": [0]}, "weekdays"),
        ({"weekdays": [8]}, "weekdays"),
        ({"weekdays": [4, 4]}, "weekdays"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": "Thursday"}, "weekdays"),
        ({"weekdays": [True]}, "weekdays"),
        ({"kind": "monthly", "weekdays": [], "days": [32]}, "days"),
        ({"kind": "monthly", "weekdays": []}, "days"),
        ({"start_time": "25:00"}, "start_time"),
        ({"end_time": "08:00"}, "end_time"),
        ({"place": ""}, "place"),
        ({"slots": 0}, "slots"),
        ({"slots": 51}, "slots"),
        ({"slots": "many"}, "slots"),
        ({"attending_units": ["CYXFJ"]}, "attending_units"),
        ({"attending_units": ["NOPE"]}, "attending_units"),
        ({"valid_from": "2026-12-01", "valid_until": "2026-11-30"}, "valid_until"),
        ({"valid_from": "2026-02-30"}, "valid_from"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    reception1, city_leader, handler1, org, frozen_now, overrides, field
):
    UserFactory(username="far_leader", org_unit=org.other_city, roles=["leader"])
    response = api(reception1).post(SCHEDULES, valid_body(**overrides), format="json")
    assert response.status_code == 400, response.data
    assert field in response.json()
    assert not ReceptionSchedule.objects.exists()


def test_a_leader_sets_up_their_own_schedule_but_not_another_leaders(
    d2_leader, city_leader, frozen_now
):
    own = valid_body(leader="d2_leader", attending_units=["D2JY"])
    assert api(d2_leader).post(SCHEDULES, own, format="json").status_code == 201
    # The city leader sees the district leader, but keeps only their own calendar.
    response = api(city_leader).post(SCHEDULES, valid_body(leader="d2_leader"), format="json")
    assert response.status_code == 403
    # A district leader sees no city leader at all.
    response = api(d2_leader).post(SCHEDULES, valid_body(attending_units=[]), format="json")
    assert response.status_code == 400 and "leader" in response.json()


def test_a_handler_of_the_area_is_refused_with_403(city_handler, city_leader, frozen_now):
    response = api(city_handler).post(SCHEDULES, valid_body(), format="json")
    assert response.status_code == 403


def test_list_and_detail_are_scoped(reception1, outsider, thursdays):
    data = api(reception1).get(SCHEDULES).json()
    assert [row["id"] for row in data["results"]] == [thursdays.pk]
    assert api(outsider).get(SCHEDULES).json()["results"] == []
    assert api(outsider).get(f"{SCHEDULES}{thursdays.pk}/").status_code == 404
    assert api(outsider).patch(f"{SCHEDULES}{thursdays.pk}/", {"slots": 2}).status_code == 404
    assert api(outsider).post(f"{SCHEDULES}{thursdays.pk}/end/").status_code == 404
    cancel = f"{SCHEDULES}{thursdays.pk}/cancel-day/"
    assert api(outsider).post(cancel, {"date": "2026-12-03", "reason": "x"}).status_code == 404
    for bad in ("abc", "0", "99999999999999999999"):
        assert api(reception1).get(f"{SCHEDULES}{bad}/").status_code == 404


def test_schedule_list_queries_do_not_grow(reception1, org, django_assert_max_num_queries):
    client = api(reception1)
    make(reception1, UserFactory(username="l0", org_unit=org.city, roles=["leader"]))
    with django_assert_max_num_queries(8) as one:
        client.get(SCHEDULES)
    for number in range(1, 10):
        leader = UserFactory(username=f"l{number}", org_unit=org.city, roles=["leader"])
        make(reception1, leader, attending_units=[org.d1_office, org.city_business])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(SCHEDULES).json()["count"] == 10


def test_patch_changes_from_today_on_and_answers_with_the_new_version(reception1, thursdays):
    response = api(reception1).patch(
        f"{SCHEDULES}{thursdays.pk}/", {"place": "市民中心", "slots": 8}, format="json"
    )
    assert response.status_code == 200, response.data
    data = response.json()
    assert data["id"] != thursdays.pk and data["place"] == "市民中心" and data["slots"] == 8
    assert data["weekdays"] == [4] and data["valid_from"] == "2026-11-22"
    thursdays.refresh_from_db()
    assert thursdays.valid_until == D(2026, 11, 21)


def test_patch_to_monthly_drops_the_weekdays(reception1, thursdays):
    response = api(reception1).patch(
        f"{SCHEDULES}{thursdays.pk}/", {"kind": "monthly", "days": [15]}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.json()["weekdays"] == [] and response.json()["days"] == [15]


def test_end_refuses_while_people_are_booked(reception1, thursdays):
    case = register_petition(reception1).petition.case
    appointment_book(actor=reception1, case=case, schedule=thursdays, date=D(2026, 12, 3))
    response = api(reception1).post(f"{SCHEDULES}{thursdays.pk}/end/")
    assert response.status_code == 409 and "2026-12-03" in response.json()["detail"]


def test_cancel_day_with_a_replacement(reception1, thursdays):
    case = register_petition(reception1).petition.case
    booking = appointment_book(actor=reception1, case=case, schedule=thursdays, date=D(2026, 12, 3))
    response = api(reception1).post(
        f"{SCHEDULES}{thursdays.pk}/cancel-day/",
        {"date": "2026-12-03", "reason": "市委全会", "move_to": "2026-12-04"},
        format="json",
    )
    assert response.status_code == 200, response.data
    data = response.json()
    assert data["cancelled"]["status"] == "cancelled" and data["cancelled"]["reason"] == "市委全会"
    assert data["replacement"]["date"] == "2026-12-04"
    assert data["replacement"]["replaces"] == "2026-12-03"
    assert data["replacement"]["booked"] == 1
    assert Appointment.objects.get(pk=booking.appointment.pk).day.date == D(2026, 12, 4)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"date": "2026-12-04", "reason": "出差"}, 400, "date"),  # a Friday
        ({"date": "x", "reason": "出差"}, 400, "date"),
        ({"date": "2026-12-03"}, 400, "reason"),
        ({"date": "2026-12-03", "reason": "出差", "move_to": "2026-12-06"}, 400, "move_to"),
    ],
)
def test_cancel_day_bad_input(reception1, thursdays, body, code, field):
    response = api(reception1).post(f"{SCHEDULES}{thursdays.pk}/cancel-day/", body, format="json")
    assert response.status_code == code and field in response.json()


def test_cancel_day_twice_is_a_conflict(reception1, thursdays):
    url = f"{SCHEDULES}{thursdays.pk}/cancel-day/"
    body = {"date": "2026-12-03", "reason": "出差"}
    assert api(reception1).post(url, body, format="json").status_code == 200
    assert api(reception1).post(url, body, format="json").status_code == 409


# --- days -------------------------------------------------------------------------------------


def test_national_day_thursday_is_one_day_on_the_eighth_moved_from_the_first(reception1, thursdays):
    response = api(reception1).get(DAYS, {"from": "2026-09-28", "to": "2026-10-16"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(d["date"], d["moved_from"]) for d in results] == [
        ("2026-10-08", ["2026-10-01"]),
        ("2026-10-15", []),
    ]
    day = results[0]
    assert day["leader"] == "city_leader" and day["schedule"] == thursdays.pk
    assert (day["start_time"], day["end_time"], day["place"]) == (
        "09:00:00",
        "11:30:00",
        "市信访局接待大厅",
    )
    assert (day["slots"], day["booked"], day["free"], day["status"]) == (6, 0, 6, "open")


def test_new_year_thursday_moves_to_the_make_up_sunday(reception1, thursdays):
    results = api(reception1).get(DAYS, {"from": "2026-01-01", "to": "2026-01-08"}).json()
    assert [(d["date"], d["moved_from"]) for d in results["results"]] == [
        ("2026-01-04", ["2026-01-01"]),
        ("2026-01-08", []),
    ]


def test_monday_schedule_after_national_day(reception1, city_leader, frozen_now):
    make(reception1, city_leader, weekdays=[1])
    results = api(reception1).get(DAYS, {"from": "2026-10-01", "to": "2026-10-12"}).json()
    assert [(d["date"], d["moved_from"]) for d in results["results"]] == [
        ("2026-10-08", ["2026-10-05"]),
        ("2026-10-12", []),
    ]


def test_days_show_bookings_and_cancellations(reception1, thursdays):
    case = register_petition(reception1).petition.case
    appointment_book(actor=reception1, case=case, schedule=thursdays, date=D(2026, 11, 26))
    ReceptionDay.objects.create(
        schedule=thursdays, date=D(2026, 12, 3), status=DayStatus.CANCELLED, reason="出差"
    )
    results = api(reception1).get(DAYS, {"from": "2026-11-26", "to": "2026-12-03"}).json()
    first, second = results["results"]
    assert (first["booked"], first["free"]) == (1, 5)
    assert (second["status"], second["reason"], second["free"]) == ("cancelled", "出差", 0)


def test_days_leader_filter(reception1, thursdays, org):
    other = UserFactory(username="vice_mayor", org_unit=org.city, roles=["leader"])
    make(reception1, other, weekdays=[2])
    query = {"from": "2026-12-01", "to": "2026-12-31"}
    everyone = api(reception1).get(DAYS, query).json()["results"]
    only = api(reception1).get(DAYS, {**query, "leader": "vice_mayor"}).json()["results"]
    assert {d["leader"] for d in everyone} == {"city_leader", "vice_mayor"}
    assert {d["leader"] for d in only} == {"vice_mayor"} and len(only) == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"to": "2026-12-31"}, "from"),
        ({"from": "2026-12-01"}, "to"),
        ({"from": "2026-13-01", "to": "2026-12-31"}, "from"),
        ({"from": "2026-12-01", "to": "yesterday"}, "to"),
        ({"from": "2026-12-31", "to": "2026-12-01"}, "to"),
        ({"from": "2026-01-01", "to": "2027-01-02"}, "to"),  # 367 days
        ({"from": "2026-12-01", "to": "2026-12-31", "leader": "nobody"}, "leader"),
    ],
)
def test_days_bad_query_is_a_400_naming_the_field(reception1, thursdays, query, field):
    response = api(reception1).get(DAYS, query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_whole_leap_range_of_366_days_is_allowed(reception1, thursdays):
    response = api(reception1).get(DAYS, {"from": "2026-01-01", "to": "2027-01-01"})
    assert response.status_code == 200
    assert response.json()["count"] == 52


def test_days_of_another_area_are_not_shown(outsider, thursdays):
    query = {"from": "2026-12-01", "to": "2026-12-31"}
    assert api(outsider).get(DAYS, query).json()["results"] == []
    assert api(outsider).get(DAYS, {**query, "leader": "city_leader"}).status_code == 400


def test_days_queries_do_not_grow_with_schedules(
    reception1, org, django_assert_max_num_queries, frozen_now
):
    client = api(reception1)
    query = {"from": "2026-01-01", "to": "2026-12-31"}
    make(reception1, UserFactory(username="l0", org_unit=org.city, roles=["leader"]))
    with django_assert_max_num_queries(6) as one:
        client.get(DAYS, query)
    for number in range(1, 10):
        leader = UserFactory(username=f"l{number}", org_unit=org.city, roles=["leader"])
        schedule = make(reception1, leader, weekdays=[1 + number % 5])
        cancelled = ReceptionDay.objects.create(
            schedule=schedule, date=D(2026, 12, 21), status=DayStatus.CANCELLED, reason="会议"
        )
        ReceptionDay.objects.create(schedule=schedule, date=D(2026, 12, 30), replaces=cancelled)
    with django_assert_max_num_queries(len(one.captured_queries) + 1):  # + the replaced dates
        response = client.get(DAYS, query)
    assert response.json()["count"] > 500


def test_anonymous_callers_are_refused(thursdays):
    assert APIClient().get(DAYS, {"from": "2026-12-01", "to": "2026-12-31"}).status_code in (
        401,
        403,
    )
