"""Closing (已办结): a case closes when the petitioner's last window lapses unused, by the
periodic job, dated on the window's last day. The clock is frozen on 22 November 2026; the
replies are back-entered on real dates (the review window of an answer delivered on 4
September 2026 ends on 8 October: its 30th day, 4 October, is in the National Day holiday)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from cases import services
from cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    DeadlineKind,
    EventKind,
    NotAcceptReason,
)
from cases.selectors import my_queue, open_work_clocks
from cases.services import closing
from cases.tasks import close_lapsed_cases
from core.exceptions import Conflict, ValidationError
from petitions.models import Petition
from tests.factories import deliver, petitioner, register_petition
from tests.petitions.test_views import intake_data, row

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = D(2026, 11, 22)
DELIVERED = D(2026, 9, 4)
WINDOW_END = D(2026, 10, 8)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 22, 12, tzinfo=SHANGHAI), tick=False):
        yield


def answered(handler, leader, *, person=None, delivered=DELIVERED) -> Case:
    """A case received 1 August 2026, accepted, answered and delivered on `delivered`."""
    case = register_petition(
        handler,
        received_at=datetime.datetime(2026, 8, 1, 9, tzinfo=SHANGHAI),
        petitioners=[person or petitioner()],
    ).petition.case
    services.case_accept(actor=handler, case=case, on=D(2026, 8, 3))
    return deliver(case, handler, leader, on=delivered)


def window(case: Case, kind: str = DeadlineKind.REVIEW_REQUEST) -> Deadline:
    return case.deadlines.get(kind=kind)


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.status,
        case.last_step_on,
        list(case.deadlines.order_by("pk").values_list("kind", "met_at", "met_on", "lapsed")),
        list(case.events.order_by("pk").values_list("kind", "effective_on", "created_at")),
    )


def test_a_replied_case_closes_dated_on_the_last_day_of_its_review_window(handler1, city_leader):
    case = answered(handler1, city_leader)
    assert window(case).due_on == WINDOW_END

    result = services.cases_close_lapsed()

    assert result.closed == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and not case.is_open
    assert case.last_step_on == WINDOW_END  # not the day the job ran
    (event,) = case.events.filter(kind=EventKind.CLOSED)
    assert (event.effective_on, event.old_status, event.new_status) == (
        WINDOW_END,
        CaseStatus.REPLIED,
        CaseStatus.CLOSED,
    )
    assert event.actor is None and event.data == {
        "window": DeadlineKind.REVIEW_REQUEST,
        "due_on": "2026-10-08",
    }
    assert "2026-10-08" in event.comment
    assert list(case.events.values_list("kind", flat=True))[-1] == EventKind.CLOSED
    # The window lapsed: stopped, not met, and nobody's overdue duty.
    lapsed = window(case)
    assert lapsed.lapsed and not lapsed.is_open
    assert lapsed.met_on is None and lapsed.met_in_time is None
    assert not open_work_clocks().filter(case=case).exists()
    assert not Deadline.objects.filter(case=case, met_at__isnull=True).exists()


def test_a_second_run_changes_nothing(handler1, city_leader):
    case = answered(handler1, city_leader)
    services.cases_close_lapsed()
    before = snapshot(case)

    again = services.cases_close_lapsed()

    assert (again.closed, again.lapsed_only) == (0, 0)
    assert snapshot(case) == before
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CLOSED).count() == 1


def test_a_window_still_open_on_its_last_day_keeps_the_case_open(handler1, city_leader):
    case = answered(handler1, city_leader)
    before = snapshot(case)

    assert services.cases_close_lapsed(today=WINDOW_END).closed == 0
    assert snapshot(case) == before

    assert services.cases_close_lapsed(today=WINDOW_END + datetime.timedelta(days=1)).closed == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.events.get(kind=EventKind.CLOSED).effective_on == WINDOW_END


def test_a_recent_answer_is_not_closed(handler1, city_leader):
    case = answered(handler1, city_leader, delivered=D(2026, 11, 2))
    assert window(case).due_on >= TODAY
    assert services.cases_close_lapsed().closed == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED and window(case).is_open


def test_an_evaluated_case_closes_too(handler1, city_leader):
    case = answered(handler1, city_leader)
    services.case_evaluate(
        actor=handler1, case=case, result="satisfied", contact="信访人", on=D(2026, 9, 10)
    )
    services.cases_close_lapsed()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.events.get(kind=EventKind.CLOSED).old_status == CaseStatus.EVALUATED


def test_a_case_whose_review_was_requested_is_not_closed(handler1, city_leader, d1_handler):
    case = answered(handler1, city_leader)
    services.case_request_review(actor=d1_handler, case=case, request="不服", on=WINDOW_END)

    assert services.cases_close_lapsed().closed == 0

    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW_REQUESTED
    met = window(case)
    assert met.met_on == WINDOW_END and not met.lapsed
    assert not case.events.filter(kind=EventKind.CLOSED).exists()


def test_a_reviewed_case_closes_when_the_rereview_window_lapses(handler1, city_leader, d1_handler):
    case = answered(handler1, city_leader)
    services.case_request_review(actor=d1_handler, case=case, request="不服", on=D(2026, 9, 20))
    services.case_review(
        actor=d1_handler, case=case, decision="uphold", opinion="维持", on=D(2026, 10, 9)
    )
    rereview_window = window(case, DeadlineKind.REREVIEW_REQUEST)
    assert rereview_window.due_on == D(2026, 11, 9)

    assert services.cases_close_lapsed(today=D(2026, 11, 9)).closed == 0
    assert services.cases_close_lapsed().closed == 1

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.last_step_on == D(2026, 11, 9)
    event = case.events.get(kind=EventKind.CLOSED)
    assert event.old_status == CaseStatus.REVIEWED and event.effective_on == D(2026, 11, 9)
    assert event.data["window"] == DeadlineKind.REREVIEW_REQUEST
    assert window(case, DeadlineKind.REREVIEW_REQUEST).lapsed
    assert not window(case, DeadlineKind.REVIEW_REQUEST).lapsed  # met by the request


def test_a_request_that_came_in_while_the_job_waited_keeps_the_case_open(
    handler1, city_leader, d1_handler
):
    """The job read the lapsed window, then the review request (back-entered on the window's
    last day) committed before the job's batch locked the case: the batch reads the window
    again under the lock and leaves the case alone."""
    case = answered(handler1, city_leader)
    candidates = closing.lapsed_windows(TODAY, closing.BATCH_SIZE)
    assert [row[1] for row in candidates] == [case.pk]
    services.case_request_review(actor=d1_handler, case=case, request="不服", on=WINDOW_END)

    result = services.ClosingResult()
    closing._close(candidates, TODAY, result)

    assert (result.closed, result.lapsed_only) == (0, 0)
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW_REQUESTED
    assert not window(case).lapsed


def test_a_closed_case_takes_no_review_request(handler1, city_leader, d1_handler):
    case = answered(handler1, city_leader)
    services.cases_close_lapsed()
    with pytest.raises(Conflict):
        services.case_request_review(actor=d1_handler, case=case, request="不服", on=TODAY)


def test_batches_close_every_lapsed_case(handler1, city_leader):
    cases = [answered(handler1, city_leader, delivered=D(2026, 9, day)) for day in (4, 7, 8)]
    result = services.cases_close_lapsed(batch_size=1)
    assert result.closed == 3
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True)
    ) == {CaseStatus.CLOSED}


def test_beat_runs_the_job_with_the_deadline_scan(handler1, city_leader):
    case = answered(handler1, city_leader)
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "cases.tasks.close_lapsed_cases"
    )
    assert entry["schedule"] == settings.CELERY_BEAT_SCHEDULE["scan-deadlines"]["schedule"]
    assert close_lapsed_cases.run() == {"closed": 1, "lapsed_only": 0}
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


# --- lists and the queue -----------------------------------------------------------------


def test_the_case_list_filters_closed_cases_as_yi_ban_jie(client, handler1, city_leader):
    closed = answered(handler1, city_leader)
    still_replied = answered(handler1, city_leader, delivered=D(2026, 11, 2))
    services.cases_close_lapsed()
    client.force_login(handler1)

    page = client.get(reverse("cases:list"), {"status": CaseStatus.CLOSED}).content.decode()
    assert closed.number in page and still_replied.number not in page
    assert "已办结" in page

    listed = client.get("/api/v1/cases/", {"status": CaseStatus.CLOSED}).json()
    assert [row["number"] for row in listed["results"]] == [closed.number]
    assert listed["results"][0]["status"] == CaseStatus.CLOSED
    replied = client.get("/api/v1/cases/", {"status": CaseStatus.REPLIED}).json()
    assert [row["number"] for row in replied["results"]] == [still_replied.number]


def test_the_queue_no_longer_shows_a_closed_case(client, handler1, city_leader):
    case = answered(handler1, city_leader)
    services.case_sponsor(
        actor=city_leader,
        case=case,
        staff=handler1,
        due_on=D(2026, 12, 31),
        responsibility="包案化解",
        on=D(2026, 9, 5),
    )
    assert case in my_queue(user=city_leader).sponsored

    services.cases_close_lapsed()

    assert case not in my_queue(user=city_leader).sponsored
    client.force_login(city_leader)
    assert case.number not in client.get(reverse("cases:queue")).content.decode()


# --- the same matter raised again ----------------------------------------------------------


def test_a_petition_after_closing_opens_a_new_case_linked_to_the_closed_one(
    client, handler1, city_leader
):
    person = petitioner()
    closed = answered(handler1, city_leader, person=person)
    services.cases_close_lapsed()
    client.force_login(handler1)

    # The intake page's repeat panel warns, naming the closed case, and offers no attaching.
    panel = client.post(
        reverse("petitions:repeat-panel"), {"petitioners-0-id_number": person.id_number}
    ).content.decode()
    assert "data-closed" in panel and closed.number in panel and "2026-10-08" in panel
    assert f'data-attach-case="{closed.number}"' not in panel

    intake = client.post(
        reverse("petitions:intake"),
        intake_data(
            handler1,
            [row(0, name=person.name, id_number=person.id_number, phone=person.phone)],
        ),
        follow=True,
    )
    assert intake.status_code == 200
    petition = Petition.objects.latest("pk")
    again = petition.case
    assert again != closed and again.status == CaseStatus.REGISTERED
    assert again.same_matter_as == closed and not petition.is_repeat
    warning = [str(message) for message in intake.context["messages"]]
    assert any(closed.number in message and "办结" in message for message in warning)

    detail = client.get(reverse("petitions:detail", args=[petition.number])).content.decode()
    assert "data-same-matter" in detail and closed.number in detail
    # Unlike a terminated matter, a closed one may be accepted again.
    services.case_accept(actor=handler1, case=again, on=TODAY)


def test_the_new_case_may_be_refused_as_answered_without_a_review_request(handler1, city_leader):
    person = petitioner()
    closed = answered(handler1, city_leader, person=person)
    services.cases_close_lapsed()
    again = register_petition(handler1, petitioners=[person]).petition.case

    approval = services.case_propose_not_accept(
        actor=handler1, case=again, reason=NotAcceptReason.NOT_REVIEWED_IN_TIME, on=TODAY
    )
    assert approval.proposal["earlier_case"] == closed.number
    services.approval_decide(actor=city_leader, approval=approval, approve=True, on=TODAY)
    again.refresh_from_db()
    assert again.status == CaseStatus.NOT_ACCEPTED
    assert again.decision_reason == NotAcceptReason.NOT_REVIEWED_IN_TIME
    assert again.get_decision_reason_display() == "已答复且未在期限内请求复查"


def test_the_reason_needs_a_closed_case_on_the_same_matter(handler1, city_leader):
    open_case = answered(handler1, city_leader, delivered=D(2026, 11, 2))  # not closed
    fresh = register_petition(handler1).petition.case
    for earlier in (None, open_case):
        with pytest.raises(ValidationError) as refused:
            services.case_propose_not_accept(
                actor=handler1,
                case=fresh,
                reason=NotAcceptReason.NOT_REVIEWED_IN_TIME,
                earlier_case=earlier,
            )
        assert "earlier_case" in refused.value.message_dict
    # A closed case is not a terminated one.
    person = petitioner()
    answered(handler1, city_leader, person=person)
    services.cases_close_lapsed()
    again = register_petition(handler1, petitioners=[person]).petition.case
    with pytest.raises(ValidationError):
        services.case_propose_not_accept(
            actor=handler1, case=again, reason=NotAcceptReason.TERMINATED
        )
    assert not again.approvals.exists()
