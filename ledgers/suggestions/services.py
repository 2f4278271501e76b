"""People's suggestions (人民建议征集, Art. 29): every write.

A suggestion is a case of the kind suggestion: it is accepted, studied and answered through
the case's own services (`cases.services`: its answer clock `suggestion_answer`, the decision
adopted / partly adopted / not adopted for now with its reasons, the leader's approval, the
delivery). What the ledger adds is the commendation or award (表扬奖励, Art. 29 para. 2) of a
suggester whose suggestion was adopted or partly adopted: `suggestion_commend`, which locks
the case first, reads it afresh, then checks.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.selectors import users_acting_for
from cases.models import ADOPTED_DECISIONS, Case, MatterKind, ReplyStatus
from cases.selectors import cases_visible_to
from cases.services import case_event_write
from cases.services.core import case_lock
from core.exceptions import NotAllowed, ValidationError
from notifications.services import notify

from ..checks import required_text
from ..events import ledger_event_write
from ..kinds import LedgerNotificationKind, SuggestionCaseEventKind
from ..models import CommendationKind, Ledger, LedgerEventKind, SuggestionCommendation
from ..permissions import can_commend_suggestion, may_grant_for


def register_url() -> str:
    return reverse("ledgers:suggestion_list")


def _delivered_decision(case: Case) -> tuple[str, datetime.date | None]:
    """The decision of the answer delivered (the latest), and the day it was delivered."""
    reply = (
        case.replies.filter(status=ReplyStatus.DELIVERED)
        .order_by("-delivered_on", "-pk")
        .values_list("opinion", "delivered_on")
        .first()
    )
    return reply if reply is not None else ("", None)


@transaction.atomic
def suggestion_commend(
    *,
    actor: User,
    case: Case,
    kind: str,
    granted_on: datetime.date | None,
    text: str,
    granting_unit: OrgUnit | None = None,
) -> SuggestionCommendation:
    """Record that the suggester of `case` was commended or rewarded (Art. 29 para. 2): a
    suggestion whose answer, delivered, adopted it or partly; granted on a day not in the
    future nor before that answer, by a unit the actor acts for at or above the competent
    unit (the actor's own by default), with the reasons. The competent unit is told."""
    case = case_lock(case)
    if not can_commend_suggestion(actor, case) or not (
        cases_visible_to(actor).filter(pk=case.pk).exists()
    ):
        raise NotAllowed(
            _(
                "Only the petition office's staff or the leaders of the competent unit or above "
                "record a commendation."
            )
        )
    if case.matter_kind != MatterKind.SUGGESTION:
        raise ValidationError(
            {"case": [_("Case %(number)s is not a suggestion.") % {"number": case.number}]}
        )
    decision, delivered_on = _delivered_decision(case)
    if decision not in ADOPTED_DECISIONS or delivered_on is None:
        raise ValidationError(
            {
                "case": [
                    _(
                        "Only a suggestion adopted or partly adopted, its answer delivered, is "
                        "commended."
                    )
                ]
            }
        )
    errors: dict[str, list[str]] = {}
    if kind not in CommendationKind.values:
        errors["kind"] = [_("Choose the kind of commendation.")]
    today = timezone.localdate()
    if granted_on is None:
        errors["granted_on"] = [_("Give the day it was granted.")]
    elif granted_on > today:
        errors["granted_on"] = [_("The day it was granted cannot be in the future.")]
    elif granted_on < delivered_on:
        errors["granted_on"] = [
            _("The day it was granted cannot be before the answer was delivered (%(date)s).")
            % {"date": delivered_on.isoformat()}
        ]
    unit = granting_unit or actor.org_unit
    if unit is None or not may_grant_for(actor, case, unit):
        errors["granting_unit"] = [
            _("Choose your unit, at or above the competent unit %(unit)s.")
            % {"unit": case.owner_unit.name}
        ]
    if errors:
        raise ValidationError(errors)
    text = required_text("text", text, _("Say why the suggester is commended."))
    assert unit is not None and granted_on is not None  # checked above
    commendation = SuggestionCommendation.objects.create(
        case=case,
        kind=kind,
        granted_on=granted_on,
        granting_unit=unit,
        text=text,
        recorded_by=actor,
    )
    label = commendation.get_kind_display()
    ledger_event_write(
        ledger=Ledger.SUGGESTION,
        object_id=case.pk,
        kind=LedgerEventKind.COMMENDED,
        actor=actor,
        status=decision,
        note=f"{label}（{unit.name}）：{text}",
    )
    case_event_write(
        case=case,
        kind=SuggestionCaseEventKind.COMMENDED,
        actor=actor,
        comment=f"{label}（{unit.name}）：{text}",
        data={"commendation": commendation.pk, "kind": kind},
        effective_on=granted_on,
    )
    acting = users_acting_for([case.owner_unit_id], Role.HANDLER, Role.LEADER)
    notify(
        recipients=[user for user in acting.get(case.owner_unit_id, []) if user.pk != actor.pk],
        kind=LedgerNotificationKind.SUGGESTION,
        title=_("Suggestion %(case)s: the suggester is commended (%(kind)s, %(unit)s).")
        % {"case": case.number, "kind": label, "unit": unit.name},
        case_number=case.number,
        url=reverse("cases:detail", args=[case.number]),
    )
    return commendation
