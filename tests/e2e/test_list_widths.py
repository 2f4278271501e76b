"""Every staff list page fits a 1366 px wide screen, and on a 390 px phone its main content
does not overflow sideways except inside an intentional scroll container
(`.table-responsive`); at 1366 px no column is off screen inside one either. Screenshots
of each in test-artifacts/."""

import datetime

import pytest
from django.utils import timezone

from reception.appointments.services.booking import appointment_book
from reception.models import ReceptionSchedule
from tests.conftest import _user
from tests.factories import PASSWORD, group_petitioners, register_petition

from .conftest import log_in, next_reception_day

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/petitions/",
    "/cases/",
    "/cases/queue/",
    "/cases/approvals/",
    "/escalation/notices/",
    "/escalation/joint/",
    "/escalation/rankings/",
    "/notifications/",
    "/reception/calendar/",
    "/reception/my-days/",
    "/reception/schedules/",
    "/reception/numbers/",
    "/reception/field-visits/",
    "/dashboards/",
]

# Elements of the main content wider than the viewport and not inside a scroll container.
OVERFLOWING = """([width, scrollable]) => {
  const main = document.querySelector('main') || document.body;
  const out = [];
  for (const el of main.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    const scroller = '.table-responsive, .overflow-auto, .overflow-x-auto, pre';
    if (scrollable && el.closest(scroller)) continue;
    out.push(el.tagName + '.' + el.className + ' → ' + Math.round(box.right));
  }
  return out.slice(0, 5);
}"""


@pytest.fixture
def clerk(org):
    """A city petition office user who registers, handles, leads and supervises: every list
    has something for them."""
    return _user(
        "wide_clerk",
        org.city_office,
        "reception",
        "handler",
        "supervisor",
        "leader",
        last_name="欧阳",
        first_name="接访员",
    )


def build_data(clerk, org) -> None:
    """Six petitions (every other one a group of six), and a leader's weekly reception with
    two of their cases booked."""
    received = timezone.now() - datetime.timedelta(hours=2)
    cases = []
    for n in range(6):
        cases.append(_register(clerk, received, n))
    leader = _user("list_leader", org.city, "leader", last_name="诸葛", first_name="领导")
    schedule = ReceptionSchedule.objects.create(
        leader=leader,
        unit=org.city,
        kind="weekly",
        weekdays=[1, 2, 3, 4, 5],
        start_time=datetime.time(9),
        end_time=datetime.time(11),
        place="江城市人民政府信访接待中心第一接待室（行政中心东楼一层）",
        slots=5,
        valid_from=timezone.localdate(),
        created_by=clerk,
    )
    schedule.attending_units.set([org.city_business, org.d1_office])
    day = next_reception_day(schedule, timezone.localdate() + datetime.timedelta(days=1))
    for case in cases[:2]:
        appointment_book(actor=clerk, case=case, schedule=schedule, date=day)


def _register(clerk, received, n):
    return register_petition(
        clerk,
        received_at=received - datetime.timedelta(days=n),
        summary=f"反映东湖区某小区物业公司长期乱收费且拒不整改的问题，第{n}次来访要求查处",
        petitioners=group_petitioners(6, 2) if n % 2 else None,
    ).petition.case


@pytest.mark.parametrize("path", PAGES)
def test_list_pages_fit_1366_and_390(browser, live_server, org, clerk, artifacts, path):
    build_data(clerk, org)
    name = path.strip("/").replace("/", "_") or "home"
    for width, height in ((1366, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(30000)
        try:
            log_in(page, live_server, "wide_clerk", PASSWORD)
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
            page.screenshot(path=str(artifacts / f"list-{name}-{width}.png"), full_page=True)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, (path, scroll_width)
            # At 1366 nothing is off screen, inside a scroll container neither (a list's
            # columns all show); on a phone a wide table may scroll inside its container.
            assert page.evaluate(OVERFLOWING, [width, width < 1366]) == [], (path, width)
        finally:
            context.close()
