"""What the case pages share: scope lookups, status badges, days left, formatting."""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User

from ..models import (
    Approval,
    ApprovalKind,
    Case,
    CaseStatus,
    NotAcceptReason,
    Opinion,
)
from ..selectors import (
    case_detail,
)

PAGE_SIZE = 50


def case_or_404(request: HttpRequest, number: str) -> Case:
    try:
        return case_detail(user=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404 from None


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


@dataclass(frozen=True)
class DaysLeft:
    """Days until a due date: negative when overdue (shown in red)."""

    days: int

    @classmethod
    def until(cls, due: datetime.date | None, today: datetime.date) -> "DaysLeft | None":
        return None if due is None else cls((due - today).days)

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def css(self) -> str:
        if self.days < 0:
            return "text-danger fw-semibold"
        return "text-warning-emphasis" if self.days <= 3 else "text-secondary"

    def __str__(self) -> str:
        if self.days == 0:
            return _("due today")
        if self.days > 0:
            return ngettext("%(days)d day left", "%(days)d days left", self.days) % {
                "days": self.days
            }
        late = -self.days
        return ngettext("%(days)d day overdue", "%(days)d days overdue", late) % {"days": late}


def day_text(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return f"{value:%Y-%m-%d}"


def person_name(user: User | None) -> str:
    return user.display_name if user is not None else ""


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


def forbidden(request: HttpRequest, reason: str, back: str = "") -> HttpResponse:
    """403 with the reason the service gave, on a page of its own."""
    return render(request, "cases/forbidden.html", {"reason": reason, "back": back}, status=403)


def apply_service_errors(error: ValidationError, form: forms.Form) -> None:
    """Show a service's field errors on the form's fields (the rest above the form)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages_ in error.message_dict.items():
        target = name if name in form.fields else None
        for message in messages_:
            form.add_error(target, message)
