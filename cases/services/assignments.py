"""The assigned unit's side of an assignment: sign for it, report back, or object (Art. 23)."""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict

from ..guards import assignment_guard
from ..models import Assignment, AssignmentStatus, DeadlineKind, DocumentKind, EventKind
from .core import (
    case_lock,
    case_step_save,
    clock_meet,
    documents_store,
    effective_date,
    required_text,
    window_end,
    with_files_cleaned_up,
)


def _lock(actor: User, assignment: Assignment, step: str) -> Assignment:
    """Lock the case (the one lock every case change takes), re-read the assignment and
    check `step`'s guard on it."""
    case = case_lock(assignment.case_id)
    assignment = Assignment.objects.select_related("lead_unit").get(pk=assignment.pk)
    assignment.case = case
    assignment_guard(actor, assignment, step)
    return assignment


def _assignment_clock(assignment: Assignment):
    return assignment.deadlines.filter(met_at__isnull=True).first()


@transaction.atomic
def assignment_sign(
    *, actor: User, assignment: Assignment, on: datetime.date | None = None
) -> Assignment:
    """签收: the lead unit confirms it has received the assignment."""
    assignment = _lock(actor, assignment, "sign")
    case = assignment.case
    on = effective_date(case, on)
    assignment.status = AssignmentStatus.SIGNED
    assignment.signed_on = on
    assignment.signed_by = actor
    assignment.save(update_fields=["status", "signed_on", "signed_by"])
    case_step_save(
        case,
        on,
        event=EventKind.ASSIGNMENT_SIGNED,
        actor=actor,
        data={"assignment": assignment.pk, "unit": assignment.lead_unit.code},
    )
    return assignment


def assignment_report(
    *,
    actor: User,
    assignment: Assignment,
    report: str,
    files: list[UploadedFile] | None = None,
    on: datetime.date | None = None,
) -> Assignment:
    """办结报告: the lead unit reports what it did, with its material; the assignment's clock
    stops."""

    def work(stored):
        locked = _lock(actor, assignment, "report")
        case = locked.case
        day = effective_date(case, on)
        text = required_text(report, "report")
        documents = documents_store(
            case=case,
            kind=DocumentKind.ASSIGNMENT_REPORT,
            uploads=files or [],
            actor=actor,
            field="files",
            stored=stored,
            assignment=locked,
        )
        locked.status = AssignmentStatus.REPORTED
        locked.report = text
        locked.reported_on = day
        locked.reported_by = actor
        locked.save(update_fields=["status", "report", "reported_on", "reported_by"])
        clock = clock_meet(_assignment_clock(locked), day)
        case_step_save(
            case,
            day,
            event=EventKind.ASSIGNMENT_REPORTED,
            actor=actor,
            comment=text,
            data={
                "assignment": locked.pk,
                "unit": locked.lead_unit.code,
                "documents": [document.pk for document in documents],
                "on_time": clock.met_in_time if clock else None,
            },
        )
        return locked

    return with_files_cleaned_up(work)


@transaction.atomic
def assignment_return(
    *, actor: User, assignment: Assignment, reason: str, on: datetime.date | None = None
) -> Assignment:
    """异议/退回: within 5 workdays of receipt the lead unit may object that the matter is
    outside its remit; the case goes back to the assigning unit."""
    assignment = _lock(actor, assignment, "return")
    case = assignment.case
    on = effective_date(case, on)
    last_day = window_end(
        DeadlineKind.OBJECTION_WINDOW, assignment.lead_unit, assignment.assigned_on
    )
    if on > last_day:
        raise Conflict(
            _("An objection had to be made by %(date)s (5 workdays after receipt).")
            % {"date": date_format(last_day, "SHORT_DATE_FORMAT")}
        )
    reason = required_text(reason, "reason")
    assignment.status = AssignmentStatus.RETURNED
    assignment.return_reason = reason
    assignment.returned_on = on
    assignment.save(update_fields=["status", "return_reason", "returned_on"])
    clock_meet(_assignment_clock(assignment), on)
    case_step_save(
        case,
        on,
        event=EventKind.ASSIGNMENT_RETURNED,
        actor=actor,
        comment=reason,
        data={"assignment": assignment.pk, "unit": assignment.lead_unit.code},
    )
    return assignment
