"""What the backlog ledger's services share: the links, the rule and the group test, the
checks of a text, a day and a leader, the case's step and who is told."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import unit_in_scope
from cases.models import Case
from cases.selectors import backlog_condition
from cases.selectors.accusations import accuses
from cases.services.core import case_save
from core.exceptions import ValidationError
from escalation.recipients import Recipients
from petitions.models import Petition

from ...models import (
    BacklogEntry,
)

BACKLOG_SERIES = "积"


def entry_url(entry: BacklogEntry) -> str:
    return reverse("ledgers:backlog_detail", args=[entry.pk])


def is_candidate(case: Case, today: datetime.date) -> bool:
    """Whether `case` is a backlog case by the rule today (one query)."""
    return Case.objects.filter(pk=case.pk).filter(backlog_condition(today)).exists()


def is_group_case(case: Case) -> bool:
    """Whether a petition of `case` is a group visit (群体性, one query)."""
    return Petition.objects.filter(case_id=case.pk, is_group=True).exists()


def _previous_step(case: Case) -> str:
    return _("The date cannot be before the case's previous step (%(date)s).") % {
        "date": date_format(case.last_step_on, "SHORT_DATE_FORMAT")
    }


def _day(
    case: Case, on: datetime.date | None, earliest: datetime.date, message: str
) -> datetime.date:
    """The day a step happened: today, or an earlier day of a paper record, never ahead, never
    before `earliest` (`message`) and never before the case's previous step."""
    today = timezone.localdate()
    day = on or today
    if day > today:
        raise ValidationError({"date": [_("The date cannot be after today.")]})
    if day < earliest:
        raise ValidationError({"date": [message]})
    if day < case.last_step_on:
        raise ValidationError({"date": [_previous_step(case)]})
    return day


def _leader_error(actor: User, case: Case, leader: User, accused: set[int]) -> str | None:
    """Why `leader` cannot sponsor `case` for `actor`'s sheet, or None: an active leader of a
    unit in the actor's area or above it, not of a unit the case accuses."""
    unit = leader.org_unit
    own = actor.org_unit
    if not leader.is_active or unit is None or not leader.has_role(Role.LEADER):
        return _("%(name)s is not a leader.") % {"name": leader.display_name}
    if own is None or not (unit_in_scope(actor, unit) or unit.pk in own.ancestor_ids):
        return _("%(name)s is a leader neither in your area nor above it.") % {
            "name": leader.display_name
        }
    if accuses(case, unit, accused=accused):
        return _("The matter accuses %(unit)s; its leader cannot sponsor it.") % {"unit": unit.name}
    return None


def _sponsor_for(
    actor: User, case: Case, leader: User | None, accused: set[int]
) -> tuple[User | None, str | None]:
    """The sponsoring leader the entry gets (the case's own when the sheet names none) and
    the error on `sponsoring_leader`, if any."""
    if leader is None:
        return case.sponsoring_leader, None
    if case.sponsoring_leader_id not in (None, leader.pk):
        return None, _("%(leader)s already sponsors this case (包案).") % {
            "leader": case.sponsoring_leader.display_name  # type: ignore[union-attr]
        }
    return leader, _leader_error(actor, case, leader, accused)


def _case_step(case: Case, day: datetime.date, leader: User | None = None) -> None:
    """The case's side of a step on its entry: its latest step moved forward to `day`, and
    the sheet's sponsoring leader taken when it has none (its page and the dashboards'
    backlog read it there)."""
    fields = []
    if leader is not None and case.sponsoring_leader_id is None:
        case.sponsoring_leader = leader
        fields.append("sponsoring_leader")
    case_save(case, day, *fields)


def _people(entry: BacklogEntry, actor: User | None = None) -> list[User]:
    """Who hears of a step on an entry: the lead unit's handlers and the sponsoring leader
    (not the one who took the step)."""
    recipients = Recipients([entry.lead_unit])
    people = list(recipients.responsible(entry.lead_unit))
    if entry.sponsoring_leader is not None:
        people.append(entry.sponsoring_leader)
    return [person for person in people if actor is None or person.pk != actor.pk]
