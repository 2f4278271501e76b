"""API contract of the backlog ledger, /api/v1/backlog-entries/ (time frozen on 2026-11-22):
the output, what each caller sees (404 and no rows outside their scope, Art. 30), bad input
as 400 on its field, 403 for the wrong role or unit, 409 for what the entry's state refuses,
the ledger's filters, and list queries that do not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases.models import Case, CaseStatus
from ledgers.backlog.services import backlog_end, backlog_extend, backlog_progress
from ledgers.models import BacklogEntry, BacklogProgress, BacklogStatus, LedgerEvent
from tests.conftest import _user
from tests.factories import UserFactory, token_client

from .backlog_fixtures import D, d1_leader, group_case, new_case, old_case, place

pytestmark = pytest.mark.usefixtures("frozen_now")

__all__ = ["d1_leader"]  # a fixture, used by name

ENTRIES = "/api/v1/backlog-entries/"


def api(user):
    return token_client(user)


def step_url(entry, step: str) -> str:
    return f"{ENTRIES}{entry.pk}/{step}/"


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


@pytest.fixture
def case(handler1):
    return old_case(handler1)


@pytest.fixture
def entry(org, case, d1_supervisor, d1_leader):
    return place(d1_supervisor, case, org.d1_street, sponsoring_leader=d1_leader)


def payload(case, **overrides) -> dict:
    return {
        "case": case.number if case is not None else "",
        "lead_unit": "D1S1",
        "sponsoring_leader": "d1_leader",
        "responsible_persons": "街道办主任、信访办主任",
        "plan": "逐户走访，核实诉求，依法依规解决合理诉求。",
        "due": "2027-02-22",
        **overrides,
    }


# --- putting a case on the ledger -----------------------------------------------------------


def test_a_supervisor_puts_a_case_on_the_ledger(case, d1_supervisor, d1_leader):
    response = api(d1_supervisor).post(ENTRIES, payload(case), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    entry = BacklogEntry.objects.get()
    assert data["id"] == entry.pk and data["number"] == "东湖区积〔2026〕1号"
    assert data["case"] == case.number and data["case_summary"] == case.summary
    assert data["case_status"] == "registered" and data["group"] is False
    assert data["placing_unit"] == "D1" and data["placed_by"] == "d1_supervisor"
    assert data["placed_on"] == "2026-11-22" and data["candidate"] is True
    assert data["lead_unit"] == "D1S1" and data["lead_unit_name"] == "东湖街道"
    assert data["sponsoring_leader"] == "d1_leader"
    assert data["sponsoring_leader_name"] == d1_leader.display_name
    assert data["due"] == data["original_due"] == "2027-02-22"
    assert data["extended_on"] is None and data["status"] == "open"
    assert data["overdue"] is False and data["ended_on"] is None
    assert data["progress"] == [] and data["last_progress_on"] is None


def test_without_a_sponsor_and_with_a_paper_sheets_day(handler1, d1_supervisor):
    fresh = new_case(handler1)
    body = payload(fresh, reason="多次越级上访。", date="2026-11-20", due="2026-11-21")
    del body["sponsoring_leader"]
    response = api(d1_supervisor).post(ENTRIES, body, format="json")
    assert response.status_code == 400 and "date" in response.json()  # before it was received
    body["date"] = None
    body["due"] = "2026-12-22"
    response = api(d1_supervisor).post(ENTRIES, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["sponsoring_leader"] is None and data["sponsoring_leader_name"] == ""
    assert data["candidate"] is False and data["reason"] == "多次越级上访。"


def test_only_supervisors_put_cases_on(case, handler1, street_handler, d1_leader):
    for user in (handler1, street_handler, d1_leader):
        response = api(user).post(ENTRIES, payload(case), format="json")
        assert response.status_code == 403, (user, response.content)
        assert "detail" in response.json()
    assert not BacklogEntry.objects.exists()


def test_a_case_on_the_ledger_is_a_conflict(entry, case, d1_supervisor):
    response = api(d1_supervisor).post(ENTRIES, payload(case), format="json")
    assert response.status_code == 409
    assert entry.number in response.json()["detail"]
    assert BacklogEntry.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"case": ""}, "case"),
        ({"case": "NO-SUCH-CASE"}, "case"),
        ({"case": ["x"]}, "case"),
        ({"case": "x" * 41}, "case"),
        ({"case": "a\x00b"}, "case"),
        ({"lead_unit": "NOPE"}, "lead_unit"),
        ({"lead_unit": "D2S1"}, "lead_unit"),  # another district
        ({"lead_unit": "CYXFJ"}, "lead_unit"),  # another city
        ({"lead_unit": None}, "lead_unit"),
        ({"lead_unit": "D1S1\x00"}, "lead_unit"),
        ({"sponsoring_leader": "street_handler"}, "sponsoring_leader"),  # no leader
        ({"sponsoring_leader": "d2_leader"}, "sponsoring_leader"),  # another district
        ({"sponsoring_leader": "nobody"}, "sponsoring_leader"),
        ({"sponsoring_leader": 7}, "sponsoring_leader"),
        ({"responsible_persons": ""}, "responsible_persons"),
        ({"responsible_persons": "   "}, "responsible_persons"),
        ({"responsible_persons": "长" * 201}, "responsible_persons"),
        ({"plan": ""}, "plan"),
        ({"plan": {"a": 1}}, "plan"),
        ({"due": "2026-11-22"}, "due"),  # not after today
        ({"due": "tomorrow"}, "due"),
        ({"due": 20270222}, "due"),
        ({"date": "2026-11-23"}, "date"),  # after today
        ({"date": "yesterday"}, "date"),
        ({"reason": ["a"]}, "reason"),
    ],
)
def test_bad_input_is_400_on_the_field_and_writes_nothing(
    case, d1_supervisor, d1_leader, street_handler, d2_leader, overrides, field
):
    before = LedgerEvent.objects.count()
    response = api(d1_supervisor).post(ENTRIES, {**payload(case), **overrides}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not BacklogEntry.objects.exists()
    assert LedgerEvent.objects.count() == before


def test_missing_fields_are_named(d1_supervisor):
    response = api(d1_supervisor).post(ENTRIES, {}, format="json")
    assert response.status_code == 400
    assert {"case", "lead_unit", "responsible_persons", "plan", "due"} <= set(response.json())


def test_the_rules_refusals_are_on_their_fields(handler1, d1_supervisor, d1_leader):
    group = group_case(handler1)
    body = payload(group)
    del body["sponsoring_leader"]
    response = api(d1_supervisor).post(ENTRIES, body, format="json")
    assert response.status_code == 400 and set(response.json()) == {"sponsoring_leader"}
    fresh = new_case(handler1)
    response = api(d1_supervisor).post(ENTRIES, payload(fresh), format="json")
    assert response.status_code == 400 and set(response.json()) == {"reason"}, response.json()


def test_a_case_outside_the_supervisors_area_is_no_such_case(org, handler2, d1_supervisor):
    theirs = old_case(handler2)
    response = api(d1_supervisor).post(ENTRIES, payload(theirs), format="json")
    assert response.status_code == 400 and "case" in response.json()


# --- who sees what ---------------------------------------------------------------------------


def test_the_entry_is_seen_by_the_case_the_lead_unit_and_the_sponsor(
    entry,
    d1_supervisor,
    city_supervisor,
    handler1,
    street_handler,
    d1_leader,
    handler2,
    d2_street_handler,
    outsider,
):
    for user in (d1_supervisor, city_supervisor, handler1, street_handler, d1_leader):
        assert numbers(api(user).get(ENTRIES)) == [entry.number], user
        assert api(user).get(f"{ENTRIES}{entry.pk}/").status_code == 200, user
    for user in (handler2, d2_street_handler, outsider):
        assert api(user).get(ENTRIES).json()["count"] == 0, user
        assert api(user).get(f"{ENTRIES}{entry.pk}/").status_code == 404, user
    client = api(d1_supervisor)
    for bad in ("999999", "abc", str(2**64), "0", "-1"):
        assert client.get(f"{ENTRIES}{bad}/").status_code == 404, bad


def test_a_sponsor_from_above_sees_the_entry(org, case, d1_supervisor, city_leader, d2_leader):
    entry = place(d1_supervisor, case, org.d1_street, sponsoring_leader=city_leader)
    assert numbers(api(city_leader).get(ENTRIES)) == [entry.number]
    assert api(d2_leader).get(f"{ENTRIES}{entry.pk}/").status_code == 404


def test_art_30_an_accusation_against_the_lead_unit_hides_the_entry_from_it(
    entry, org, street_handler, d1_supervisor
):
    Case.objects.filter(pk=entry.case_id).update(
        matter_kind="accusation", accused_unit=org.d1_street
    )
    client = api(street_handler)
    assert client.get(ENTRIES).json()["count"] == 0
    assert client.get(f"{ENTRIES}{entry.pk}/").status_code == 404
    response = client.post(step_url(entry, "progress"), {"text": "x"}, format="json")
    assert response.status_code == 404
    assert numbers(api(d1_supervisor).get(ENTRIES)) == [entry.number]


def test_anonymous_and_the_auditor_are_refused(entry, org, case):
    for url in (ENTRIES, f"{ENTRIES}{entry.pk}/"):
        assert APIClient().get(url).status_code in (401, 403), url
    auditor = UserFactory(username="auditor", org_unit=org.city, roles=["auditor"])
    client = api(auditor)
    for url in (ENTRIES, f"{ENTRIES}{entry.pk}/"):
        assert client.get(url).status_code == 403, url
    assert client.post(ENTRIES, payload(case), format="json").status_code == 403


# --- the steps ------------------------------------------------------------------------------


def test_progress_extension_and_outcome(entry, street_handler, d1_supervisor):
    response = api(street_handler).post(
        step_url(entry, "progress"),
        {"text": "已入户走访12户。", "date": "2026-11-22"},
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["progress"] == [
        {
            "date": "2026-11-22",
            "text": "已入户走访12户。",
            "unit": "D1S1",
            "reported_by": "street_handler",
        }
    ]
    assert data["last_progress_on"] == "2026-11-22"

    client = api(d1_supervisor)
    response = client.post(
        step_url(entry, "extend"), {"due": "2027-03-31", "reason": "待政策明确。"}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["due"], data["original_due"], data["extended_on"]) == (
        "2027-03-31",
        "2027-02-22",
        "2026-11-22",
    )
    assert data["extension_reason"] == "待政策明确。"
    response = client.post(
        step_url(entry, "extend"), {"due": "2027-04-30", "reason": "再延"}, format="json"
    )
    assert response.status_code == 409

    response = client.post(
        step_url(entry, "outcome"),
        {"outcome": "resolved", "note": "诉求已解决，签订息访协议。", "date": "2026-11-21"},
        format="json",
    )
    assert response.status_code == 400 and "date" in response.json()  # before it went on
    response = client.post(
        step_url(entry, "outcome"),
        {"outcome": "resolved", "note": "诉求已解决，签订息访协议。"},
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "resolved" and data["ended_on"] == "2026-11-22"
    assert data["outcome_note"] == "诉求已解决，签订息访协议。" and data["overdue"] is False
    kinds = list(
        LedgerEvent.objects.filter(ledger="backlog", object_id=entry.pk)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["placed", "progress", "extended", "resolved"]


def test_naming_the_sponsor(org, case, d1_supervisor, d1_leader):
    entry = place(d1_supervisor, case, org.d1_street)
    client = api(d1_supervisor)
    response = client.post(
        step_url(entry, "sponsor"), {"sponsoring_leader": "nobody"}, format="json"
    )
    assert response.status_code == 400 and "sponsoring_leader" in response.json()
    response = client.post(step_url(entry, "sponsor"), {}, format="json")
    assert response.status_code == 400 and "sponsoring_leader" in response.json()
    response = client.post(
        step_url(entry, "sponsor"), {"sponsoring_leader": "d1_leader"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["sponsoring_leader"] == "d1_leader"
    response = client.post(
        step_url(entry, "sponsor"), {"sponsoring_leader": "d1_leader"}, format="json"
    )
    assert response.status_code == 409


def test_terminated_by_law_needs_a_terminated_case(entry, d1_supervisor):
    client = api(d1_supervisor)
    body = {"outcome": "terminated", "note": "复核后终结。"}
    response = client.post(step_url(entry, "outcome"), body, format="json")
    assert response.status_code == 400 and "outcome" in response.json()
    Case.objects.filter(pk=entry.case_id).update(status=CaseStatus.TERMINATED)
    response = client.post(step_url(entry, "outcome"), body, format="json")
    assert response.status_code == 200 and response.json()["status"] == "terminated"


STEPS = [
    ("progress", {"text": "再次走访。"}),
    ("extend", {"due": "2027-03-31", "reason": "延期"}),
    ("outcome", {"outcome": "stopped", "note": "已息访"}),
]


@pytest.mark.parametrize(("step", "body"), STEPS)
def test_an_entry_off_the_ledger_takes_no_step(entry, d1_supervisor, street_handler, step, body):
    backlog_end(actor=d1_supervisor, entry=entry, outcome=BacklogStatus.RESOLVED, note="已化解")
    before = LedgerEvent.objects.count()
    actor = street_handler if step == "progress" else d1_supervisor
    response = api(actor).post(step_url(entry, step), body, format="json")
    assert response.status_code == 409, response.content
    assert entry.number in response.json()["detail"]
    entry.refresh_from_db()
    assert entry.status == BacklogStatus.RESOLVED
    assert LedgerEvent.objects.count() == before


@pytest.mark.parametrize(("step", "body"), STEPS)
def test_the_wrong_role_or_unit_gets_403_and_outside_the_scope_404(
    entry, handler1, d1_supervisor, street_handler, handler2, outsider, step, body
):
    # The case's own office sees the entry but neither reports for the street nor manages it;
    # the street reports but does not manage; the supervisor manages but does not report.
    wrong = {"progress": (handler1, d1_supervisor)}.get(step, (handler1, street_handler))
    for user in wrong:
        response = api(user).post(step_url(entry, step), body, format="json")
        assert response.status_code == 403, (user, response.content)
    for user in (handler2, outsider):
        assert api(user).post(step_url(entry, step), body, format="json").status_code == 404
    entry.refresh_from_db()
    assert entry.status == BacklogStatus.OPEN and not entry.extended
    assert not BacklogProgress.objects.exists()


@pytest.mark.parametrize(
    "step, body, field",
    [
        ("progress", {}, "text"),
        ("progress", {"text": "   "}, "text"),
        ("progress", {"text": "x", "date": "2026-11-23"}, "date"),
        ("progress", {"text": "x", "date": "2026-11-21"}, "date"),
        ("progress", {"text": "x", "date": "soon"}, "date"),
        ("extend", {"reason": "x"}, "due"),
        ("extend", {"due": "2027-02-22", "reason": "x"}, "due"),  # not after the current
        ("extend", {"due": "2027-03-31", "reason": ""}, "reason"),
        ("outcome", {"note": "x"}, "outcome"),
        ("outcome", {"outcome": "closed", "note": "x"}, "outcome"),
        ("outcome", {"outcome": "resolved", "note": ""}, "note"),
        ("outcome", {"outcome": "resolved", "note": "x", "date": "2026-11-23"}, "date"),
    ],
)
def test_bad_step_input_is_400_on_the_field(
    entry, street_handler, d1_supervisor, step, body, field
):
    actor = street_handler if step == "progress" else d1_supervisor
    response = api(actor).post(step_url(entry, step), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    entry.refresh_from_db()
    assert entry.status == BacklogStatus.OPEN and not entry.extended
    assert not BacklogProgress.objects.exists()


def test_a_step_on_no_such_entry_is_404(d1_supervisor):
    client = api(d1_supervisor)
    for pk in ("999999", "abc"):
        response = client.post(f"{ENTRIES}{pk}/outcome/", {"outcome": "resolved"}, format="json")
        assert response.status_code == 404, pk


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def ledger(org, handler1, d1_supervisor, d1_leader, city_leader, street_handler):
    """Four entries: `street` (D1S1, sponsored by the district leader, open), `group` (a group
    case on D1S1, put on 1 September, due 1 November: overdue, sponsored by the city
    leader), `office` (D1XFJ, no sponsor, put on 1 October, resolved on 20 November) and
    `stopped` (D1S1C1, put on 15 August, stopped on 30 September)."""
    street = place(d1_supervisor, old_case(handler1), org.d1_street, sponsoring_leader=d1_leader)
    group = place(
        d1_supervisor,
        group_case(handler1),
        org.d1_street,
        sponsoring_leader=city_leader,
        on=D(2026, 9, 1),
        due_on=D(2026, 11, 1),
    )
    office = place(
        d1_supervisor, old_case(handler1), org.d1_office, on=D(2026, 10, 1), due_on=D(2027, 1, 1)
    )
    backlog_end(
        actor=d1_supervisor, entry=office, outcome="resolved", note="已化解", on=D(2026, 11, 20)
    )
    stopped = place(
        d1_supervisor,
        old_case(handler1, summary="反映宅基地纠纷"),
        org.d1_community,
        on=D(2026, 8, 15),
        due_on=D(2026, 10, 15),
    )
    backlog_end(
        actor=d1_supervisor, entry=stopped, outcome="stopped", note="已息访", on=D(2026, 9, 30)
    )
    backlog_progress(actor=street_handler, entry=street, text="走访")
    backlog_extend(actor=d1_supervisor, entry=street, due_on=D(2027, 3, 1), reason="延期")
    return {"street": street, "group": group, "office": office, "stopped": stopped}


def test_filters(ledger, d1_supervisor):
    client = api(d1_supervisor)
    names = {entry.number: name for name, entry in ledger.items()}

    def found(**query) -> set[str]:
        return {names[number] for number in numbers(client.get(ENTRIES, query))}

    everything = {"street", "group", "office", "stopped"}
    assert found() == everything
    assert found(status="open") == {"street", "group"}
    assert found(status=["resolved", "stopped"]) == {"office", "stopped"}
    assert found(area="D1S1") == {"street", "group", "stopped"}
    assert found(area="D1S1C1") == {"stopped"}
    assert found(area="D1XFJ") == {"office"}
    assert found(overdue="true") == {"group"}
    assert found(overdue="false") == everything - {"group"}
    assert found(group="true") == {"group"}
    assert found(group="false") == everything - {"group"}
    assert found(sponsored="false") == {"office", "stopped"}
    assert found(sponsored="true") == {"street", "group"}
    assert found(sponsor="d1_leader") == {"street"}
    assert found(sponsor="city_leader") == {"group"}
    assert found(placed_from="2026-10-01") == {"street", "office"}
    assert found(placed_to="2026-09-01") == {"group", "stopped"}
    assert found(ended_from="2026-11-01", ended_to="2026-11-30") == {"office"}
    # On the ledger in October: all but the one stopped in September.
    assert found(on_ledger_from="2026-10-01", on_ledger_to="2026-10-31") == {"group", "office"}
    assert found(on_ledger_from="2026-09-01", on_ledger_to="2026-09-30") == {"group", "stopped"}
    assert found(q=ledger["group"].number) == {"group"}
    assert found(q=ledger["office"].case.number) == {"office"}
    assert found(q="宅基地") == {"stopped"}
    assert found(overdue="") == everything


def test_the_list_is_newest_first(ledger, d1_supervisor):
    days = [row["placed_on"] for row in api(d1_supervisor).get(ENTRIES).json()["results"]]
    assert days == sorted(days, reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"area": "NOPE"},
        {"area": "CY"},  # another city
        {"area": "D2"},  # another district
        {"area": "D1\x00"},
        {"sponsor": "nobody"},
        {"sponsor": "d2_leader"},  # sponsors nothing the caller sees
        {"placed_from": "not a date"},
        {"ended_to": "2026-13-01"},
        {"on_ledger_from": "99999-01-01"},
        {"q": "x" * 101},
        {"q": "a\x00b"},
    ],
)
def test_bad_filter_values_are_400_not_500(ledger, d1_supervisor, d2_leader, query):
    response = api(d1_supervisor).get(ENTRIES, query)
    assert response.status_code == 400, (query, response.content)
    assert set(query) <= set(response.json())


def test_an_unknown_yes_no_value_filters_nothing(ledger, d1_supervisor):
    response = api(d1_supervisor).get(ENTRIES, {"overdue": "maybe", "group": "perhaps"})
    assert response.status_code == 200
    assert response.json()["count"] == 4


# --- bounded queries ------------------------------------------------------------------------


def test_the_list_queries_do_not_grow_with_the_rows(
    org, handler1, d1_supervisor, d1_leader, street_handler, django_assert_max_num_queries
):
    def put_on(count: int) -> None:
        """Entries with a sponsor or none, with progress reports, some resolved."""
        for n in range(count):
            entry = place(
                d1_supervisor,
                old_case(handler1),
                org.d1_street,
                sponsoring_leader=d1_leader if n % 2 else None,
            )
            backlog_progress(actor=street_handler, entry=entry, text=f"走访{n}")
            if n % 3 == 2:
                backlog_end(actor=d1_supervisor, entry=entry, outcome="resolved", note="已化解")

    client = api(d1_supervisor)
    put_on(3)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ENTRIES).json()["count"] == 3
    few = len(queries)
    put_on(12)
    with django_assert_max_num_queries(few):
        assert client.get(ENTRIES).json()["count"] == 15


def test_a_lead_units_handler_sees_a_group_case_sponsored_by_the_city(
    org, handler1, d1_supervisor, city_leader
):
    entry = place(d1_supervisor, group_case(handler1), org.d1_street, sponsoring_leader=city_leader)
    street_leader = _user("street_leader", org.d1_street, "leader")
    data = api(street_leader).get(f"{ENTRIES}{entry.pk}/").json()
    assert data["group"] is True and data["sponsoring_leader"] == "city_leader"
