"""seed_demo's reception part: three leaders' schedules, appointments with their notices and a
preliminary opinion, a field visit; a rerun adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from reception.models import (
    Appointment,
    FieldVisit,
    PreliminaryOpinion,
    ReceptionNotice,
    ReceptionSchedule,
)
from tests.conftest import ensure_reference_data


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--petitions", "60", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_books_receptions_and_a_rerun_adds_nothing():
    ensure_reference_data()
    out = seed()
    assert ReceptionSchedule.objects.count() == 3
    assert Appointment.objects.count() >= 2
    kinds = set(ReceptionNotice.objects.values_list("kind", flat=True))
    assert kinds == {"petitioner", "unit", "leader"}
    assert PreliminaryOpinion.objects.exists()
    assert FieldVisit.objects.get().cases.count() == 2
    assert "Reception demo: 3 reception schedules" in out
    models = (ReceptionSchedule, Appointment, ReceptionNotice, PreliminaryOpinion, FieldVisit)
    before = {model: model.objects.count() for model in models}
    assert "Reception demo: already there." in seed()
    assert {model: model.objects.count() for model in models} == before
