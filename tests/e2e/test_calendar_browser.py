"""In Chromium: reception1 sets up the city leader's Thursday schedule from the navbar's
reception menu, sees the days on the calendar, cancels a coming day and replaces it by the next
workday; the leader sees the days on their own list. Screenshots at 1400 and 800 px. On the
real clock: the days are counted from today."""

import datetime

import pytest
from django.utils import timezone

from core.workcalendar import is_workday
from reception.models import DayStatus, ReceptionDay, ReceptionSchedule
from tests.e2e.conftest import log_in, next_reception_day, reception_days_from
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ONE_DAY = datetime.timedelta(days=1)


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def day_to_replace(schedule, today: datetime.date):
    """A reception day after today, the first workday after it that is not a reception day
    (its replacement, in the same month, so that one calendar page shows both) and a rest day
    after it (refused as a replacement)."""
    days = reception_days_from(schedule, today + ONE_DAY)
    for day in days:
        replacement = day + ONE_DAY
        while not is_workday(replacement) or replacement in days:
            replacement += ONE_DAY
        if replacement.month == day.month:
            rest = day + ONE_DAY
            while is_workday(rest):
                rest += ONE_DAY
            return day, replacement, rest
    raise AssertionError(f"no reception day to replace within 60 days of {today}")


def test_clerk_sets_up_a_schedule_and_replaces_a_day(
    page,
    live_server,
    reception1,
    city_leader,
    org,
    artifacts,
):
    city_leader.last_name, city_leader.first_name = "张", "市长"
    city_leader.save()
    url = live_server.url
    log_in(page, live_server, "reception1", PASSWORD)

    # The reception menu in the navbar leads to the calendar.
    page.click("#nav-reception")
    page.locator("#nav-reception-calendar").wait_for()
    assert page.locator("#nav-my-days").count() == 0  # a clerk has no days of their own
    page.screenshot(path=str(artifacts / "reception-navbar-1400.png"))
    page.click("#nav-reception-calendar")
    page.wait_for_url("**/reception/calendar/")
    page.locator("#no-schedules").wait_for()

    # A new schedule: an empty form is refused at its fields, with the cursor on the leader.
    page.click("#new-schedule")
    page.wait_for_url("**/reception/schedules/new/")
    assert page.evaluate("document.activeElement.id") == "id_leader"
    assert page.locator("#id_days").is_hidden()  # weekly: the weekday boxes only
    page.click("[data-submit='schedule']")
    page.locator("[data-field-error='weekdays']").wait_for()
    page.screenshot(path=str(artifacts / "reception-schedule-form-errors.png"), full_page=True)

    page.select_option("#id_leader", str(city_leader.pk))
    page.check("#id_weekdays_3")  # Thursday
    page.fill("#id_start_time", "09:00")
    page.fill("#id_end_time", "11:30")
    page.fill("#id_place", "市信访局一楼接待大厅")
    page.fill("#id_slots", "6")
    page.fill("#id_valid_from", "2026-01-01")
    page.screenshot(path=str(artifacts / "reception-schedule-form.png"), full_page=True)
    page.click("[data-submit='schedule']")
    page.wait_for_url("**/reception/calendar/?leader=city_leader")
    page.locator(".alert-success").wait_for()
    schedule = ReceptionSchedule.objects.get()
    assert schedule.weekdays == [4] and schedule.slots == 6
    # This month's calendar: its first reception day is on it.
    today = timezone.localdate()
    first = next_reception_day(schedule, today.replace(day=1))
    page.locator(f"[data-day='{schedule.pk}-{first.isoformat()}']").wait_for()
    page.screenshot(path=str(artifacts / "reception-calendar-month.png"), full_page=True)

    # October 2026, a month gone by: National Day's Thursday was held on the 8th.
    page.goto(f"{url}/reception/calendar/?month=2026-10")
    moved = page.locator(f"[data-day='{schedule.pk}-2026-10-08'] [data-moved-from]")
    assert moved.get_attribute("data-moved-from") == "2026-10-01"
    page.screenshot(path=str(artifacts / "reception-calendar-october.png"), full_page=True)

    # A coming day is cancelled and replaced by the next workday.
    day, replacement, rest = (d.isoformat() for d in day_to_replace(schedule, today))
    month = day[:7]
    page.goto(f"{url}/reception/calendar/?month={month}")
    page.click(f"[data-day='{schedule.pk}-{day}'] [data-cancel]")
    page.wait_for_url(f"**/days/{day}/cancel/")
    assert page.evaluate("document.activeElement.id") == "id_reason"
    page.fill("#id_reason", "参加市委全会")
    page.fill("#id_move_to", rest)  # a rest day: refused at the field
    page.click("[data-submit='cancel-day']")
    page.locator("[data-field-error='move_to']").wait_for()
    page.screenshot(path=str(artifacts / "reception-day-cancel-error.png"), full_page=True)
    page.fill("#id_move_to", replacement)
    page.click("[data-submit='cancel-day']")
    page.wait_for_url(f"**/reception/calendar/?month={month}")
    cancelled = page.locator(f"[data-day='{schedule.pk}-{day}']")
    assert cancelled.get_attribute("data-status") == "cancelled"
    assert "参加市委全会" in cancelled.inner_text()
    page.locator(f"[data-day='{schedule.pk}-{replacement}'] [data-replaces='{day}']").wait_for()
    assert ReceptionDay.objects.get(date=day).status == DayStatus.CANCELLED
    page.screenshot(path=str(artifacts / "reception-calendar-replaced.png"), full_page=True)

    # At 800 px the menu collapses; the reception menu is inside it and tidy.
    page.set_viewport_size({"width": 800, "height": 1000})
    page.screenshot(path=str(artifacts / "reception-calendar-800.png"), full_page=True)
    page.click(".navbar-toggler")
    page.click("#nav-reception")
    page.locator("#nav-reception-calendar").wait_for()
    page.screenshot(path=str(artifacts / "reception-navbar-800.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{url}/reception/schedules/")
    page.locator(f"[data-schedule='{schedule.pk}']").wait_for()
    page.screenshot(path=str(artifacts / "reception-schedule-list.png"), full_page=True)
    log_out(page)

    # The leader finds their days, the replacement among them.
    log_in(page, live_server, "city_leader", PASSWORD)
    page.click("#nav-reception")
    page.click("#nav-my-days")
    page.wait_for_url("**/reception/my-days/")
    page.locator(f"section[data-day='{replacement}']").wait_for()
    assert page.locator(f"section[data-day='{day}']").get_attribute("data-status") == "cancelled"
    page.screenshot(path=str(artifacts / "reception-my-days.png"), full_page=True)
