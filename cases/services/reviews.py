"""Review (复查) and re-review (复核) by the superior units (Art. 35–36), hearings, and the
termination (终结) that follows the re-review."""

import datetime
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from core.exceptions import Conflict, ValidationError

from ..guards import (
    REQUESTABLE_FROM,
    REQUESTED,
    hearing_guard,
    review_decision_guard,
    review_request_guard,
    review_request_target,
)
from ..models import (
    Case,
    CaseStatus,
    DeadlineKind,
    DocumentKind,
    EventKind,
    Hearing,
    NoticeKind,
    Review,
    ReviewDecision,
    ReviewLevel,
)
from .clocks import clock_due
from .core import (
    case_lock,
    case_move,
    case_step_save,
    clock_meet,
    deadline_start,
    documents_store,
    effective_date,
    open_clock,
    required_text,
    with_files_cleaned_up,
)
from .notices import notice_issue

# Keyed by ReviewLevel, looked up by the stored level (a str).
REQUEST_WINDOW: dict[str, DeadlineKind] = {
    ReviewLevel.REVIEW: DeadlineKind.REVIEW_REQUEST,
    ReviewLevel.REREVIEW: DeadlineKind.REREVIEW_REQUEST,
}
CLOCK: dict[str, DeadlineKind] = {
    ReviewLevel.REVIEW: DeadlineKind.REVIEW,
    ReviewLevel.REREVIEW: DeadlineKind.REREVIEW,
}
DECIDED: dict[str, CaseStatus] = {
    ReviewLevel.REVIEW: CaseStatus.REVIEWED,
    ReviewLevel.REREVIEW: CaseStatus.REREVIEWED,
}
NOTICE: dict[str, NoticeKind] = {
    ReviewLevel.REVIEW: NoticeKind.REVIEW_OPINION,
    ReviewLevel.REREVIEW: NoticeKind.REREVIEW_OPINION,
}
DOCUMENT: dict[str, DocumentKind] = {
    ReviewLevel.REVIEW: DocumentKind.REVIEW_DECISION,
    ReviewLevel.REREVIEW: DocumentKind.REREVIEW_DECISION,
}
EVENTS: dict[str, tuple[EventKind, EventKind]] = {
    ReviewLevel.REVIEW: (EventKind.REVIEW_REQUESTED, EventKind.REVIEWED),
    ReviewLevel.REREVIEW: (EventKind.REREVIEW_REQUESTED, EventKind.REREVIEWED),
}


@transaction.atomic
def review_request(
    *, actor: User, case: Case, level: str, request: str, on: datetime.date | None = None
) -> Review:
    """A request for review (复查申请, within 30 days of the reply's delivery, at the answering
    unit's superior) or re-review (复核申请, within 30 days of the review opinion, at the
    reviewing unit's superior), registered by the superior's staff."""
    case = case_lock(case)
    unit = review_request_guard(actor, case, level)
    return _review_register(
        case, level, unit, request, effective_date(case, on), actor=actor, comment=None
    )


@transaction.atomic
def review_request_online(*, case: Case | int, request: str) -> Review:
    """The petitioner's own request from the public portal, today: a review while the answer
    stands (replied or rated), a re-review after the review decision; the same window and
    superior unit as a request registered by staff."""
    case = case_lock(case)
    levels = [
        level
        for level in (ReviewLevel.REVIEW, ReviewLevel.REREVIEW)
        if case.status in REQUESTABLE_FROM[level]
    ]
    if not levels:
        raise Conflict(_("A review can be asked for only after the answer has been delivered."))
    level = levels[0]
    unit = review_request_target(case, level)
    headline = (
        _("Petitioner requested a review online")
        if level == ReviewLevel.REVIEW
        else _("Petitioner requested a re-review online")
    )
    return _review_register(
        case, level, unit, request, timezone.localdate(), actor=None, comment=headline
    )


def _review_register(
    case: Case,
    level: str,
    unit: OrgUnit,
    request: str,
    on: datetime.date,
    *,
    actor: User | None,
    comment: str | None,
) -> Review:
    """Register the request on the locked `case` at `unit`: within its window, the window's
    clock met, the review's clock started, the case moved and the step on the timeline
    (`comment` above the request, for an online one)."""
    action = (
        _("requesting a review") if level == ReviewLevel.REVIEW else _("requesting a re-review")
    )
    window = open_clock(case, REQUEST_WINDOW[level])
    if window is None or on > window.due_on:
        raise Conflict(
            _("The request window ended on %(date)s; the request is not accepted.")
            % {"date": date_format(window.due_on, "SHORT_DATE_FORMAT") if window else "-"}
        )
    request = required_text(request, "request")
    clock_meet(window, on)
    review = Review.objects.create(
        case=case, level=level, unit=unit, requested_on=on, request=request
    )
    clock = deadline_start(case=case, kind=CLOCK[level], responsible_unit=unit, starts_on=on)
    old = case_move(case, REQUESTED[level], action=action)
    data: dict[str, object] = {"unit": unit.code, "due_on": clock.due_on.isoformat()}
    if actor is None:
        data["online"] = True
    case_step_save(
        case,
        on,
        event=EVENTS[level][0],
        actor=actor,
        old_status=old,
        comment=f"{comment}\n{request}" if comment else request,
        data=data,
    )
    return review


def review_decide(
    *,
    actor: User,
    case: Case,
    level: str,
    decision: str,
    opinion: str,
    document: UploadedFile | None = None,
    on: datetime.date | None = None,
) -> Review:
    """The review opinion (复查意见: uphold, change or revoke; the re-review window opens on
    delivery) or the re-review opinion (复核意见; the matter is then terminated (终结) and not
    accepted again)."""

    def work(stored):
        locked = case_lock(case)
        review = review_decision_guard(actor, locked, level)
        action = (
            _("deciding the review") if level == ReviewLevel.REVIEW else _("deciding the re-review")
        )
        day = effective_date(locked, on)
        if decision not in ReviewDecision.values:
            raise ValidationError({"decision": _("Choose uphold, change or revoke.")})
        text = required_text(opinion, "opinion")
        documents = documents_store(
            case=locked,
            kind=DOCUMENT[level],
            uploads=[document] if document else [],
            actor=actor,
            field="document",
            stored=stored,
        )
        clock = clock_meet(open_clock(locked, CLOCK[level]), day)
        review.decision = decision
        review.opinion = text
        review.decided_on = day
        review.delivered_on = day
        review.decided_by = actor
        review.document = documents[0] if documents else None
        review.save()
        old = case_move(locked, DECIDED[level], action=action)
        if level == ReviewLevel.REVIEW:
            deadline_start(
                case=locked,
                kind=DeadlineKind.REREVIEW_REQUEST,
                responsible_unit=review.unit,
                starts_on=day,
            )
        case_step_save(
            locked,
            day,
            event=EVENTS[level][1],
            actor=actor,
            old_status=old,
            comment=text,
            data={"decision": decision, "on_time": clock.met_in_time if clock else None},
        )
        notice_issue(
            actor=actor, case=locked, kind=NOTICE[level], unit=review.unit, on=day, review=review
        )
        if level == ReviewLevel.REREVIEW:
            old = case_move(locked, CaseStatus.TERMINATED, action=action)
            case_step_save(locked, day, event=EventKind.TERMINATED, actor=actor, old_status=old)
        return review

    return with_files_cleaned_up(work)


# The two levels' steps, as the pages, the API and the demo call them.
case_request_review = partial(review_request, level=ReviewLevel.REVIEW)
case_review = partial(review_decide, level=ReviewLevel.REVIEW)
case_request_rereview = partial(review_request, level=ReviewLevel.REREVIEW)
case_rereview = partial(review_decide, level=ReviewLevel.REREVIEW)


@transaction.atomic
def case_record_hearing(
    *,
    actor: User,
    case: Case,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
) -> Hearing:
    """听证 during a re-review: its days are not counted, so the re-review clock moves."""
    case = case_lock(case)
    review = hearing_guard(actor, case)
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ValidationError({"ends_on": _("The hearing cannot end before it starts.")})
    effective_date(case, starts_on)
    effective_date(case, ends_on)
    if starts_on < review.requested_on:
        raise ValidationError({"starts_on": _("The hearing cannot be before the request.")})
    hearing = Hearing.objects.create(
        review=review, starts_on=starts_on, ends_on=ends_on, note=(note or "").strip()
    )
    clock = open_clock(case, DeadlineKind.REREVIEW)
    assert clock is not None  # the guard found the re-review; its clock runs, under a rule
    clock.paused_days += hearing.days
    due = clock_due(clock)
    assert due is not None
    clock.due_on, clock.due_provisional = due
    clock.save(update_fields=["paused_days", "due_on", "due_provisional"])
    case_step_save(
        case,
        ends_on,
        event=EventKind.HEARING,
        actor=actor,
        comment=hearing.note,
        data={
            "from": starts_on.isoformat(),
            "to": ends_on.isoformat(),
            "due_on": clock.due_on.isoformat(),
        },
    )
    return hearing
