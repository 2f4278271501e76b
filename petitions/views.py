from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import OrgUnit
from cases.auditing import record_key_search
from cases.models import Case, CaseStatus
from core.exceptions import NotAllowed
from core.http import stored_download
from core.identity import normalize_phone, parse_resident_id
from core.pages import filtered_list, keyed_urls, row_html

from .auditing import record_full_identity_view, record_personal_search
from .filters import PetitionFilter
from .forms import PetitionerFormSet, PetitionForm
from .models import Channel, Petition, Petitioner
from .search import find, petitioner_history
from .selectors import (
    Match,
    PersonKey,
    may_see_full_identity,
    parties_of,
    petition_detail,
    petition_list,
    repeat_cases,
    with_petition_names,
)
from .services import can_register, petition_register

RECEIPT_CODES = "receipt_query_codes"


def _get_petition_or_404(request: HttpRequest, number: str) -> Petition:
    try:
        return petition_detail(user=request.user, number=number)
    except Petition.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class PetitionRow:
    """One line of the petition list, formatted once in Python: the template engine's
    per-cell lookups cost more than the database on a page of 50."""

    number: str
    url: str
    received_at: str
    received_on: str
    received_time: str
    channel: str
    names: str
    id_number: str
    phone: str
    person_count: int
    category: str
    summary: str
    receiving_unit: str
    status: str
    is_group: bool
    is_repeat: bool
    is_skip_level: bool
    is_first_time: bool

    @classmethod
    def of(cls, petition: Petition, url: Callable[[str], str]) -> "PetitionRow":
        """`url` gives a petition's page from its number (`core.pages.keyed_urls`)."""
        parties = parties_of(petition)
        principal = parties[0] if parties else None
        received = timezone.localtime(petition.received_at)
        names = "、".join(party.name for party in parties[:3])
        if len(parties) > 3:
            names += _("etc.")
        return cls(
            number=petition.number,
            url=url(petition.number),
            received_at=f"{received:%Y-%m-%d %H:%M}",
            received_on=f"{received:%Y-%m-%d}",
            received_time=f"{received:%H:%M}",
            channel=str(Channel(petition.channel).label),
            names=names,
            id_number=principal.petitioner.id_number_masked if principal else "",
            phone=principal.phone_masked if principal else "",
            person_count=petition.person_count,
            category=str(petition.category),
            summary=petition.summary,
            receiving_unit=petition.receiving_unit.name,
            status=str(CaseStatus(petition.case.status).label),
            is_group=petition.is_group,
            is_repeat=petition.is_repeat,
            is_skip_level=petition.is_skip_level,
            is_first_time=petition.is_first_time,
        )

    def html(self) -> SafeString:
        # Built here rather than by the template engine: 50 rows of its per-cell lookups and
        # escaping cost more than the page's queries.
        flags = format_html_join(
            " ",
            '<span class="badge {} flag">{}</span>',
            (
                (css, label)
                for shown, css, label in (
                    (self.is_group, "text-bg-warning", _("Group")),
                    (self.is_repeat, "text-bg-info", _("Repeat")),
                    (self.is_skip_level, "text-bg-danger", _("Skip-level")),
                    (self.is_first_time, "text-bg-success", _("First-time")),
                )
                if shown
            ),
        )
        return row_html(
            "<tr>"
            '<td class="nowrap"><a href="{url}">{number}</a>'
            '<div class="d-sm-none small text-secondary">{received_at}</div>'
            '<div class="d-sm-none"><span class="badge text-bg-light border">{status}</span></div>'
            "</td>"
            '<td class="d-none d-sm-table-cell"><span class="nowrap">{received_on}</span> '
            '<span class="nowrap text-secondary">{received_time}</span></td>'
            '<td class="d-none d-lg-table-cell nowrap">{channel}</td>'
            "<td>{names}"
            '<div class="d-xxl-none small text-secondary font-monospace nowrap">{phone}</div></td>'
            '<td class="d-none d-xxl-table-cell font-monospace nowrap">{id_number}</td>'
            '<td class="d-none d-xxl-table-cell font-monospace nowrap">{phone}</td>'
            '<td class="d-none d-lg-table-cell text-end">{person_count}</td>'
            '<td class="d-none d-md-table-cell small">{category}</td>'
            '<td class="summary">{summary}</td>'
            '<td class="d-none d-md-table-cell unit small">{receiving_unit}</td>'
            '<td class="d-none d-sm-table-cell">'
            '<span class="badge text-bg-light border">{status}</span></td>'
            '<td class="d-none d-sm-table-cell">{flags}</td>'
            "</tr>",
            **vars(self),
            flags=flags,
        )


@login_required
@require_GET
def petition_list_view(request: HttpRequest) -> HttpResponse:
    petitions = PetitionFilter(
        request.GET, queryset=petition_list(user=request.user), request=request
    )
    url = keyed_urls("petitions:detail")
    return filtered_list(
        request,
        petitions,
        row=lambda petition: PetitionRow.of(petition, url),
        named=with_petition_names,
        template="petitions/list.html",
        filters="petitions/_filters.html",
        table="petitions/_table.html",
    )


@login_required
@require_GET
def petition_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    petition = _get_petition_or_404(request, number)
    events = petition.case.events.select_related("actor", "actor_unit")
    full_identity = may_see_full_identity(request.user, petition)
    if full_identity:
        record_full_identity_view(request, petition, via="page")
    context = {"petition": petition, "full_identity": full_identity, "events": events}
    return render(request, "petitions/detail.html", context)


@login_required
@require_GET
def petition_receipt_view(request: HttpRequest, number: str) -> HttpResponse:
    """The registration receipt (登记回执). The query code is shown on the first view only."""
    petition = _get_petition_or_404(request, number)
    codes = request.session.get(RECEIPT_CODES, {})
    query_code = codes.pop(number, None)
    if query_code:
        request.session[RECEIPT_CODES] = codes
    return render(
        request,
        "petitions/receipt.html",
        {
            "petition": petition,
            "query_code": query_code,
            "public_query_url": settings.PUBLIC_QUERY_URL,
        },
    )


@login_required
@require_GET
def attachment_download_view(request: HttpRequest, number: str, pk: int) -> FileResponse:
    petition = _get_petition_or_404(request, number)
    attachment = next((a for a in petition.attachments.all() if a.pk == pk), None)
    if attachment is None:
        raise Http404
    return stored_download(attachment)


def same_matter_warning(earlier: Case) -> str:
    """What the clerk is told when the new case is linked to a case that ended the matter."""
    if earlier.status == CaseStatus.TERMINATED:
        return _(
            "The same matter was terminated in case %(number)s: acceptance will be refused."
        ) % {"number": earlier.number}
    return _(
        "The same matter was answered in case %(number)s, closed (已办结) without a review "
        "request: this case may be refused for that reason."
    ) % {"number": earlier.number}


def _apply_service_errors(error: ValidationError, form, formset) -> None:
    for field, messages_ in error.message_dict.items():
        if field in form.fields:
            for message in messages_:
                form.add_error(field, message)
        elif field == "petitioners":
            # Formsets have no add_error() for errors about the rows as a whole.
            formset._non_form_errors = formset.error_class(list(messages_))
        else:
            for message in messages_:
                form.add_error(None, message)


@login_required
@require_http_methods(["GET", "POST"])
def petition_intake_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.org_unit and can_register(user, user.org_unit)):
        raise Http404
    if request.method == "POST":
        form = PetitionForm(request.POST, request.FILES, user=user)
        formset = PetitionerFormSet(request.POST, prefix="petitioners")
        if form.is_valid() and formset.is_valid():
            people = [
                f.to_draft()
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                registration = petition_register(actor=user, draft=form.to_draft(people))
            except ValidationError as error:
                _apply_service_errors(error, form, formset)
            except NotAllowed as error:
                form.add_error(None, str(error))
            else:
                number = registration.petition.number
                codes = request.session.get(RECEIPT_CODES, {})
                codes[number] = registration.query_code
                request.session[RECEIPT_CODES] = codes
                messages.success(request, _("Petition %(number)s registered.") % {"number": number})
                earlier = registration.petition.case.same_matter_as
                if earlier is not None:
                    messages.warning(request, same_matter_warning(earlier))
                return redirect("petitions:receipt", number=number)
        status = 400
    else:
        form = PetitionForm(user=user)
        formset = PetitionerFormSet(prefix="petitioners")
        status = 200
    context = {
        "form": form,
        "formset": formset,
        "group_threshold": settings.GROUP_VISIT_THRESHOLD,
    }
    return render(request, "petitions/intake.html", context, status=status)


def _people_from_query(query) -> list[PersonKey]:
    """Petitioner rows of the intake form, leniently: an invalid ID number or phone is
    simply not used for matching while the clerk is still typing it."""
    rows: dict[str, dict[str, str]] = {}
    for key, value in query.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "petitioners" and parts[1].isdigit():
            rows.setdefault(parts[1], {})[parts[2]] = value.strip()
    people = []
    for row in rows.values():
        if row.get("DELETE"):
            continue
        id_number = row.get("id_number", "").upper()
        try:
            parse_resident_id(id_number)
        except ValidationError:
            id_number = ""
        try:
            phone = normalize_phone(row["phone"]) if row.get("phone") else ""
        except ValidationError:
            phone = ""
        if id_number or phone or row.get("name"):
            people.append(PersonKey(name=row.get("name", ""), id_number=id_number, phone=phone))
    return people


# The two live fragments below are POSTed so that ID numbers and phones never appear in URLs
# and therefore never in access logs.


@login_required
@require_POST
def repeat_panel_view(request: HttpRequest) -> HttpResponse:
    """Live repeat panel of the intake page: earlier cases of the petitioners being typed."""
    people = _people_from_query(request.POST)
    location_id = request.POST.get("location_unit", "")
    location = OrgUnit.objects.filter(pk=location_id).first() if location_id.isdigit() else None
    record_personal_search(request, people, via="intake")
    cases = repeat_cases(user=request.user, people=people, location=location) if people else []
    certain = [case for case in cases if case.match == Match.CERTAIN]  # type: ignore[attr-defined]
    possible = [case for case in cases if case.match == Match.POSSIBLE]  # type: ignore[attr-defined]
    context = {
        "certain": certain,
        "possible": possible,
        "groups": [("certain", certain), ("possible", possible)],
        "certain_key": any(person.id_number or person.phone for person in people),
        "name_key": any(person.name.strip() for person in people),
        "searched": bool(people),
        "attached": request.POST.get("case", ""),
        "terminated": CaseStatus.TERMINATED,
        "closed": CaseStatus.CLOSED,
    }
    return render(request, "petitions/_repeat_panel.html", context)


@login_required
@require_POST
def id_info_view(request: HttpRequest) -> HttpResponse:
    """Birth date and sex derived from the ID number being typed, or what is wrong with it."""
    value = request.POST.get("id_number", "").strip()
    context = {"value": value}
    if value:
        try:
            context["resident"] = parse_resident_id(value)
        except ValidationError as error:
            context["error"] = error.messages[0]
    return render(request, "petitions/_id_info.html", context)


@login_required
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """Find anyone (查人查件): people and matters by number, name, ID number or phone; an
    exact number alone opens its petition or case."""
    result = find(request.user, request.GET.get("q"))
    record_key_search(request, result.key, via="search")
    hit = result.exact_hit
    if isinstance(hit, Petition):
        return redirect("petitions:detail", number=hit.number)
    if isinstance(hit, Case):
        return redirect("cases:detail", number=hit.number)
    return render(request, "petitions/search.html", {"result": result})


@login_required
@require_GET
def petitioner_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One petitioner's petitions and cases over the years, in the user's scope; masked."""
    try:
        history = petitioner_history(request.user, pk)
    except Petitioner.DoesNotExist:
        raise Http404 from None
    context = {
        "history": history,
        "terminated": CaseStatus.TERMINATED,
        "closed": CaseStatus.CLOSED,
    }
    return render(request, "petitions/petitioner.html", context)
