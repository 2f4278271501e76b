"""The inbox page, the bell in the navbar, and marking notifications read."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.pages import filtered_list

from . import services
from .filters import NotificationFilter
from .kinds import badge
from .models import Notification
from .selectors import notification_list, notification_of, unread_count

# Ids above this are no row of ours (BigAutoField); the database would reject them.
MAX_ID = 2**63 - 1
# htmx stops polling on this status: a bell whose session has ended goes quiet.
HTMX_STOP_POLLING = 286


def local_path(url: str) -> str:
    """`url` if it is a path on this site (`/cases/…`), else "": a notification never sends
    the user elsewhere, whatever its link says."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox, formatted once in Python."""

    pk: int
    kind: str
    kind_badge: str
    title: str
    body: str
    case_number: str
    has_link: bool
    created_at: object
    unread: bool

    @classmethod
    def of(cls, notification: Notification) -> "InboxRow":
        return cls(
            pk=notification.pk,
            kind=notification.get_kind_display(),
            kind_badge=badge(notification.kind),
            title=notification.title,
            body=notification.body,
            case_number=notification.case_number,
            has_link=bool(local_path(notification.url)),
            created_at=notification.created_at,
            unread=notification.read_at is None,
        )


@login_required
@require_GET
def inbox_view(request: HttpRequest) -> HttpResponse:
    inbox = NotificationFilter(request.GET, queryset=notification_list(user=request.user))
    for name, field in inbox.form.fields.items():
        is_select = name in ("kind", "read")
        field.widget.attrs["class"] = (
            "form-select form-select-sm" if is_select else "form-control form-control-sm"
        )
        if name in ("created_after", "created_before"):
            field.widget.input_type = "date"
    return filtered_list(
        request,
        inbox,
        row=InboxRow.of,
        template="notifications/inbox.html",
        filters="notifications/_filters.html",
        table="notifications/_table.html",
        unread=unread_count(user=request.user),
    )


@require_GET
def bell_view(request: HttpRequest) -> HttpResponse:
    """The bell's fragment, polled by htmx; an ended session stops the polling."""
    if not request.user.is_authenticated:
        return HttpResponse(status=HTMX_STOP_POLLING)
    return render(request, "notifications/_bell.html", {"unread": unread_count(user=request.user)})


def _own(request: HttpRequest, pk: int) -> Notification:
    if not 0 < pk <= MAX_ID:
        raise Http404
    try:
        return notification_of(user=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and follow its link (only ever a path on this site)."""
    notification = services.notification_mark_read(
        user=request.user, notification=_own(request, pk)
    )
    return redirect(local_path(notification.url) or reverse("notifications:inbox"))


@login_required
@require_POST
def mark_all_read_view(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", marked
        )
        % {"count": marked},
    )
    return redirect("notifications:inbox")
