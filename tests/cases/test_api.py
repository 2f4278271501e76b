"""API contract of case handling (issue 3 §11): list and detail, due dates through the API,
refusals that change nothing, query counts, and bad input answered with 400 on the field.

The helpers at the top are shared by the other case API test modules."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services
from cases.models import (
    Approval,
    ApprovalStatus,
    Assignment,
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    DeadlineKind,
    EventKind,
    MatterKind,
    Reply,
    Review,
)
from cases.services.reach import reach_refresh
from tests.factories import pdf_bytes, petitioner, register_petition

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CASES = "/api/v1/cases/"
APPROVALS = "/api/v1/approvals/"


# --- helpers (shared) --------------------------------------------------------------------------


def api(user=None, *, lang: str | None = None) -> APIClient:
    """A client authenticated as `user`; `lang="en"` picks English messages (the interface
    ignores Accept-Language and follows the language cookie)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    if lang:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def new_case(actor, received: datetime.date | None = None, **overrides) -> Case:
    """A registered case received by `actor`'s unit (on `received`, else an hour ago)."""
    if received is not None:
        overrides["received_at"] = at(received)
    return register_petition(actor, **overrides).petition.case


def case_url(case: Case | str, step: str = "") -> str:
    number = case if isinstance(case, str) else case.number
    return f"{CASES}{number}/{step + '/' if step else ''}"


def step(user, case, name: str, *, lang: str | None = None, multipart=False, **data):
    """POST a case action; dates may be given as `datetime.date`."""
    body = {
        key: value.isoformat() if isinstance(value, D) else value for key, value in data.items()
    }
    return api(user, lang=lang).post(
        case_url(case, name), body, format="multipart" if multipart else "json"
    )


def expect(response, code: int = 200):
    assert response.status_code == code, (response.status_code, response.content[:2000])
    return response.json()


def detail(user, case) -> dict:
    return expect(api(user).get(case_url(case)))


def pending_approval_id(user, case) -> int:
    rows = [row for row in detail(user, case)["approvals"] if row["status"] == "pending"]
    assert len(rows) == 1, rows
    return rows[0]["id"]


def decide(user, approval_id: int, *, approve=True, lang=None, **data):
    body = {"approve": approve, **data}
    body = {
        key: value.isoformat() if isinstance(value, D) else value for key, value in body.items()
    }
    return api(user, lang=lang).post(f"{APPROVALS}{approval_id}/decide/", body, format="json")


def pdf(name: str = "material.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def written(case: Case) -> dict:
    """Everything a step on `case` may write: equal before and after a refused request."""
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "deadlines": list(Deadline.objects.filter(case=case).order_by("pk").values()),
        "events": list(CaseEvent.objects.filter(case=case).order_by("pk").values()),
        "approvals": list(Approval.objects.filter(case=case).order_by("pk").values()),
        "assignments": list(Assignment.objects.filter(case=case).order_by("pk").values()),
        "replies": list(Reply.objects.filter(case=case).order_by("pk").values()),
        "reviews": list(Review.objects.filter(case=case).order_by("pk").values()),
    }


def assigned_to_street(handler, case) -> dict:
    """`case` assigned by `handler` to the street office D1S1, to report by 2026-12-10."""
    data = {"lead_unit": "D1S1", "responsible_person": "孙", "instructions": "查"}
    return expect(step(handler, case, "assign", due_on=D(2026, 12, 10), **data), 201)


def answered(handler, leader, case, *, accepted, drafted, approved, delivered) -> None:
    """Accept, draft, approve and deliver through the API, on the dates given."""
    expect(step(handler, case, "accept", date=accepted))
    expect(
        step(
            handler,
            case,
            "reply",
            date=drafted,
            request="支付拖欠工资",
            facts_and_reasons="经核实，该公司确有拖欠。",
            opinion="support",
            legal_basis="《劳动合同法》第三十条",
            resolved=True,
        )
    )
    expect(decide(leader, pending_approval_id(handler, case), date=approved))
    expect(step(handler, case, "deliver-reply", date=delivered, method="in_person"))


# --- list and detail ----------------------------------------------------------------------------


def test_list_shows_cases_in_scope_with_due_dates_and_filters(
    handler1, handler2, street_handler, frozen_now
):
    first = new_case(handler1, D(2026, 11, 20))
    second = new_case(handler1, D(2026, 11, 21))
    other = new_case(handler2, D(2026, 11, 21))
    expect(step(handler1, second, "accept"))

    body = expect(api(handler1).get(CASES))
    assert body["count"] == 2
    rows = {row["number"]: row for row in body["results"]}
    assert set(rows) == {first.number, second.number}
    assert rows[first.number]["status"] == "registered"
    assert rows[first.number]["owner_unit"] == "D1XFJ"
    assert rows[first.number]["acceptance_due"] == "2026-12-07"  # 11-20 + 15 = 12-05, a Saturday
    assert rows[first.number]["petition_count"] == 1
    assert rows[second.number]["handling_due"] == "2027-01-21"

    def numbers(**params):
        return {row["number"] for row in expect(api(handler1).get(CASES, params))["results"]}

    assert numbers(status="accepted") == {second.number}
    assert numbers(status=["accepted", "registered"]) == {first.number, second.number}
    assert numbers(q=first.number) == {first.number}
    assert numbers(unit="D1") == {first.number, second.number}
    assert numbers(unit="D1S1") == set()
    assert numbers(due_from="2027-01-01") == {second.number}
    assert numbers(due_to="2026-12-31") == {first.number}
    assert numbers(overdue="true") == set()
    assert numbers(sponsored="true") == set()
    assert numbers(min_petitions=2) == set()
    assert numbers(category="03") == {first.number, second.number}
    assert numbers(category="04") == set()
    assert {row["number"] for row in expect(api(handler2).get(CASES))["results"]} == {other.number}
    # A unit outside the caller's scope is no valid choice.
    assert "unit" in expect(api(handler1).get(CASES, {"unit": "D2"}), 400)
    assert expect(api(street_handler).get(CASES))["count"] == 0


def test_the_time_limit_filters_take_one_clock_and_refuse_bad_values(handler1, frozen_now):
    """The acceptance clock (15 days: due 2026-12-11 for a case received 2026-11-20) of D1's
    petition office, still running: due, not yet counted, not kept."""
    case = new_case(handler1, D(2026, 11, 20))
    due = case.deadlines.get(kind="acceptance").due_on

    def numbers(**params):
        return {row["number"] for row in expect(api(handler1).get(CASES, params))["results"]}

    clock = {
        "clock": "acceptance",
        "clock_unit": case.deadlines.get(kind="acceptance").responsible_unit.code,
    }
    assert numbers(**clock, clock_due_from=due, clock_due_to=due) == {case.number}
    assert numbers(**clock, clock_due_to=due - datetime.timedelta(days=1)) == set()
    assert numbers(clock="answer", clock_due_from=due, clock_due_to=due) == set()
    assert numbers(**clock, clock_state="counted") == set()  # not yet due
    assert numbers(**clock, clock_state="on_time") == set()
    for field, value in (
        ("clock", "review"),
        ("clock_state", "late"),
        ("clock_unit", "D2"),
        ("clock_due_from", "2026-13-01"),
    ):
        assert field in expect(api(handler1).get(CASES, {field: value}), 400)


def test_detail_has_the_contract_fields(handler1, street_handler, frozen_now):
    case = new_case(handler1, D(2026, 11, 20))
    assignment = expect(
        step(
            handler1,
            case,
            "assign",
            lead_unit="D1S1",
            co_units=["D1JY"],
            responsible_person="孙街道",
            leader=None,
            instructions="请核实并报告",
            due_on=D(2026, 12, 10),
        ),
        201,
    )
    assert assignment["case"] == case.number
    assert assignment["lead_unit"] == "D1S1" and assignment["co_units"] == ["D1JY"]
    assert assignment["status"] == "assigned" and assignment["due_on"] == "2026-12-10"

    body = detail(handler1, case)
    expected_keys = {
        "number", "status", "matter_kind", "owner_unit", "receiving_unit", "simplified",
        "acceptance_due", "handling_due", "review_request_due", "review_due",
        "rereview_request_due", "rereview_due", "on_time", "resolved", "sponsoring_leader",
        "same_matter_as", "assignments", "approvals", "replies", "evaluations", "reviews",
        "events", "petitions",
    }  # fmt: skip
    assert expected_keys <= set(body)
    assert body["status"] == "in_progress"
    assert body["owner_unit"] == body["receiving_unit"] == "D1XFJ"
    assert body["matter_kind"] == MatterKind.COMPLAINT
    assert body["simplified"] is False
    assert body["acceptance_due"] == "2026-12-07"
    assert body["handling_due"] == "2027-01-21"
    assert body["review_due"] is None and body["on_time"] is None and body["resolved"] is None
    assert body["same_matter_as"] is None and body["sponsoring_leader"] is None
    [row] = body["assignments"]
    assert {key: row[key] for key in ("id", "lead_unit", "co_units", "status", "due_on")} == {
        "id": assignment["id"],
        "lead_unit": "D1S1",
        "co_units": ["D1JY"],
        "status": "assigned",
        "due_on": "2026-12-10",
    }
    assert {"assigned_on", "signed_on", "reported_on", "report", "return_reason"} <= set(row)
    assert [event["kind"] for event in body["events"]] == ["registered", "accepted", "assigned"]
    event = body["events"][-1]
    assert event["actor"] == "handler1"
    assert event["date"] == "2026-11-22"
    assert event["entered_at"].startswith("2026-11-22T12:00")
    assert (event["old_status"], event["new_status"]) == ("accepted", "in_progress")
    assert event["comment"] == "请核实并报告"
    assert event["data"]["lead_unit"] == "D1S1"
    [petition] = body["petitions"]
    assert set(petition) == {"number", "channel", "received_at"}
    assert petition["channel"] == "visit"

    # The street office sees the case assigned to it; another district does not.
    assert detail(street_handler, case)["number"] == case.number


def test_approvals_list_pending_in_scope_with_status_filter(
    handler1, handler2, city_leader, d2_leader, frozen_now
):
    case = new_case(handler1, D(2026, 11, 20))
    expect(step(handler1, case, "accept"))
    approval = expect(step(handler1, case, "request-extension", days=30, reason="需要调查"), 201)
    assert approval["kind"] == "extension" and approval["status"] == "pending"
    assert approval["proposal"]["days"] == 30

    rows = expect(api(city_leader).get(APPROVALS))["results"]
    assert [(row["id"], row["case"], row["owner_unit"]) for row in rows] == [
        (approval["id"], case.number, "D1XFJ")
    ]
    assert expect(api(d2_leader).get(APPROVALS))["results"] == []
    assert expect(api(city_leader).get(f"{APPROVALS}{approval['id']}/"))["id"] == approval["id"]
    assert api(d2_leader).get(f"{APPROVALS}{approval['id']}/").status_code == 404

    expect(decide(city_leader, approval["id"], instruction="同意"))
    assert expect(api(city_leader).get(APPROVALS))["results"] == []
    done = expect(api(city_leader).get(APPROVALS, {"status": "approved"}))["results"]
    assert [(row["id"], row["decided_by"], row["instruction"]) for row in done] == [
        (approval["id"], "city_leader", "同意")
    ]
    assert len(expect(api(city_leader).get(APPROVALS, {"status": "all"}))["results"]) == 1
    assert "status" in expect(api(city_leader).get(APPROVALS, {"status": "bogus"}), 400)


def test_a_step_that_takes_the_case_out_of_scope_answers_with_number_and_status(
    city_handler, handler2, frozen_now
):
    case = new_case(city_handler, D(2026, 11, 20))
    expect(step(city_handler, case, "forward", to_unit="D2XFJ"))
    body = expect(step(handler2, case, "forward", to_unit="CYXFJ"))
    assert body == {"number": case.number, "status": "forwarded"}
    assert api(handler2).get(case_url(case)).status_code == 404
    assert detail(city_handler, case)["owner_unit"] == "CYXFJ"  # still its receiving unit


# --- due dates through the API (start -> due) -----------------------------------------------------


@pytest.mark.parametrize(
    ("received", "accepted", "handling_due"),
    [
        (D(2026, 8, 1), D(2026, 8, 3), "2026-10-08"),  # 10-02 falls in the National Day break
        (D(2026, 11, 20), D(2026, 11, 22), "2027-01-21"),  # a year chinese-calendar may not know
        (D(2026, 7, 1), D(2026, 7, 5), "2026-09-03"),
    ],
)
def test_handling_due_from_the_acceptance_date(
    handler1, frozen_now, received, accepted, handling_due
):
    case = new_case(handler1, received)
    body = expect(step(handler1, case, "accept", date=accepted))
    assert body["accepted_on"] == accepted.isoformat()
    assert body["handling_due"] == handling_due
    assert detail(handler1, case)["handling_due"] == handling_due


def test_a_30_day_extension_moves_the_handling_due_date(handler1, city_leader, frozen_now):
    case = new_case(handler1, D(2026, 7, 1))
    assert expect(step(handler1, case, "accept", date=D(2026, 7, 5)))["handling_due"] == (
        "2026-09-03"
    )
    approval = expect(
        step(
            handler1,
            case,
            "request-extension",
            days=30,
            reason="涉及多个部门，需要延期",
            date=D(2026, 8, 28),
        ),
        201,
    )
    assert detail(handler1, case)["handling_due"] == "2026-09-03"  # not before the approval
    expect(decide(city_leader, approval["id"], date=D(2026, 8, 29), instruction="同意延期"))
    body = detail(handler1, case)
    assert body["handling_due"] == "2026-10-08"
    [handling] = [row for row in body["deadlines"] if row["kind"] == DeadlineKind.HANDLING]
    assert handling["extended_days"] == 30
    assert body["events"][-1]["kind"] == EventKind.EXTENSION_APPROVED


def test_review_request_window_runs_30_days_from_delivery(handler1, city_leader, frozen_now):
    case = new_case(handler1, D(2026, 3, 1))
    answered(
        handler1,
        city_leader,
        case,
        accepted=D(2026, 3, 2),
        drafted=D(2026, 3, 20),
        approved=D(2026, 3, 21),
        delivered=D(2026, 4, 4),
    )
    body = detail(handler1, case)
    assert body["status"] == "replied"
    assert body["review_request_due"] == "2026-05-06"  # 05-04 falls in the Labour Day break
    assert body["on_time"] is True and body["resolved"] is True


def test_review_due_30_days_from_the_request(handler1, city_leader, d1_handler, frozen_now):
    case = new_case(handler1, D(2026, 7, 20))
    answered(
        handler1,
        city_leader,
        case,
        accepted=D(2026, 7, 21),
        drafted=D(2026, 8, 10),
        approved=D(2026, 8, 11),
        delivered=D(2026, 8, 20),
    )
    body = expect(step(d1_handler, case, "request-review", request="不服", date=D(2026, 9, 1)))
    assert body["status"] == "review_requested"
    assert body["review_due"] == "2026-10-08"
    [review] = body["reviews"]
    assert (review["unit"], review["requested_on"]) == ("D1", "2026-09-01")


# --- refusals: the reason, and nothing changed ----------------------------------------------------


def test_extension_after_the_due_day_is_refused(handler1, frozen_now):
    case = new_case(handler1, D(2026, 8, 1))
    expect(step(handler1, case, "accept", date=D(2026, 8, 3)))  # handling due 2026-10-08
    before = written(case)
    response = step(
        handler1,
        case,
        "request-extension",
        days=10,
        reason="来不及",
        date=D(2026, 10, 9),
        lang="en",
    )
    assert "10/08/2026" in expect(response, 409)["detail"]
    assert "no longer" in response.json()["detail"]
    assert written(case) == before
    # On the due day itself it may still be asked.
    expect(
        step(handler1, case, "request-extension", days=10, reason="需要", date=D(2026, 10, 8)), 201
    )


def test_a_second_extension_is_refused(handler1, city_leader, frozen_now):
    case = new_case(handler1, D(2026, 8, 1))
    expect(step(handler1, case, "accept", date=D(2026, 8, 3)))
    first = expect(
        step(handler1, case, "request-extension", days=10, reason="一", date=D(2026, 8, 10)), 201
    )

    before = written(case)
    pending = step(handler1, case, "request-extension", days=5, reason="二", lang="en")
    assert "only once" in expect(pending, 409)["detail"]
    assert written(case) == before

    expect(decide(city_leader, first["id"], date=D(2026, 8, 11)))
    before = written(case)
    again = step(handler1, case, "request-extension", days=5, reason="二", lang="en")
    assert "only once" in expect(again, 409)["detail"]
    assert written(case) == before
    assert detail(handler1, case)["handling_due"] == "2026-10-19"  # 10-18 is a Sunday


def test_review_requested_after_its_window_is_refused(
    handler1, city_leader, d1_handler, frozen_now
):
    case = new_case(handler1, D(2026, 3, 1))
    answered(
        handler1,
        city_leader,
        case,
        accepted=D(2026, 3, 2),
        drafted=D(2026, 3, 20),
        approved=D(2026, 3, 21),
        delivered=D(2026, 4, 4),
    )
    before = written(case)
    late = step(d1_handler, case, "request-review", request="不服", date=D(2026, 5, 7), lang="en")
    assert "05/06/2026" in expect(late, 409)["detail"]
    assert written(case) == before
    # The last day of the window is still in time.
    on_time = step(d1_handler, case, "request-review", request="不服", date=D(2026, 5, 6))
    assert expect(on_time)["status"] == "review_requested"


def test_acceptance_outside_scope_is_404_and_by_a_non_deciding_unit_403(
    handler1, handler2, outsider, d1_handler, city_handler, frozen_now
):
    case = new_case(handler1, D(2026, 11, 20))
    before = written(case)
    for stranger in (handler2, outsider):
        expect(step(stranger, case, "accept"), 404)
        assert written(case) == before
    for visible in (d1_handler, city_handler):
        response = step(visible, case, "accept", lang="en")
        assert "东湖区信访局" in expect(response, 403)["detail"]
        assert written(case) == before


def test_approval_by_a_non_leader_is_refused(
    handler1, colleague1, city_supervisor, city_leader, frozen_now
):
    case = new_case(handler1, D(2026, 11, 20))
    expect(step(handler1, case, "accept"))
    approval = expect(step(handler1, case, "request-extension", days=30, reason="需要"), 201)
    before = written(case)
    for user in (handler1, colleague1, city_supervisor):
        response = decide(user, approval["id"], lang="en")
        assert "leader" in expect(response, 403)["detail"]
        assert written(case) == before
    assert Approval.objects.get(pk=approval["id"]).status == ApprovalStatus.PENDING
    expect(decide(city_leader, approval["id"]))


# --- query counts -------------------------------------------------------------------------------


def _bulk_cases(unit, count: int, start: int) -> None:
    """`count` cases of `unit` with their clocks, written directly (fast)."""
    received = timezone.now() - datetime.timedelta(days=1)
    day = timezone.localdate(received)
    cases = Case.objects.bulk_create(
        [
            Case(
                number=f"BULK-{start + index:06d}",
                status=CaseStatus.ACCEPTED if index % 2 else CaseStatus.REGISTERED,
                matter_kind=MatterKind.COMPLAINT,
                receiving_unit=unit,
                owner_unit=unit,
                location_unit=unit,
                summary=f"批量事项{index}",
                received_at=received,
                last_step_on=day,
                accepted_on=day if index % 2 else None,
            )
            for index in range(count)
        ]
    )
    clocks = []
    for index, case in enumerate(cases):
        clocks.append(
            Deadline(
                case=case,
                kind=DeadlineKind.ACCEPTANCE,
                responsible_unit=unit,
                starts_on=day,
                due_on=day + datetime.timedelta(days=15),
                met_at=received if index % 2 else None,
                met_on=day if index % 2 else None,
            )
        )
        if index % 2:
            clocks.append(
                Deadline(
                    case=case,
                    kind=DeadlineKind.HANDLING,
                    responsible_unit=unit,
                    starts_on=day,
                    due_on=day + datetime.timedelta(days=60),
                )
            )
    Deadline.objects.bulk_create(clocks)
    reach_refresh(case.pk for case in cases)  # bulk_create sends no signal


LIST_QUERIES = [
    {},
    {"status": "accepted", "overdue": "false", "sponsored": "false"},
    {"unit": "D1", "q": "事项"},
    {"category": "03", "min_petitions": 1},
    {"overdue": "true", "backlog": "false", "answered_from": "2026-01-01"},
    {
        "clock": "acceptance",
        "clock_unit": "D1",
        "clock_state": "counted",
        "clock_due_to": "2030-12-31",
    },
    {"due_from": "2026-01-01", "due_to": "2030-12-31", "page": 2},
]


def test_case_list_runs_the_same_queries_for_10_and_1000_cases(handler1):
    client = api(handler1)

    def counts() -> list[int]:
        result = []
        for params in LIST_QUERIES:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(CASES, params)
            assert response.status_code in (200, 404), response.content  # page 2 of 10: 404
            result.append(len(queries))
        return result

    _bulk_cases(handler1.org_unit, 10, 0)
    # Warm-up: the first request reads the user's roles (audit.permissions.NotAuditor), which
    # the forced user then keeps for the requests below.
    client.get(CASES)
    few = counts()
    _bulk_cases(handler1.org_unit, 990, 10)
    assert expect(client.get(CASES))["count"] == 1000
    assert counts()[:-1] == few[:-1]
    # The count, the page, its owner units (one query without a shared cache:
    # `core.reference`) and the unit a filter names.
    assert max(few) <= 5, few
    with CaptureQueriesContext(connection) as queries:
        expect(client.get(CASES, LIST_QUERIES[-1]))  # page 2 exists now
    assert len(queries) <= 5


def _worked_case(handler, street, leader, *, assignments: int) -> Case:
    """A case assigned `assignments` times (each signed and reported with a file), with a
    reply sent back once and drafted again."""
    case = new_case(handler, D(2026, 11, 20))
    case = services.case_accept(actor=handler, case=case)
    for _index in range(assignments):
        assignment = services.case_assign(
            actor=handler,
            case=case,
            lead_unit=street.org_unit,
            responsible_person="孙街道",
            instructions="请核实",
            due_on=D(2026, 12, 10),
        )
        services.assignment_sign(actor=street, assignment=assignment)
        services.assignment_report(
            actor=street, assignment=assignment, report="已核实", files=[pdf()]
        )
    for _round in range(assignments):
        reply = services.reply_draft(
            actor=handler,
            case=case,
            request="诉求",
            facts_and_reasons="事实",
            opinion="explain",
            legal_basis="依据",
            agreement=pdf("agreement.pdf"),
        )
        services.approval_decide(
            actor=leader, approval=reply.approvals.get(), approve=False, instruction="再核实"
        )
    return case


def test_case_detail_queries_do_not_grow_with_its_history(
    handler1, street_handler, city_leader, frozen_now
):
    small = _worked_case(handler1, street_handler, city_leader, assignments=1)
    big = _worked_case(handler1, street_handler, city_leader, assignments=4)
    client = api(handler1)
    with CaptureQueriesContext(connection) as one:
        expect(client.get(case_url(small)))
    with CaptureQueriesContext(connection) as many:
        body = expect(client.get(case_url(big)))
    assert len(body["assignments"]) == 4 and len(body["replies"]) == 4
    assert len(one) == len(many)
    assert len(many) <= 14


# --- bad input: 400 on the field, nothing written ------------------------------------------------


# A valid assignment; each bad one below drops or changes one of its fields.
ASSIGN = {
    "lead_unit": "D1S1",
    "responsible_person": "孙",
    "instructions": "查",
    "due_on": "2026-12-01",
}


def _without(data: dict, key: str) -> dict:
    return {name: value for name, value in data.items() if name != key}


BAD_STEPS = [
    ("accept", {"date": "2026-13-45"}, "date"),
    ("accept", {"date": "yesterday"}, "date"),
    ("accept", {"date": 20261120}, "date"),
    ("accept", {"date": "2026-11-23"}, "date"),  # tomorrow
    ("accept", {"date": "2026-11-19"}, "date"),  # before the receipt
    ("accept", {"date": "0001-01-01"}, "date"),
    ("accept", {"date": "9999-12-31"}, "date"),
    ("accept", {"simplified": "perhaps"}, "simplified"),
    ("accept", {"comment": "a\x00b"}, "comment"),
    ("forward", {}, "to_unit"),
    ("forward", {"to_unit": "NOPE"}, "to_unit"),
    ("forward", {"to_unit": ["D2XFJ"]}, "to_unit"),
    ("forward", {"to_unit": "D1XFJ"}, "to_unit"),  # already there
    ("assign", _without(ASSIGN, "lead_unit"), "lead_unit"),
    ("assign", _without(ASSIGN, "responsible_person"), "responsible_person"),
    ("assign", _without(ASSIGN, "instructions"), "instructions"),
    ("assign", _without(ASSIGN, "due_on"), "due_on"),
    ("assign", {**ASSIGN, "responsible_person": "孙" * 51}, "responsible_person"),
    ("assign", {**ASSIGN, "co_units": "D1JY"}, "co_units"),
    ("assign", {**ASSIGN, "co_units": ["NOPE"]}, "co_units"),
    ("assign", {**ASSIGN, "leader": "nobody"}, "leader"),
    ("assign", {**ASSIGN, "due_on": "2099-12-01"}, "due_on"),
    ("assign", {**ASSIGN, "lead_unit": "D2S1"}, "lead_unit"),
    ("not-accept", {"reason": "bogus"}, "reason"),
    ("not-accept", {"reason": "other"}, "text"),
    ("not-accept", {"reason": "terminated", "earlier_case": "NOSUCH-1"}, "earlier_case"),
    ("not-accept", {"reason": "terminated"}, "earlier_case"),
    ("divert", {"channel": "litigation"}, "guided_to"),
    ("divert", {"channel": "prayer", "guided_to": "法院"}, "channel"),
    ("divert", {"channel": "litigation", "guided_to": "院" * 101}, "guided_to"),
]


@pytest.mark.parametrize(("name", "data", "field"), BAD_STEPS)
def test_bad_input_on_a_registered_case_is_400_on_the_field(
    handler1, frozen_now, name, data, field
):
    case = new_case(handler1, D(2026, 11, 20))
    before = written(case)
    errors = expect(api(handler1).post(case_url(case, name), data, format="json"), 400)
    assert field in errors, errors
    assert written(case) == before


BAD_EXTENSIONS = [
    ({"reason": "需要"}, "days"),
    ({"days": "ten", "reason": "需要"}, "days"),
    ({"days": 1.5, "reason": "需要"}, "days"),
    ({"days": [3], "reason": "需要"}, "days"),
    ({"days": 10**30, "reason": "需要"}, "days"),
    ({"days": 0, "reason": "需要"}, "days"),
    ({"days": -5, "reason": "需要"}, "days"),
    ({"days": 31, "reason": "需要"}, "days"),
    ({"days": 10}, "reason"),
    ({"days": 10, "reason": "   "}, "reason"),
    ({"days": 10, "reason": "需要", "date": "2026-11-21"}, "date"),  # before the acceptance
]


@pytest.mark.parametrize(("data", "field"), BAD_EXTENSIONS)
def test_bad_extension_requests_are_400_on_the_field(handler1, frozen_now, data, field):
    case = new_case(handler1, D(2026, 11, 20))
    expect(step(handler1, case, "accept"))
    before = written(case)
    errors = expect(
        api(handler1).post(case_url(case, "request-extension"), data, format="json"), 400
    )
    assert field in errors, errors
    assert written(case) == before


def test_other_bad_bodies_are_400_never_500(handler1, city_leader, frozen_now):
    case = new_case(handler1, D(2026, 11, 20))
    client = api(handler1)
    before = written(case)
    assert client.post(case_url(case, "accept"), [1, 2], format="json").status_code == 400
    response = client.post(case_url(case, "accept"), b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert written(case) == before
    expect(step(handler1, case, "accept"))
    approval = expect(step(handler1, case, "request-extension", days=3, reason="需要"), 201)
    errors = expect(decide(city_leader, approval["id"], approve="maybe"), 400)
    assert "approve" in errors
    errors = expect(decide(city_leader, approval["id"], approve=False), 400)
    assert "instruction" in errors  # sending back says what to do differently
    errors = expect(decide(city_leader, approval["id"], date="2026-02-30"), 400)
    assert "date" in errors


def test_unknown_or_absurd_ids_and_filters_are_404_or_400(handler1, frozen_now):
    client = api(handler1)
    for url in (
        f"{APPROVALS}99999999999999999999999/decide/",
        f"{APPROVALS}0/decide/",
        f"{APPROVALS}abc/decide/",
        "/api/v1/assignments/99999999999999999999999/sign/",
        "/api/v1/assignments/-1/report/",
        "/api/v1/assignments/abc/return/",
        case_url("NOSUCH-2026-000001", "accept"),
        case_url("BAD%00NUMBER", "accept"),
    ):
        assert client.post(url, {}, format="json").status_code == 404, url
    assert client.get(case_url("BAD%00NUMBER")).status_code == 404
    for params, field in (
        ({"status": "bogus"}, "status"),
        ({"due_from": "2026-99-01"}, "due_from"),
        ({"min_petitions": "abc"}, "min_petitions"),
        ({"min_petitions": 0}, "min_petitions"),
        ({"unit": "NOPE"}, "unit"),
    ):
        assert field in expect(client.get(CASES, params), 400), params
    assert client.get(CASES, {"min_petitions": "1" + "0" * 40}).status_code in (200, 400)
    assert client.get(CASES, {"page": "abc"}).status_code == 404
    assert client.get(CASES, {"page": 10**30}).status_code == 404


def test_assignment_report_files_are_checked(handler1, street_handler, frozen_now):
    case = new_case(handler1, D(2026, 11, 20))
    assignment = assigned_to_street(handler1, case)
    url = f"/api/v1/assignments/{assignment['id']}/"
    client = api(street_handler)
    expect(client.post(url + "sign/", {}, format="json"))
    before = written(case)
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    errors = expect(client.post(url + "report/", {"report": "已办", "files": [fake]}), 400)
    assert "files" in errors
    errors = expect(client.post(url + "report/", {"files": [pdf()]}), 400)
    assert "report" in errors
    assert written(case) == before
    body = expect(client.post(url + "report/", {"report": "已办", "files": [pdf(), pdf("b.pdf")]}))
    assert body["status"] == "reported"
    assert [doc["original_name"] for doc in body["documents"]] == ["material.pdf", "b.pdf"]


def test_simplified_procedure_and_leaving_it(handler1, frozen_now):
    case = new_case(handler1, D(2026, 11, 20), petitioners=[petitioner()])
    body = expect(step(handler1, case, "accept", simplified=True))
    assert body["simplified"] is True
    simplified_due = body["handling_due"]
    body = expect(step(handler1, case, "leave-simplified", reason="情况复杂"))
    assert body["simplified"] is False
    assert body["handling_due"] == "2027-01-21" != simplified_due


def test_illegal_transitions_are_409_and_change_nothing(handler1, city_leader, frozen_now):
    case = new_case(handler1, D(2026, 11, 20))
    before = written(case)
    for name, data in (
        ("deliver-reply", {"method": "post"}),
        ("evaluate", {"result": "satisfied", "contact": "信访人"}),
        ("leave-simplified", {"reason": "复杂"}),
        ("request-extension", {"days": 10, "reason": "需要"}),
    ):
        assert step(handler1, case, name, **data).status_code == 409, name
        assert written(case) == before
    expect(step(handler1, case, "accept"))
    before = written(case)
    response = step(handler1, case, "accept", lang="en")
    assert case.number in expect(response, 409)["detail"]
    assert step(handler1, case, "forward", to_unit="D2XFJ").status_code == 409
    assert step(handler1, case, "deliver-reply", method="post").status_code == 409  # no reply
    assert written(case) == before
    approval = expect(step(handler1, case, "request-extension", days=5, reason="需要"), 201)
    expect(decide(city_leader, approval["id"]))
    before = written(case)
    assert decide(city_leader, approval["id"]).status_code == 409  # already decided
    assert written(case) == before


def test_unknown_people_are_400_on_their_field(handler1, city_leader, frozen_now):
    case = new_case(handler1, D(2026, 11, 20))
    expect(step(handler1, case, "accept"))
    before = written(case)
    errors = expect(
        step(
            city_leader, case, "sponsor", staff="nobody", due_on="2026-12-31", responsibility="督促"
        ),
        400,
    )
    assert "staff" in errors
    errors = expect(
        step(city_leader, case, "sponsor", due_on="2026-11-01", responsibility="督促"), 400
    )
    assert "due_on" in errors
    assert written(case) == before
    body = expect(step(city_leader, case, "sponsor", due_on="2026-12-31", responsibility="督促"))
    assert body["sponsoring_leader"] == "city_leader" and body["sponsor_staff"] is None


def test_assignment_detail_is_scoped(handler1, street_handler, handler2, frozen_now):
    case = new_case(handler1, D(2026, 11, 20))
    assignment = assigned_to_street(handler1, case)
    url = f"/api/v1/assignments/{assignment['id']}/"
    assert expect(api(street_handler).get(url))["case"] == case.number
    assert api(handler2).get(url).status_code == 404
    assert api(handler2).post(url + "sign/", {}, format="json").status_code == 404
