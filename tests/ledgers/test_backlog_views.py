"""Backlog ledger pages (time frozen on 2026-11-22): the ledger with its filters (htmx: the table
alone) and its .xlsx export (read back, free text masked), the candidates with the supervisor's
"put on the ledger", the assignment sheet form with its errors on its fields, an entry with
its steps offered to whom may take them, the printable 交办单 and its .docx; 404 outside the
scope, 403 for the wrong role, the auditor kept out, the menu, and list pages whose queries do
not grow with the rows."""

from __future__ import annotations

import datetime
import io
import re
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from cases.models import Case
from dashboards.services import rollup_refresh
from ledgers.backlog.services import backlog_end, backlog_progress
from ledgers.models import BacklogEntry, BacklogProgress, BacklogStatus
from tests.factories import UserFactory, make_id_number

from .backlog_fixtures import D, d1_leader, group_case, new_case, old_case, place

pytestmark = pytest.mark.usefixtures("frozen_now")

__all__ = ["d1_leader"]  # a fixture, used by name

LEDGER = "/ledgers/backlog/"
EXPORT = "/ledgers/backlog/export/"
CANDIDATES = "/ledgers/backlog/candidates/"
PLACE = "/ledgers/backlog/new/"


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


def detail_url(entry) -> str:
    return reverse("ledgers:backlog_detail", args=[entry.pk])


def step_url(entry, step: str) -> str:
    return reverse("ledgers:backlog_step", args=[entry.pk, step])


@pytest.fixture
def case(handler1):
    return old_case(handler1)


@pytest.fixture
def entry(org, case, d1_supervisor, d1_leader):
    return place(d1_supervisor, case, org.d1_street, sponsoring_leader=d1_leader)


def test_urls(entry):
    assert reverse("ledgers:backlog_list") == LEDGER
    assert reverse("ledgers:backlog_export") == EXPORT
    assert reverse("ledgers:backlog_candidates") == CANDIDATES
    assert reverse("ledgers:backlog_place") == PLACE
    assert detail_url(entry) == f"{LEDGER}{entry.pk}/"
    assert step_url(entry, "outcome") == f"{LEDGER}{entry.pk}/outcome/"
    assert reverse("ledgers:backlog_sheet", args=[entry.pk]) == f"{LEDGER}{entry.pk}/sheet/"


def test_login_required(entry):
    for url in (LEDGER, EXPORT, CANDIDATES, PLACE, detail_url(entry)):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_the_menu_has_the_backlog_ledger(handler1):
    page = html(logged_in(handler1).get(LEDGER))
    assert f'href="{LEDGER}" id="nav-backlog"' in page
    assert f'href="{CANDIDATES}" id="nav-backlog-candidates"' in page


# --- the candidates and the sheet -------------------------------------------------------------


def test_the_candidates_are_the_backlog_cases_not_on_the_ledger(
    org, handler1, handler2, d1_supervisor, d1_leader
):
    on_it = old_case(handler1)
    waiting = old_case(handler1)
    group = group_case(handler1)
    new_case(handler1)  # not a backlog case
    old_case(handler2)  # another district's
    place(d1_supervisor, on_it, org.d1_street)
    rollup_refresh()
    response = logged_in(d1_supervisor).get(CANDIDATES)
    assert listed(response, "data-case") == [waiting.number, group.number]
    page = html(response)
    assert f'data-place="{waiting.number}"' in page
    assert f"{PLACE}?case={waiting.number}" in page
    assert re.search(rf'<tr data-case="{group.number}">.*?data-group', page, re.S)
    # A handler sees them but puts nothing on the ledger.
    response = logged_in(handler1).get(CANDIDATES)
    assert listed(response, "data-case") == [waiting.number, group.number]
    assert "data-place=" not in html(response)


def test_the_sheet_form_names_the_case(case, d1_supervisor, d1_leader):
    response = logged_in(d1_supervisor).get(PLACE, {"case": case.number})
    assert response.status_code == 200
    page = html(response)
    assert 'id="place-form"' in page and 'id="place-case"' in page
    assert f'value="{case.number}"' in page
    assert 'value="2027-02-22"' in page  # three months: the default time limit
    assert "d1_leader" in page  # the leaders to choose from


def test_a_case_outside_the_area_is_404_on_the_form(handler2, d1_supervisor):
    theirs = old_case(handler2)
    assert logged_in(d1_supervisor).get(PLACE, {"case": theirs.number}).status_code == 404
    assert logged_in(d1_supervisor).get(PLACE, {"case": "NOPE"}).status_code == 404


def test_putting_on_through_the_form(org, case, d1_supervisor, d1_leader):
    response = logged_in(d1_supervisor).post(
        PLACE,
        {
            "case": case.number,
            "lead_unit": org.d1_street.pk,
            "sponsoring_leader": "d1_leader",
            "responsible_persons": "街道办主任",
            "plan": "逐户走访。",
            "due": "2027-02-22",
            "reason": "",
            "date": "",
        },
    )
    entry = BacklogEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(entry)
    assert entry.sponsoring_leader == d1_leader and entry.lead_unit == org.d1_street


def test_the_sheets_errors_are_on_their_fields(org, handler1, d1_supervisor):
    fresh = new_case(handler1)
    response = logged_in(d1_supervisor).post(
        PLACE,
        {
            "case": fresh.number,
            "lead_unit": org.d1_street.pk,
            "responsible_persons": "街道办主任",
            "plan": "逐户走访。",
            "due": "2026-11-22",
        },
    )
    assert response.status_code == 400
    page = html(response)
    assert field_error(page, "reason") and fresh.number in field_error(page, "reason")
    assert field_error(page, "due")
    response = logged_in(d1_supervisor).post(PLACE, {"case": "NOPE", "due": "x"})
    assert response.status_code == 400
    page = html(response)
    for name in ("case", "lead_unit", "responsible_persons", "plan", "due"):
        assert field_error(page, name), name
    assert not BacklogEntry.objects.exists()


def test_a_group_case_without_a_sponsor_is_refused_on_its_field(org, handler1, d1_supervisor):
    group = group_case(handler1)
    response = logged_in(d1_supervisor).post(
        PLACE,
        {
            "case": group.number,
            "lead_unit": org.d1_street.pk,
            "responsible_persons": "街道办主任",
            "plan": "逐户走访。",
            "due": "2027-02-22",
        },
    )
    assert response.status_code == 400
    assert "包案领导" in field_error(html(response), "sponsoring_leader")


def test_a_case_on_the_ledger_is_a_conflict_on_the_form(org, entry, case, d1_supervisor):
    response = logged_in(d1_supervisor).post(
        PLACE,
        {
            "case": case.number,
            "lead_unit": org.d1_office.pk,
            "responsible_persons": "x",
            "plan": "x",
            "due": "2027-02-22",
        },
    )
    assert response.status_code == 409
    assert entry.number in html(response)


def test_only_supervisors_get_the_form(handler1, street_handler, d1_leader):
    for user in (handler1, street_handler, d1_leader):
        assert logged_in(user).get(PLACE).status_code == 403
        assert logged_in(user).post(PLACE, {}).status_code == 403


# --- the ledger -----------------------------------------------------------------------------


@pytest.fixture
def ledger(org, handler1, d1_supervisor, d1_leader, street_handler):
    """`street`: open, sponsored; `late`: put on 1 September, due 1 November (overdue), a group
    case sponsored; `done`: resolved on the 20th."""
    street = place(d1_supervisor, old_case(handler1), org.d1_street, sponsoring_leader=d1_leader)
    late = place(
        d1_supervisor,
        group_case(handler1),
        org.d1_street,
        sponsoring_leader=d1_leader,
        on=D(2026, 9, 1),
        due_on=D(2026, 11, 1),
    )
    done = place(d1_supervisor, old_case(handler1, summary="反映宅基地纠纷"), org.d1_office)
    backlog_end(actor=d1_supervisor, entry=done, outcome="resolved", note="已化解")
    return {"street": street, "late": late, "done": done}


def test_the_ledger_and_its_filters(ledger, d1_supervisor):
    client = logged_in(d1_supervisor)
    names = {entry.number: name for name, entry in ledger.items()}

    def found(**query) -> set[str]:
        return {names[number] for number in listed(client.get(LEDGER, query), "data-entry")}

    page = html(client.get(LEDGER))
    assert 'id="backlog-filters"' in page and 'id="backlog-export"' in page
    assert found() == {"street", "late", "done"}
    assert found(status="open") == {"street", "late"}
    assert found(status="resolved") == {"done"}
    assert found(area="D1S1") == {"street", "late"}
    assert found(overdue="true") == {"late"}
    assert found(group="true") == {"late"}
    assert found(sponsored="false") == {"done"}
    assert found(sponsor="d1_leader") == {"street", "late"}
    assert found(placed_from="2026-11-01") == {"street", "done"}
    assert found(q="宅基地") == {"done"}


def test_the_ledger_marks_the_overdue_and_the_group_cases(ledger, d1_supervisor):
    page = html(logged_in(d1_supervisor).get(LEDGER))
    rows = dict(re.findall(r'<tr data-entry="([^"]+)"([^>]*)>', page))
    assert "data-overdue" in rows[ledger["late"].number]
    assert "data-overdue" not in rows[ledger["street"].number]
    assert "data-overdue" not in rows[ledger["done"].number]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"area": "NOPE"},
        {"area": "CY"},
        {"sponsor": "nobody"},
        {"placed_from": "not a date"},
        {"q": "x" * 200},
    ],
)
def test_bad_filter_values_do_not_break_the_list(ledger, d1_supervisor, query):
    client = logged_in(d1_supervisor)
    response = client.get(LEDGER, query)
    assert response.status_code == 200
    assert 'id="backlog-filters"' in html(response)
    # The export of a filter it cannot read is the list again, with the filter bar.
    response = client.get(EXPORT, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_htmx_gets_the_table_alone(ledger, d1_supervisor):
    response = logged_in(d1_supervisor).get(LEDGER, {"overdue": "true"}, HTTP_HX_REQUEST="true")
    fragment = html(response)
    assert "<html" not in fragment and 'id="backlog-filters"' not in fragment
    assert re.findall(r'<tr data-entry="([^"]+)"', fragment) == [ledger["late"].number]


def test_the_ledger_is_scoped(ledger, street_handler, d1_leader, handler2, outsider):
    assert set(listed(logged_in(street_handler).get(LEDGER), "data-entry")) == {
        ledger["street"].number,
        ledger["late"].number,
    }
    assert len(listed(logged_in(d1_leader).get(LEDGER), "data-entry")) == 3
    for user in (handler2, outsider):
        response = logged_in(user).get(LEDGER)
        assert listed(response, "data-entry") == []
        assert 'id="no-entries"' in html(response)


def read_workbook(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_the_export_has_the_rows_and_masks_an_id_number(org, ledger, handler1, d1_supervisor):
    id_number, phone = make_id_number(), "13945120367"
    secret = place(
        d1_supervisor,
        old_case(handler1),
        org.d1_street,
        plan=f"联系信访人（身份证号{id_number}，电话{phone}）核实诉求。",
    )
    response = logged_in(d1_supervisor).get(EXPORT)
    assert (
        f"filename*=UTF-8''{quote('积案台账-2026-11-22.xlsx')}" in response["Content-Disposition"]
    )
    rows = read_workbook(response)
    assert rows[0][0] == "积案台账（2026-11-22 12:00）"
    assert len(rows[1]) == 18 and rows[1][0] == "交办单编号"
    body = {row[0]: row for row in rows[2:]}
    assert set(body) == {secret.number, *(entry.number for entry in ledger.values())}
    row = body[secret.number]
    assert row[1] == secret.case.number and row[5] == datetime.datetime(2026, 11, 22)
    assert row[8] == "东湖街道" and row[15] == "化解中"
    assert id_number not in row[11] and phone not in row[11] and "核实诉求" in row[11]
    assert body[ledger["late"].number][4] == "是"  # a group case
    everything = "".join(str(cell) for line in rows for cell in line if cell is not None)
    assert id_number not in everything and phone not in everything
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_export_is_filtered_and_scoped(ledger, d1_supervisor, outsider):
    rows = read_workbook(logged_in(d1_supervisor).get(EXPORT, {"status": "resolved"}))
    assert [row[0] for row in rows[2:]] == [ledger["done"].number]
    assert read_workbook(logged_in(outsider).get(EXPORT))[2:] == []


# --- an entry -------------------------------------------------------------------------------


def test_the_entry_page_shows_the_sheet_and_offers_each_their_steps(
    entry, d1_supervisor, street_handler, handler1, d1_leader
):
    page = html(logged_in(d1_supervisor).get(detail_url(entry)))
    assert entry.number in page and 'id="entry-lead-unit"' in page
    assert 'id="extend-form"' in page and 'id="outcome-form"' in page
    assert 'id="progress-form"' not in page and 'id="sponsor-form"' not in page
    page = html(logged_in(street_handler).get(detail_url(entry)))
    assert 'id="progress-form"' in page and 'id="outcome-form"' not in page
    # The street does not see the case itself: its number without a link.
    assert f'href="/cases/{entry.case.number}/"' not in page
    page = html(logged_in(d1_leader).get(detail_url(entry)))
    assert 'id="progress-form"' in page
    page = html(logged_in(handler1).get(detail_url(entry)))
    assert f'href="/cases/{entry.case.number}/"' in page
    assert "-form" not in "".join(re.findall(r'id="[a-z]+-form"', page))


def test_progress_through_the_form(entry, street_handler):
    client = logged_in(street_handler)
    response = client.post(step_url(entry, "progress"), {"text": "已入户走访。", "date": ""})
    assert response.status_code == 302 and response["Location"] == detail_url(entry)
    page = html(client.get(detail_url(entry)))
    assert "已入户走访。" in page and 'data-event="progress"' in page
    response = client.post(step_url(entry, "progress"), {"text": "x", "date": "2026-11-23"})
    assert response.status_code == 400 and field_error(html(response), "date")
    assert BacklogProgress.objects.count() == 1


def test_the_sponsor_through_the_form(org, case, d1_supervisor, d1_leader):
    entry = place(d1_supervisor, case, org.d1_street)
    client = logged_in(d1_supervisor)
    assert 'id="sponsor-form"' in html(client.get(detail_url(entry)))
    response = client.post(step_url(entry, "sponsor"), {"sponsoring_leader": ""})
    assert response.status_code == 400 and field_error(html(response), "sponsoring_leader")
    response = client.post(step_url(entry, "sponsor"), {"sponsoring_leader": "d1_leader"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.sponsoring_leader == d1_leader
    assert 'id="sponsor-form"' not in html(client.get(detail_url(entry)))


def test_extend_then_record_the_outcome_through_the_forms(entry, d1_supervisor):
    client = logged_in(d1_supervisor)
    response = client.post(step_url(entry, "extend"), {"due": "2027-02-01", "reason": "x"})
    assert response.status_code == 400 and field_error(html(response), "due")
    response = client.post(step_url(entry, "extend"), {"due": "2027-03-31", "reason": "待批复"})
    assert response.status_code == 302
    page = html(client.get(detail_url(entry)))
    assert 'id="entry-extension"' in page and 'id="extend-form"' not in page
    response = client.post(step_url(entry, "outcome"), {"outcome": "terminated", "note": "x"})
    assert response.status_code == 400 and field_error(html(response), "outcome")
    response = client.post(step_url(entry, "outcome"), {"outcome": "stopped", "note": "已息访"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == BacklogStatus.STOPPED
    page = html(client.get(detail_url(entry)))
    assert 'data-state="stopped"' in page and 'id="outcome-form"' not in page


def test_steps_refused(entry, handler1, street_handler, handler2, outsider, d1_supervisor):
    data = {"outcome": "resolved", "note": "x"}
    assert logged_in(street_handler).post(step_url(entry, "outcome"), data).status_code == 403
    assert logged_in(handler1).post(step_url(entry, "progress"), {"text": "x"}).status_code == 403
    for user in (handler2, outsider):
        assert logged_in(user).post(step_url(entry, "outcome"), data).status_code == 404
    backlog_end(actor=d1_supervisor, entry=entry, outcome="resolved", note="已化解")
    response = logged_in(street_handler).post(step_url(entry, "progress"), {"text": "x"})
    assert response.status_code == 409 and entry.number in html(response)
    assert logged_in(street_handler).post(step_url(entry, "explode"), {}).status_code == 403
    assert logged_in(street_handler).get(step_url(entry, "progress")).status_code == 405


def test_an_entry_outside_the_scope_is_404(entry, handler2, outsider):
    for user in (handler2, outsider):
        assert logged_in(user).get(detail_url(entry)).status_code == 404
        sheet = reverse("ledgers:backlog_sheet", args=[entry.pk])
        assert logged_in(user).get(sheet).status_code == 404
    assert logged_in(outsider).get(f"{LEDGER}999999/").status_code == 404


def test_art_30_the_accused_lead_unit_loses_the_entry(entry, org, street_handler):
    Case.objects.filter(pk=entry.case_id).update(
        matter_kind="accusation", accused_unit=org.d1_street
    )
    assert logged_in(street_handler).get(detail_url(entry)).status_code == 404
    assert listed(logged_in(street_handler).get(LEDGER), "data-entry") == []


def test_the_printable_sheet_and_its_docx(entry, street_handler, d1_supervisor):
    backlog_progress(actor=street_handler, entry=entry, text="走访")
    client = logged_in(street_handler)
    page = html(client.get(reverse("ledgers:backlog_sheet", args=[entry.pk])))
    assert "信访积案化解交办单" in page and entry.number in page
    assert "定领导" in page and "东湖区人民政府" in page and "2027年2月22日" in page
    response = client.get(reverse("ledgers:backlog_sheet_docx", args=[entry.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_the_auditor_is_kept_out(org, entry):
    auditor = UserFactory(username="auditor", org_unit=org.city, roles=["auditor"])
    client = logged_in(auditor)
    for url in (LEDGER, EXPORT, CANDIDATES, PLACE, detail_url(entry)):
        assert client.get(url).status_code == 403, url
    assert client.post(step_url(entry, "progress"), {"text": "x"}).status_code == 403


# --- bounded queries ------------------------------------------------------------------------


def _queries(client, url: str, attribute: str, rows: int, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert len(listed(response, attribute)) == rows
    return len(captured)


def test_the_ledger_queries_do_not_grow_with_the_rows(org, handler1, d1_supervisor, d1_leader):
    def put_on(count: int) -> None:
        for n in range(count):
            entry = place(
                d1_supervisor,
                old_case(handler1),
                org.d1_street,
                sponsoring_leader=d1_leader if n % 2 else None,
            )
            if n % 3 == 2:
                backlog_end(actor=d1_supervisor, entry=entry, outcome="resolved", note="已化解")

    client = logged_in(d1_supervisor)
    put_on(3)
    few = _queries(client, LEDGER, "data-entry", 3)
    few_htmx = _queries(client, LEDGER, "data-entry", 3, HTTP_HX_REQUEST="true")
    put_on(27)
    assert _queries(client, LEDGER, "data-entry", 30) == few
    assert _queries(client, LEDGER, "data-entry", 30, HTTP_HX_REQUEST="true") == few_htmx


def test_the_candidate_queries_do_not_grow_with_the_rows(handler1, d1_supervisor):
    client = logged_in(d1_supervisor)
    for _ in range(3):
        old_case(handler1)
    rollup_refresh()
    few = _queries(client, CANDIDATES, "data-case", 3)
    for _ in range(12):
        old_case(handler1)
    group_case(handler1)
    rollup_refresh()
    assert _queries(client, CANDIDATES, "data-case", 16) == few
