"""What the case pages share: status badges and the one-line text of a proposal."""

from django.utils.translation import gettext as _

from ..models import (
    Approval,
    ApprovalKind,
    CaseStatus,
    NotAcceptReason,
    Opinion,
)

# --- small display helpers ----------------------------------------------------------------------

STATUS_BADGE = {
    CaseStatus.REGISTERED: "text-bg-warning",
    CaseStatus.FORWARDED: "text-bg-warning",
    CaseStatus.ACCEPTED: "text-bg-primary",
    CaseStatus.IN_PROGRESS: "text-bg-primary",
    CaseStatus.REPLIED: "text-bg-info",
    CaseStatus.EVALUATED: "text-bg-info",
    CaseStatus.REVIEW_REQUESTED: "text-bg-warning",
    CaseStatus.REVIEWED: "text-bg-info",
    CaseStatus.REREVIEW_REQUESTED: "text-bg-warning",
    CaseStatus.REREVIEWED: "text-bg-info",
}


def status_badge(status: str) -> str:
    return STATUS_BADGE.get(status, "text-bg-secondary")


def proposal_text(approval: Approval) -> str:
    """What a leader is asked to approve, in one line."""
    proposal = approval.proposal or {}
    if approval.kind == ApprovalKind.EXTENSION:
        return _("%(days)s more days (due %(due)s): %(reason)s") % {
            "days": proposal.get("days", ""),
            "due": proposal.get("due_on", ""),
            "reason": proposal.get("reason", ""),
        }
    if approval.kind == ApprovalKind.NOT_ACCEPT:
        reason = proposal.get("reason", "")
        label = NotAcceptReason(reason).label if reason in NotAcceptReason.values else reason
        parts = [str(label), proposal.get("text", "")]
        if proposal.get("earlier_case"):
            parts.append(_("earlier case %(number)s") % {"number": proposal["earlier_case"]})
        return " · ".join(part for part in parts if part)
    reply = approval.reply
    if reply is None:
        return ""
    opinion = Opinion(reply.opinion).label if reply.opinion in Opinion.values else ""
    return " · ".join(str(part) for part in (opinion, reply.request) if part)
