"""The dashboard in the browser: the city's supervisor opens it, changes the period (a preset,
then typed dates) and sees the batches follow, then clicks the overdue count and lands on the
case list of exactly those cases.

The data, relative to today (the page reads the real clock):

    registered this month (through the intake service): two petitions at the city petition
    office CTXFJ, their acceptance clocks still running; one in 云城市 (another city).
    received last month: A (D1XFJ, answer clock overdue), B (D2XFJ, acceptance overdue), C
    (东湖街道, answer clock overdue); X in 云城市 with its acceptance overdue (never counted).
    received last year: E (D2XFJ, its late answer clock met: not overdue now), F (D1XFJ,
    replied, the petitioner's review-request window past: the petitioner's clock, not work).
"""

import datetime
import re

import pytest
from django.utils import timezone

from cases.models import CaseStatus, DeadlineKind
from dashboards.services import rollup_rebuild
from petitions.models import Channel
from tests.conftest import _user
from tests.dashboards.builders import SHANGHAI, make_case, make_clock, make_petition
from tests.factories import PASSWORD, category, register_petition

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


@pytest.fixture
def supervisor1(org):
    """A supervisor at the city government CT: watches the whole of 江城市."""
    return _user("supervisor1", org.city, "supervisor", last_name="何", first_name="督查")


def build_cases(org, reception1, outsider, clerk) -> dict:
    """The cases above; returns the overdue city case numbers and the days the city's
    petitions were received on."""
    today = timezone.localdate()
    month_start = today.replace(day=1)
    last_month = (month_start - DAY).replace(day=1)
    last_year = datetime.date(today.year - 1, 6, 15)
    wages = category("0301")

    # This month, through the intake: received an hour ago, but never before the 1st.
    received = max(
        timezone.now() - datetime.timedelta(hours=1),
        datetime.datetime.combine(month_start, datetime.time(0, 5), tzinfo=SHANGHAI),
    )
    received = min(received, timezone.now())
    for summary in ("反映小区物业乱收费问题", "反映道路施工噪声扰民问题"):
        register_petition(reception1, received_at=received, summary=summary)
    register_petition(outsider, received_at=received, summary="反映云城市某企业排污问题")

    def case(owner, day, **fields):
        made = make_case(owner, day, **fields)
        make_petition(
            made,
            day,
            channel=Channel.LETTER,
            receiving=owner,
            location=owner,
            category=wages,
            by=clerk,
        )
        return made

    a = case(org.d1_office, last_month, status=CaseStatus.IN_PROGRESS)
    make_clock(a, DeadlineKind.HANDLING, today - 3 * DAY)
    b = case(org.d2_office, last_month + DAY, status=CaseStatus.REGISTERED)
    make_clock(b, DeadlineKind.ACCEPTANCE, today - DAY)
    c = case(org.d1_street, last_month + 2 * DAY, status=CaseStatus.IN_PROGRESS)
    make_clock(c, DeadlineKind.HANDLING, today - 10 * DAY)
    x = case(org.other_city_office, last_month, status=CaseStatus.REGISTERED)
    make_clock(x, DeadlineKind.ACCEPTANCE, today - 4 * DAY)
    e = case(org.d2_office, last_year, status=CaseStatus.IN_PROGRESS)
    make_clock(e, DeadlineKind.HANDLING, today - 5 * DAY, met=today - 2 * DAY)
    f = case(org.d1_office, last_year, status=CaseStatus.REPLIED)
    make_clock(f, DeadlineKind.REVIEW_REQUEST, today - 2 * DAY)
    return {
        "overdue": {a.number, b.number, c.number},
        "elsewhere": x.number,
        "answered_late": e.number,
        "answer_base": {a.number, c.number, e.number},
        "city_days": [received.astimezone(SHANGHAI).date()] * 2
        + [last_month, last_month + DAY, last_month + 2 * DAY, last_year, last_year],
    }


def batches_between(days: list[datetime.date], start: datetime.date, end: datetime.date) -> int:
    return sum(1 for day in days if start <= day <= end)


def tile_value(page, key: str) -> str:
    return page.locator(f"[data-tile={key}]").get_attribute("data-value")


def test_supervisor_changes_the_period_and_follows_the_overdue_count_to_its_cases(
    page, live_server, org, reception1, outsider, supervisor1, artifacts
):
    data = build_cases(org, reception1, outsider, supervisor1)
    rollup_rebuild()
    today = timezone.localdate()
    month_start = today.replace(day=1)
    last_month_end = month_start - DAY
    last_month_start = last_month_end.replace(day=1)
    days = data["city_days"]
    overdue = len(data["overdue"])

    log_in(page, live_server, "supervisor1", PASSWORD)
    page.click("#nav-dashboard")
    page.wait_for_url(f"{live_server.url}/dashboards/")
    # By default: the supervisor's city, this year up to today.
    assert page.locator("#id_unit").input_value() == "CT"
    assert (
        page.locator("#period")
        .inner_text()
        .startswith(f"{today.replace(month=1, day=1):%Y-%m-%d} — {today:%Y-%m-%d}")
    )
    assert tile_value(page, "overdue") == str(overdue)
    assert page.locator("[data-tile=overdue] .fs-3").inner_text() == str(overdue)
    this_year = batches_between(days, today.replace(month=1, day=1), today)
    assert tile_value(page, "batches") == str(this_year)

    # This month: only the two registered today (or since the 1st).
    page.click("#presets button[data-preset=month]")
    page.wait_for_url(re.compile(r"[?&]preset=month"))
    assert (
        page.locator("#presets button[data-preset=month]").get_attribute("class").endswith("active")
    )
    assert tile_value(page, "batches") == "2" == str(batches_between(days, month_start, today))
    assert page.locator("[data-tile=batches] .fs-3").inner_text() == "2"
    assert page.locator("#id_from").input_value() == f"{month_start:%Y-%m-%d}"

    # Last month, typed: the three letters of A, B and C.
    page.fill("#id_from", f"{last_month_start:%Y-%m-%d}")
    page.fill("#id_to", f"{last_month_end:%Y-%m-%d}")
    page.click("#show")
    page.wait_for_url(re.compile(rf"[?&]to={last_month_end:%Y-%m-%d}"))
    assert "preset=" not in page.url
    assert (
        page.locator("#period")
        .inner_text()
        .startswith(f"{last_month_start:%Y-%m-%d} — {last_month_end:%Y-%m-%d}")
    )
    assert tile_value(page, "batches") == "3"
    assert page.locator("[data-tile=batches] .fs-3").inner_text() == "3"
    # The open work is today's, whatever the period.
    assert tile_value(page, "overdue") == str(overdue)
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    # The overdue count leads to exactly its cases.
    page.click("[data-tile=overdue]")
    page.wait_for_url(re.compile(r"/cases/\?.*overdue=true"))
    assert "unit=CT" in page.url
    page.locator("tr[data-case]").first.wait_for()
    shown = page.locator("tr[data-case]").evaluate_all("rows => rows.map(row => row.dataset.case)")
    assert sorted(shown) == sorted(data["overdue"])
    assert data["elsewhere"] not in page.locator("#case-table").inner_text()
    # "共3件" in Chinese, "3 cases" in English: the one number is the count.
    assert re.findall(r"\d+", page.locator("#case-count").inner_text()) == [str(overdue)]
    page.screenshot(path=str(artifacts / "dashboard-overdue-cases.png"), full_page=True)

    # 办结率 over the answer clocks due in the last thirty days: E's met (late), A's and C's
    # still open past due. Its figure leads to the case met; the list's own time-limit filter
    # (shown, since in use) then gives the whole base.
    start = today - 30 * DAY
    page.goto(f"{live_server.url}/dashboards/?unit=CT&from={start:%Y-%m-%d}&to={today:%Y-%m-%d}")
    assert page.locator("[data-parts=completion_rate]").inner_text() == "1 / 3"
    page.click("[data-tile=completion_rate]")
    page.wait_for_url(re.compile(r"/cases/\?.*clock=answer"))
    assert page.locator("#more-filters").is_visible()
    assert page.locator("tr[data-case]").evaluate_all(
        "rows => rows.map(row => row.dataset.case)"
    ) == [data["answered_late"]]
    page.select_option("#id_clock_state", "counted")
    page.wait_for_url(re.compile(r"clock_state=counted"))
    page.locator("tr[data-case]").nth(2).wait_for()
    shown = page.locator("tr[data-case]").evaluate_all("rows => rows.map(row => row.dataset.case)")
    assert sorted(shown) == sorted(data["answer_base"])
    page.screenshot(path=str(artifacts / "dashboard-completion-base.png"), full_page=True)
