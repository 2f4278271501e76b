"""The acceptance decision (Art. 22–24): accept, forward, assign, not accept, divert; and the
simplified procedure chosen at acceptance."""

import datetime

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import jurisdiction_path
from core.exceptions import Conflict, ValidationError

from ..guards import acceptance_guard, assign_guard, leave_simplified_guard
from ..kinds import CaseNotificationKind
from ..models import (
    Approval,
    ApprovalKind,
    Assignment,
    Case,
    CaseStatus,
    DeadlineKind,
    EventKind,
    LegalChannel,
    MatterKind,
    NotAcceptReason,
    NoticeKind,
)
from ..selectors.accusations import accuses
from .alerts import alert_units
from .core import (
    answer_clock,
    approval_request,
    case_event_write,
    case_lock,
    case_move,
    case_step_save,
    clock_meet,
    deadline_start,
    effective_date,
    open_clock,
    required_text,
    window_end,
)
from .notices import notice_issue


def _decision_lock(actor: User, case: Case, *, action: str) -> Case:
    """Lock the case, then check on that row that `actor` may take an acceptance decision."""
    case = case_lock(case)
    acceptance_guard(actor, case, action)
    return case


def _refuse_terminated_matter(case: Case) -> None:
    earlier = case.same_matter_as
    if earlier is not None and earlier.status == CaseStatus.TERMINATED:
        raise Conflict(
            _(
                "The same matter was terminated in case %(number)s; it is not accepted again "
                "(Art. 36). Record a decision not to accept instead."
            )
            % {"number": earlier.number}
        )


def _check_target_unit(case: Case, unit: OrgUnit, field: str) -> None:
    if not unit.is_active:
        raise ValidationError({field: _("%(unit)s is no longer active.") % {"unit": unit}})
    if accuses(case, unit):
        raise ValidationError(
            {field: _("The matter accuses %(unit)s; it cannot go there.") % {"unit": unit}}
        )


def _accept(
    case: Case, on: datetime.date, *, simplified: bool
) -> tuple[datetime.date, datetime.date]:
    """Stop the acceptance clock and start the answer clock; returns the answer due date and
    the acceptance clock's (by which the acceptance notice is owed)."""
    receipt_clock = open_clock(case, DeadlineKind.ACCEPTANCE)
    clock_meet(receipt_clock, on)
    unit = case.owner_unit
    if simplified:
        _check_simplified(case, receipt_clock.starts_on if receipt_clock else on, on)
        decision = deadline_start(
            case=case,
            kind=DeadlineKind.SIMPLIFIED_DECISION,
            responsible_unit=unit,
            starts_on=receipt_clock.starts_on if receipt_clock else on,
        )
        clock_meet(decision, on)
        kind = DeadlineKind.SIMPLIFIED_ANSWER
    elif case.matter_kind == MatterKind.SUGGESTION:
        # Art. 29: a suggestion is studied and answered, without the 60-day procedure.
        kind = DeadlineKind.SUGGESTION_ANSWER
    else:
        kind = DeadlineKind.HANDLING
    case.accepted_on = on
    case.simplified = simplified
    answer_due = deadline_start(case=case, kind=kind, responsible_unit=unit, starts_on=on).due_on
    return answer_due, receipt_clock.due_on if receipt_clock else on


def _check_simplified(case: Case, received_on: datetime.date, on: datetime.date) -> None:
    if case.matter_kind != MatterKind.COMPLAINT or not case.is_first_time:
        raise ValidationError(
            {
                "simplified": _(
                    "Only a first-time complaint or request can take the simplified procedure."
                )
            }
        )
    last_day = window_end(DeadlineKind.SIMPLIFIED_DECISION, case.owner_unit, received_on)
    if on > last_day:
        raise ValidationError(
            {
                "simplified": _(
                    "The simplified procedure must be decided by %(date)s (3 workdays after "
                    "receipt)."
                )
                % {"date": date_format(last_day, "SHORT_DATE_FORMAT")}
            }
        )


@transaction.atomic
def case_accept(
    *,
    actor: User,
    case: Case,
    simplified: bool = False,
    comment: str = "",
    on: datetime.date | None = None,
) -> Case:
    """受理: the deciding unit becomes the owner and the handling clock starts (or the
    simplified answer clock)."""
    case = _decision_lock(actor, case, action=_("accepting"))
    _refuse_terminated_matter(case)
    on = effective_date(case, on)
    old = case_move(case, CaseStatus.ACCEPTED, action=_("accepting"))
    due, acceptance_due = _accept(case, on, simplified=simplified)
    case_step_save(
        case,
        on,
        event=EventKind.ACCEPTED,
        actor=actor,
        fields=("accepted_on", "simplified"),
        old_status=old,
        comment=comment,
        data={"simplified": simplified, "answer_due": due.isoformat()},
    )
    notice_issue(
        actor=actor,
        case=case,
        kind=NoticeKind.ACCEPTANCE,
        unit=case.owner_unit,
        on=on,
        due_on=due,
        deliver_by=acceptance_due,
    )
    return case


@transaction.atomic
def case_forward(
    *,
    actor: User,
    case: Case,
    to_unit: OrgUnit,
    comment: str = "",
    on: datetime.date | None = None,
) -> Case:
    """转送: the case goes to another unit with authority, with its own acceptance clock
    from the day it receives it."""
    case = _decision_lock(actor, case, action=_("forwarding"))
    on = effective_date(case, on)
    if to_unit.pk == case.owner_unit_id:
        raise ValidationError({"to_unit": _("The case is already with this unit.")})
    _check_target_unit(case, to_unit, "to_unit")
    old = case_move(case, CaseStatus.FORWARDED, action=_("forwarding"))
    clock_meet(open_clock(case, DeadlineKind.ACCEPTANCE), on)
    from_unit = case.owner_unit
    case.owner_unit = to_unit
    deadline_start(case=case, kind=DeadlineKind.ACCEPTANCE, responsible_unit=to_unit, starts_on=on)
    case_step_save(
        case,
        on,
        event=EventKind.FORWARDED,
        actor=actor,
        fields=("owner_unit",),
        old_status=old,
        comment=comment,
        data={"from": from_unit.code, "to": to_unit.code},
    )
    notice_issue(
        actor=actor,
        case=case,
        kind=NoticeKind.FORWARDED,
        unit=from_unit,
        on=on,
        to_unit=to_unit,
    )
    alert_units(
        units=[to_unit],
        kind=CaseNotificationKind.FORWARDED,
        title=_("Case %(case)s forwarded to your unit by %(unit)s for an acceptance decision")
        % {"case": case.number, "unit": from_unit.name},
        case=case,
    )
    return case


def _check_assignment_units(case: Case, lead_unit: OrgUnit, co_units: list[OrgUnit]) -> None:
    area = jurisdiction_path(case.owner_unit)
    for field, units in (("lead_unit", [lead_unit]), ("co_units", co_units)):
        for unit in units:
            above_or_same = unit.pk == case.owner_unit_id or unit.pk in case.owner_unit.ancestor_ids
            if not unit.path.startswith(area) or above_or_same:
                raise ValidationError(
                    {
                        field: _("%(unit)s is not a unit below %(owner)s.")
                        % {"unit": unit, "owner": case.owner_unit}
                    }
                )
            _check_target_unit(case, unit, field)
    if any(unit.pk == lead_unit.pk for unit in co_units):
        raise ValidationError({"co_units": _("The lead unit cannot also be a co-unit.")})


@transaction.atomic
def case_assign(
    *,
    actor: User,
    case: Case,
    lead_unit: OrgUnit,
    co_units: list[OrgUnit] | None = None,
    responsible_person: str,
    leader: User | None = None,
    instructions: str,
    due_on: datetime.date,
    on: datetime.date | None = None,
) -> Assignment:
    """交办: send the case to a subordinate lead unit (and co-units) to work and report back
    by `due_on`. On a case still awaiting its acceptance decision this accepts it first."""
    co_units = co_units or []
    case = case_lock(case)
    assign_guard(actor, case)
    deciding = case.awaits_acceptance
    if deciding:
        _refuse_terminated_matter(case)
    on = effective_date(case, on)
    responsible_person = required_text(responsible_person, "responsible_person")
    instructions = required_text(instructions, "instructions")
    _check_assignment_units(case, lead_unit, co_units)
    if leader is not None and not leader.has_role(Role.LEADER):
        raise ValidationError({"leader": _("%(name)s is not a leader.") % {"name": leader}})
    if deciding:
        old = case_move(case, CaseStatus.ACCEPTED, action=_("accepting"))
        _accept(case, on, simplified=False)
        case_event_write(
            case=case, kind=EventKind.ACCEPTED, actor=actor, old_status=old, effective_on=on
        )
    answer = answer_clock(case)
    assert answer is not None  # an accepted case's answer clock runs
    answer_due = answer.due_on
    if due_on < on or due_on > answer_due:
        raise ValidationError(
            {
                "due_on": _("The report-back date must fall between %(start)s and %(end)s.")
                % {
                    "start": date_format(on, "SHORT_DATE_FORMAT"),
                    "end": date_format(answer_due, "SHORT_DATE_FORMAT"),
                }
            }
        )
    assignment = Assignment.objects.create(
        case=case,
        assigning_unit=case.owner_unit,
        lead_unit=lead_unit,
        responsible_person=responsible_person,
        leader=leader,
        instructions=instructions,
        assigned_on=on,
        due_on=due_on,
        created_by=actor,
    )
    assignment.co_units.set(co_units)
    deadline_start(
        case=case,
        kind=DeadlineKind.ASSIGNMENT,
        responsible_unit=lead_unit,
        starts_on=on,
        due_on=due_on,
        assignment=assignment,
    )
    old = case.status
    if case.status == CaseStatus.ACCEPTED:
        case_move(case, CaseStatus.IN_PROGRESS, action=_("assigning"))
    fields = ["accepted_on", "simplified"] if deciding else []
    if leader is not None and case.sponsoring_leader_id is None:
        case.sponsoring_leader = leader
        fields.append("sponsoring_leader")
    case_step_save(
        case,
        on,
        event=EventKind.ASSIGNED,
        actor=actor,
        fields=fields,
        old_status=old,
        comment=instructions,
        data={
            "assignment": assignment.pk,
            "lead_unit": lead_unit.code,
            "co_units": [unit.code for unit in co_units],
            "due_on": due_on.isoformat(),
        },
    )
    if deciding:
        # The acceptance decision is this assignment: the petitioner is told where it went.
        notice_issue(
            actor=actor,
            case=case,
            kind=NoticeKind.ASSIGNED,
            unit=case.owner_unit,
            on=on,
            to_unit=lead_unit,
            due_on=answer_due,
        )
    alert_units(
        units=[lead_unit, *co_units],
        kind=CaseNotificationKind.ASSIGNED,
        title=_("Case %(case)s assigned to your unit by %(unit)s: report back by %(due)s")
        % {"case": case.number, "unit": case.owner_unit.name, "due": due_on.isoformat()},
        case=case,
    )
    return assignment


# Reasons not to accept that name an earlier case on the same matter, in this status.
EARLIER_CASE_STATUS: dict[str, CaseStatus] = {
    NotAcceptReason.TERMINATED: CaseStatus.TERMINATED,
    NotAcceptReason.NOT_REVIEWED_IN_TIME: CaseStatus.CLOSED,
}


def _earlier_case_missing(reason: str) -> str:
    if reason == NotAcceptReason.TERMINATED:
        return _("Name the terminated case on the same matter.")
    return _("Name the closed case on the same matter (answered, no review requested in time).")


@transaction.atomic
def case_propose_not_accept(
    *,
    actor: User,
    case: Case,
    reason: str,
    text: str = "",
    earlier_case: Case | None = None,
    on: datetime.date | None = None,
) -> Approval:
    """不予受理, proposed by the handler and decided by a leader (see `approval_decide`)."""
    case = _decision_lock(actor, case, action=_("not accepting"))
    on = effective_date(case, on)
    if reason not in NotAcceptReason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    text = (text or "").strip()
    if reason == NotAcceptReason.OTHER and not text:
        raise ValidationError({"text": _("Explain the reason.")})
    if reason in EARLIER_CASE_STATUS:
        earlier_case = earlier_case or case.same_matter_as
        if earlier_case is None or earlier_case.status != EARLIER_CASE_STATUS[reason]:
            raise ValidationError({"earlier_case": _earlier_case_missing(reason)})
    proposal = {
        "reason": reason,
        "text": text,
        "earlier_case": earlier_case.number if earlier_case else "",
    }
    return approval_request(
        actor=actor,
        case=case,
        kind=ApprovalKind.NOT_ACCEPT,
        proposal=proposal,
        event=EventKind.NOT_ACCEPT_PROPOSED,
        comment=text,
        on=on,
    )


@transaction.atomic
def case_divert(
    *,
    actor: User,
    case: Case,
    channel: str,
    guided_to: str,
    comment: str = "",
    on: datetime.date | None = None,
) -> Case:
    """诉访分离: the matter belongs to a statutory channel; record which, and the body the
    petitioner was guided to."""
    case = _decision_lock(actor, case, action=_("diverting"))
    on = effective_date(case, on)
    if channel not in LegalChannel.values:
        raise ValidationError({"channel": _("Choose litigation, arbitration or reconsideration.")})
    guided_to = required_text(guided_to, "guided_to")
    old = case_move(case, CaseStatus.DIVERTED, action=_("diverting"))
    clock_meet(open_clock(case, DeadlineKind.ACCEPTANCE), on)
    case.legal_channel = channel
    case.guided_to = guided_to
    case_step_save(
        case,
        on,
        event=EventKind.DIVERTED,
        actor=actor,
        fields=("legal_channel", "guided_to"),
        old_status=old,
        comment=comment,
        data={"channel": channel, "guided_to": guided_to},
    )
    notice_issue(
        actor=actor,
        case=case,
        kind=NoticeKind.REFUSAL,
        unit=case.owner_unit,
        on=on,
        legal_channel=channel,
        guided_to=guided_to,
    )
    return case


@transaction.atomic
def case_leave_simplified(
    *, actor: User, case: Case, reason: str, on: datetime.date | None = None
) -> Case:
    """Move a case from the simplified to the normal procedure: the handling clock runs from
    the original acceptance date under the rule in force then."""
    case = case_lock(case)
    leave_simplified_guard(actor, case)
    assert case.accepted_on is not None  # a simplified case was accepted
    on = effective_date(case, on)
    reason = required_text(reason, "reason")
    simplified_clock = open_clock(case, DeadlineKind.SIMPLIFIED_ANSWER)
    if simplified_clock is not None:
        simplified_clock.delete()
    handling = deadline_start(
        case=case,
        kind=DeadlineKind.HANDLING,
        responsible_unit=case.owner_unit,
        starts_on=case.accepted_on,
    )
    case.simplified = False
    case_step_save(
        case,
        on,
        event=EventKind.SIMPLIFIED_LEFT,
        actor=actor,
        fields=("simplified",),
        comment=reason,
        data={"answer_due": handling.due_on.isoformat()},
    )
    return case
