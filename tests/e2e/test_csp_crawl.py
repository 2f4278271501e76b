"""In Chromium, with the Content-Security-Policy on (issue 13 §4): a few roles log in on the
demo data and open the main pages (petitions, cases, leader reception, escalation,
dashboards, notifications, the admin, the API docs as staff). No page reports a CSP
violation (the `securitypolicyviolation` event or Chromium's console message) or a script
error, and the pages still work: the login form submits, htmx swaps the list and fills the
bell and the case panels, Tom Select and Chart.js draw (they set element.style through the
CSSOM, which the policy allows), Swagger UI renders."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from cases.selectors import cases_visible_to
from escalation.models import JointSupervision
from ledgers.models import BacklogEntry, DisputeItem, ScreeningRound, UrgentReport
from petitions.models import Petition
from reception.models import Appointment, ReceptionNotice
from tests.conftest import ensure_reference_data

from .conftest import open_panel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Registered before any page script: every violation the page reports, kept on window.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`
  );
});
"""


class Watched:
    """A page with its CSP violations, console errors and script errors collected."""

    def __init__(self, page, live_server):
        self.page = page
        self.base = live_server.url
        self.problems: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"console: {text}")

    def visit(self, path: str, ready: str | None = None) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        self.page.wait_for_load_state("networkidle")
        if ready:
            self.page.locator(ready).first.wait_for()
        self.collect(path)

    def collect(self, where: str) -> None:
        for violation in self.page.evaluate("window.__violations || []"):
            self.problems.append(f"{where}: {violation}")
        self.page.evaluate("window.__violations = []")

    def log_in(self, username: str, landing: str = "/petitions/") -> None:
        from django.conf import settings

        self.page.context.clear_cookies()
        self.page.goto(f"{self.base}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", settings.DEMO_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base}{landing}")
        self.page.wait_for_load_state("networkidle")
        self.collect(f"login {username}")


@pytest.fixture
def demo(db):
    ensure_reference_data()
    call_command("seed_demo", "--petitions", "60", stdout=StringIO())


def test_the_pages_run_under_the_policy_without_a_violation(demo, page, live_server, artifacts):
    watched = Watched(page, live_server)
    # The newest case with a timeline that the handler's district sees (the demo's last one
    # may be another district's: a screened dispute registered as a petition).
    handler = User.objects.get(username="handler1")
    case = cases_visible_to(handler).filter(events__isnull=False).order_by("-pk").first()
    petition = Petition.objects.filter(case__owner_unit__code="JZD1XFJ").order_by("pk").first()
    appointment = Appointment.objects.order_by("pk").first()
    notice = ReceptionNotice.objects.filter(appointment=appointment, kind="leader").first()
    joint = JointSupervision.objects.order_by("pk").first()
    screening_round = ScreeningRound.objects.filter(kind="special").get()
    dispute = DisputeItem.objects.filter(unit__code="JZD1S1C1").first()
    urgent = UrgentReport.objects.order_by("pk").first()
    backlog_entry = BacklogEntry.objects.filter(status="open").order_by("pk").first()

    # A handler: lists with htmx filters, the petition and the case with their panels.
    watched.log_in("handler1")
    watched.visit("/petitions/", "#petition-table")
    # The watch itself works: on another tab, markup with an inline style is refused and
    # reported.
    canary = page.context.new_page()
    canary.add_init_script(WATCH)
    canary.goto(f"{live_server.url}/petitions/")
    canary.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\\'color: red\\'>x</p>')"
    )
    canary.wait_for_function("() => window.__violations.length > 0")
    assert "style-src" in canary.evaluate("window.__violations[0]")
    canary.close()
    page.locator("#bell a, #bell span").first.wait_for()  # htmx filled the bell
    watched.visit("/cases/", "#case-table")
    # The filter form sends through htmx, which swaps the table in place (no page load).
    page.evaluate("window.__same_page = true")
    with page.expect_response(
        lambda r: "/cases/" in r.url and r.request.headers.get("hx-request") == "true"
    ) as swapped:
        page.click("#case-filters button[type=submit]")
    assert swapped.value.status == 200
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__same_page") is True
    watched.collect("case list filter")
    watched.visit(f"/petitions/{petition.number}/")
    # Find anyone: the results and a petitioner's page.
    person = petition.parties.order_by("position").first().petitioner
    watched.visit(f"/search/?q={person.name}", "#search-people")
    watched.visit(reverse("petitions:petitioner", args=[person.pk]), "#person-petitions")
    watched.visit(f"/cases/{case.number}/")
    # The panels arrive through htmx when opened; an action's form when its card opens.
    open_panel(page, "escalation")
    open_panel(page, "reception")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "csp-case-detail.png"), full_page=True)
    watched.visit("/cases/queue/")
    watched.visit("/petitions/new/", ".ts-wrapper")  # Tom Select took the long selects
    watched.visit("/notifications/")
    watched.visit(reverse("escalation:notice_list"))

    # Reception staff: the calendar, an appointment and its notices, the schedules.
    watched.log_in("reception1")
    watched.visit(reverse("reception:calendar"))
    watched.visit(reverse("reception:schedule_list"))
    watched.visit(reverse("reception:visit_list"))
    watched.visit(reverse("reception:numbers"))
    if appointment is not None:
        watched.visit(reverse("reception:appointment", args=[appointment.pk]), "#notices")
        if notice is not None:
            watched.visit(
                reverse("reception:notice", args=[appointment.pk, "leader"]),
                "[data-official-document]",
            )
            page.screenshot(path=str(artifacts / "csp-reception-notice.png"), full_page=True)

    # A leader and a supervisor: the dashboards with their charts, the boards.
    watched.log_in("supervisor1")
    watched.visit("/dashboards/", "canvas")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas')]"
        ".some((c) => window.Chart && Chart.getChart(c))"
    )
    watched.collect("dashboard charts")
    page.screenshot(path=str(artifacts / "csp-dashboard.png"), full_page=True)
    watched.visit(reverse("escalation:notice_list"))
    first_notice = page.locator("tr[data-notice] a").first
    if first_notice.count():
        first_notice.click()
        page.wait_for_load_state("networkidle")
        watched.collect("supervision notice")
    watched.visit(reverse("escalation:joint_board"))
    if joint is not None:
        watched.visit(reverse("escalation:joint_detail", args=[joint.pk]))
    watched.visit(reverse("escalation:ranking_report"))
    # The dispute screening ledger: rounds, a round, the ledger (htmx filters), a dispute, a
    # form with its unit picker.
    watched.visit(reverse("ledgers:round_list"), "#rounds")
    watched.visit(reverse("ledgers:round_detail", args=[screening_round.pk]), "#round-reports")
    watched.visit(reverse("ledgers:dispute_list"), "#disputes")
    watched.visit(reverse("ledgers:dispute_detail", args=[dispute.pk]), "#dispute")
    watched.visit(reverse("ledgers:round_open"), ".ts-wrapper")
    watched.visit(reverse("ledgers:urgent_list"), "#urgent-reports")
    watched.visit(reverse("ledgers:urgent_detail", args=[urgent.pk]), "#urgent")
    # The backlog ledger: the ledger, its candidates, an entry with its forms, its printable
    # assignment sheet, the sheet form with its unit picker and leader select.
    watched.visit(reverse("ledgers:backlog_list"), "#backlog-entries")
    watched.visit(reverse("ledgers:backlog_candidates"), "#candidates")
    watched.visit(reverse("ledgers:backlog_detail", args=[backlog_entry.pk]), "#entry")
    watched.visit(
        reverse("ledgers:backlog_sheet", args=[backlog_entry.pk]), "[data-official-document]"
    )
    watched.visit(reverse("ledgers:backlog_place"), ".ts-wrapper")
    watched.log_in("leader1")
    watched.visit(reverse("cases:approvals"))
    watched.visit(reverse("reception:my_days"))
    # The login security pages: account security, enrolment with its QR code, the password.
    watched.visit(reverse("accounts:security"))
    watched.visit(reverse("accounts:otp_enrol"), "img.otp-qr")
    assert page.evaluate("document.querySelector('img.otp-qr').naturalWidth") > 0
    watched.visit(reverse("password_change"), "#id_old_password")
    # The language switch sends its form on change (a listener in pages.js, not onchange=).
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.evaluate("document.documentElement.lang") == "en"
    watched.collect("language switch")

    # The administrator: the admin's index, a list, a change form; the API docs.
    watched.log_in("admin")
    watched.visit("/admin/", "#content")
    watched.visit("/admin/accounts/orgunit/", "#result_list")
    watched.visit("/admin/accounts/calendarday/", "#calendar-years")
    watched.visit("/admin/accounts/user/", "#result_list")
    page.locator("#result_list tbody a").first.click()
    page.wait_for_load_state("networkidle")
    watched.collect("admin change form")
    assert page.locator("form#user_form, form[id$='_form']").count() == 1
    page.screenshot(path=str(artifacts / "csp-admin-change-form.png"), full_page=True)
    watched.visit("/api/docs/", ".swagger-ui .information-container")
    page.screenshot(path=str(artifacts / "csp-api-docs.png"))

    # The other two officers: the security administrator's two-factor list and the lockouts,
    # the auditor's trail.
    watched.log_in("security1")
    watched.visit(reverse("accounts:otp_users"))
    watched.visit("/admin/axes/accessattempt/", "#content")
    watched.log_in("auditor1", landing="/audit/")
    watched.visit("/audit/", "table")

    assert watched.problems == []
