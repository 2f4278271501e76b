"""In Chromium: reception1 books a case from its detail page (the reception panel's button),
is shown that another leader sponsors the case before anything is booked, books anyway and
lands on the appointment; the attending unit writes its preliminary opinion; the day's sheet
prints. Screenshots in test-artifacts/. On the real clock: the reception day is the first one
after today (an opinion is written before the day)."""

import datetime

import pytest
from django.utils import timezone

from reception.models import Appointment, PreliminaryOpinion
from tests.e2e.conftest import log_in, next_reception_day, open_panel
from tests.factories import PASSWORD, UserFactory
from tests.reception.test_appointments_services import make_case, make_schedule, principal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.click("#main-nav form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def test_clerk_books_from_the_case_page_and_the_unit_gives_its_opinion(
    page,
    live_server,
    reception1,
    city_leader,
    org,
    artifacts,
):
    city_leader.last_name, city_leader.first_name = "张", "市长"
    city_leader.save()
    schedule = make_schedule(city_leader, reception1, slots=6, attending=[org.city_business])
    # From tomorrow: today is never offered, so the opinion comes before the day.
    schedule.valid_from = timezone.localdate() + datetime.timedelta(days=1)
    schedule.save(update_fields=["valid_from"])
    reception_day = next_reception_day(schedule, schedule.valid_from).isoformat()
    case = make_case(reception1, summary="反映某公司拖欠工资问题")
    sponsor = UserFactory(
        username="sponsor", org_unit=org.city, roles=["leader"], last_name="钱", first_name="副市长"
    )
    case.sponsoring_leader = sponsor
    case.save(update_fields=["sponsoring_leader"])
    UserFactory(
        username="ctjy_handler", org_unit=org.city_business, roles=["handler"], last_name="吴"
    )
    url = live_server.url

    log_in(page, live_server, "reception1", PASSWORD)
    page.goto(f"{url}/cases/{case.number}/")
    open_panel(page, "reception")
    page.click("#panel-book")
    page.wait_for_url(f"**/reception/cases/{case.number}/book/")
    # The cursor is on the first day; the principal is already ticked.
    assert page.evaluate("document.activeElement.name") == "day"
    assert page.locator(f"input[name=petitioners][value='{principal(case).pk}']").is_checked()
    assert page.locator("[data-other-sponsor]").count() > 0
    page.screenshot(path=str(artifacts / "reception-book.png"), full_page=True)

    page.fill("#id_note", "请携带身份证及相关材料")
    page.click("[data-submit='book']")
    page.locator("#book-warnings").wait_for()
    assert "钱副市长" in page.inner_text("#book-warnings")
    assert not Appointment.objects.exists()  # nothing booked before confirming
    page.screenshot(path=str(artifacts / "reception-book-warning.png"), full_page=True)
    page.click("[data-submit='book']")
    page.wait_for_url("**/reception/appointments/*/")
    appointment = Appointment.objects.get(case=case)
    assert reception_day in page.inner_text("#appointment-when")
    assert principal(case).phone not in page.content()
    page.screenshot(path=str(artifacts / "reception-appointment.png"), full_page=True)

    # Back on the case page the panel lists it.
    page.goto(f"{url}/cases/{case.number}/")
    open_panel(page, "reception")
    page.locator(f"[data-panel-appointment='{appointment.pk}']").wait_for()
    page.locator("#panel-reception").screenshot(path=str(artifacts / "reception-case-panel.png"))
    log_out(page)

    # The attending unit writes its preliminary opinion; an empty one is refused at the field.
    log_in(page, live_server, "ctjy_handler", PASSWORD)
    page.goto(f"{url}/reception/appointments/{appointment.pk}/")
    page.click("[data-submit='opinion']")
    page.locator("[data-field-error='text']").wait_for()
    page.fill("#id_text", "经核查，该公司确有拖欠，建议由劳动监察部门督促限期支付。")
    page.click("[data-submit='opinion']")
    page.locator("[data-opinion='CTJY']").wait_for()
    assert PreliminaryOpinion.objects.filter(appointment=appointment).count() == 1

    # The day's sheet, as printed.
    page.goto(f"{url}/reception/schedules/{schedule.pk}/{reception_day}/")
    page.locator("[data-sheet-row='1']").wait_for()
    assert "建议由劳动监察部门" in page.inner_text("#day-sheet")
    page.screenshot(path=str(artifacts / "reception-day-sheet.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.locator("nav.navbar").is_hidden() and page.locator("#sheet-print").is_hidden()
    page.screenshot(path=str(artifacts / "reception-day-sheet-print.png"), full_page=True)
