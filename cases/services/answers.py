"""Handling to the answer: extension, the reply and its approval, delivery, evaluation; the
leader's decisions on approvals and sponsorship (包案)."""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.numbering import next_document_number
from core.exceptions import Conflict, ValidationError
from core.workcalendar import Counting, due

from ..guards import (
    approval_guard,
    deliver_guard,
    evaluate_guard,
    extension_guard,
    reply_guard,
    sponsor_guard,
)
from ..kinds import CaseNotificationKind
from ..models import (
    COMPLAINT_OPINIONS,
    SUGGESTION_DECISIONS,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Case,
    CaseStatus,
    DeadlineKind,
    DeliveryMethod,
    DocumentKind,
    EvaluationResult,
    EventKind,
    MatterKind,
    NotAcceptReason,
    NoticeKind,
    Reply,
    ReplyStatus,
)
from ..models import Evaluation as EvaluationRow
from ..selectors import deadline_rule_for
from .acceptance import EARLIER_CASE_STATUS
from .alerts import alert_approvers, alert_user
from .core import (
    answer_clock,
    approval_request,
    case_lock,
    case_move,
    case_step_save,
    clock_meet,
    deadline_start,
    documents_store,
    effective_date,
    open_clock,
    required_text,
    window_end,
    with_files_cleaned_up,
)
from .notices import notice_issue


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@transaction.atomic
def case_request_extension(
    *, actor: User, case: Case, days: int, reason: str, on: datetime.date | None = None
) -> Approval:
    """延期: asked of a leader before the handling due day passes, once per case."""
    case = case_lock(case)
    handling = extension_guard(actor, case)
    on = effective_date(case, on)
    if on > handling.due_on:
        raise Conflict(
            _("The handling time limit ended on %(date)s; an extension can no longer be asked.")
            % {"date": _short(handling.due_on)}
        )
    limit = deadline_rule_for(DeadlineKind.EXTENSION, case.owner_unit, handling.starts_on).days
    if not isinstance(days, int) or not 1 <= days <= limit:
        raise ValidationError({"days": _("Between 1 and %(limit)d days.") % {"limit": limit}})
    reason = required_text(reason, "reason")
    proposal = {"days": days, "reason": reason, "due_on": handling.due_on.isoformat()}
    return approval_request(
        actor=actor,
        case=case,
        kind=ApprovalKind.EXTENSION,
        proposal=proposal,
        event=EventKind.EXTENSION_REQUESTED,
        comment=reason,
        on=on,
    )


def _check_reply_content(case: Case, opinion: str, legal_basis: str) -> None:
    """A suggestion's answer takes one of the decisions of Art. 29 (采纳 / 部分采纳 / 暂不采纳;
    its reasons, the study's findings, are the reply's `facts_and_reasons`); a complaint's
    opinion is one of Art. 32's (支持 / 解释说明 / 不予支持), with its legal basis."""
    if case.matter_kind == MatterKind.SUGGESTION:
        if opinion not in SUGGESTION_DECISIONS:
            raise ValidationError(
                {"opinion": _("Choose adopted, partly adopted or not adopted for now.")}
            )
        return
    if opinion not in COMPLAINT_OPINIONS:
        raise ValidationError({"opinion": _("Choose support, explain or not support.")})
    required_text(legal_basis, "legal_basis")


def reply_draft(
    *,
    actor: User,
    case: Case,
    request: str,
    facts_and_reasons: str,
    opinion: str = "",
    legal_basis: str = "",
    resolved: bool = False,
    agreement: UploadedFile | None = None,
    agreement_kind: str = DocumentKind.MEDIATION_AGREEMENT,
    on: datetime.date | None = None,
) -> Reply:
    """Draft the answer (信访处理意见书 or reply letter) and put it to a leader."""

    def work(stored):
        locked = case_lock(case)
        reply_guard(actor, locked)
        day = effective_date(locked, on)
        _check_reply_content(locked, opinion, legal_basis)
        if agreement_kind not in (
            DocumentKind.MEDIATION_AGREEMENT,
            DocumentKind.SETTLEMENT_AGREEMENT,
        ):
            raise ValidationError({"agreement_kind": _("Choose mediation or settlement.")})
        documents = documents_store(
            case=locked,
            kind=agreement_kind,
            uploads=[agreement] if agreement else [],
            actor=actor,
            field="agreement",
            stored=stored,
        )
        reply = Reply.objects.create(
            case=locked,
            request=required_text(request, "request"),
            facts_and_reasons=required_text(facts_and_reasons, "facts_and_reasons"),
            opinion=opinion or "",
            legal_basis=(legal_basis or "").strip(),
            resolved=bool(resolved),
            agreement=documents[0] if documents else None,
            unit=locked.owner_unit,
            drafted_by=actor,
            drafted_on=day,
        )
        approval = Approval.objects.create(
            case=locked,
            kind=ApprovalKind.REPLY,
            reply=reply,
            requested_by=actor,
            requested_on=day,
        )
        alert_approvers(
            approval=approval,
            kind=CaseNotificationKind.APPROVAL,
            title=_("Case %(case)s: a reply awaits your approval") % {"case": locked.number},
        )
        old = locked.status
        if locked.status == CaseStatus.ACCEPTED:
            case_move(locked, CaseStatus.IN_PROGRESS, action=_("drafting a reply"))
        case_step_save(
            locked,
            day,
            event=EventKind.REPLY_DRAFTED,
            actor=actor,
            old_status=old,
            data={"reply": reply.pk, "opinion": reply.opinion},
        )
        return reply

    return with_files_cleaned_up(work)


@transaction.atomic
def reply_deliver(
    *, actor: User, case: Case, method: str, on: datetime.date | None = None
) -> Reply:
    """Record that the approved reply reached the petitioner: the answer clock stops, the
    case records whether it was answered on time and resolved, and the review window opens."""
    case = case_lock(case)
    deliver_guard(actor, case)
    reply = case.replies.filter(status=ReplyStatus.APPROVED).order_by("-pk").first()
    assert reply is not None  # the guard found it
    on = effective_date(case, on)
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": _("Choose how the reply was delivered.")})
    reply.status = ReplyStatus.DELIVERED
    reply.delivery_method = method
    reply.delivered_on = on
    reply.save(update_fields=["status", "delivery_method", "delivered_on"])
    clock = clock_meet(answer_clock(case), on)
    old = case_move(case, CaseStatus.REPLIED, action=_("delivering the reply"))
    case.answering_unit = case.owner_unit
    case.answered_on_time = clock.met_in_time if clock else None
    case.resolved = reply.resolved
    deadline_start(
        case=case,
        kind=DeadlineKind.REVIEW_REQUEST,
        responsible_unit=case.owner_unit,
        starts_on=on,
    )
    case_step_save(
        case,
        on,
        event=EventKind.REPLY_DELIVERED,
        actor=actor,
        fields=("answering_unit", "answered_on_time", "resolved"),
        old_status=old,
        data={
            "reply": reply.pk,
            "method": method,
            "on_time": case.answered_on_time,
            "opinion": reply.opinion,
        },
    )
    return reply


def _evaluation_window_check(case: Case, on: datetime.date) -> None:
    """The evaluation window's rule: `on` is within the window from the answer's delivery."""
    delivered_on = case.replies.filter(status=ReplyStatus.DELIVERED).latest("pk").delivered_on
    assert delivered_on is not None  # set on delivery
    last_day = window_end(DeadlineKind.EVALUATION_WINDOW, case.owner_unit, delivered_on)
    if on > last_day:
        raise Conflict(
            _("The evaluation window ended on %(date)s; the case counts as not evaluated.")
            % {"date": _short(last_day)}
        )


def _result_check(result: str) -> None:
    if result not in EvaluationResult.values:
        raise ValidationError({"result": _("Choose satisfied, basically satisfied or not.")})


def _evaluation_save(
    case: Case, on: datetime.date, *, actor: User | None, comment: str, data: dict, **row
) -> EvaluationRow:
    """Within the evaluation window, record the evaluation (`row`'s result and the rest): the
    case is evaluated, and its timeline says so with `comment` and `data`."""
    _evaluation_window_check(case, on)
    evaluation = EvaluationRow.objects.create(case=case, evaluated_on=on, **row)
    old = case_move(case, CaseStatus.EVALUATED, action=_("recording the evaluation"))
    data = {"result": evaluation.result, **data}
    case_step_save(
        case, on, event=EventKind.EVALUATED, actor=actor, old_status=old, comment=comment, data=data
    )
    return evaluation


@transaction.atomic
def case_evaluate(
    *,
    actor: User,
    case: Case,
    result: str,
    contact: str,
    note: str = "",
    on: datetime.date | None = None,
) -> EvaluationRow:
    """满意度评价 from a follow-up call (回访) within the evaluation window after delivery."""
    case = case_lock(case)
    evaluate_guard(actor, case)
    on = effective_date(case, on)
    _result_check(result)
    contact = required_text(contact, "contact")
    note = (note or "").strip()
    return _evaluation_save(
        case,
        on,
        actor=actor,
        comment=note,
        data={"contact": contact},
        result=result,
        contact=contact,
        note=note,
        recorded_by=actor,
    )


@transaction.atomic
def evaluation_record_online(*, case: Case | int, result: str, comment: str = "") -> EvaluationRow:
    """The petitioner's own rating of the answer from the public portal: once, while the case
    is replied and within the evaluation window (the same rule as `case_evaluate`)."""
    case = case_lock(case)
    _result_check(result)
    if case.evaluations.exists():
        raise Conflict(_("The answer has already been rated."))
    if case.status != CaseStatus.REPLIED:
        raise Conflict(_("The answer can be rated only after it has been delivered to you."))
    comment = (comment or "").strip()
    label = EvaluationResult(result).label
    headline = _("Petitioner rated the answer online: %(result)s") % {"result": label}
    return _evaluation_save(
        case,
        timezone.localdate(),
        actor=None,
        comment=f"{headline}\n{comment}" if comment else headline,
        data={"online": True},
        result=result,
        note=comment,
        online=True,
    )


def _approve_extension(approval: Approval, on: datetime.date) -> dict:
    handling = open_clock(approval.case, DeadlineKind.HANDLING)
    if handling is None:
        raise Conflict(_("The case no longer has a handling time limit to extend."))
    days = int(approval.proposal["days"])
    old_due = handling.due_on
    extended = due(old_due, days, Counting.CALENDAR_DAYS)
    handling.due_on = extended.on
    handling.due_provisional = handling.due_provisional or extended.provisional
    handling.extended_days = days
    handling.save(update_fields=["due_on", "due_provisional", "extended_days"])
    return {"old_due": old_due.isoformat(), "new_due": handling.due_on.isoformat()}


def _approve_not_accept(approval: Approval, on: datetime.date) -> dict:
    case = approval.case
    old = case_move(case, CaseStatus.NOT_ACCEPTED, action=_("not accepting"))
    clock_meet(open_clock(case, DeadlineKind.ACCEPTANCE), on)
    case.decision_reason = approval.proposal.get("reason", NotAcceptReason.OTHER)
    case.save(update_fields=["decision_reason"])
    return {"old_status": old}


def _decision_notice(approval: Approval, data: dict) -> dict | None:
    """The written notice an approved decision owes the petitioner (its kind and what its
    text needs): the extension's reason and new date (Art. 34); the reason not to accept, or
    the earlier case that ended the same matter (不再受理, Art. 36). None for a reply (the
    reply is itself the written answer)."""
    proposal = approval.proposal
    if approval.kind == ApprovalKind.EXTENSION:
        return {
            "kind": NoticeKind.EXTENSION,
            "text": proposal.get("reason", ""),
            "due_on": datetime.date.fromisoformat(data["new_due"]),
        }
    if approval.kind == ApprovalKind.NOT_ACCEPT:
        reason = proposal.get("reason", NotAcceptReason.OTHER)
        if reason in EARLIER_CASE_STATUS:
            return {
                "kind": NoticeKind.NO_LONGER_ACCEPTED,
                "reason": reason,
                "earlier_case_number": proposal.get("earlier_case", ""),
            }
        return {"kind": NoticeKind.REFUSAL, "reason": reason, "text": proposal.get("text", "")}
    return None


# The replies have a number series of their own with no mark: 江信访〔2026〕5号.
REPLY_SERIES = ""

APPROVED_EVENT: dict[str, EventKind] = {
    ApprovalKind.REPLY: EventKind.REPLY_APPROVED,
    ApprovalKind.EXTENSION: EventKind.EXTENSION_APPROVED,
    ApprovalKind.NOT_ACCEPT: EventKind.NOT_ACCEPTED,
}


@transaction.atomic
def approval_decide(
    *,
    actor: User,
    approval: Approval,
    approve: bool,
    instruction: str = "",
    on: datetime.date | None = None,
) -> Approval:
    """A leader approves, or sends back with an instruction (批示), a reply, an extension or
    a decision not to accept."""
    case = case_lock(approval.case_id)
    approval = Approval.objects.select_related("reply").get(pk=approval.pk)
    approval.case = case
    approval_guard(actor, approval)
    on = effective_date(case, on)
    instruction = (instruction or "").strip()
    if not approve and not instruction:
        raise ValidationError({"instruction": _("Say what is to be done differently.")})
    old_status = case.status
    data: dict = {"approval": approval.pk, "kind": approval.kind}
    notice = None
    if approve:
        if approval.kind == ApprovalKind.EXTENSION:
            data |= _approve_extension(approval, on)
        elif approval.kind == ApprovalKind.NOT_ACCEPT:
            data |= _approve_not_accept(approval, on)
        elif approval.reply is not None:
            reply = approval.reply
            reply.status = ReplyStatus.APPROVED
            reply.approved_by = actor
            reply.approved_on = on
            fields = ["status", "approved_by", "approved_on"]
            if not reply.number:  # approved once: a reply keeps the number it was issued under
                reply.number = next_document_number(
                    unit=reply.unit, series=REPLY_SERIES, year=on.year
                )
                fields.append("number")
            reply.save(update_fields=fields)
        notice = _decision_notice(approval, data)
    elif approval.reply is not None:
        approval.reply.status = ReplyStatus.SENT_BACK
        approval.reply.save(update_fields=["status"])
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.SENT_BACK
    approval.decided_by = actor
    approval.decided_on = on
    approval.instruction = instruction
    approval.save(update_fields=["status", "decided_by", "decided_on", "instruction"])
    case_step_save(
        case,
        on,
        event=APPROVED_EVENT[approval.kind] if approve else EventKind.SENT_BACK,
        actor=actor,
        old_status=data.pop("old_status", old_status),
        comment=instruction,
        data=data,
    )
    if notice is not None:
        notice_issue(actor=actor, case=case, unit=case.owner_unit, on=on, **notice)
    alert_user(
        user=approval.requested_by,
        kind=CaseNotificationKind.DECIDED,
        title=(
            _("Case %(case)s: %(kind)s approved")
            if approve
            else _("Case %(case)s: %(kind)s sent back")
        )
        % {"case": case.number, "kind": approval.get_kind_display()},
        case=case,
    )
    return approval


@transaction.atomic
def case_sponsor(
    *,
    actor: User,
    case: Case,
    staff: User | None,
    due_on: datetime.date,
    responsibility: str,
    on: datetime.date | None = None,
) -> Case:
    """包案 with 四定一包: the leader takes the case on, naming the staff, the time limit and
    the responsibility."""
    case = case_lock(case)
    sponsor_guard(actor, case)
    on = effective_date(case, on)
    if due_on is None or due_on < on:
        raise ValidationError({"due_on": _("The time limit cannot be before today.")})
    responsibility = required_text(responsibility, "responsibility")
    case.sponsoring_leader = actor
    case.sponsor_staff = staff
    case.sponsor_due_on = due_on
    case.sponsor_responsibility = responsibility
    case_step_save(
        case,
        on,
        event=EventKind.SPONSORED,
        actor=actor,
        fields=("sponsoring_leader", "sponsor_staff", "sponsor_due_on", "sponsor_responsibility"),
        comment=responsibility,
        data={"staff": staff.username if staff else "", "due_on": due_on.isoformat()},
    )
    return case
