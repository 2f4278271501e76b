"""Five-party joint supervision (五方联合督办): one complex case supervised by five parties at
once, each a unit of the right kind with its duty, task and deadline; each party reports
progress and completion; the supervision closes once all five are done and the case has
been answered."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgKind, OrgUnit, User
from accounts.numbering import next_document_number
from accounts.roles import Role
from accounts.selectors import unit_in_scope, users_acting_for
from cases.models import (
    ANSWERED_STATUSES,
    CLOSED_STATUSES,
    Case,
    Deadline,
    Reply,
    ReplyStatus,
)
from cases.selectors_accusations import accused_unit_ids, accuses
from cases.services import case_event_write
from cases.services.core import case_lock, clock_meet
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.identity import mask_personal_data
from core.locking import lock_and_read
from notifications.services import notify

from ..kinds import EscalationDeadlineKind, EscalationEventKind, EscalationNotificationKind
from ..models import (
    PARTY_UNIT_KINDS,
    JointParty,
    JointReport,
    JointStatus,
    JointSupervision,
    PartyRole,
)
from ..permissions import can_report_for_party, can_run_joint_supervision

JOINT_SERIES = "联督"


@dataclass(frozen=True)
class PartyDraft:
    """One party as the opener fills it in: its duty (a `PartyRole`), unit, task and due date.
    Anything may be missing; `joint_supervision_open` says what."""

    role: str
    unit: OrgUnit | None
    task: str
    due_on: datetime.date | None


def party_error(role: str, field: str, message: str) -> DjangoValidationError:
    """A message about one party, for the `parties` field: `code` is the party's field
    (unit, task, due) and `params["party"]` its role, so a form can show it on that row."""
    return DjangoValidationError(message, code=field, params={"party": role})


def _role_label(role: str) -> str:
    return str(PartyRole(role).label)


def _roles_text(roles: Iterable[str]) -> str:
    return "、".join(_role_label(role) for role in roles)


def _check_parties(
    actor: User, case: Case, parties: Sequence[PartyDraft], today: datetime.date
) -> list[DjangoValidationError]:
    errors: list[DjangoValidationError] = []
    accused = accused_unit_ids(case)
    roles = [party.role for party in parties]
    unknown = [role for role in roles if role not in PartyRole.values]
    if unknown:
        errors.append(
            DjangoValidationError(
                _(
                    "Unknown duty: %(roles)s. The duties are tracking, business, stability, "
                    "judicial and discipline."
                )
                % {"roles": ", ".join(sorted({str(role) for role in unknown}))},
                code="role",
            )
        )
    missing = [role for role in PartyRole.values if role not in roles]
    repeated = [role for role in PartyRole.values if roles.count(role) > 1]
    if missing:
        errors.append(
            DjangoValidationError(
                _("All five parties are required; missing: %(roles)s.")
                % {"roles": _roles_text(missing)},
                code="missing",
            )
        )
    if repeated:
        errors.append(
            DjangoValidationError(
                _("Each party is named once; named more than once: %(roles)s.")
                % {"roles": _roles_text(repeated)},
                code="repeated",
            )
        )
    for party in parties:
        if party.role not in PartyRole.values:
            continue
        label = _role_label(party.role)
        unit = party.unit
        if unit is None:
            errors.append(
                party_error(party.role, "unit", _("%(role)s: choose the unit.") % {"role": label})
            )
        else:
            kind = PARTY_UNIT_KINDS[party.role]
            if unit.kind != kind:
                errors.append(
                    party_error(
                        party.role,
                        "unit",
                        _("%(role)s: %(unit)s is not a %(kind)s; this party must be one.")
                        % {"role": label, "unit": unit.name, "kind": OrgKind(kind).label},
                    )
                )
            elif not unit.is_active or not unit_in_scope(actor, unit):
                errors.append(
                    party_error(
                        party.role,
                        "unit",
                        _("%(role)s: %(unit)s is outside your area.")
                        % {"role": label, "unit": unit.name},
                    )
                )
            elif accuses(case, unit, accused=accused):
                # Art. 30: the accused never sees the accusation, nor a task on it.
                errors.append(
                    party_error(
                        party.role,
                        "unit",
                        _("%(role)s: the matter accuses %(unit)s; it cannot take part.")
                        % {"role": label, "unit": unit.name},
                    )
                )
        if not (party.task or "").strip():
            errors.append(
                party_error(party.role, "task", _("%(role)s: state the task.") % {"role": label})
            )
        if party.due_on is None:
            errors.append(
                party_error(party.role, "due", _("%(role)s: give the due date.") % {"role": label})
            )
        elif party.due_on <= today:
            errors.append(
                party_error(
                    party.role,
                    "due",
                    _("%(role)s: the task must be due after today.") % {"role": label},
                )
            )
    return errors


def default_summary(case: Case) -> str:
    """The case's summary and what its petitions say, with any ID or mobile number masked
    (the summary goes to five units, some of which do not see the case)."""
    parts = [case.summary.strip()]
    for content in case.petitions.order_by("received_at", "pk").values_list("content", flat=True):
        content = (content or "").strip()
        if content and content not in parts:
            parts.append(content)
    return mask_personal_data("\n".join(part for part in parts if part))


def _party_people(units: Iterable[OrgUnit]) -> list[User]:
    """The handlers and leaders acting for the units (the documents are sent to them)."""
    acting = users_acting_for([unit.pk for unit in units], Role.HANDLER, Role.LEADER)
    return [user for users in acting.values() for user in users]


def _detail_url(supervision: JointSupervision) -> str:
    return reverse("escalation:joint_detail", args=[supervision.pk])


@transaction.atomic
def joint_supervision_open(
    *,
    actor: User,
    case: Case,
    parties: Sequence[PartyDraft],
    summary: str | None = None,
) -> JointSupervision:
    """Open a joint supervision on `case` with its five parties (each role exactly once, a
    unit of the kind the role needs within the actor's area, a task and a due date after
    today). Each party's task runs on a clock of its own; the timeline records the opening
    and the handlers and leaders of the five units are notified (the assignment letter,
    summary and responsibility table are on the supervision's page)."""
    case = case_lock(case)
    opening_unit = actor.org_unit
    if opening_unit is None or not can_run_joint_supervision(actor, case):
        raise NotAllowed(
            _(
                "Only the joint-conference office or the petition office, with the case in "
                "its area, opens a joint supervision."
            )
        )
    today = timezone.localdate()
    if case.status in CLOSED_STATUSES:
        raise Conflict(
            _("Case %(number)s is “%(status)s”: a joint supervision is not possible now.")
            % {"number": case.number, "status": case.get_status_display()}
        )
    existing = JointSupervision.objects.filter(case=case, status=JointStatus.OPEN).first()
    if existing is not None:
        raise Conflict(
            _("Case %(number)s is already under joint supervision %(supervision)s.")
            % {"number": case.number, "supervision": existing.number}
        )
    parties = list(parties)
    errors = _check_parties(actor, case, parties, today)
    if errors:
        raise ValidationError({"parties": errors})
    summary = (summary or "").strip() or default_summary(case)

    try:
        # The case row lock keeps a second opener waiting; the one-open constraint is the
        # backstop where the database has no row locks (SQLite).
        with transaction.atomic():
            supervision = JointSupervision.objects.create(
                number=next_document_number(
                    unit=opening_unit, series=JOINT_SERIES, year=today.year
                ),
                case=case,
                summary=summary,
                opened_on=today,
                opened_by=actor,
                opening_unit=opening_unit,
            )
    except IntegrityError:
        raise Conflict(
            _("Case %(number)s is already under joint supervision.") % {"number": case.number}
        ) from None
    order = {role: index for index, role in enumerate(PartyRole.values)}
    rows = []
    for draft in sorted(parties, key=lambda draft: order[draft.role]):
        assert draft.unit is not None and draft.due_on is not None  # `_check_parties` did
        clock = Deadline.objects.create(
            case=case,
            kind=EscalationDeadlineKind.JOINT_TASK,
            responsible_unit=draft.unit,
            starts_on=today,
            due_on=draft.due_on,
        )
        rows.append(
            JointParty.objects.create(
                supervision=supervision,
                role=draft.role,
                unit=draft.unit,
                task=draft.task.strip(),
                due_on=draft.due_on,
                deadline=clock,
            )
        )
    case_event_write(
        case=case,
        kind=EscalationEventKind.JOINT_OPENED,
        actor=actor,
        comment=_("Joint supervision %(number)s opened.") % {"number": supervision.number},
        data={
            "supervision": supervision.number,
            "parties": [
                {"role": p.role, "unit": p.unit.code, "due": p.due_on.isoformat()} for p in rows
            ],
        },
        effective_on=today,
    )
    notify(
        recipients=_party_people(p.unit for p in rows),
        kind=EscalationNotificationKind.JOINT_SUPERVISION,
        title=_(
            "Joint supervision %(number)s on case %(case)s: your unit has a task; see the "
            "assignment letter, the summary and the responsibility table."
        )
        % {"number": supervision.number, "case": case.number},
        body="\n".join(
            f"{p.get_role_display()}：{p.unit.name}，{p.task}（{p.due_on.isoformat()}）"
            for p in rows
        ),
        case_number=case.number,
        url=_detail_url(supervision),
    )
    return supervision


def case_answered(case: Case) -> bool:
    """Whether the petitioner has had the answer: a reply delivered, and no review of it
    pending."""
    return (
        case.status in ANSWERED_STATUSES
        and Reply.objects.filter(case=case, status=ReplyStatus.DELIVERED).exists()
    )


def _supervision_lock(supervision: JointSupervision) -> JointSupervision:
    return lock_and_read(
        JointSupervision.objects.select_related("case", "opened_by"), supervision.pk
    )


def _effective_day(supervision: JointSupervision, on: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if on is None:
        return today
    if on > today:
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if on < supervision.opened_on:
        raise ValidationError(
            {
                "date": _("The date cannot be before the supervision was opened (%(date)s).")
                % {"date": supervision.opened_on.isoformat()}
            }
        )
    return on


@transaction.atomic
def joint_party_report(
    *,
    actor: User,
    supervision: JointSupervision,
    role: str,
    content: str,
    done: bool,
    on: datetime.date | None = None,
) -> JointReport:
    """A party reports progress on its task, or (`done`) its completion: the party's clock
    stops. Only users acting for the party's unit report for it. The opener and the tracking
    party are told; the supervision closes if this was the last party and the case has been
    answered."""
    supervision = _supervision_lock(supervision)
    if role not in PartyRole.values:
        raise ValidationError({"role": _("Choose one of the five duties.")})
    party = (
        JointParty.objects.select_related("unit", "deadline")
        .filter(supervision=supervision, role=role)
        .first()
    )
    if party is None:
        raise ValidationError({"role": _("This supervision has no such party.")})
    if not can_report_for_party(actor, party.unit):
        raise NotAllowed(_("Only %(unit)s reports for this party.") % {"unit": party.unit.name})
    if supervision.status != JointStatus.OPEN:
        raise Conflict(
            _("Joint supervision %(number)s is closed.") % {"number": supervision.number}
        )
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("Say what has been done.")})
    if done and party.done_on is not None:
        raise Conflict(
            _(
                "%(role)s already reported its task complete on %(date)s; report progress "
                "without marking it complete."
            )
            % {"role": party.get_role_display(), "date": party.done_on.isoformat()}
        )
    day = _effective_day(supervision, on)
    report = JointReport.objects.create(
        party=party, content=content, done=bool(done), reported_on=day, reported_by=actor
    )
    if done:
        party.done_on = day
        party.save(update_fields=["done_on"])
        clock_meet(party.deadline, day)
    case = supervision.case
    case_event_write(
        case=case,
        kind=EscalationEventKind.JOINT_REPORTED,
        actor=actor,
        comment=content,
        data={
            "supervision": supervision.number,
            "role": role,
            "unit": party.unit.code,
            "done": bool(done),
        },
        effective_on=day,
    )
    tracking = [
        p.unit for p in supervision.parties.select_related("unit") if p.role == PartyRole.TRACKING
    ]
    recipients = [supervision.opened_by, *_party_people(tracking)]
    if done:
        title = _("Joint supervision %(number)s: %(unit)s (%(role)s) reports its task complete.")
    else:
        title = _("Joint supervision %(number)s: %(unit)s (%(role)s) reports progress.")
    notify(
        recipients=[user for user in recipients if user.pk != actor.pk],
        kind=EscalationNotificationKind.JOINT_SUPERVISION,
        title=title
        % {"number": supervision.number, "unit": party.unit.name, "role": party.get_role_display()},
        body=content,
        case_number=case.number,
        url=_detail_url(supervision),
    )
    if done:
        _close_if_complete(supervision, day)
    return report


def _all_done(supervision: JointSupervision) -> bool:
    return not supervision.parties.filter(done_on__isnull=True).exists()


def _close_if_complete(supervision: JointSupervision, day: datetime.date) -> bool:
    """Close the (locked) supervision if all five parties are done and the case has been
    answered; whether it closed."""
    if supervision.status != JointStatus.OPEN:
        return False
    if not _all_done(supervision) or not case_answered(supervision.case):
        return False
    supervision.status = JointStatus.CLOSED
    supervision.closed_on = day
    supervision.save(update_fields=["status", "closed_on"])
    case_event_write(
        case=supervision.case,
        kind=EscalationEventKind.JOINT_CLOSED,
        actor=None,
        comment=_(
            "Joint supervision %(number)s closed: all five parties have completed their "
            "tasks and the case has been answered."
        )
        % {"number": supervision.number},
        data={"supervision": supervision.number},
        effective_on=day,
    )
    units = [party.unit for party in supervision.parties.select_related("unit")]
    notify(
        recipients=[supervision.opened_by, *_party_people(units)],
        kind=EscalationNotificationKind.JOINT_SUPERVISION,
        title=_("Joint supervision %(number)s on case %(case)s is closed.")
        % {"number": supervision.number, "case": supervision.case.number},
        case_number=supervision.case.number,
        url=_detail_url(supervision),
    )
    return True


def joint_supervisions_close_answered(*, today: datetime.date | None = None) -> int:
    """Close every open joint supervision whose five parties are all done and whose case has
    been answered since (the periodic scan calls this); how many it closed. Each is closed
    in a transaction of its own under its row lock, so a rerun or a concurrent report closes
    nothing twice."""
    today = today or timezone.localdate()
    undone = JointParty.objects.filter(supervision=OuterRef("pk"), done_on__isnull=True)
    delivered = Reply.objects.filter(case=OuterRef("case"), status=ReplyStatus.DELIVERED)
    candidates = list(
        JointSupervision.objects.filter(status=JointStatus.OPEN, case__status__in=ANSWERED_STATUSES)
        .filter(~Exists(undone), Exists(delivered))
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in candidates:
        with transaction.atomic():
            supervision = _supervision_lock(JointSupervision(pk=pk))
            if _close_if_complete(supervision, today):
                closed += 1
    return closed
