"""seed_demo's escalation part: S3's five-party joint supervision, S4's four levels of
consultation, a supervision notice, the scan and three months of rankings; a rerun adds
nothing."""

from demo.seed import story_cases
from escalation.models import (
    Consultation,
    JointReport,
    JointSupervision,
    Reminder,
    SupervisionNotice,
    UnitRanking,
)
from notifications.models import Notification
from tests.demo.conftest import seed


def test_the_demo_has_every_escalation_mechanism_in_use(seeded):
    cases = {code: [number for number, _ in rows] for code, rows in story_cases().items()}
    joint = JointSupervision.objects.get(case__number=cases["S3"][0])
    assert joint.parties.count() == 5
    assert JointReport.objects.filter(party__supervision=joint).count() == 2
    levels = list(
        Consultation.objects.filter(case__number=cases["S4"][0])
        .order_by("level")
        .values_list("level", "escalated_on")
    )
    assert [level for level, _ in levels] == [1, 2, 3, 4]
    assert all(escalated for _, escalated in levels[:3]) and levels[3][1] is None
    assert SupervisionNotice.objects.filter(automatic=False).count() == 1
    assert UnitRanking.objects.values("month").distinct().count() == 3
    assert "Escalation demo: joint supervision" in seeded
    # What the back-entered history told people is read; what the demo did today is not.
    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.exists()
    assert not unread.filter(created_at__lt=joint.created_at).exists()


def test_a_second_run_adds_nothing(seeded):
    models = (JointSupervision, JointReport, Consultation, SupervisionNotice, Reminder)
    before = {model: model.objects.count() for model in models}
    notifications = Notification.objects.count()
    rankings = list(UnitRanking.objects.order_by("pk").values_list("month", "unit", "rank"))
    out = seed()
    assert {model: model.objects.count() for model in models} == before
    assert Notification.objects.count() == notifications
    assert list(UnitRanking.objects.order_by("pk").values_list("month", "unit", "rank")) == (
        rankings
    )
    assert "already there" in out
