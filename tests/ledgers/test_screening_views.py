"""Dispute screening pages (time frozen on 2026-11-22): the rounds, a round with its late
units, a unit's report with its submit form, the dispute ledger with its filters (htmx: the
table alone) and its .xlsx export (read back with openpyxl, ID numbers masked), the dispute
form, a dispute with its steps; 404 outside the user's area, 403 for the wrong role, the
auditor kept out, and list pages whose queries do not grow with the rows."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from ledgers.models import (
    DisputeItem,
    DisputeStatus,
    ResolutionMethod,
    RiskLevel,
    ScreeningReport,
    ScreeningRound,
)
from ledgers.screening.services import (
    dispute_contain,
    dispute_register,
    dispute_resolve,
    screening_report_submit,
    screening_round_open,
)
from petitions.models import Petition
from tests.factories import DEFAULT_CATEGORY, UserFactory, make_id_number

from .screening_fixtures import D, draft

pytestmark = pytest.mark.usefixtures("frozen_now")

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ROUNDS = "/ledgers/screening/"
REPORTS = "/ledgers/screening/reports/"
DISPUTES = "/ledgers/screening/disputes/"
EXPORT = "/ledgers/screening/disputes/export/"
NEW_DISPUTE = "/ledgers/screening/disputes/new/"
OPEN_ROUND = "/ledgers/screening/rounds/new/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def field_error(page: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1).strip() if found else None


def listed(response, attribute: str) -> list[str]:
    assert response.status_code == 200, response.status_code
    return re.findall(rf'<tr {attribute}="([^"]+)"', html(response))


def round_url(round_) -> str:
    return reverse("ledgers:round_detail", args=[round_.pk])


def report_url(report) -> str:
    return reverse("ledgers:report_detail", args=[report.pk])


def submit_url(report) -> str:
    return reverse("ledgers:report_submit", args=[report.pk])


def dispute_url(item) -> str:
    return reverse("ledgers:dispute_detail", args=[item.pk])


def step_url(item, step: str) -> str:
    return reverse("ledgers:dispute_step", args=[item.pk, step])


@pytest.fixture
def special_round(org, d1_supervisor) -> ScreeningRound:
    return screening_round_open(
        actor=d1_supervisor,
        title="元旦前专项排查",
        due_on=D(2026, 11, 25),
        units=[org.d1_street, org.d1_community],
        instructions="重点排查欠薪、征地拆迁矛盾。",
    )


@pytest.fixture
def community_report(special_round, org) -> ScreeningReport:
    return special_round.reports.get(unit=org.d1_community)


@pytest.fixture
def dispute(org, community_handler) -> DisputeItem:
    return dispute_register(actor=community_handler, draft=draft(org.d1_community))


def test_urls(special_round, community_report, dispute):
    assert reverse("ledgers:round_list") == ROUNDS
    assert reverse("ledgers:round_open") == OPEN_ROUND
    assert round_url(special_round) == f"/ledgers/screening/rounds/{special_round.pk}/"
    assert report_url(community_report) == f"{REPORTS}{community_report.pk}/"
    assert reverse("ledgers:dispute_list") == DISPUTES
    assert reverse("ledgers:dispute_export") == EXPORT
    assert reverse("ledgers:dispute_new") == NEW_DISPUTE
    assert dispute_url(dispute) == f"{DISPUTES}{dispute.pk}/"
    assert step_url(dispute, "resolve") == f"{DISPUTES}{dispute.pk}/resolve/"


def test_login_required(special_round, community_report, dispute):
    for url in (
        ROUNDS,
        round_url(special_round),
        report_url(community_report),
        DISPUTES,
        EXPORT,
        NEW_DISPUTE,
        dispute_url(dispute),
    ):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


# --- rounds ---------------------------------------------------------------------------------


def test_round_list_shows_the_rounds_and_what_my_unit_owes(
    special_round, community_report, community_handler, d1_supervisor
):
    page = logged_in(community_handler).get(ROUNDS)
    assert listed(page, "data-round") == [str(special_round.pk)]
    text = html(page)
    assert "元旦前专项排查" in text and "东湖区" in text
    assert 'id="awaiting-reports"' in text
    assert f'data-report="{community_report.pk}"' in text
    assert report_url(community_report) in text
    assert 'id="open-round"' not in text  # a handler opens no round

    text = html(logged_in(d1_supervisor).get(ROUNDS))
    assert 'id="open-round"' in text and 'id="awaiting-reports"' not in text


def test_round_list_is_scoped(special_round, d2_street_handler, outsider):
    for user in (d2_street_handler, outsider):
        page = logged_in(user).get(ROUNDS)
        assert listed(page, "data-round") == []
        assert 'id="no-rounds"' in html(page)


def test_round_detail_lists_the_units_and_the_late_ones(
    special_round, community_report, community_handler, d1_supervisor, time_machine
):
    client = logged_in(d1_supervisor)
    page = client.get(round_url(special_round))
    assert page.status_code == 200
    assert listed(page, "data-report") == ["D1S1", "D1S1C1"]
    assert 'id="late-units"' not in html(page)
    assert "重点排查欠薪、征地拆迁矛盾。" in html(page)

    screening_report_submit(actor=community_handler, report=community_report, nothing_found=True)
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, tzinfo=SHANGHAI), tick=False)
    text = html(logged_in(d1_supervisor).get(round_url(special_round)))
    late = re.search(r'id="late-units">(.*?)</div>', text, re.S)
    assert late is not None
    assert "东湖街道" in late.group(1) and "东湖社区" not in late.group(1)
    rows = dict(re.findall(r'<tr data-report="([^"]+)"([^>]*)>', text))
    assert "data-late" in rows["D1S1"] and "data-late" not in rows["D1S1C1"]


def test_a_community_sees_only_its_own_report_in_a_round(
    special_round, community_handler, street_handler
):
    page = logged_in(community_handler).get(round_url(special_round))
    assert listed(page, "data-report") == ["D1S1C1"]
    # The street sees its own unit and the community below it.
    page = logged_in(street_handler).get(round_url(special_round))
    assert listed(page, "data-report") == ["D1S1", "D1S1C1"]


def test_round_outside_the_area_is_404(special_round, d2_street_handler, outsider):
    for user in (d2_street_handler, outsider):
        assert logged_in(user).get(round_url(special_round)).status_code == 404
    client = logged_in(outsider)
    assert client.get("/ledgers/screening/rounds/999999/").status_code == 404


def test_a_handler_may_not_open_a_round(street_handler, handler1):
    for user in (street_handler, handler1):
        client = logged_in(user)
        response = client.get(OPEN_ROUND)
        assert response.status_code == 403
        assert 'id="not-allowed"' in html(response)
        response = client.post(OPEN_ROUND, {"title": "x", "due": "2026-12-01"})
        assert response.status_code == 403
    assert not ScreeningRound.objects.exists()


def test_a_supervisor_opens_a_round_through_the_form(org, d1_supervisor):
    client = logged_in(d1_supervisor)
    page = client.get(OPEN_ROUND)
    assert page.status_code == 200 and 'id="round-form"' in html(page)
    response = client.post(
        OPEN_ROUND, {"title": "春节前专项排查", "due": "2026-12-20", "instructions": ""}
    )
    round_ = ScreeningRound.objects.get()
    assert response.status_code == 302 and response["Location"] == round_url(round_)
    # No unit chosen: the district's streets and communities.
    assert set(round_.reports.values_list("unit__code", flat=True)) == {"D1S1", "D1S1C1"}


def test_round_form_errors_are_on_their_fields(org, d1_supervisor):
    client = logged_in(d1_supervisor)
    response = client.post(OPEN_ROUND, {"title": "", "due": "x"})
    assert response.status_code == 400
    for name in ("title", "due"):
        assert field_error(html(response), name), name
    response = client.post(OPEN_ROUND, {"title": "专项", "due": "2026-11-21"})
    assert response.status_code == 400
    assert field_error(html(response), "due")
    response = client.post(
        OPEN_ROUND, {"title": "专项", "due": "2026-12-01", "units": [org.d2_street.pk]}
    )
    assert response.status_code == 400
    assert field_error(html(response), "units")
    assert not ScreeningRound.objects.exists()


# --- reports --------------------------------------------------------------------------------


def test_report_detail_offers_the_submit_form_to_its_unit(
    community_report, community_handler, street_handler
):
    page = html(logged_in(community_handler).get(report_url(community_report)))
    assert 'id="submit-form"' in page and submit_url(community_report) in page
    assert 'data-state="pending"' in page
    assert 'id="add-dispute"' in page
    assert f"{NEW_DISPUTE}?report={community_report.pk}" in page
    # The street sees the community's report but reports only for itself.
    page = html(logged_in(street_handler).get(report_url(community_report)))
    assert 'id="submit-form"' not in page and 'id="add-dispute"' not in page


def test_a_nil_report_through_the_form(community_report, community_handler):
    client = logged_in(community_handler)
    response = client.post(submit_url(community_report), {"nothing_found": "on", "note": "无"})
    assert response.status_code == 302 and response["Location"] == report_url(community_report)
    community_report.refresh_from_db()
    assert community_report.is_submitted and community_report.nothing_found
    assert community_report.note == "无"
    page = html(client.get(report_url(community_report)))
    assert 'data-state="submitted"' in page and 'id="submit-form"' not in page
    assert 'data-event="reported"' in page

    again = client.post(submit_url(community_report), {"nothing_found": "on"})
    assert again.status_code == 409


def test_a_refused_report_shows_the_field_error(org, community_report, community_handler):
    client = logged_in(community_handler)
    response = client.post(submit_url(community_report), {})
    assert response.status_code == 400
    page = html(response)
    assert field_error(page, "nothing_found")
    assert 'id="submit-form"' in page

    dispute_register(
        actor=community_handler, draft=draft(org.d1_community), report=community_report
    )
    response = client.post(submit_url(community_report), {"nothing_found": "on"})
    assert response.status_code == 400
    assert "1" in field_error(html(response), "nothing_found")
    community_report.refresh_from_db()
    assert not community_report.is_submitted


def test_a_back_entry_date_before_the_round_is_refused_on_its_field(
    community_report, community_handler
):
    response = logged_in(community_handler).post(
        submit_url(community_report), {"nothing_found": "on", "date": "2026-11-21"}
    )
    assert response.status_code == 400
    assert field_error(html(response), "date")
    community_report.refresh_from_db()
    assert not community_report.is_submitted


def test_report_lists_its_disputes(org, community_report, community_handler):
    item = dispute_register(
        actor=community_handler, draft=draft(org.d1_community), report=community_report
    )
    page = html(logged_in(community_handler).get(report_url(community_report)))
    assert f'data-dispute="{item.number}"' in page and dispute_url(item) in page


def test_another_unit_may_not_submit(community_report, street_handler):
    response = logged_in(street_handler).post(submit_url(community_report), {"nothing_found": "on"})
    assert response.status_code == 403
    community_report.refresh_from_db()
    assert not community_report.is_submitted


def test_report_outside_the_area_is_404(
    org, special_round, community_report, community_handler, d2_street_handler, outsider
):
    street_report = special_round.reports.get(unit=org.d1_street)
    cases = [
        (community_handler, street_report),  # the street above the community
        (d2_street_handler, community_report),
        (outsider, community_report),
    ]
    for user, report in cases:
        client = logged_in(user)
        assert client.get(report_url(report)).status_code == 404
        assert client.post(submit_url(report), {"nothing_found": "on"}).status_code == 404
        assert client.get(NEW_DISPUTE, {"report": report.pk}).status_code == 404
    client = logged_in(community_handler)
    for bad in ("abc", "0", str(2**64)):
        assert client.get(NEW_DISPUTE, {"report": bad}).status_code == 404, bad
    assert not ScreeningReport.objects.filter(submitted_at__isnull=False).exists()


def test_report_list_marks_the_missing_ones(
    org, special_round, community_report, community_handler, d1_supervisor, time_machine
):
    screening_report_submit(actor=community_handler, report=community_report, nothing_found=True)
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, tzinfo=SHANGHAI), tick=False)
    client = logged_in(d1_supervisor)
    street = special_round.reports.get(unit=org.d1_street)
    assert set(listed(client.get(REPORTS), "data-report")) == {
        str(street.pk),
        str(community_report.pk),
    }
    assert listed(client.get(REPORTS, {"state": "missing"}), "data-report") == [str(street.pk)]
    assert listed(client.get(REPORTS, {"state": "nil"}), "data-report") == [
        str(community_report.pk)
    ]


def test_submit_is_post_only(community_report, community_handler):
    response = logged_in(community_handler).get(submit_url(community_report))
    assert response.status_code == 405


# --- the dispute ledger ---------------------------------------------------------------------


@pytest.fixture
def ledger(org, community_handler, street_handler):
    """The community's general dispute (open), its major one (overdue), and the street's own,
    resolved."""
    general = dispute_register(actor=community_handler, draft=draft(org.d1_community))
    major = dispute_register(
        actor=community_handler,
        draft=draft(
            org.d1_community,
            risk_level=RiskLevel.MAJOR,
            found_on=D(2026, 11, 1),
            due_on=D(2026, 11, 20),
            place="幸福路菜市场",
        ),
    )
    street = dispute_register(
        actor=street_handler, draft=draft(org.d1_street, found_on=D(2026, 10, 30))
    )
    dispute_resolve(
        actor=street_handler, item=street, method=ResolutionMethod.MEDIATION, outcome="已调解"
    )
    return {"general": general, "major": major, "street": street}


def test_dispute_list_and_its_filters(ledger, d1_supervisor):
    client = logged_in(d1_supervisor)
    names = {item.number: name for name, item in ledger.items()}

    def found(**query) -> set[str]:
        return {names[number] for number in listed(client.get(DISPUTES, query), "data-dispute")}

    page = html(client.get(DISPUTES))
    assert 'id="dispute-filters"' in page and 'id="dispute-export"' in page
    assert found() == {"general", "major", "street"}
    assert found(status="resolved") == {"street"}
    assert found(status="open") == {"general", "major"}
    assert found(risk_level="major") == {"major"}
    assert found(area="D1S1C1") == {"general", "major"}
    assert found(overdue="true") == {"major"}
    assert found(found_from="2026-11-01", found_to="2026-11-21") == {"major"}
    assert found(q="幸福路") == {"major"}


def test_dispute_list_marks_the_overdue(ledger, d1_supervisor):
    page = html(logged_in(d1_supervisor).get(DISPUTES))
    rows = dict(re.findall(r'<tr data-dispute="([^"]+)"([^>]*)>', page))
    assert "data-overdue" in rows[ledger["major"].number]
    assert "data-overdue" not in rows[ledger["general"].number]
    assert "data-overdue" not in rows[ledger["street"].number]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"risk_level": "extreme"},
        {"area": "NOPE"},
        {"area": "CY"},  # another city
        {"found_from": "not a date"},
        {"found_to": "2026-13-01"},
        {"round": "abc"},
        {"q": "x" * 200},
    ],
)
def test_bad_filter_values_do_not_break_the_list(ledger, d1_supervisor, query):
    client = logged_in(d1_supervisor)
    response = client.get(DISPUTES, query)
    assert response.status_code == 200
    assert 'id="dispute-filters"' in html(response)
    # The export of a filter it cannot read is the list again, with the filter bar.
    response = client.get(EXPORT, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_values_the_filters_ignore(ledger, d1_supervisor):
    client = logged_in(d1_supervisor)
    for query in ({"overdue": "maybe"}, {"page": "999"}, {"page": "x"}):
        assert len(listed(client.get(DISPUTES, query), "data-dispute")) == 3, query
    assert len(read_workbook(client.get(EXPORT, {"overdue": "maybe"}))) == 5


def test_htmx_gets_the_table_alone(ledger, d1_supervisor):
    response = logged_in(d1_supervisor).get(
        DISPUTES, {"risk_level": "major"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    fragment = html(response)
    assert "<html" not in fragment and 'id="dispute-filters"' not in fragment
    assert 'id="disputes"' in fragment
    assert re.findall(r'<tr data-dispute="([^"]+)"', fragment) == [ledger["major"].number]


def test_dispute_list_is_scoped(ledger, community_handler, d2_street_handler, outsider):
    numbers = listed(logged_in(community_handler).get(DISPUTES), "data-dispute")
    assert set(numbers) == {ledger["general"].number, ledger["major"].number}
    for user in (d2_street_handler, outsider):
        page = logged_in(user).get(DISPUTES)
        assert listed(page, "data-dispute") == []
        assert 'id="no-disputes"' in html(page)


# --- the export -----------------------------------------------------------------------------


def read_workbook(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_the_export_has_the_rows_and_masks_an_id_number(
    org, ledger, community_handler, d1_supervisor
):
    id_number = make_id_number()
    phone = "13945120367"
    secret = dispute_register(
        actor=community_handler,
        draft=draft(
            org.d1_community,
            summary=f"当事人身份证号{id_number}，电话{phone}，要求补偿。",
            measures=f"已电话联系{phone}。",
        ),
    )
    response = logged_in(d1_supervisor).get(EXPORT)
    expected_name = quote("矛盾纠纷排查化解台账-2026-11-22.xlsx")
    assert f"filename*=UTF-8''{expected_name}" in response["Content-Disposition"]
    rows = read_workbook(response)
    assert rows[0][0] == "矛盾纠纷排查化解台账（2026-11-22 12:00）"
    header = rows[1]
    assert len(header) == 17 and header[0] == "台账编号"
    body = {row[0]: row for row in rows[2:]}
    assert set(body) == {secret.number, *(item.number for item in ledger.values())}
    row = body[secret.number]
    assert row[1] == datetime.datetime(2026, 11, 22)  # a date cell
    assert row[2] == "东湖社区"
    assert row[4] == "孙佩华" and row[5] == "刘某"
    summary = row[7]
    assert id_number not in summary and phone not in summary
    assert id_number[:6] in summary and "********" in summary and "要求补偿" in summary
    assert phone not in row[11]
    everything = "".join(str(cell) for line in rows for cell in line if cell is not None)
    assert id_number not in everything and phone not in everything
    # The download is in the audit trail.
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_export_is_filtered_and_scoped(ledger, d1_supervisor, community_handler, outsider):
    rows = read_workbook(logged_in(d1_supervisor).get(EXPORT, {"status": "resolved"}))
    assert [row[0] for row in rows[2:]] == [ledger["street"].number]
    rows = read_workbook(logged_in(community_handler).get(EXPORT))
    assert {row[0] for row in rows[2:]} == {ledger["general"].number, ledger["major"].number}
    assert read_workbook(logged_in(outsider).get(EXPORT))[2:] == []


# --- registering a dispute ------------------------------------------------------------------


def dispute_form(org, **overrides) -> dict:
    return {
        "kind": "neighbours",
        "risk_level": "general",
        "applicants": "孙佩华、李某",
        "respondents": "刘某",
        "others": "",
        "place": "升平街3号楼",
        "summary": "楼道垃圾多日无人清运，两名保洁员发生矛盾。",
        "responsible_unit": org.d1_community.pk,
        "responsible_person": "社区主任",
        "measures": "",
        "found": "",
        "due": "2026-12-10",
        **overrides,
    }


def test_the_dispute_form_renders(community_handler):
    response = logged_in(community_handler).get(NEW_DISPUTE)
    assert response.status_code == 200
    page = html(response)
    assert 'id="dispute-form"' in page
    assert 'value="2026-11-22"' in page  # found today
    # Resolve by: 30 days, moved past the rest days (2026-12-22 is a Tuesday).
    assert 'value="2026-12-22"' in page
    assert 'name="report"' not in page


def test_registering_through_the_form(org, community_handler):
    response = logged_in(community_handler).post(NEW_DISPUTE, dispute_form(org))
    item = DisputeItem.objects.get()
    assert response.status_code == 302 and response["Location"] == dispute_url(item)
    assert item.number == "东湖社区纠〔2026〕1号"
    assert item.parties == [
        {"role": "applicant", "name": "孙佩华"},
        {"role": "applicant", "name": "李某"},
        {"role": "respondent", "name": "刘某"},
    ]
    assert (item.found_on, item.due_on) == (D(2026, 11, 22), D(2026, 12, 10))
    assert item.unit == org.d1_community and item.report is None


def test_registering_with_a_report_returns_to_it(org, community_report, community_handler):
    client = logged_in(community_handler)
    page = html(client.get(NEW_DISPUTE, {"report": community_report.pk}))
    assert f'name="report" value="{community_report.pk}"' in page
    data = dispute_form(org, report=community_report.pk)
    response = client.post(NEW_DISPUTE, data)
    assert response.status_code == 302 and response["Location"] == report_url(community_report)
    assert DisputeItem.objects.get().report == community_report


@pytest.mark.parametrize(
    "overrides, fields",
    [
        ({"applicants": ""}, ["applicants"]),
        ({"applicants": "、 ，", "respondents": ""}, ["applicants"]),  # no name at all
        ({"kind": "quarrel", "risk_level": "extreme"}, ["kind", "risk_level"]),
        ({"place": "", "summary": ""}, ["place", "summary"]),
        ({"responsible_person": ""}, ["responsible_person"]),
        ({"due": "soon"}, ["due"]),
        ({"due": "2026-11-21"}, ["due"]),  # before it was found (today)
        ({"found": "2026-11-20", "due": "2026-11-19"}, ["due"]),
        ({"found": "2026-11-23"}, ["found"]),  # after today
    ],
)
def test_bad_dispute_input_is_400_with_the_field_errors(org, community_handler, overrides, fields):
    response = logged_in(community_handler).post(NEW_DISPUTE, dispute_form(org, **overrides))
    assert response.status_code == 400
    page = html(response)
    for name in fields:
        assert field_error(page, name), name
    assert not DisputeItem.objects.exists()


def test_a_responsible_unit_out_of_reach_is_refused(org, community_handler):
    for unit in (org.d2_street, org.other_city_office):
        response = logged_in(community_handler).post(
            NEW_DISPUTE, dispute_form(org, responsible_unit=unit.pk)
        )
        assert response.status_code == 400
        assert field_error(html(response), "responsible_unit")
    assert not DisputeItem.objects.exists()


def test_a_supervisor_registers_no_dispute(org, d1_supervisor):
    response = logged_in(d1_supervisor).post(
        NEW_DISPUTE, dispute_form(org, responsible_unit=org.d1_street.pk)
    )
    assert response.status_code == 403
    assert not DisputeItem.objects.exists()


# --- a dispute and its steps ----------------------------------------------------------------


def test_the_dispute_page_offers_the_steps_to_its_unit(dispute, community_handler, street_handler):
    page = html(logged_in(community_handler).get(dispute_url(dispute)))
    assert dispute.number in page and 'data-state="open"' in page
    assert "孙佩华" in page and "升平街3号楼" in page
    for form in ("progress-form", "outcome-form", "convert-form"):
        assert f'id="{form}"' in page, form
    for step in ("progress", "resolve", "contain", "report_up", "convert"):
        assert step_url(dispute, step) in page, step
    assert 'data-event="registered"' in page
    # The street sees it, but works only its own disputes.
    page = html(logged_in(street_handler).get(dispute_url(dispute)))
    assert dispute.number in page and 'id="outcome-form"' not in page


def test_progress_through_the_form(dispute, community_handler):
    client = logged_in(community_handler)
    response = client.post(step_url(dispute, "progress"), {"measures": "已联系物业公司。"})
    assert response.status_code == 302 and response["Location"] == dispute_url(dispute)
    dispute.refresh_from_db()
    assert dispute.measures == "已联系物业公司。"
    response = client.post(step_url(dispute, "progress"), {"measures": ""})
    assert response.status_code == 400
    assert field_error(html(response), "measures")


def test_resolve_through_the_form(dispute, community_handler):
    client = logged_in(community_handler)
    response = client.post(
        step_url(dispute, "resolve"),
        {"outcome": "调解后重新聘请保洁员。", "method": "mediation", "date": ""},
    )
    assert response.status_code == 302 and response["Location"] == dispute_url(dispute)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED
    assert (dispute.method, dispute.ended_on) == ("mediation", D(2026, 11, 22))
    page = html(client.get(dispute_url(dispute)))
    assert 'data-state="resolved"' in page and 'id="dispute-outcome"' in page
    assert 'id="outcome-form"' not in page  # ended: no more steps


def test_resolving_needs_a_method_and_a_date_not_ahead(dispute, community_handler):
    client = logged_in(community_handler)
    response = client.post(step_url(dispute, "resolve"), {"outcome": "已化解", "method": ""})
    assert response.status_code == 400
    assert field_error(html(response), "method")
    response = client.post(
        step_url(dispute, "resolve"),
        {"outcome": "已化解", "method": "mediation", "date": "2026-11-23"},
    )
    assert response.status_code == 400
    assert field_error(html(response), "date")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


def test_contain_then_resolve_through_the_form(dispute, community_handler):
    client = logged_in(community_handler)
    response = client.post(step_url(dispute, "contain"), {"outcome": "双方同意暂缓。"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.CONTAINED and dispute.outcome == "双方同意暂缓。"
    page = html(client.get(dispute_url(dispute)))
    assert 'data-state="contained"' in page
    assert 'data-submit="contain"' not in page and 'data-submit="resolve"' in page
    response = client.post(
        step_url(dispute, "resolve"), {"outcome": "协商一致", "method": "negotiation"}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED


def test_report_up_through_the_form(org, dispute, community_handler):
    response = logged_in(community_handler).post(
        step_url(dispute, "report_up"), {"outcome": "涉及多个部门，社区无法化解。"}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REPORTED_UP and dispute.reported_to == org.d1_office


def test_convert_through_the_form(dispute, community_handler):
    client = logged_in(community_handler)
    page = html(client.get(dispute_url(dispute)))
    assert 'name="petitioner_name"' in page and 'value="孙佩华"' in page
    response = client.post(
        step_url(dispute, "convert"),
        {"category": DEFAULT_CATEGORY, "matter_kind": "complaint", "petitioner_name": "孙佩华"},
    )
    assert response.status_code == 302 and response["Location"] == dispute_url(dispute)
    dispute.refresh_from_db()
    petition = Petition.objects.get()
    assert dispute.status == DisputeStatus.CONVERTED and dispute.petition == petition
    page = html(client.get(dispute_url(dispute)))
    assert 'id="dispute-petition"' in page and petition.number in page


def test_a_bad_conversion_shows_its_errors(dispute, community_handler):
    response = logged_in(community_handler).post(
        step_url(dispute, "convert"), {"category": "9999", "petitioner_name": ""}
    )
    assert response.status_code == 400
    page = html(response)
    assert field_error(page, "category") and field_error(page, "petitioner_name")
    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("progress", {"measures": "再次走访。"}),
        ("contain", {"outcome": "暂缓"}),
        ("resolve", {"outcome": "再次调解", "method": "mediation"}),
        ("report_up", {"outcome": "上报"}),
        (
            "convert",
            {"category": DEFAULT_CATEGORY, "matter_kind": "complaint", "petitioner_name": "孙佩华"},
        ),
    ],
)
def test_steps_refused(
    dispute, community_handler, street_handler, d2_street_handler, outsider, step, data
):
    # Another unit's handler who sees it: 403; outside the area: 404.
    assert logged_in(street_handler).post(step_url(dispute, step), data).status_code == 403
    for user in (d2_street_handler, outsider):
        assert logged_in(user).post(step_url(dispute, step), data).status_code == 404
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN and dispute.measures == ""
    # An ended dispute: 409 with the reason.
    dispute_resolve(
        actor=community_handler, item=dispute, method=ResolutionMethod.MEDIATION, outcome="已化解"
    )
    response = logged_in(community_handler).post(step_url(dispute, step), data)
    assert response.status_code == 409
    assert dispute.number in html(response)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED
    assert not Petition.objects.exists()


def test_an_unknown_step_is_refused(dispute, community_handler):
    response = logged_in(community_handler).post(step_url(dispute, "explode"), {})
    assert response.status_code == 403
    assert logged_in(community_handler).get(step_url(dispute, "resolve")).status_code == 405


def test_dispute_outside_the_area_is_404(dispute, d2_street_handler, outsider):
    for user in (d2_street_handler, outsider):
        assert logged_in(user).get(dispute_url(dispute)).status_code == 404
    assert logged_in(outsider).get(f"{DISPUTES}999999/").status_code == 404


def test_a_supervisor_of_the_area_records_the_outcome(dispute, d1_supervisor):
    client = logged_in(d1_supervisor)
    assert 'id="outcome-form"' in html(client.get(dispute_url(dispute)))
    response = client.post(
        step_url(dispute, "resolve"), {"outcome": "已处理", "method": "administrative"}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED


# --- the auditor ----------------------------------------------------------------------------


def test_the_auditor_is_kept_out(org, special_round, community_report, dispute):
    auditor = UserFactory(username="auditor", org_unit=org.city, roles=["auditor"])
    client = logged_in(auditor)
    for url in (
        ROUNDS,
        OPEN_ROUND,
        round_url(special_round),
        REPORTS,
        report_url(community_report),
        DISPUTES,
        EXPORT,
        NEW_DISPUTE,
        dispute_url(dispute),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(step_url(dispute, "contain"), {"outcome": "x"}).status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


# --- bounded queries ------------------------------------------------------------------------


def _queries(client, url: str, attribute: str, rows: int, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert len(listed(response, attribute)) == rows
    return len(captured)


def test_the_round_list_queries_do_not_grow_with_the_rows(org, d1_supervisor, community_handler):
    def open_rounds(count: int) -> None:
        for n in range(count):
            round_ = screening_round_open(
                actor=d1_supervisor,
                title=f"专项排查{n}",
                due_on=D(2026, 12, 1),
                units=[org.d1_street, org.d1_community],
            )
            screening_report_submit(
                actor=community_handler,
                report=round_.reports.get(unit=org.d1_community),
                nothing_found=True,
            )

    supervisor, community = logged_in(d1_supervisor), logged_in(community_handler)
    open_rounds(3)
    few = _queries(supervisor, ROUNDS, "data-round", 3)
    few_owing = _queries(community, ROUNDS, "data-round", 3)
    open_rounds(27)
    assert _queries(supervisor, ROUNDS, "data-round", 30) == few
    # The community's list also shows what it owes (the street's reports are not its own).
    assert _queries(community, ROUNDS, "data-round", 30) == few_owing


def test_the_report_list_queries_do_not_grow_with_the_rows(org, d1_supervisor, community_handler):
    def open_rounds(count: int) -> None:
        for n in range(count):
            round_ = screening_round_open(
                actor=d1_supervisor,
                title=f"专项排查{n}",
                due_on=D(2026, 12, 1),
                units=[org.d1_community],
            )
            screening_report_submit(
                actor=community_handler, report=round_.reports.get(), nothing_found=True
            )

    client = logged_in(d1_supervisor)
    open_rounds(3)
    few = _queries(client, REPORTS, "data-report", 3)
    open_rounds(27)
    assert _queries(client, REPORTS, "data-report", 30) == few


def test_the_dispute_list_queries_do_not_grow_with_the_rows(org, d1_supervisor, community_handler):
    def register(count: int) -> None:
        for n in range(count):
            item = dispute_register(
                actor=community_handler,
                draft=draft(org.d1_community, found_on=D(2026, 11, 1), due_on=D(2026, 11, 20)),
            )
            if n % 2:
                dispute_contain(actor=community_handler, item=item, outcome="暂缓")

    client = logged_in(d1_supervisor)
    register(3)
    few = _queries(client, DISPUTES, "data-dispute", 3)
    few_htmx = _queries(client, DISPUTES, "data-dispute", 3, HTTP_HX_REQUEST="true")
    register(27)
    assert _queries(client, DISPUTES, "data-dispute", 30) == few
    assert _queries(client, DISPUTES, "data-dispute", 30, HTTP_HX_REQUEST="true") == few_htmx
