"""What every case service shares: the row lock, the effective date, the transition check,
clocks and the timeline event. Opening a case and attaching a repeat petition live here too."""

import datetime
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from core.exceptions import ValidationError
from core.locking import lock_and_read
from core.uploads import check_attachments
from core.workcalendar import due, due_date

from ..guards import refuse_unless
from ..kinds import CaseNotificationKind
from ..models import (
    ANSWER_CLOCKS,
    TRANSITIONS,
    Approval,
    Assignment,
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    DeadlineKind,
    Document,
    EventKind,
)
from ..selectors import deadline_rule_for
from .alerts import alert_approvers

T = TypeVar("T")


def deadline_start(
    *,
    case: Case,
    kind: str,
    responsible_unit: OrgUnit,
    starts_on: datetime.date,
    due_on: datetime.date | None = None,
    assignment: Assignment | None = None,
) -> Deadline:
    """Open a clock of `kind` on `case` under the rule in force on `starts_on` for the
    responsible unit, or with the due date given (an assignment's is set by hand)."""
    rule, provisional = None, False
    if due_on is None:
        rule = deadline_rule_for(kind, responsible_unit, starts_on)
        due_on, provisional = due(starts_on, rule.days, rule.counting)
    return Deadline.objects.create(
        case=case,
        kind=kind,
        rule=rule,
        assignment=assignment,
        responsible_unit=responsible_unit,
        starts_on=starts_on,
        due_on=due_on,
        due_provisional=provisional,
    )


def open_clock(case: Case, *kinds: str) -> Deadline | None:
    """The case's open clock of one of `kinds` (not an assignment's), if any."""
    return (
        case.deadlines.filter(kind__in=kinds, met_at__isnull=True, assignment__isnull=True)
        .select_related("rule")
        .first()
    )


def answer_clock(case: Case) -> Deadline | None:
    """The open clock the answer is due by (handling, or simplified answer)."""
    return open_clock(case, *ANSWER_CLOCKS)


def clock_meet(clock: Deadline | None, on: datetime.date) -> Deadline | None:
    """Stop a clock: the step it waited for happened on `on`."""
    if clock is not None:
        clock.met_at = timezone.now()
        clock.met_on = on
        clock.save(update_fields=["met_at", "met_on"])
    return clock


def window_end(kind: str, unit: OrgUnit, start: datetime.date) -> datetime.date:
    """The last day of a window that has a rule but no clock row (objection, evaluation)."""
    rule = deadline_rule_for(kind, unit, start)
    return due_date(start, rule.days, rule.counting)


def case_event_write(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    old_status: str = "",
    comment: str = "",
    data: dict | None = None,
    effective_on: datetime.date | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        actor_unit_id=actor.org_unit_id if actor else None,
        old_status=old_status or case.status,
        new_status=case.status,
        comment=comment,
        data=data or {},
        effective_on=effective_on or timezone.localdate(),
    )


def case_lock(case: Case | int) -> Case:
    """The case row, locked until the transaction ends and read afresh: whoever comes second
    sees what the first one did. Every step locks first and then runs its guard
    (`cases.guards`) on this row, never on the caller's copy."""
    pk = case if isinstance(case, int) else case.pk
    return lock_and_read(Case.objects.select_related("owner_unit"), pk)


def effective_date(case: Case, on: datetime.date | None) -> datetime.date:
    """The date a step happened: today, or an earlier date for a back-entered paper record,
    never in the future and never before the case's previous step."""
    today = timezone.localdate()
    if on is None:
        return today
    if on > today:
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if on < case.last_step_on:
        raise ValidationError(
            {
                "date": _("The date cannot be before the case's previous step (%(date)s).")
                % {"date": date_format(case.last_step_on, "SHORT_DATE_FORMAT")}
            }
        )
    return on


def case_move(case: Case, new_status: str, *, action: str) -> str:
    """Check the transition against `TRANSITIONS` and set the new status; returns the old."""
    old_status = case.status
    if new_status not in TRANSITIONS.get(old_status, frozenset()):
        refuse_unless(case, action=action)
    case.status = new_status
    return old_status


def case_save(case: Case, on: datetime.date, *fields: str) -> None:
    """Save the fields a step changed, moving the case's latest step date forward."""
    case.last_step_on = max(case.last_step_on, on)
    case.save(update_fields=[*fields, "status", "last_step_on", "updated_at"])


def case_step_save(
    case: Case,
    on: datetime.date,
    *,
    event: str,
    actor: User | None,
    fields: Sequence[str] = (),
    old_status: str = "",
    comment: str = "",
    data: dict | None = None,
) -> CaseEvent:
    """The end of every step: save the fields it changed (`case_save`) and write its timeline
    event, both dated `on`."""
    case_save(case, on, *fields)
    return case_event_write(
        case=case,
        kind=event,
        actor=actor,
        old_status=old_status,
        comment=comment,
        data=data,
        effective_on=on,
    )


def approval_request(
    *,
    actor: User,
    case: Case,
    kind: str,
    proposal: dict,
    event: str,
    comment: str,
    on: datetime.date,
) -> Approval:
    """Put a proposal (an extension, a decision not to accept) to a leader, on the timeline."""
    approval = Approval.objects.create(
        case=case, kind=kind, proposal=proposal, requested_by=actor, requested_on=on
    )
    case_step_save(case, on, event=event, actor=actor, comment=comment, data=proposal)
    alert_approvers(
        approval=approval,
        kind=CaseNotificationKind.APPROVAL,
        title=_("Case %(case)s: %(kind)s awaits your approval")
        % {"case": case.number, "kind": approval.get_kind_display()},
    )
    return approval


def required_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("This field is required.")})
    return value


def documents_store(
    *,
    case: Case,
    kind: str,
    uploads: list[UploadedFile],
    actor: User,
    field: str,
    stored: list[Document],
    assignment: Assignment | None = None,
) -> list[Document]:
    """Check and save uploaded files as documents of the case. `stored` collects the saved
    ones so that the caller can delete the files if its transaction rolls back."""
    try:
        checked = check_attachments(uploads)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    documents = []
    for upload, found in zip(uploads, checked, strict=True):
        document = Document(
            case=case,
            assignment=assignment,
            kind=kind,
            stored_name=Document.new_stored_name(found.extension),
            original_name=(upload.name or "")[:200],
            content_type=found.content_type,
            size=upload.size or 0,  # checked: not empty
            uploaded_by=actor,
        )
        document.file.save(document.stored_name, upload, save=True)
        stored.append(document)
        documents.append(document)
    return documents


def with_files_cleaned_up(work: Callable[[list[Document]], T]) -> T:
    """Run `work(stored)` in a transaction; if it fails, delete the files it saved."""
    stored: list[Document] = []
    try:
        with transaction.atomic():
            return work(stored)
    except BaseException:
        for document in stored:
            document.file.delete(save=False)
        raise


# savepoint=False: called inside the registration's transaction, whose failure undoes all.
@transaction.atomic(savepoint=False)
def case_open(
    *,
    actor: User | None,
    number: str,
    matter_kind: str,
    receiving_unit: OrgUnit,
    location_unit: OrgUnit,
    accused_unit: OrgUnit | None,
    summary: str,
    received_at: datetime.datetime,
    is_first_time: bool = False,
    same_matter_as: Case | None = None,
) -> Case:
    """Open a case for a first petition: status registered, with the receiving unit, its
    acceptance clock (receipt + the rule's days) and the first event. `same_matter_as` is an
    earlier case that ended the same matter: terminated (acceptance is then refused) or
    closed. No `actor`: the petitioner submitted the petition online (the event says so).

    The case returned carries `acceptance_due`, its new clock's due date (as a case read with
    `open_deadline_due` does), so that the intake's answer needs no query for it."""
    received_on = timezone.localdate(received_at)
    case = Case.objects.create(
        number=number,
        status=CaseStatus.REGISTERED,
        matter_kind=matter_kind,
        receiving_unit=receiving_unit,
        owner_unit=receiving_unit,
        location_unit=location_unit,
        accused_unit=accused_unit,
        summary=summary,
        received_at=received_at,
        petition_count=1,
        last_received_at=received_at,
        is_first_time=is_first_time,
        same_matter_as=same_matter_as,
        last_step_on=received_on,
    )
    clock = deadline_start(
        case=case,
        kind=DeadlineKind.ACCEPTANCE,
        responsible_unit=receiving_unit,
        starts_on=received_on,
    )
    case.acceptance_due = clock.due_on  # type: ignore[attr-defined]
    case_event_write(
        case=case,
        kind=EventKind.REGISTERED,
        actor=actor,
        data={"petition": number} if actor is not None else {"petition": number, "online": True},
        effective_on=received_on,
    )
    return case


@transaction.atomic(savepoint=False)
def case_attach_petition(
    *, actor: User | None, case: Case, petition_number: str, received_at: datetime.datetime
) -> Case:
    """Record a repeat petition (重复件) on an open case; the case keeps its clocks. No
    `actor`: the petitioner submitted it online (the event says so).

    The case row is locked so that a concurrent closing cannot slip in between."""
    locked = case_lock(case)
    if not locked.is_open:
        raise ValidationError(
            {
                "case": _("Case %(number)s is closed; open a new case instead.")
                % {"number": case.number}
            }
        )
    locked.petition_count += 1
    if locked.last_received_at is None or received_at > locked.last_received_at:
        locked.last_received_at = received_at
    case_step_save(
        locked,
        timezone.localdate(received_at),
        event=EventKind.PETITION_ATTACHED,
        actor=actor,
        fields=("petition_count", "last_received_at"),
        data={"petition": petition_number, **({"online": True} if actor is None else {})},
    )
    return locked
