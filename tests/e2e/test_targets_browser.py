"""In Chromium: the city supervisor opens 台账 → Annual targets, sets a district's targets
through the form and sees where it stands, opens the year-end assessment, changes the weights,
and downloads the annual report. On the real clock: the year is this year."""

import datetime
import io
from pathlib import Path

import docx
import pytest

from dashboards.models import DailyStat
from ledgers.models import AnnualTarget, AssessmentScheme
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp")


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"targets-{name}.png"), full_page=True)


def test_a_supervisor_sets_targets_and_weighs_the_assessment(
    page, live_server, org, city_supervisor
):
    year = datetime.date.today().year
    # D1: 120 petitions on 1 January, answers for the assessment; D2 some answers.
    DailyStat.objects.create(
        unit=org.d1,
        day=datetime.date(year, 1, 1),
        batches=120,
        answered=10,
        answered_on_time=8,
        resolved=6,
    )
    DailyStat.objects.create(
        unit=org.d2, day=datetime.date(year, 1, 1), batches=20, answered=4, answered_on_time=4
    )

    log_in(page, live_server, "city_supervisor", PASSWORD)
    page.click("#nav-ledgers")
    page.click("#nav-targets")
    page.wait_for_url("**/ledgers/targets/")
    table = page.locator("#targets-table")
    table.wait_for()
    assert table.locator("tr[data-unit]").count() == 3
    assert table.locator("tr[data-unit='CT'] a").count() == 0  # the city's are set above it
    shot(page, "list-empty")

    table.locator("tr[data-unit='D1'] a").click()
    page.wait_for_url(f"**/ledgers/targets/D1/{year}/")
    page.fill("#id_batch_ceiling", "-5")  # refused on the field
    page.click("#target-form button[type=submit]")
    page.locator("[data-field-error='batch_ceiling']").wait_for()
    assert not AnnualTarget.objects.exists()
    page.fill("#id_batch_ceiling", "100")
    page.fill("#id_skip_level_cut", "10")
    page.fill("#id_repeat_cut", "15")
    page.fill("#id_group_cut", "20")
    page.fill("#id_capital_cut", "30")
    # The figures begin this year: last year's are entered from its statistics.
    assert "不完整" in page.locator("#target-bases").inner_text()
    page.fill("#id_skip_level_base", "20")
    page.fill("#id_note", "市委市政府下达")
    shot(page, "edit-form")
    page.click("#target-form button[type=submit]")
    page.wait_for_url("**/ledgers/targets/?area=CT*")
    page.locator(".alert-success").wait_for()
    target = AnnualTarget.objects.get(unit=org.d1, year=year)
    assert target.batch_ceiling == 100 and target.set_by == city_supervisor
    assert (target.skip_level_base, target.repeat_base) == (20, None)
    page.locator("#targets-no-last-year").wait_for()
    # 120 over the ceiling of 100: missed.
    row = page.locator("#targets-table tr[data-unit='D1']")
    assert row.get_attribute("data-status") == "missed"
    assert row.locator(".badge.text-bg-danger").count() == 1
    assert "120 / 100" in row.inner_text()
    # Skip-level: none this year against the 20 entered less 10%: 18 for the year.
    assert row.locator("td[title*='上年：20（录入）']").inner_text().strip() == "0 / 18"
    shot(page, "list-set")

    # The year-end assessment.
    page.click(f"a[href='/ledgers/assessment/?area=CT&year={year}']")
    page.wait_for_url("**/ledgers/assessment/?*")
    assessment = page.locator("#assessment-table")
    assessment.wait_for()
    assert assessment.locator("tr[data-unit]").count() == 2
    shot(page, "assessment-default")
    form = page.locator("#weights-form")
    form.locator("#id_on_time").fill("35")  # 110 in all: refused
    form.locator("button[type=submit]").click()
    page.locator("#weights-form .alert-danger").wait_for()
    assert not AssessmentScheme.objects.exists()
    shot(page, "weights-refused")
    form = page.locator("#weights-form")
    form.locator("#id_on_time").fill("35")
    form.locator("#id_ledgers").fill("0")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/ledgers/assessment/?*")
    page.locator(".alert-success").wait_for()
    scheme = AssessmentScheme.objects.get(unit=org.city, year=year)
    assert scheme.on_time == 35 and scheme.ledgers == 0
    assert page.locator("#weights-form #id_on_time").input_value() == "35"
    shot(page, "assessment-weighed")

    # The annual report answers a .docx.
    href = page.locator("#annual-report").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    document = docx.Document(io.BytesIO(response.body()))
    assert "信访情况年度报告" in "\n".join(p.text for p in document.paragraphs)
