"""Reads shared by several escalation features; each feature keeps its own reads in its
`selectors.py` (`notices/`, `joint/`, `consultations/`, `ranking/`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import OrgUnit
from cases.models import Case

from .models import Consultation, ConsultationTask, JointParty, SupervisionNotice


def units_taking_part(case: Case, unit_ids: QuerySet) -> QuerySet[OrgUnit]:
    """The units among `unit_ids` that take part in the case's escalation, and so see what
    they were given of it: a notice's addressee, a joint supervision's party, a
    consultation's attending or tasked unit (registered with
    `cases.selectors.accusations.register_participation`: an accusation against such a unit
    does not join the case)."""
    consultations = Consultation.objects.filter(case=case)
    tasks = ConsultationTask.objects.filter(consultation__in=consultations)
    return OrgUnit.objects.filter(pk__in=unit_ids).filter(
        Q(pk__in=SupervisionNotice.objects.filter(case=case).values("unit_id"))
        | Q(pk__in=JointParty.objects.filter(supervision__case=case).values("unit_id"))
        | Q(pk__in=consultations.values("units"))
        | Q(pk__in=tasks.values("unit_id"))
    )
