"""What the public portal shows a petitioner of their matter, found by number and query code.

The view is built from the case's status, its timeline (only the steps the petitioner is
told of) and its open clocks; it names public bodies only, and never a unit the matter
accuses (Art. 30), a member of staff, an instruction or anyone else's details."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import OrgUnit
from cases.guards import REQUESTABLE_FROM
from cases.models import (
    ACCEPTANCE_CLOCKS,
    ANSWER_CLOCKS,
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    DeadlineKind,
    EventKind,
    MatterKind,
    Opinion,
    ReviewLevel,
)
from cases.selectors.accusations import accused_unit_ids
from cases.services.core import window_end
from petitions.models import Category, Petition
from petitions.selectors import query_code_hashes

from .documents import PublicDocument, documents_of


class PublicStatus:
    """The status codes of the public view (`PublicMatter.status`)."""

    REGISTERED = "registered"
    ACCEPTED = "accepted"
    FORWARDED = "forwarded"
    ASSIGNED = "assigned"
    NOT_ACCEPTED = "not_accepted"
    DIVERTED = "diverted"
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    REVIEW_REQUESTED = "review_requested"
    REVIEWED = "reviewed"
    REREVIEW_REQUESTED = "rereview_requested"
    REREVIEWED = "rereviewed"
    CLOSED = "closed"
    TERMINATED = "terminated"

    ALL = (
        REGISTERED,
        ACCEPTED,
        FORWARDED,
        ASSIGNED,
        NOT_ACCEPTED,
        DIVERTED,
        IN_PROGRESS,
        REPLIED,
        REVIEW_REQUESTED,
        REVIEWED,
        REREVIEW_REQUESTED,
        REREVIEWED,
        CLOSED,
        TERMINATED,
    )


# Case status -> public status; an evaluated case is still "answered" to the petitioner.
STATUS_OF_CASE: dict[str, str] = {
    CaseStatus.REGISTERED: PublicStatus.REGISTERED,
    CaseStatus.ACCEPTED: PublicStatus.ACCEPTED,
    CaseStatus.FORWARDED: PublicStatus.FORWARDED,
    CaseStatus.NOT_ACCEPTED: PublicStatus.NOT_ACCEPTED,
    CaseStatus.DIVERTED: PublicStatus.DIVERTED,
    CaseStatus.IN_PROGRESS: PublicStatus.IN_PROGRESS,
    CaseStatus.REPLIED: PublicStatus.REPLIED,
    CaseStatus.EVALUATED: PublicStatus.REPLIED,
    CaseStatus.REVIEW_REQUESTED: PublicStatus.REVIEW_REQUESTED,
    CaseStatus.REVIEWED: PublicStatus.REVIEWED,
    CaseStatus.REREVIEW_REQUESTED: PublicStatus.REREVIEW_REQUESTED,
    CaseStatus.REREVIEWED: PublicStatus.REREVIEWED,
    CaseStatus.CLOSED: PublicStatus.CLOSED,
    CaseStatus.TERMINATED: PublicStatus.TERMINATED,
}


def status_label(status: str) -> str:
    labels = {
        PublicStatus.REGISTERED: pgettext("public status", "Registered"),
        PublicStatus.ACCEPTED: pgettext("public status", "Accepted"),
        PublicStatus.FORWARDED: pgettext("public status", "Forwarded"),
        PublicStatus.ASSIGNED: pgettext("public status", "Assigned"),
        PublicStatus.NOT_ACCEPTED: pgettext("public status", "Not accepted"),
        PublicStatus.DIVERTED: pgettext("public status", "Referred to legal channels"),
        PublicStatus.IN_PROGRESS: pgettext("public status", "Being handled"),
        PublicStatus.REPLIED: pgettext("public status", "Answered"),
        PublicStatus.REVIEW_REQUESTED: pgettext("public status", "Under review"),
        PublicStatus.REVIEWED: pgettext("public status", "Reviewed"),
        PublicStatus.REREVIEW_REQUESTED: pgettext("public status", "Under re-review"),
        PublicStatus.REREVIEWED: pgettext("public status", "Re-reviewed"),
        PublicStatus.CLOSED: pgettext("public status", "Concluded"),
        PublicStatus.TERMINATED: pgettext("public status", "Terminated"),
    }
    return labels[status]


@dataclass(frozen=True)
class Step:
    date: datetime.date
    label: str


@dataclass(frozen=True)
class DueDate:
    label: str
    date: datetime.date


@dataclass(frozen=True)
class PublicMatter:
    number: str
    status: str
    status_label: str
    steps: tuple[Step, ...]
    due_dates: tuple[DueDate, ...]
    documents: tuple[PublicDocument, ...]
    can_evaluate: bool
    can_request_review: bool


# --- the lookup --------------------------------------------------------------------------------


def petition_by_code(number: str, code: str) -> Petition | None:
    """The petition `number` if `code` is its query code. One query whether the number exists
    or not: the code is hashed first and both are compared by the database, so a wrong code
    and an unknown number take the same path."""
    hashes = query_code_hashes(code)
    if "\x00" in number:  # PostgreSQL refuses NUL in a string literal; no number has one
        number = ""
    return (
        Petition.objects.filter(number=number, query_code_hash__in=hashes)
        .select_related("case__owner_unit", "case__answering_unit")
        .first()
    )


def public_view(
    number: str, code: str, *, today: datetime.date | None = None
) -> PublicMatter | None:
    """The public view of petition `number`, or None unless `code` is its query code. A bounded
    number of queries whatever the case's history (at most nine: the petition, the clocks,
    the steps, the names of the bodies it was forwarded to, the accused units of an
    accusation, the evaluation window's rule, the work calendar, the delivered answers and
    the written notices)."""
    petition = petition_by_code(number, code)
    if petition is None:
        return None
    return matter_of(petition, today=today or timezone.localdate())


def _load(case: Case) -> tuple[list[Deadline], list[CaseEvent]]:
    clocks = list(
        Deadline.objects.filter(case=case, assignment__isnull=True)
        .only("kind", "due_on", "met_at", "starts_on")
        .order_by("starts_on", "pk")
    )
    events = list(
        CaseEvent.objects.filter(case=case, kind__in=[*PUBLIC_EVENTS, *_registered_steps])
        .only("kind", "data", "effective_on", "created_at")
        .order_by("effective_on", "created_at", "pk")
    )
    return clocks, events


# The timeline's steps the petitioner is told of; everything else (drafts, approvals,
# instructions, internal escalation, who did what) stays inside.
PUBLIC_EVENTS = (
    EventKind.ACCEPTED,
    EventKind.FORWARDED,
    EventKind.ASSIGNED,
    EventKind.ASSIGNMENT_REPORTED,
    EventKind.ASSIGNMENT_RETURNED,
    EventKind.NOT_ACCEPTED,
    EventKind.DIVERTED,
    EventKind.EXTENSION_APPROVED,
    EventKind.REPLY_DELIVERED,
    EventKind.EVALUATED,
    EventKind.REVIEW_REQUESTED,
    EventKind.REVIEWED,
    EventKind.REREVIEW_REQUESTED,
    EventKind.REREVIEWED,
    EventKind.TERMINATED,
    EventKind.CLOSED,
)


# Steps the apps above write on a case's timeline that the petitioner is told of, in the
# words of `register_public_step` (the people's suggestions' commendation, in `ledgers`).
_registered_steps: dict[str, str | Promise] = {}


def register_public_step(kind: str, label: str | Promise) -> None:
    """Tell the petitioner of the case events of `kind` (registered by an app above, in its
    `AppConfig.ready()`) in the words of `label`, a lazy translation with no detail of who
    did it."""
    _registered_steps.setdefault(kind, label)


def _day(value: str | None) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value or ""), "DATE_FORMAT")
    except ValueError:
        return ""


# The steps told in the same words whatever their details (assignment reports: counted, not
# shown).
STEP_LABELS: dict[str, str | Promise] = {
    EventKind.ACCEPTED: gettext_lazy("Accepted"),
    EventKind.ASSIGNED: gettext_lazy("Assigned to a lower unit to look into"),
    EventKind.NOT_ACCEPTED: gettext_lazy("Not accepted (see the written notice)"),
    EventKind.REPLY_DELIVERED: gettext_lazy("Answered"),
    EventKind.EVALUATED: gettext_lazy("Satisfaction with the answer recorded"),
    EventKind.REVIEW_REQUESTED: gettext_lazy("Review requested"),
    EventKind.REVIEWED: gettext_lazy("Review opinion issued"),
    EventKind.REREVIEW_REQUESTED: gettext_lazy("Re-review requested"),
    EventKind.REREVIEWED: gettext_lazy("Re-review opinion issued"),
    EventKind.TERMINATED: gettext_lazy("Concluded for good (terminated)"),
    EventKind.CLOSED: gettext_lazy("Concluded"),
}


# The answer to a suggestion (Art. 29) tells its decision.
SUGGESTION_ANSWERED: dict[str, str | Promise] = {
    Opinion.ADOPTED: gettext_lazy("Answered: your suggestion is adopted"),
    Opinion.PARTLY_ADOPTED: gettext_lazy("Answered: your suggestion is partly adopted"),
    Opinion.NOT_ADOPTED: gettext_lazy("Answered: your suggestion is not adopted for now"),
}


def _step_label(event: CaseEvent, unit_names: dict[str, str], case: Case) -> str | None:
    kind = event.kind
    if kind == EventKind.REPLY_DELIVERED and case.matter_kind == MatterKind.SUGGESTION:
        decided = SUGGESTION_ANSWERED.get(event.data.get("opinion", ""))
        if decided is not None:
            return str(decided)
    if kind == EventKind.FORWARDED:
        name = unit_names.get(event.data.get("to", ""))
        if name:
            return _("Forwarded to %(unit)s, which will decide on it and answer you") % {
                "unit": name
            }
        return _("Forwarded to the body with authority, which will answer you")
    if kind == EventKind.DIVERTED:
        if case.legal_channel:
            return _("Referred to a legal channel: %(channel)s") % {
                "channel": case.get_legal_channel_display()
            }
        return _("Referred to a legal channel")
    if kind == EventKind.EXTENSION_APPROVED:
        new_due = _day(event.data.get("new_due"))
        if new_due:
            return _("Time limit for the answer extended to %(date)s") % {"date": new_due}
        return _("Time limit for the answer extended")
    label = STEP_LABELS.get(kind) or _registered_steps.get(kind)
    return str(label) if label is not None else None


def _forward_targets(case: Case, events: list[CaseEvent]) -> dict[str, str]:
    """Names of the units the matter was forwarded to, by code: never a unit it accuses."""
    codes = {e.data.get("to") for e in events if e.kind == EventKind.FORWARDED}
    codes.discard(None)
    if not codes:
        return {}
    accused = accused_unit_ids(case)
    return {
        code: name
        for pk, code, name in OrgUnit.objects.filter(code__in=codes).values_list(
            "pk", "code", "name"
        )
        if pk not in accused
    }


def _open(clocks: list[Deadline], kinds: tuple[str, ...]) -> Deadline | None:
    return next((c for c in clocks if c.kind in kinds and c.met_at is None), None)


def _status(case: Case, events: list[CaseEvent], unit_names: dict[str, str]) -> tuple[str, str]:
    status = STATUS_OF_CASE[case.status]
    if status == PublicStatus.IN_PROGRESS:
        assigned = sum(1 for e in events if e.kind == EventKind.ASSIGNED)
        back = sum(
            1
            for e in events
            if e.kind in (EventKind.ASSIGNMENT_REPORTED, EventKind.ASSIGNMENT_RETURNED)
        )
        if assigned > back:
            status = PublicStatus.ASSIGNED
    label = status_label(status)
    if status == PublicStatus.FORWARDED:
        latest = next((e for e in reversed(events) if e.kind == EventKind.FORWARDED), None)
        name = unit_names.get(latest.data.get("to", "")) if latest else None
        if name:
            label = pgettext("public status", "Forwarded to %(unit)s") % {"unit": name}
    return status, label


def _can_evaluate(
    case: Case, events: list[CaseEvent], today: datetime.date
) -> tuple[bool, datetime.date | None]:
    """The evaluation's rule (cases.services.answers.case_evaluate): a replied case, within the
    evaluation window from the day the answer was delivered."""
    if case.status != CaseStatus.REPLIED:
        return False, None
    delivered = next((e for e in reversed(events) if e.kind == EventKind.REPLY_DELIVERED), None)
    if delivered is None:
        return False, None
    last_day = window_end(DeadlineKind.EVALUATION_WINDOW, case.owner_unit, delivered.effective_on)
    return today <= last_day, last_day


def _can_request_review(case: Case, clocks: list[Deadline], today: datetime.date) -> bool:
    """The request's rule (cases.guards.review_request_guard and services.reviews._request):
    a status the request is taken from, the request window's clock open and not past, and a
    body above the one that answered; never the answer to a suggestion (Art. 29)."""
    if case.matter_kind == MatterKind.SUGGESTION:
        return False
    for level, window_kind in (
        (ReviewLevel.REVIEW, DeadlineKind.REVIEW_REQUEST),
        (ReviewLevel.REREVIEW, DeadlineKind.REREVIEW_REQUEST),
    ):
        if case.status not in REQUESTABLE_FROM[level]:
            continue
        window = _open(clocks, (window_kind,))
        if window is None or today > window.due_on:
            return False
        if level == ReviewLevel.REVIEW:
            return case.answering_unit is not None and case.answering_unit.parent_id is not None
        return True
    return False


def _due_dates(
    case: Case, clocks: list[Deadline], evaluation_end: datetime.date | None
) -> tuple[DueDate, ...]:
    rows = []
    if case.awaits_acceptance and (clock := _open(clocks, ACCEPTANCE_CLOCKS)):
        rows.append(DueDate(_("Decision on acceptance due by"), clock.due_on))
    if clock := _open(clocks, ANSWER_CLOCKS):
        rows.append(DueDate(_("Answer due by"), clock.due_on))
    if evaluation_end is not None:
        rows.append(DueDate(_("You may rate the answer until"), evaluation_end))
    suggestion = case.matter_kind == MatterKind.SUGGESTION
    if not suggestion and (clock := _open(clocks, (DeadlineKind.REVIEW_REQUEST,))):
        rows.append(DueDate(_("You may ask for a review until"), clock.due_on))
    if clock := _open(clocks, (DeadlineKind.REVIEW,)):
        rows.append(DueDate(_("Review opinion due by"), clock.due_on))
    if clock := _open(clocks, (DeadlineKind.REREVIEW_REQUEST,)):
        rows.append(DueDate(_("You may ask for a re-review until"), clock.due_on))
    if clock := _open(clocks, (DeadlineKind.REREVIEW,)):
        rows.append(DueDate(_("Re-review opinion due by"), clock.due_on))
    return tuple(rows)


def matter_of(petition: Petition, *, today: datetime.date) -> PublicMatter:
    case = petition.case
    clocks, events = _load(case)
    unit_names = _forward_targets(case, events)
    status, label = _status(case, events, unit_names)
    received = timezone.localdate(petition.received_at)
    steps = [Step(received, _("Registered"))]
    for event in events:
        text = _step_label(event, unit_names, case)
        if text is not None:
            steps.append(Step(event.effective_on, text))
    # A repeat petition joins a case already under way: its registration takes its place in
    # the order of dates (stable: the registration first among the steps of its day).
    steps.sort(key=lambda step: step.date)
    can_evaluate, evaluation_end = _can_evaluate(case, events, today)
    return PublicMatter(
        number=petition.number,
        status=status,
        status_label=label,
        steps=tuple(steps),
        due_dates=_due_dates(case, clocks, evaluation_end if can_evaluate else None),
        documents=documents_of(case),
        can_evaluate=can_evaluate,
        can_request_review=_can_request_review(case, clocks, today),
    )


# --- the pickers of the online petition form -------------------------------------------------

UNIT_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class PublicUnit:
    """A unit as the portal's picker shows it: its code, name and the names above it."""

    code: str
    name: str
    path: str


def public_units(q: str, *, limit: int = UNIT_SEARCH_LIMIT) -> list[PublicUnit]:
    """Active units whose name contains `q` (or whose code is `q`), shallowest first, with
    their full path of names: nothing internal. Two queries however many rows."""
    q = q.strip()
    if not q:
        return []
    found = list(
        OrgUnit.objects.filter(is_active=True)
        .filter(models.Q(name__icontains=q) | models.Q(code__iexact=q))
        .order_by("level", "path")
        .only("code", "name", "path")[:limit]
    )
    above = {pk for unit in found for pk in unit.ancestor_ids}
    names = dict(OrgUnit.objects.filter(pk__in=above).values_list("pk", "name"))
    return [
        PublicUnit(
            code=unit.code,
            name=unit.name,
            path=" › ".join(names.get(pk, "") for pk in unit.ancestor_ids),
        )
        for unit in found
    ]


def public_unit(code_or_name: str) -> tuple[OrgUnit | None, list[PublicUnit]]:
    """The active unit a petitioner typed without the picker (no JavaScript): by its code, or
    by its name when exactly one matches. Else (None, the candidates to choose from)."""
    text = code_or_name.strip()
    unit = OrgUnit.objects.filter(is_active=True, code__iexact=text).first()
    if unit is not None:
        return unit, []
    exact = list(OrgUnit.objects.filter(is_active=True, name=text)[:2])
    if len(exact) == 1:
        return exact[0], []
    candidates = public_units(text)
    if len(candidates) == 1:
        return OrgUnit.objects.get(code=candidates[0].code), []
    return None, candidates


def public_categories() -> QuerySet[Category]:
    """The categories a petitioner chooses from: the active leaves (a sub-category, or a top
    category without any), as at intake."""
    return (
        Category.objects.filter(is_active=True, children__isnull=True)
        .select_related("parent")
        .order_by("code")
    )
