"""seed_demo's reception part: three leaders' schedules, appointments with their notices and a
preliminary opinion, past receptions recorded, a field visit; a rerun adds nothing."""

import datetime

from django.utils import timezone

from accounts.models import OrgUnit, User
from reception.figures import reception_figures
from reception.models import (
    Appointment,
    AppointmentStatus,
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


def test_the_leaders_received_petitioners_on_their_past_days(seeded):
    """The schedules began ten weeks ago; on their past days the leaders received petitioners
    (resolved on the spot, or handed on with an assignment), one did not come; the dashboard's
    reception section counts them."""
    today = timezone.localdate()
    past = Appointment.objects.filter(day__date__lt=today).select_related("record")
    attended = [a for a in past if a.status == AppointmentStatus.ATTENDED]
    assert len(attended) >= 3
    assert past.filter(status=AppointmentStatus.NO_SHOW).exists()
    assert any(a.record.resolved_on_spot for a in attended)
    assert all(a.notices.exists() for a in past)
    supervisor = User.objects.get(username="supervisor1")
    city = OrgUnit.objects.get(code="JZ")
    figures = reception_figures(
        supervisor, city, today - datetime.timedelta(weeks=10), today, today
    )
    values = {tile.key: tile.value for tile in figures.tiles}
    assert values["receptions"] == len(attended) and values["reception_days"] >= 1
