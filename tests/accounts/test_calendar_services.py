"""Changing the work calendar: the one service every admin change goes through, the input of
a year's official schedule, and the admin pages and command that call them."""

import datetime
from functools import partial

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.calendar import services as calendar_services
from accounts.calendar.forms import OfficialScheduleForm, parse_days
from accounts.calendar.services import (
    CalendarChange,
    DayEntry,
    calendar_days_set,
    calendar_year_load_official,
)
from accounts.models import CalendarDay, CalendarYear
from core.exceptions import NotAllowed, ValidationError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def admin(org):
    return UserFactory(username="sysadmin", org_unit=org.city, is_staff=True, roles=["admin"])


@pytest.fixture
def heard(monkeypatch):
    """The changes the listeners are told of (the cases listener stays registered too)."""
    changes: list[CalendarChange] = []

    def listener(change):
        changes.append(change)
        return 0

    monkeypatch.setattr(calendar_services, "_listeners", [*calendar_services._listeners, listener])
    return changes


def rows() -> dict:
    return {row.date: (row.is_workday, row.note) for row in CalendarDay.objects.all()}


# --- calendar_days_set -------------------------------------------------------------------------


def test_days_are_entered_changed_and_removed_and_the_listeners_hear_which(admin, heard):
    result = calendar_days_set(
        actor=admin,
        entries=[DayEntry(D(2027, 2, 20), True, "调休上班"), DayEntry(D(2027, 1, 4), False)],
    )
    assert rows() == {D(2027, 2, 20): (True, "调休上班"), D(2027, 1, 4): (False, "")}
    assert result.days == {D(2027, 2, 20), D(2027, 1, 4)}
    assert heard[-1].days == result.days and heard[-1].actor == admin

    # A note alone changes no due date: no change is announced.
    result = calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 1, 4), False, "补休")])
    assert result.days == frozenset() and len(heard) == 1
    assert rows()[D(2027, 1, 4)] == (False, "补休")

    result = calendar_days_set(
        actor=admin,
        entries=[DayEntry(D(2027, 1, 4), True), DayEntry(D(2027, 2, 20), None)],
    )
    assert rows() == {D(2027, 1, 4): (True, "")}
    assert result.days == {D(2027, 1, 4), D(2027, 2, 20)}

    # Again: nothing to do, nothing announced.
    result = calendar_days_set(actor=admin, entries=[DayEntry(D(2027, 2, 20), None)])
    assert result.days == frozenset() and len(heard) == 2
    year = CalendarYear.objects.get(year=2027)
    assert year.changed_by == admin and not year.official


def test_only_an_administrator_changes_the_calendar(handler1):
    with pytest.raises(NotAllowed):
        calendar_days_set(actor=handler1, entries=[DayEntry(D(2027, 2, 20), True)])
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        ([DayEntry(D(2027, 2, 20), True), DayEntry(D(2027, 2, 20), False)], "date"),
        ([DayEntry(D(1999, 2, 20), True)], "date"),
        ([DayEntry("2027-02-20", True)], "date"),
        ([DayEntry(D(2027, 2, 20), "yes")], "is_workday"),
        ([DayEntry(D(2027, 2, 20), True, "很" * 101)], "note"),
    ],
)
def test_bad_days_are_refused_on_their_field(admin, entries, field):
    with pytest.raises(ValidationError) as error:
        calendar_days_set(actor=admin, entries=entries)
    assert field in error.value.message_dict
    assert not CalendarDay.objects.exists()


# --- the official schedule -----------------------------------------------------------------------


def test_loading_the_official_schedule_makes_the_year_official(admin, heard):
    CalendarDay.objects.create(date=D(2027, 3, 8), is_workday=False, note="台风停工")
    CalendarDay.objects.create(date=D(2027, 2, 21), is_workday=True, note="猜测")
    load = partial(
        calendar_year_load_official,
        actor=admin,
        year=2027,
        rest_days=parse_days("2027-01-01\n2027-02-05..2027-02-13"),
        workdays=[D(2027, 2, 20)],
        source="国办发明电〔2026〕N号",
    )
    result = load()
    year = CalendarYear.objects.get(year=2027)
    assert year.official and year.source == "国办发明电〔2026〕N号"
    assert rows()[D(2027, 2, 9)] == (False, "国办发明电〔2026〕N号")
    assert rows()[D(2027, 2, 20)] == (True, "国办发明电〔2026〕N号")
    assert D(2027, 3, 8) in rows() and D(2027, 2, 21) in rows()  # kept without `replace`
    # Every day of 2027 changed source (provisional → official).
    assert len(result.days) == 365 and heard[-1].days == result.days

    # Again, now replacing the year's other days: only those two go.
    result = load(replace=True)
    assert result.days == {D(2027, 3, 8), D(2027, 2, 21)}
    assert D(2027, 3, 8) not in rows()

    # A third time: nothing changes.
    result = load(replace=True)
    assert result.days == frozenset() and result.moved == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rest_days": [D(2028, 1, 1)]}, "rest_days"),
        ({"workdays": [D(2026, 12, 26)]}, "workdays"),
        ({"rest_days": []}, "rest_days"),
        ({"workdays": [D(2027, 1, 1)]}, "workdays"),
        ({"year": 1999}, "year"),
        ({"source": "号" * 201}, "source"),
    ],
)
def test_a_bad_official_schedule_is_refused_on_its_field(admin, kwargs, field):
    arguments = {"year": 2027, "rest_days": [D(2027, 1, 1)], "workdays": [], **kwargs}
    with pytest.raises(ValidationError) as error:
        calendar_year_load_official(actor=admin, **arguments)
    assert field in error.value.message_dict
    assert not CalendarYear.objects.filter(official=True).exists()
    assert not CalendarDay.objects.exists()


# --- reading days ------------------------------------------------------------------------------


def test_days_are_read_as_people_write_them():
    assert parse_days(
        "2027-02-05..2027-02-07， 2027-02-20、2027/04/05\n\n2027-05-01 至 2027-05-02"
    ) == [
        D(2027, 2, 5),
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 20),
        D(2027, 4, 5),
        D(2027, 5, 1),
        D(2027, 5, 2),
    ]
    assert parse_days("2027-02-05~2027-02-05;2027-02-05") == [D(2027, 2, 5)]
    assert parse_days("") == []


@pytest.mark.parametrize(
    "text", ["2027-02-30", "二月五日", "2027-02-07..2027-02-05", "2027-01-01..2027-03-01"]
)
def test_unreadable_days_are_refused_with_the_text(text):
    with pytest.raises(ValidationError):
        parse_days(text)


def test_the_form_reports_unreadable_days_on_their_field():
    form = OfficialScheduleForm({"year": "2027", "rest_days": "2027-02-30", "workdays": "x"})
    assert not form.is_valid()
    assert set(form.errors) == {"rest_days", "workdays"}
    assert "2027-02-30" in form.errors["rest_days"][0]


# --- the admin pages and the command -------------------------------------------------------


def test_admin_edits_go_through_the_service(client, admin, heard):
    client.force_login(admin)
    add = reverse("admin:accounts_calendarday_add")
    response = client.post(add, {"date": "2027-02-20", "is_workday": "on", "note": "调休上班"})
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get()
    assert heard[-1].days == {D(2027, 2, 20)} and heard[-1].actor == admin

    # Moving the day to another date changes both dates.
    change = reverse("admin:accounts_calendarday_change", args=[day.pk])
    response = client.post(change, {"date": "2027-02-21", "is_workday": "on", "note": "调休上班"})
    assert response.status_code == 302
    assert heard[-1].days == {D(2027, 2, 20), D(2027, 2, 21)}
    assert rows() == {D(2027, 2, 21): (True, "调休上班")}

    day = CalendarDay.objects.get()
    response = client.post(
        reverse("admin:accounts_calendarday_delete", args=[day.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert heard[-1].days == {D(2027, 2, 21)} and not CalendarDay.objects.exists()

    CalendarDay.objects.create(date=D(2027, 3, 1), is_workday=False)
    CalendarDay.objects.create(date=D(2027, 3, 2), is_workday=False)
    response = client.post(
        reverse("admin:accounts_calendarday_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(CalendarDay.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert heard[-1].days == {D(2027, 3, 1), D(2027, 3, 2)} and not CalendarDay.objects.exists()


def test_admin_refuses_a_year_out_of_range_on_the_field(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_calendarday_add"), {"date": "1900-01-01", "note": ""}
    )
    assert response.status_code == 200
    assert "date" in response.context["adminform"].form.errors


def test_admin_loads_the_official_schedule(client, admin, heard):
    client.force_login(admin)
    changelist = client.get(reverse("admin:accounts_calendarday_changelist"))
    url = reverse("admin:accounts_calendarday_load_official")
    assert url in changelist.content.decode()

    response = client.post(url, {"year": "2027", "rest_days": "2028-01-01", "workdays": ""})
    assert response.status_code == 200
    assert 'data-field-error="rest_days"' in response.content.decode()
    assert not CalendarYear.objects.filter(official=True).exists()

    response = client.post(
        url,
        {
            "year": "2027",
            "source": "国办发明电〔2026〕N号",
            "rest_days": "2027-01-01\n2027-02-05..2027-02-13",
            "workdays": "2027-02-20",
        },
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).official
    assert len(heard[-1].days) == 365


def test_a_handler_cannot_reach_the_calendar_pages(client, handler1):
    handler1.is_staff = True
    handler1.save()
    client.force_login(handler1)
    response = client.get(reverse("admin:accounts_calendarday_load_official"))
    assert response.status_code == 403


def test_the_command_loads_the_official_schedule(admin):
    call_command(
        "calendar_load_official",
        "--year=2027",
        "--rest",
        "2027-01-01",
        "2027-02-05..2027-02-13",
        "--work",
        "2027-02-20",
        "--source=国办发明电〔2026〕N号",
    )
    assert CalendarYear.objects.get(year=2027).official
    assert CalendarDay.objects.filter(is_workday=False).count() == 10
    with pytest.raises(CommandError, match="workdays"):
        call_command(
            "calendar_load_official", "--year=2027", "--rest", "2027-01-01", "--work", "2027-01-01"
        )
