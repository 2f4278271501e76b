"""The whole life of a matter through the API, with back-entered dates (补录): registered,
accepted, assigned, signed for, reported on, answered, approved, delivered, evaluated,
reviewed, re-reviewed (with a hearing), terminated; then the same matter is refused."""

import datetime

from cases.models import Case, CaseEvent, DeadlineKind
from tests.cases.test_api import (
    APPROVALS,
    D,
    api,
    case_url,
    decide,
    detail,
    expect,
    pdf,
    step,
    written,
)
from tests.factories import make_id_number, make_phone

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
PETITIONS = "/api/v1/petitions/"


def petition(received_at: datetime.datetime, person: dict) -> dict:
    return {
        "channel": "visit",
        "received_at": received_at.isoformat(),
        "location_unit": "D1S1",
        "category": "0301",
        "matter_kind": "complaint",
        "person_count": 1,
        "summary": "反映拖欠工资问题",
        "content": "信访人反映某公司拖欠其工资三个月，要求督促支付。",
        "petitioners": [person],
    }


def test_full_lifecycle_through_the_api_then_the_same_matter_is_refused(
    handler1, street_handler, city_leader, d1_handler, city_handler, reception1, frozen_now
):
    person = {"name": "张三", "id_number": make_id_number(), "phone": make_phone()}
    registered = api(handler1).post(
        PETITIONS,
        petition(datetime.datetime(2026, 8, 1, 9, tzinfo=SHANGHAI), person),
        format="json",
    )
    number = expect(registered, 201)["case"]
    assert detail(handler1, number)["acceptance_due"] == "2026-08-17"  # 08-16 is a Sunday

    # Accept (受理) and assign (交办) to the street office.
    body = expect(step(handler1, number, "accept", date=D(2026, 8, 3), comment="属于本级职责"))
    assert (body["status"], body["handling_due"]) == ("accepted", "2026-10-08")
    assignment = expect(
        step(
            handler1,
            number,
            "assign",
            lead_unit="D1S1",
            co_units=["D1JY"],
            responsible_person="孙街道",
            leader="city_leader",
            instructions="请核实并于期限内报告",
            due_on=D(2026, 9, 1),
            date=D(2026, 8, 3),
        ),
        201,
    )
    assert assignment["leader"] == "city_leader"
    assignment_url = f"/api/v1/assignments/{assignment['id']}/"

    # The street office signs for it and reports back with its material (multipart).
    street = api(street_handler)
    signed = expect(street.post(assignment_url + "sign/", {"date": "2026-08-04"}, format="json"))
    assert (signed["status"], signed["signed_on"]) == ("signed", "2026-08-04")
    reported = expect(
        street.post(
            assignment_url + "report/",
            {
                "report": "已核实，公司承诺支付",
                "files": [pdf("核实报告.pdf")],
                "date": "2026-08-20",
            },
        )
    )
    assert (reported["status"], reported["reported_on"]) == ("reported", "2026-08-20")
    assert [doc["original_name"] for doc in reported["documents"]] == ["核实报告.pdf"]

    # The reply (信访处理意见书), with the mediation agreement, goes to the leader.
    body = expect(
        step(
            handler1,
            number,
            "reply",
            multipart=True,
            request="支付拖欠的工资",
            facts_and_reasons="经核实，该公司拖欠工资属实，已达成调解协议。",
            opinion="support",
            legal_basis="《劳动合同法》第三十条",
            resolved="true",
            agreement=pdf("调解协议书.pdf"),
            agreement_kind="mediation_agreement",
            date="2026-08-25",
        )
    )
    [reply] = body["replies"]
    assert reply["status"] == "pending_approval"
    assert reply["agreement"]["original_name"] == "调解协议书.pdf"

    # The leader approves it from the inbox.
    inbox = expect(api(city_leader).get(APPROVALS))["results"]
    [approval] = [row for row in inbox if row["case"] == number]
    assert (approval["kind"], approval["reply"]) == ("reply", reply["id"])
    decided = expect(decide(city_leader, approval["id"], instruction="同意", date=D(2026, 8, 26)))
    assert (decided["status"], decided["decided_by"]) == ("approved", "city_leader")

    # Delivered in time; the petitioner is called back.
    body = expect(step(handler1, number, "deliver-reply", method="in_person", date=D(2026, 8, 27)))
    assert body["status"] == "replied"
    assert body["on_time"] is True and body["resolved"] is True
    assert body["answering_unit"] == "D1XFJ"
    assert body["review_request_due"] == "2026-09-28"  # 09-26 is a Saturday
    body = expect(
        step(
            handler1,
            number,
            "evaluate",
            result="dissatisfied",
            contact="张三",
            note="对结果不满意",
            date=D(2026, 9, 1),
        )
    )
    assert body["status"] == "evaluated"
    assert body["evaluations"][0]["result"] == "dissatisfied"

    # Review (复查) at the district government, re-review (复核) at the city.
    body = expect(
        step(d1_handler, number, "request-review", request="不服处理意见", date="2026-09-10")
    )
    # 10-10 is a Saturday, but a make-up workday (调休) after the National Day break.
    assert (body["status"], body["review_due"]) == ("review_requested", "2026-10-10")
    body = expect(
        step(
            d1_handler,
            number,
            "review",
            multipart=True,
            decision="uphold",
            opinion="维持原处理意见",
            document=pdf("复查意见书.pdf"),
            date="2026-09-20",
        )
    )
    assert body["status"] == "reviewed"
    assert body["rereview_request_due"] == "2026-10-20"
    # The city petition office's reception registers the re-review request.
    body = expect(step(reception1, number, "request-rereview", request="仍不服", date="2026-10-10"))
    assert body["status"] == "rereview_requested"
    rereview_due = D.fromisoformat(body["rereview_due"])
    body = expect(
        step(
            city_handler,
            number,
            "hearing",
            starts_on="2026-10-12",
            ends_on="2026-10-13",
            note="公开听证",
        )
    )
    assert D.fromisoformat(body["rereview_due"]) > rereview_due  # the hearing days do not count
    body = expect(
        step(city_handler, number, "rereview", decision="uphold", opinion="维持", date="2026-10-20")
    )
    assert body["status"] == "terminated"
    [review, rereview] = body["reviews"]
    assert (review["level"], review["unit"], review["decision"]) == ("review", "D1", "uphold")
    assert review["document"]["original_name"] == "复查意见书.pdf"
    assert (rereview["level"], rereview["unit"]) == ("rereview", "CT")
    assert rereview["hearings"][0]["days"] == 2

    kinds = [(event["kind"], event["date"], event["actor"]) for event in body["events"]]
    assert kinds == [
        ("registered", "2026-08-01", "handler1"),
        ("accepted", "2026-08-03", "handler1"),
        ("assigned", "2026-08-03", "handler1"),
        ("assignment_signed", "2026-08-04", "street_handler"),
        ("assignment_reported", "2026-08-20", "street_handler"),
        ("reply_drafted", "2026-08-25", "handler1"),
        ("reply_approved", "2026-08-26", "city_leader"),
        ("reply_delivered", "2026-08-27", "handler1"),
        ("evaluated", "2026-09-01", "handler1"),
        ("review_requested", "2026-09-10", "d1_handler"),
        ("reviewed", "2026-09-20", "d1_handler"),
        ("rereview_requested", "2026-10-10", "reception1"),
        ("hearing", "2026-10-13", "city_handler"),
        ("rereviewed", "2026-10-20", "city_handler"),
        ("terminated", "2026-10-20", "city_handler"),
    ]
    # Every step was entered today (2026-11-22), whatever day it happened.
    assert {event["entered_at"][:10] for event in body["events"]} == {"2026-11-22"}
    assert body["events"][-1]["new_status"] == "terminated"

    # A new petition of the same person on the same matter: intake links it to the
    # terminated case, and acceptance refuses it, naming that case.
    again = expect(
        api(handler1).post(
            PETITIONS,
            petition(datetime.datetime(2026, 11, 21, 9, tzinfo=SHANGHAI), person),
            format="json",
        ),
        201,
    )["case"]
    assert again != number
    assert detail(handler1, again)["same_matter_as"] == number
    before = written(_case(again))
    refused = step(handler1, again, "accept")
    assert number in expect(refused, 409)["detail"]
    assert written(_case(again)) == before
    assigned = step(
        handler1,
        again,
        "assign",
        lead_unit="D1S1",
        responsible_person="孙街道",
        instructions="请核实",
        due_on=D(2026, 12, 1),
    )
    assert number in expect(assigned, 409)["detail"]
    assert written(_case(again)) == before
    assert not CaseEvent.objects.filter(case__number=again, kind="accepted").exists()
    assert not _case(again).deadlines.filter(kind=DeadlineKind.HANDLING).exists()
    assert api(handler1).get(case_url(again)).status_code == 200


def _case(number: str) -> Case:
    return Case.objects.get(number=number)
