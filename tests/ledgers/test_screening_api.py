"""API contract of dispute screening: /api/v1/screening-rounds/, /api/v1/screening-reports/
and /api/v1/disputes/ (time frozen on 2026-11-22): the output, what each caller sees (404 and
no rows outside their area), bad input as 400 on its field, 403 for the wrong role or unit,
409 for a step the row's state refuses, the ledger's filters, and list queries that do not
grow with the rows."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ledgers.models import (
    DisputeItem,
    DisputeStatus,
    LedgerEvent,
    ResolutionMethod,
    RiskLevel,
    ScreeningReport,
    ScreeningRound,
)
from ledgers.screening.services import (
    dispute_contain,
    dispute_register,
    dispute_report_up,
    dispute_resolve,
    screening_report_submit,
    screening_round_open,
)
from petitions.models import Petition
from tests.factories import DEFAULT_CATEGORY, UserFactory, token_client

from .screening_fixtures import D, draft

pytestmark = pytest.mark.usefixtures("frozen_now")

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ROUNDS = "/api/v1/screening-rounds/"
REPORTS = "/api/v1/screening-reports/"
DISPUTES = "/api/v1/disputes/"


def api(user):
    return token_client(user)


def step_url(item, step: str) -> str:
    return f"{DISPUTES}{item.pk}/{step}/"


def submit_url(report) -> str:
    return f"{REPORTS}{report.pk}/submit/"


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


@pytest.fixture
def special_round(org, d1_supervisor):
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


def round_payload(**overrides) -> dict:
    return {
        "title": "春节前专项排查",
        "due": "2026-12-20",
        "units": ["D1S1", "D1S1C1"],
        "instructions": "重点排查欠薪矛盾。",
        **overrides,
    }


def dispute_payload(**overrides) -> dict:
    return {
        "kind": "neighbours",
        "parties": [
            {"role": "applicant", "name": "孙佩华"},
            {"role": "respondent", "name": "刘某"},
        ],
        "place": "升平街3号楼",
        "summary": "楼道垃圾多日无人清运，两名保洁员发生矛盾。",
        "risk_level": "general",
        "responsible_unit": "D1S1C1",
        "responsible_person": "社区主任",
        "due": "2026-12-10",
        **overrides,
    }


# --- rounds ---------------------------------------------------------------------------------


def test_a_supervisor_opens_a_special_round(org, d1_supervisor, street_handler):
    response = api(d1_supervisor).post(ROUNDS, round_payload(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    round_ = ScreeningRound.objects.get()
    assert data["id"] == round_.pk
    assert data["kind"] == "special" and data["title"] == "春节前专项排查"
    assert data["organizing_unit"] == "D1" and data["organizing_unit_name"] == "东湖区"
    assert data["due"] == "2026-12-20" and data["month"] is None
    assert data["instructions"] == "重点排查欠薪矛盾。"
    assert (data["expected"], data["submitted"], data["nil"]) == (2, 0, 0)
    assert set(round_.reports.values_list("unit__code", flat=True)) == {"D1S1", "D1S1C1"}


def test_a_round_without_units_asks_the_streets_and_communities(d1_supervisor):
    payload = round_payload()
    del payload["units"]
    response = api(d1_supervisor).post(ROUNDS, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["expected"] == 2
    units = ScreeningReport.objects.values_list("unit__code", flat=True)
    assert set(units) == {"D1S1", "D1S1C1"}  # not the district's bureaus


def test_a_handler_may_not_open_a_round(street_handler, handler1):
    for user in (street_handler, handler1):
        response = api(user).post(ROUNDS, round_payload(units=["D1S1"]), format="json")
        assert response.status_code == 403, (user, response.content)
        assert "detail" in response.json()
    assert not ScreeningRound.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"title": ["a"]}, "title"),
        ({"due": "2026-11-21"}, "due"),  # yesterday
        ({"due": "not a date"}, "due"),
        ({"due": 20261220}, "due"),
        ({"units": ["D2S1"]}, "units"),  # another district: outside the supervisor's area
        ({"units": ["CYXFJ"]}, "units"),  # another city
        ({"units": ["NOPE"]}, "units"),
        ({"units": "D1S1"}, "units"),  # not a list
        ({"units": [{"code": "D1S1"}]}, "units"),
        ({"units": ["D1S1\x00"]}, "units"),
        ({"instructions": {"a": 1}}, "instructions"),
    ],
)
def test_bad_round_input_is_400_on_the_field_and_opens_nothing(d1_supervisor, overrides, field):
    response = api(d1_supervisor).post(ROUNDS, round_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ScreeningRound.objects.exists()


def test_missing_round_fields_are_named(d1_supervisor):
    response = api(d1_supervisor).post(ROUNDS, {}, format="json")
    assert response.status_code == 400
    assert {"title", "due"} <= set(response.json())


def test_a_round_due_today_is_taken(d1_supervisor):
    response = api(d1_supervisor).post(ROUNDS, round_payload(due="2026-11-22"), format="json")
    assert response.status_code == 201, response.content


def test_rounds_are_listed_and_read_within_the_callers_area(
    special_round, community_handler, d1_supervisor, city_supervisor, d2_street_handler, outsider
):
    for user in (community_handler, d1_supervisor, city_supervisor):
        response = api(user).get(ROUNDS)
        assert response.status_code == 200
        assert [r["id"] for r in response.json()["results"]] == [special_round.pk], user
        assert api(user).get(f"{ROUNDS}{special_round.pk}/").status_code == 200
    for user in (d2_street_handler, outsider):
        assert api(user).get(ROUNDS).json()["count"] == 0
        assert api(user).get(f"{ROUNDS}{special_round.pk}/").status_code == 404
    client = api(d1_supervisor)
    for bad in ("999999", "abc", str(2**64), "0"):
        assert client.get(f"{ROUNDS}{bad}/").status_code == 404, bad


def test_a_round_counts_its_reports(special_round, community_report, community_handler):
    screening_report_submit(actor=community_handler, report=community_report, nothing_found=True)
    data = api(community_handler).get(f"{ROUNDS}{special_round.pk}/").json()
    assert (data["expected"], data["submitted"], data["nil"]) == (2, 1, 1)
    assert data["organizing_unit"] == "D1" and data["due"] == "2026-11-25"


# --- reports --------------------------------------------------------------------------------


def test_reports_are_listed_and_read_within_the_callers_area(
    org, special_round, community_report, community_handler, d1_supervisor, outsider
):
    street_report = special_round.reports.get(unit=org.d1_street)
    mine = api(community_handler).get(REPORTS).json()["results"]
    assert [r["id"] for r in mine] == [community_report.pk]
    (row,) = mine
    assert row["round"] == special_round.pk and row["round_title"] == "元旦前专项排查"
    assert row["unit"] == "D1S1C1" and row["unit_name"] == "东湖社区"
    assert row["due"] == "2026-11-25" and row["state"] == "pending"
    assert row["submitted_at"] is None and row["submitted_by"] is None
    ids = {r["id"] for r in api(d1_supervisor).get(REPORTS).json()["results"]}
    assert ids == {community_report.pk, street_report.pk}
    assert api(outsider).get(REPORTS).json()["count"] == 0
    assert api(community_handler).get(f"{REPORTS}{community_report.pk}/").status_code == 200
    assert api(outsider).get(f"{REPORTS}{community_report.pk}/").status_code == 404
    # The community sees neither the street's report nor may it submit it.
    assert api(community_handler).get(f"{REPORTS}{street_report.pk}/").status_code == 404
    response = api(community_handler).post(
        submit_url(street_report), {"nothing_found": True}, format="json"
    )
    assert response.status_code == 404


def test_a_unit_submits_a_nil_report_once(community_report, community_handler):
    client = api(community_handler)
    response = client.post(
        submit_url(community_report), {"nothing_found": True, "note": "本月未发现。"}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "submitted" and data["nothing_found"] is True
    assert data["item_count"] == 0 and data["note"] == "本月未发现。"
    assert data["submitted_by"] == "community_handler"
    assert data["submitted_at"].startswith("2026-11-22")

    again = client.post(submit_url(community_report), {"nothing_found": True}, format="json")
    assert again.status_code == 409
    assert "东湖社区" in again.json()["detail"]


def test_a_late_report_says_so(community_report, community_handler, time_machine):
    client = api(community_handler)
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, tzinfo=SHANGHAI), tick=False)
    assert client.get(f"{REPORTS}{community_report.pk}/").json()["state"] == "missing"
    missing = client.get(REPORTS, {"state": "missing"}).json()["results"]
    assert [r["id"] for r in missing] == [community_report.pk]
    response = client.post(submit_url(community_report), {"nothing_found": True}, format="json")
    assert response.json()["state"] == "late"


def test_a_paper_report_is_entered_later_with_its_day(
    org, d1_supervisor, community_handler, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 18, 9, tzinfo=SHANGHAI), tick=False)
    round_ = screening_round_open(
        actor=d1_supervisor, title="专项排查", due_on=D(2026, 11, 20), units=[org.d1_community]
    )
    time_machine.move_to(datetime.datetime(2026, 11, 22, 12, tzinfo=SHANGHAI), tick=False)
    report = round_.reports.get()
    client = api(community_handler)
    # Not before the round opened, not after today.
    for day in ("2026-11-17", "2026-11-23", "yesterday"):
        response = client.post(
            submit_url(report), {"nothing_found": True, "date": day}, format="json"
        )
        assert response.status_code == 400, (day, response.content)
        assert "date" in response.json()
    response = client.post(
        submit_url(report), {"nothing_found": True, "date": "2026-11-19"}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["submitted_at"].startswith("2026-11-19") and data["state"] == "submitted"


def test_a_nil_report_with_disputes_registered_is_refused(org, community_report, community_handler):
    client = api(community_handler)
    response = client.post(submit_url(community_report), {"nothing_found": False}, format="json")
    assert response.status_code == 400 and "nothing_found" in response.json()
    dispute_register(
        actor=community_handler, draft=draft(org.d1_community), report=community_report
    )
    response = client.post(submit_url(community_report), {"nothing_found": True}, format="json")
    assert response.status_code == 400
    assert "nothing_found" in response.json()
    community_report.refresh_from_db()
    assert not community_report.is_submitted
    response = client.post(submit_url(community_report), {}, format="json")
    assert response.status_code == 200
    assert response.json()["item_count"] == 1 and response.json()["nothing_found"] is False


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"nothing_found": "perhaps"}, "nothing_found"),
        ({"nothing_found": [True]}, "nothing_found"),
        ({"nothing_found": True, "note": ["x"]}, "note"),
    ],
)
def test_bad_report_input_is_400(community_report, community_handler, payload, field):
    response = api(community_handler).post(submit_url(community_report), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_another_unit_may_not_submit_the_report(community_report, street_handler, d1_supervisor):
    # They see the community's report (it is in their area) but do not report for it.
    for user in (street_handler, d1_supervisor):
        response = api(user).post(
            submit_url(community_report), {"nothing_found": True}, format="json"
        )
        assert response.status_code == 403, user
    community_report.refresh_from_db()
    assert not community_report.is_submitted


def test_report_filters(org, special_round, community_report, d1_supervisor, community_handler):
    screening_report_submit(actor=community_handler, report=community_report, nothing_found=True)
    client = api(d1_supervisor)

    def ids(**query) -> set[int]:
        response = client.get(REPORTS, query)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    street = special_round.reports.get(unit=org.d1_street).pk
    assert ids(state="nil") == {community_report.pk}
    assert ids(state="submitted") == {community_report.pk}
    assert ids(state="pending") == {street}
    assert ids(state="missing") == set()
    assert ids(area="D1S1C1") == {community_report.pk}
    assert ids(area="D1S1") == {street, community_report.pk}
    assert ids(round=special_round.pk) == {street, community_report.pk}
    assert ids(due_from="2026-11-26") == set()
    assert ids(due_to="2026-11-25") == {street, community_report.pk}
    for query in (
        {"state": "lost"},
        {"area": "NOPE"},
        {"area": "D2S1"},
        {"due_from": "25/11/2026"},
        {"round": "abc"},
        {"round": "0"},
        {"round": str(2**64)},
    ):
        response = client.get(REPORTS, query)
        assert response.status_code == 400, (query, response.content)
        assert set(query) <= set(response.json()), query


# --- registering a dispute ------------------------------------------------------------------


def test_a_unit_registers_a_dispute_and_gets_its_number(org, community_handler):
    response = api(community_handler).post(DISPUTES, dispute_payload(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    item = DisputeItem.objects.get()
    assert data["id"] == item.pk
    assert data["number"] == "东湖社区纠〔2026〕1号"
    assert data["unit"] == "D1S1C1" and data["unit_name"] == "东湖社区"
    assert data["found"] == "2026-11-22" and data["due"] == "2026-12-10"
    assert data["kind"] == "neighbours" and data["risk_level"] == "general"
    assert data["parties"] == [
        {"role": "applicant", "name": "孙佩华"},
        {"role": "respondent", "name": "刘某"},
    ]
    assert data["responsible_unit"] == "D1S1C1" and data["responsible_unit_name"] == "东湖社区"
    assert data["status"] == "open" and data["overdue"] is False
    assert data["report"] is None and data["petition"] is None and data["reported_to"] is None
    assert data["ended_on"] is None and data["method"] == ""
    second = api(community_handler).post(DISPUTES, dispute_payload(), format="json")
    assert second.json()["number"] == "东湖社区纠〔2026〕2号"


def test_a_dispute_found_earlier_and_past_its_day_is_overdue(community_handler):
    payload = dispute_payload(found="2026-11-01", due="2026-11-20", responsible_unit="D1S1")
    response = api(community_handler).post(DISPUTES, payload, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["found"] == "2026-11-01" and data["overdue"] is True
    assert data["responsible_unit"] == "D1S1"  # the street above the community


def test_a_dispute_is_registered_with_the_units_report(
    community_report, community_handler, street_handler
):
    response = api(community_handler).post(
        DISPUTES, dispute_payload(report=community_report.pk), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["report"] == community_report.pk
    # The street sees the community's report but may not register for it.
    response = api(street_handler).post(
        DISPUTES, dispute_payload(report=community_report.pk), format="json"
    )
    assert response.status_code == 403
    # Once submitted, a report takes no more disputes.
    screening_report_submit(actor=community_handler, report=community_report, nothing_found=False)
    response = api(community_handler).post(
        DISPUTES, dispute_payload(report=community_report.pk), format="json"
    )
    assert response.status_code == 409
    assert DisputeItem.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"parties": []}, "parties"),
        ({"parties": [{"role": "applicant", "name": ""}]}, "parties"),
        ({"parties": [{"role": "judge", "name": "张三"}]}, "parties"),
        ({"parties": "孙佩华"}, "parties"),
        ({"kind": "quarrel"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"risk_level": "extreme"}, "risk_level"),
        ({"responsible_unit": "NOPE"}, "responsible_unit"),
        ({"responsible_unit": "D2S1"}, "responsible_unit"),  # another district
        ({"responsible_unit": "CYXFJ"}, "responsible_unit"),  # another city
        ({"place": ""}, "place"),
        ({"place": "   "}, "place"),
        ({"summary": ""}, "summary"),
        ({"responsible_person": ""}, "responsible_person"),
        ({"due": "2026-11-21"}, "due"),  # before it was found (today)
        ({"found": "2026-11-20", "due": "2026-11-19"}, "due"),
        ({"found": "2026-11-23"}, "found"),  # after today
        ({"due": "soon"}, "due"),
        ({"report": 999999}, "report"),
        ({"report": "abc"}, "report"),
        ({"report": 0}, "report"),
        ({"report": 2**64}, "report"),
        ({"place": "长" * 201}, "place"),
        ({"place": "升平街\x00"}, "place"),
        ({"parties": [{"role": "applicant", "name": "孙\x00"}]}, "parties"),
        ({"responsible_unit": "D1S1\x00"}, "responsible_unit"),
    ],
)
def test_bad_dispute_input_is_400_on_the_field_and_registers_nothing(
    community_handler, overrides, field
):
    before = LedgerEvent.objects.count()
    response = api(community_handler).post(DISPUTES, dispute_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not DisputeItem.objects.exists()
    assert LedgerEvent.objects.count() == before


def test_missing_dispute_fields_are_named(community_handler):
    response = api(community_handler).post(DISPUTES, {}, format="json")
    assert response.status_code == 400
    expected = {"kind", "parties", "place", "summary", "risk_level", "responsible_unit", "due"}
    assert expected <= set(response.json())


def test_a_supervisor_does_not_register_disputes(org, d1_supervisor):
    response = api(d1_supervisor).post(
        DISPUTES, dispute_payload(responsible_unit="D1S1"), format="json"
    )
    assert response.status_code == 403
    assert not DisputeItem.objects.exists()


# --- reading disputes -----------------------------------------------------------------------


def test_disputes_are_listed_and_read_within_the_callers_area(
    dispute,
    community_handler,
    street_handler,
    handler1,
    d1_supervisor,
    city_supervisor,
    d2_street_handler,
    outsider,
):
    for user in (community_handler, street_handler, handler1, d1_supervisor, city_supervisor):
        assert numbers(api(user).get(DISPUTES)) == [dispute.number], user
        response = api(user).get(f"{DISPUTES}{dispute.pk}/")
        assert response.status_code == 200 and response.json()["number"] == dispute.number
    for user in (d2_street_handler, outsider):
        assert numbers(api(user).get(DISPUTES)) == []
        assert api(user).get(f"{DISPUTES}{dispute.pk}/").status_code == 404
    client = api(community_handler)
    for bad in ("999999", "abc", str(2**64), "-1"):
        assert client.get(f"{DISPUTES}{bad}/").status_code == 404, bad


def test_anonymous_and_the_auditor_are_refused(dispute, org):
    for url in (ROUNDS, REPORTS, DISPUTES, f"{DISPUTES}{dispute.pk}/"):
        assert APIClient().get(url).status_code in (401, 403), url
    auditor = UserFactory(username="auditor", org_unit=org.city, roles=["auditor"])
    client = api(auditor)
    for url in (ROUNDS, REPORTS, DISPUTES, f"{DISPUTES}{dispute.pk}/"):
        assert client.get(url).status_code == 403, url
    assert client.post(DISPUTES, dispute_payload(), format="json").status_code == 403


# --- the steps ------------------------------------------------------------------------------


def test_progress_then_contain_then_resolve(org, community_handler):
    dispute = dispute_register(
        actor=community_handler, draft=draft(org.d1_community, found_on=D(2026, 11, 15))
    )
    client = api(community_handler)
    response = client.post(
        step_url(dispute, "progress"), {"measures": "已联系物业公司。"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["measures"] == "已联系物业公司。"
    assert response.json()["status"] == "open"

    response = client.post(
        step_url(dispute, "contain"), {"outcome": "双方同意暂缓，社区每日巡查。"}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "contained" and data["ended_on"] is None
    assert data["outcome"] == "双方同意暂缓，社区每日巡查。"

    response = client.post(
        step_url(dispute, "resolve"),
        {"method": "mediation", "outcome": "调解后重新聘请保洁员。", "date": "2026-11-21"},
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "resolved" and data["method"] == "mediation"
    assert data["ended_on"] == "2026-11-21" and data["outcome"] == "调解后重新聘请保洁员。"
    kinds = list(
        LedgerEvent.objects.filter(ledger="dispute", object_id=dispute.pk)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["registered", "progress", "contained", "resolved"]


def test_resolving_without_a_date_ends_it_today(dispute, community_handler):
    response = api(community_handler).post(
        step_url(dispute, "resolve"),
        {"method": "negotiation", "outcome": "协商一致"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["ended_on"] == "2026-11-22"


def test_reporting_up_names_the_office_above(dispute, community_handler):
    response = api(community_handler).post(
        step_url(dispute, "report_up"), {"outcome": "涉及多个部门，社区无法化解。"}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "reported_up" and data["reported_to"] == "D1XFJ"
    assert data["ended_on"] == "2026-11-22"


def test_converting_registers_a_petition(dispute, community_handler):
    response = api(community_handler).post(
        step_url(dispute, "convert"),
        {"category": DEFAULT_CATEGORY, "matter_kind": "complaint", "petitioner_name": "孙佩华"},
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    petition = Petition.objects.get()
    assert data["status"] == "converted" and data["petition"] == petition.number
    assert petition.receiving_unit.code == "D1S1C1"


def test_a_supervisor_of_the_area_records_the_outcome(dispute, d1_supervisor):
    response = api(d1_supervisor).post(
        step_url(dispute, "resolve"),
        {"method": "administrative", "outcome": "已处理"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"


STEPS = [
    ("progress", {"measures": "再次走访。"}),
    ("contain", {"outcome": "暂缓"}),
    ("resolve", {"method": "mediation", "outcome": "再次调解"}),
    ("report_up", {"outcome": "上报"}),
    ("convert", {"category": DEFAULT_CATEGORY, "petitioner_name": "孙佩华"}),
]


@pytest.mark.parametrize(("step", "payload"), STEPS)
def test_an_ended_dispute_takes_no_step(dispute, community_handler, step, payload):
    dispute_resolve(
        actor=community_handler, item=dispute, method=ResolutionMethod.MEDIATION, outcome="已化解"
    )
    before = LedgerEvent.objects.count()
    response = api(community_handler).post(step_url(dispute, step), payload, format="json")
    assert response.status_code == 409, response.content
    assert dispute.number in response.json()["detail"]
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED
    assert LedgerEvent.objects.count() == before
    assert not Petition.objects.exists()


@pytest.mark.parametrize(("step", "payload"), STEPS)
def test_another_units_handler_gets_403_and_outside_the_area_404(
    dispute, street_handler, handler1, d2_street_handler, outsider, step, payload
):
    # The street and the district's office see the community's dispute but do not work it.
    for user in (street_handler, handler1):
        response = api(user).post(step_url(dispute, step), payload, format="json")
        assert response.status_code == 403, (user, response.content)
    for user in (d2_street_handler, outsider):
        response = api(user).post(step_url(dispute, step), payload, format="json")
        assert response.status_code == 404, user
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN and dispute.measures == ""


@pytest.mark.parametrize(
    "step, payload, field",
    [
        ("progress", {}, "measures"),
        ("progress", {"measures": ""}, "measures"),
        ("progress", {"measures": "   "}, "measures"),
        ("contain", {"outcome": ""}, "outcome"),
        ("report_up", {}, "outcome"),
        ("resolve", {"outcome": "x"}, "method"),
        ("resolve", {"outcome": "x", "method": "prayer"}, "method"),
        ("resolve", {"outcome": "", "method": "mediation"}, "outcome"),
        ("resolve", {"outcome": "x", "method": "mediation", "date": "2026-11-23"}, "date"),
        ("resolve", {"outcome": "x", "method": "mediation", "date": "2026-11-01"}, "date"),
        ("resolve", {"outcome": "x", "method": "mediation", "date": "yesterday"}, "date"),
        ("convert", {"petitioner_name": "孙佩华"}, "category"),
        ("convert", {"category": "9999", "petitioner_name": "孙佩华"}, "category"),
        ("convert", {"category": DEFAULT_CATEGORY, "petitioner_name": ""}, "petitioner_name"),
        (
            "convert",
            {"category": DEFAULT_CATEGORY, "petitioner_name": "x", "matter_kind": "y"},
            "matter_kind",
        ),
    ],
)
def test_bad_step_input_is_400_on_the_field(dispute, community_handler, step, payload, field):
    response = api(community_handler).post(step_url(dispute, step), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    assert not Petition.objects.exists()


def test_a_step_on_no_such_dispute_is_404(community_handler):
    client = api(community_handler)
    for pk in ("999999", "abc"):
        response = client.post(f"{DISPUTES}{pk}/contain/", {"outcome": "x"}, format="json")
        assert response.status_code == 404, pk


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def ledger(org, community_handler, street_handler):
    """Four disputes: the community's general one (open), its major one (found 1 November,
    overdue), a serious one it contained, and the street's own, resolved."""
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
    serious = dispute_register(
        actor=community_handler,
        draft=draft(org.d1_community, risk_level=RiskLevel.SERIOUS, found_on=D(2026, 11, 10)),
    )
    dispute_contain(actor=community_handler, item=serious, outcome="暂缓")
    street = dispute_register(
        actor=street_handler,
        draft=draft(org.d1_street, kind="labour", found_on=D(2026, 10, 30)),
    )
    dispute_resolve(
        actor=street_handler, item=street, method=ResolutionMethod.MEDIATION, outcome="已调解"
    )
    return {"general": general, "major": major, "serious": serious, "street": street}


def test_dispute_filters(ledger, d1_supervisor):
    client = api(d1_supervisor)
    names = {item.number: name for name, item in ledger.items()}

    def found(**query) -> set[str]:
        return {names[number] for number in numbers(client.get(DISPUTES, query))}

    assert found() == {"general", "major", "serious", "street"}
    assert found(status="open") == {"general", "major"}
    assert found(status=["open", "contained"]) == {"general", "major", "serious"}
    assert found(status="resolved") == {"street"}
    assert found(risk_level="major") == {"major"}
    assert found(risk_level="serious") == {"serious"}
    assert found(kind="labour") == {"street"}
    assert found(area="D1S1C1") == {"general", "major", "serious"}
    assert found(area="D1S1") == {"general", "major", "serious", "street"}
    assert found(area="D1") == {"general", "major", "serious", "street"}
    assert found(overdue="true") == {"major"}
    assert found(overdue="false") == {"general", "serious", "street"}
    assert found(found_from="2026-11-01") == {"general", "major", "serious"}
    assert found(found_to="2026-11-01") == {"major", "street"}
    assert found(found_from="2026-11-02", found_to="2026-11-21") == {"serious"}
    assert found(q="幸福路") == {"major"}
    assert found(q=ledger["street"].number) == {"street"}
    assert found(overdue="") == found()


def test_dispute_list_is_newest_found_first(ledger, d1_supervisor):
    found_days = [row["found"] for row in api(d1_supervisor).get(DISPUTES).json()["results"]]
    assert found_days == sorted(found_days, reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"risk_level": "extreme"},
        {"kind": "quarrel"},
        {"area": "NOPE"},
        {"area": "CY"},  # another city
        {"area": "D2"},  # another district
        {"found_from": "not a date"},
        {"found_to": "2026-13-01"},
        {"found_from": "99999-01-01"},
        {"round": "abc"},
        {"round": "-1"},
        {"q": "x" * 101},
        {"q": "a\x00b"},
        {"area": "D1\x00"},
    ],
)
def test_bad_filter_values_are_400_not_500(ledger, d1_supervisor, query):
    response = api(d1_supervisor).get(DISPUTES, query)
    assert response.status_code == 400, (query, response.content)
    assert set(query) <= set(response.json())


def test_an_unknown_yes_no_value_filters_nothing(ledger, d1_supervisor):
    response = api(d1_supervisor).get(DISPUTES, {"overdue": "maybe"})
    assert response.status_code == 200
    assert response.json()["count"] == 4


def test_the_area_filter_of_a_community_is_its_own(ledger, community_handler):
    client = api(community_handler)
    assert len(numbers(client.get(DISPUTES, {"area": "D1S1C1"}))) == 3
    response = client.get(DISPUTES, {"area": "D1S1"})  # above it: not in its area
    assert response.status_code == 400 and "area" in response.json()


def test_a_rounds_disputes(org, community_report, community_handler, d1_supervisor):
    with_report = dispute_register(
        actor=community_handler, draft=draft(org.d1_community), report=community_report
    )
    dispute_register(actor=community_handler, draft=draft(org.d1_community))
    query = {"round": community_report.round_id}
    assert numbers(api(d1_supervisor).get(DISPUTES, query)) == [with_report.number]


# --- bounded queries ------------------------------------------------------------------------


def _count_queries(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["count"] == rows
    return len(queries)


def _open_rounds(org, supervisor, community_handler, count: int, units: tuple = ()) -> None:
    """`count` rounds asking the community (and `units`), its report submitted (nil) in each:
    a submitted report names who submitted it."""
    for n in range(count):
        round_ = screening_round_open(
            actor=supervisor,
            title=f"专项排查{n}",
            due_on=D(2026, 12, 1),
            units=[org.d1_community, *units],
        )
        screening_report_submit(
            actor=community_handler,
            report=round_.reports.get(unit=org.d1_community),
            nothing_found=True,
        )


def test_the_round_list_queries_do_not_grow_with_the_rows(
    org, d1_supervisor, community_handler, django_assert_max_num_queries
):
    client = api(d1_supervisor)
    _open_rounds(org, d1_supervisor, community_handler, 3, units=(org.d1_street,))
    few = _count_queries(client, ROUNDS, 3)
    _open_rounds(org, d1_supervisor, community_handler, 27, units=(org.d1_street,))
    with django_assert_max_num_queries(few):
        assert client.get(ROUNDS).json()["count"] == 30


def test_the_report_list_queries_do_not_grow_with_the_rows(
    org, d1_supervisor, community_handler, django_assert_max_num_queries
):
    client = api(d1_supervisor)
    _open_rounds(org, d1_supervisor, community_handler, 3)
    few = _count_queries(client, REPORTS, 3)
    _open_rounds(org, d1_supervisor, community_handler, 27)
    with django_assert_max_num_queries(few):
        assert client.get(REPORTS).json()["count"] == 30


def test_the_dispute_list_queries_do_not_grow_with_the_rows(
    org, d1_supervisor, community_handler, django_assert_max_num_queries
):
    def register(count: int) -> None:
        """Disputes open, resolved, and reported up (to the district's office)."""
        for n in range(count):
            item = dispute_register(actor=community_handler, draft=draft(org.d1_community))
            if n % 3 == 1:
                dispute_resolve(
                    actor=community_handler,
                    item=item,
                    method=ResolutionMethod.MEDIATION,
                    outcome="已调解",
                )
            elif n % 3 == 2:
                dispute_report_up(actor=community_handler, item=item, outcome="上报")

    client = api(d1_supervisor)
    register(3)
    few = _count_queries(client, DISPUTES, 3)
    register(27)
    with django_assert_max_num_queries(few):
        assert client.get(DISPUTES).json()["count"] == 30
