"""seed_demo's reception part: three leaders' schedules, appointments with their notices and a
preliminary opinion, a field visit; a rerun adds nothing."""

from reception.models import (
    Appointment,
    FieldVisit,
    PreliminaryOpinion,
    ReceptionNotice,
    ReceptionSchedule,
)
from tests.demo.conftest import seed


def test_the_demo_books_receptions_and_a_rerun_adds_nothing(seeded):
    out = seeded
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
