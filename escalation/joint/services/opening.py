"""Five-party joint supervision (五方联合督办): one complex case supervised by five parties at
once, each a unit of the right kind with its duty, task and deadline. This module opens
one (the parties checked, each task on a clock of its own); `reporting` takes the parties'
reports and closes it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgKind, OrgUnit, User
from accounts.numbering import next_document_number
from accounts.roles import Role
from accounts.selectors import unit_in_scope, users_acting_for
from cases.models import CLOSED_STATUSES, Case
from cases.selectors.accusations import accused_unit_ids, accuses
from cases.services import case_event_write, deadline_start
from cases.services.core import case_lock
from core.exceptions import Conflict, NotAllowed, ValidationError
from core.identity import mask_personal_data
from notifications.services import notify

from ...kinds import EscalationDeadlineKind, EscalationEventKind, EscalationNotificationKind
from ...models import PARTY_UNIT_KINDS, JointParty, JointStatus, JointSupervision, PartyRole
from ...permissions import can_run_joint_supervision

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
    for wrong, message, code in (
        (missing, _("All five parties are required; missing: %(roles)s."), "missing"),
        (repeated, _("Each party is named once; named more than once: %(roles)s."), "repeated"),
    ):
        if wrong:
            errors.append(DjangoValidationError(message % {"roles": _roles_text(wrong)}, code=code))
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
        clock = deadline_start(
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
