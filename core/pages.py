"""Page helpers every app's views share: the 403 page, a service's errors on a form, one call
of a service from a form (`run_service`), a filtered list (`filtered_list`), days left to a due
date, dates and names as shown."""

from __future__ import annotations

import datetime
import hashlib
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import caching, reference
from .exceptions import Conflict, NotAllowed
from .http import attachment, is_htmx
from .officialdoc import DOCX_TYPE, OfficialDocument, officialdoc_docx

if TYPE_CHECKING:
    from django_filters import FilterSet

PAGE_SIZE = 50
# Lists count their rows up to this many: past it a page says "more than 10,000" (counting a
# province's million rows exactly would cost more than the page itself).
COUNT_CAP = 10_000
CAPPED_COUNT_SECONDS = 5 * 60


class CappedPaginator(Paginator):
    """A paginator whose count stops at `COUNT_CAP` + 1 rows (`SELECT count(*) FROM (… LIMIT
    10001)`): a scan that may end early, where an exact count reads every row in scope.
    `capped` tells the page to say "more than"; the last page is then the cap's."""

    cap = COUNT_CAP
    # How long "more than the cap" is taken as still true for the same count query (0: not
    # remembered).
    capped_for = CAPPED_COUNT_SECONDS

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if not isinstance(object_list, models.QuerySet):
            return len(object_list)
        # In the list's own order (the newest first: an index), without the joined rows: the
        # scan stops at the cap where the page's rows are. Unordered, PostgreSQL may walk a
        # join's order instead, past every older row a date filter drops (550 ms against 50
        # for a year's petitions of a city of a million).
        capped = object_list.values("pk")[: self.cap + 1]
        # Past the cap, the scan of its rows is most of the page's time (20 to 40 ms for a
        # city's lists at a million petitions), and a list that long stays past it for a
        # while: remembered for a few minutes, by the exact query, which holds the user's
        # scope and every filter (dates relative to today included), so that it is shared only
        # by those who would count the same rows. Below the cap, always counted afresh.
        try:
            sql, params = capped.query.get_compiler(using=capped.db).as_sql()
        except EmptyResultSet:  # a filter that nothing can match (an empty IN list …)
            return 0
        key = "capped-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        if self.capped_for and cache.get(key):
            return self.cap + 1
        with connections[capped.db].cursor() as cursor:  # what QuerySet.count() runs
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) capped", params)
            count = cursor.fetchone()[0]
        if count > self.cap and self.capped_for:
            cache.set(key, True, self.capped_for)
        return count

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def shown_count(self) -> int:
        """The count a page shows: exact, or the cap when there are more."""
        return min(self.count, self.cap)


@dataclass(frozen=True)
class DaysLeft:
    """Days until a due date: negative when overdue (shown in red)."""

    days: int

    @classmethod
    def until(cls, due: datetime.date | None, today: datetime.date) -> DaysLeft | None:
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

    def badge(self) -> SafeString:
        """The days left as the lists and pages show them (`cases/_days_left.html`)."""
        return format_html(
            '<span class="days-left {}" data-days-left="{}">{}</span>', self.css, self.days, self
        )


def row_html(template: str, **values: Any) -> SafeString:
    """`format_html(template, **values)` for the rows of a list page: the same escaping (the
    standard library's `html.escape`, which Django's `escape` wraps; a value with `__html__`
    as it is), without the lazy-string checks `format_html` makes on every value, which cost
    more than the escaping on a page of 50 rows of a dozen cells. Values the template does
    not name are left out, so a row may pass all its fields (`**vars(row)`)."""
    return SafeString(
        template.format(
            **{
                name: value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
                for name, value in values.items()
            }
        )
    )


def keyed_urls(viewname: str) -> Callable[[str], str]:
    """`key -> reverse(viewname, args=[key])` for the rows of one page, reversed once: a
    page's 50 reverses took 0.9 ms. The key is quoted as `reverse` quotes it; one that
    `reverse` would refuse (a "/") goes to `reverse`, to be refused there."""
    marker = "0key0"
    head, tail = reverse(viewname, args=[marker]).split(marker)

    def url(key: str) -> str:
        if "/" in key:
            return reverse(viewname, args=[key])
        return f"{head}{quote(key, safe=RFC3986_SUBDELIMS + '~:@')}{tail}"

    return url


def badge_of(days_left: DaysLeft | None) -> SafeString | str:
    return days_left.badge() if days_left is not None else ""


def day_text(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return f"{value:%Y-%m-%d}"


class _Named(Protocol):
    @property
    def display_name(self) -> str: ...


def person_name(user: _Named | None) -> str:
    return user.display_name if user is not None else ""


def forbidden(request: HttpRequest, reason: str, back: str = "") -> HttpResponse:
    """403 with the reason the service gave, on a page of its own."""
    return render(request, "core/forbidden.html", {"reason": reason, "back": back}, status=403)


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


@dataclass(frozen=True)
class Outcome:
    """What became of a service called from a page (`run_service`)."""

    # The service's return value when it succeeded.
    result: Any = None
    ok: bool = False
    # The status to render the form again with: 400 (the service refused the input, its
    # errors are on the form) or 409 (someone changed the object first, a message says so).
    status: int = 200
    # The 403 page, when the service said the user may not do this: return it as it is.
    refused: HttpResponse | None = None


def run_service(
    request: HttpRequest,
    form: forms.Form | None,
    fn: Callable[[], Any],
    *,
    back: str = "",
    place_errors: Callable[[ValidationError], None] | None = None,
) -> Outcome:
    """Call a service for a page, answering its refusals the one way every page does: input
    errors on the form's fields (or above it; with no form, as a message), "not allowed" as
    the 403 page (with a link back to `back`), a conflict as an error message.

    `place_errors` replaces the first of these for a page whose input errors go elsewhere
    too (a form mapping the service's names onto its own fields, a formset beside the form):
    it is called with the service's error instead of putting it on `form`."""
    try:
        result = fn()
    except ValidationError as error:
        if place_errors is not None:
            place_errors(error)
        elif form is None:
            messages.error(request, " ".join(error.messages))
        else:
            apply_service_errors(error, form)
        return Outcome(status=400)
    except NotAllowed as error:
        return Outcome(status=403, refused=forbidden(request, str(error), back))
    except Conflict as error:
        messages.error(request, str(error))
        return Outcome(status=409)
    return Outcome(result=result, ok=True)


def filtered_list(
    request: HttpRequest,
    filterset: FilterSet,
    *,
    row: Callable[[Any], Any],
    template: str,
    table: str,
    filters: str,
    status: int = 200,
    named: Callable[[list], None] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A list page: a page of the rows `filterset` keeps, each shown as `row(object)`, under
    its filter bar (the template `filters`, given to the page as `filter_bar`); to htmx (the
    filter bar and the pager ask that way) only the `table` fragment. `named(objects)` puts
    on the page's objects the reference rows (units, categories) their query does not join
    (`core.reference`). `query` is the request's other parameters, for the pager's links."""
    page = CappedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    if named is not None:
        page.object_list = list(page.object_list)
        named(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": [row(item) for item in page.object_list],
        "query": query.urlencode(),
        **extra,
    }
    if is_htmx(request):
        return render(request, table, context, status=status)
    context["filter_bar"] = filter_bar(request, filters, context)
    return render(request, template, context, status=status)


# A blank filter bar unused for this long is dropped even if nothing bumped its stamps.
FILTER_BAR_TIMEOUT = 15 * 60


def filter_bar(request: HttpRequest, template: str, context: dict[str, Any]) -> SafeString:
    """A list's filter bar rendered from `template`. With no filter set (how a list is opened,
    many times a day) it depends only on the user, the language and reference data (the
    fields' choices): then it is kept in the shared cache, keyed on those and on the
    reference tables' stamps (`core.reference`), and the 20 widgets are drawn once. Keyed on
    the user with their unit and roles, as the case page's sections are: a filter's choices
    may one day depend on them, and nothing is ever served to another user."""
    filtered = any(
        value for name, values in request.GET.lists() if name != "page" for value in values
    )
    if filtered or not caching.shared():
        return mark_safe(render_to_string(template, context, request))
    user = request.user
    key = ":".join(
        [
            "filter-bar",
            template,
            translation.get_language() or "",
            str(user.pk),
            str(getattr(user, "org_unit_id", "") or ""),
            ",".join(sorted(getattr(user, "roles", ()))),
            reference.stamps(),
        ]
    )
    drawn = cache.get(key)
    if drawn is None:
        drawn = render_to_string(template, context, request)
        cache.set(key, drawn, FILTER_BAR_TIMEOUT)
    return mark_safe(drawn)  # rendered by our template, escaped there


# --- rows, forms posted to services, official documents ----------------------------------------

T = TypeVar("T")


def found_or_404(model: type[models.Model], selector: Callable[..., T], **lookup: Any) -> T:
    """What `selector(**lookup)` finds (a detail selector: the row in the user's scope); 404
    when it raises `model.DoesNotExist`."""
    does_not_exist: type[Exception] = model.DoesNotExist  # type: ignore[attr-defined]
    try:
        return selector(**lookup)
    except does_not_exist:
        raise Http404 from None


def document_page(
    request: HttpRequest,
    template: str,
    document: OfficialDocument,
    *,
    docx_url: str,
    back_url: str,
    **context: Any,
) -> HttpResponse:
    """`document` as an A4 page to print (`template` extends
    escalation/_document_page.html), with its .docx link and the way back."""
    context.update(document=document, docx_url=docx_url, back_url=back_url)
    return render(request, template, context)


def docx_download(document: OfficialDocument, ascii_name: str) -> HttpResponse:
    """`document` as a .docx download under its own name (`ascii_name` for old browsers)."""
    return attachment(officialdoc_docx(document), DOCX_TYPE, document.filename, ascii_name)


@dataclass(frozen=True)
class Submitted:
    """What became of a form posted to a service (`submit`)."""

    # Return it as it is: the 403 page, or the redirect after the service succeeded.
    response: HttpResponse | None = None
    # Else the status to show the form again with: 200 (nothing posted), 400 (bad input, its
    # errors on the form) or 409 (someone changed the object first, a message says so).
    status: int = 200


def submit(
    request: HttpRequest,
    form: forms.Form | None,
    call: Callable[[], Any],
    *,
    back: str,
    success: str | Callable[[Any], str],
    to: str | Callable[[Any], str] | None = None,
    valid: bool | None = None,
    place_errors: Callable[[ValidationError], None] | None = None,
) -> Submitted:
    """A posted form's service call: nothing on a GET; on a POST whose `form` is valid (and
    `valid`, when the page checks a formset beside it; with no form, there is nothing to
    check), the service through `run_service` (`back`, `place_errors`: its arguments). When it
    succeeds, the message `success` (or `success(result)`) and a redirect to `to` (or
    `to(result)`; by default `back`)."""
    if request.method != "POST":
        return Submitted()
    if valid is None:
        valid = form is None or form.is_valid()
    if not valid:
        return Submitted(status=400)
    outcome = run_service(request, form, call, back=back, place_errors=place_errors)
    if outcome.refused is not None:
        return Submitted(response=outcome.refused)
    if not outcome.ok:
        return Submitted(status=outcome.status)
    result = outcome.result
    messages.success(request, success(result) if callable(success) else success)
    target = to(result) if callable(to) else (to or back)
    return Submitted(response=redirect(target))
