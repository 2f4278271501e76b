"""The case detail with one form per action the user may take, the actions themselves and
document downloads. Thin: parse the form, call one service, render; which actions to offer
comes from `actions` and the case state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.pages import case_or_404
from core.forms import ActionForm
from core.http import is_htmx, stored_download
from core.pages import run_service

from .. import guards as G
from ..forms import NoticeDeliverForm
from ..models import (
    Assignment,
    Document,
    WrittenNotice,
)
from ..panels import case_panel_links
from ..permissions import (
    can_approve,
    can_deliver_notice,
)
from ..sections import cached_sections
from ..selectors import (
    assignment_detail,
    case_for_display,
)
from ..selectors.detail import notices_for_display
from .actions import (
    ASSIGNMENT_ACTIONS,
    CASE_ACTIONS,
    Action,
    OfferedForm,
    _assignment_form,
    _case_form,
    _offered_forms,
    assignment_action_title,
)
from .common import proposal_text, status_badge
from .rows import clock_rows, petition_infos, timeline_rows


def render_detail(
    request: HttpRequest,
    number: str,
    *,
    bound: OfferedForm | None = None,
    notice_form: tuple[int, NoticeDeliverForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page; `bound` an action's form or `notice_form` a notice's delivery form
    (the notice's id, the form) as posted, shown again with its errors.

    The header and the written notices (their delivery forms carry the CSRF token) are
    drawn on every view; the other sections and the action cards come from the cache while
    nothing they show has changed (`cases.sections`), a form posted with errors aside."""
    case = case_or_404(request, number)
    user = request.user
    today = timezone.localdate()

    def build() -> dict[str, str]:
        case_for_display(case)
        return _sections(request, case, today, bound)

    # A form posted with errors is drawn with the request (its CSRF token), never cached.
    sections = cached_sections(case, user, today, build) if bound is None else build()
    if "notices" not in getattr(case, "_prefetched_objects_cache", {}):
        # The sections came from the cache: the notices alone are read.
        prefetch_related_objects([case], notices_for_display())
    context = {
        "case": case,
        "status_badge": status_badge(case.status),
        "sections": {name: mark_safe(html) for name, html in sections.items()},
        "notices": _notice_rows(case, user, notice_form),
        # Fragments of the apps above cases (escalation …), loaded by htmx when opened.
        "panels": case_panel_links(case.number),
    }
    return render(request, "cases/detail.html", context, status=status)


def _sections(request: HttpRequest, case, today, bound: OfferedForm | None) -> dict[str, str]:
    """The cached parts of the page, rendered (`case` from `case_for_display`). Without a
    request: nothing in them may depend on it (a posted form, with its CSRF token, aside)."""
    user = request.user
    approvals = list(case.approvals.all())
    context = {
        "case": case,
        "petitions": petition_infos(case),
        "clocks": clock_rows(case, today),
        "assignments": list(case.assignments.all()),
        "approvals": [(approval, proposal_text(approval)) for approval in approvals],
        "may_approve": can_approve(user, case),
        "replies": list(case.replies.all()),
        "evaluations": list(case.evaluations.all()),
        "reviews": list(case.reviews.all()),
        "documents": list(case.documents.all()),
        "timeline": timeline_rows(case),
        "actions": _offered_forms(user, case, bound),
    }
    sections = {
        part: render_to_string(f"cases/_detail_{part}.html", context)
        for part in ("top", "middle", "bottom")
    }
    sections["actions"] = render_to_string(
        "cases/_detail_actions.html", context, request=request if bound else None
    )
    return sections


def _notice_rows(
    case, user, bound: tuple[int, NoticeDeliverForm] | None
) -> list[tuple[WrittenNotice, NoticeDeliverForm | None]]:
    """Each written notice with, while it is undelivered and the user may record its
    delivery, the form to do so (the posted one for `bound`'s notice)."""
    rows = []
    for notice in case.notices.all():
        form = None
        if notice.delivered_on is None and can_deliver_notice(user, notice.unit):
            if bound is not None and bound[0] == notice.pk:
                form = bound[1]
            else:
                form = NoticeDeliverForm(case=case, user=user, prefix=f"notice-{notice.pk}")
        rows.append((notice, form))
    return rows


@login_required
@require_GET
def case_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    return render_detail(request, number)


def _run_action(
    request: HttpRequest, *, number: str, key: str, spec: Action, form: ActionForm, on: dict
) -> HttpResponse:
    """Validate the action's form and call its service `on` the case or assignment, then
    answer: back to the detail on success; the page again with the form and its inline errors
    (400) or the reason of a conflict (409); 403 if the user may not do this."""
    offered = OfferedForm(key=key, action=spec, form=form, url=request.path, title="")
    if not form.is_valid():
        return render_detail(request, number, bound=offered, status=400)
    outcome = run_service(
        request,
        form,
        lambda: spec.service(actor=request.user, **on, **form.service_kwargs()),
        back=reverse("cases:detail", args=[number]),
    )
    if outcome.refused is not None:
        return outcome.refused
    if not outcome.ok:
        return render_detail(request, number, bound=offered, status=outcome.status)
    messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
    return redirect("cases:detail", number=number)


def _spec_or_404(actions: dict[str, Action], slug: str) -> Action:
    if slug not in actions:
        raise Http404
    return actions[slug]


def _action_fragment(
    request: HttpRequest, number: str, item: OfferedForm, *, offered: bool
) -> HttpResponse:
    """GET of an action's URL: its form, which the detail page fetches when the card is
    opened (to htmx; anyone else goes to the case page). A step the user may no longer take
    there (the case moved on since the page was drawn) says so instead of showing a form."""
    if not is_htmx(request):
        return redirect("cases:detail", number=number)
    if not offered:
        return render(request, "cases/_action_closed.html")
    return render(request, "cases/_action_body.html", {"item": item})


@login_required
@require_http_methods(["GET", "POST"])
def case_action_view(request: HttpRequest, number: str, action: str) -> HttpResponse:
    spec = _spec_or_404(CASE_ACTIONS, action)
    case = case_or_404(request, number)
    if request.method == "GET":
        case = case_for_display(case)
        offered = G.allows(spec.guard, request.user, case) if spec.guard else True
        item = OfferedForm(
            key=action,
            action=spec,
            form=_case_form(spec, case, request.user) if offered else None,
            url=request.path,
            title=str(spec.label),
        )
        return _action_fragment(request, number, item, offered=offered)
    form = _case_form(spec, case, request.user, request.POST, request.FILES)
    return _run_action(request, number=number, key=action, spec=spec, form=form, on={"case": case})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = _spec_or_404(ASSIGNMENT_ACTIONS, action)
    try:
        assignment = assignment_detail(user=request.user, pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None
    if request.method == "GET":
        offered = G.allows(G.assignment_guard, request.user, assignment, action)
        item = OfferedForm(
            key=f"assignment-{assignment.pk}-{action}",
            action=spec,
            form=_assignment_form(spec, assignment, request.user) if offered else None,
            url=request.path,
            title=assignment_action_title(spec, assignment),
        )
        return _action_fragment(request, assignment.case.number, item, offered=offered)
    form = _assignment_form(spec, assignment, request.user, request.POST, request.FILES)
    return _run_action(
        request,
        number=assignment.case.number,
        key=f"assignment-{assignment.pk}-{action}",
        spec=spec,
        form=form,
        on={"assignment": assignment},
    )


@login_required
@require_GET
def document_download_view(request: HttpRequest, number: str, pk: int) -> FileResponse:
    case = case_or_404(request, number)
    document = Document.objects.filter(case=case, pk=pk).first()
    if document is None:
        raise Http404
    return stored_download(document)
