"""Each app registers its own kinds of case event, clock and notification at start-up
(issue 14 §3): the apps below store the code, check it against the registry and show its
label, and list none of the upper apps' words, so a kind added above needs no migration
below."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
from django.db.migrations.state import ProjectState
from django.forms import modelform_factory
from django.utils import translation
from rest_framework import serializers

from cases.kinds import (
    DEADLINE_KINDS,
    EVENT_KINDS,
    CaseNotificationKind,
    deadline_kinds,
    event_kinds,
)
from cases.models import CaseEvent, Deadline, DeadlineKind, DeadlineRule, EventKind
from escalation.kinds import (
    EscalationDeadlineKind,
    EscalationEventKind,
    EscalationNotificationKind,
)
from ledgers.kinds import (
    BacklogCaseEventKind,
    LedgerCaseEventKind,
    LedgerNotificationKind,
    SuggestionCaseEventKind,
)
from notifications.filters import NotificationFilter
from notifications.kinds import NOTIFICATION_KINDS, badge, notification_kinds
from notifications.models import Notification
from notifications.views import InboxRow
from petitions.kinds import PetitionNotificationKind
from portal.kinds import PortalNotificationKind
from reception.kinds import ReceptionEventKind, ReceptionNotificationKind
from tests.factories import register_petition

# A kind an app above might add one day, in every registry.
NEW_KIND = "weather_report"
NEW_LABEL = "Weather report"
REGISTRIES = (EVENT_KINDS, DEADLINE_KINDS, NOTIFICATION_KINDS)


@pytest.fixture
def new_kind():
    """NEW_KIND registered as an upper app's `ready()` would, and removed afterwards."""
    for registry in REGISTRIES:
        registry.register([(NEW_KIND, NEW_LABEL)])
    yield NEW_KIND
    for registry in REGISTRIES:
        registry.unregister([NEW_KIND])


def pending_migrations() -> dict:
    """What `makemigrations` would write for the models as they are now (no database; in
    English, as the command compares them)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    detector = MigrationAutodetector(
        loader.project_state(),
        ProjectState.from_apps(apps),
        NonInteractiveMigrationQuestioner(specified_apps=set(), dry_run=True),
    )
    with translation.override(None):
        return detector.changes(graph=loader.graph)


def only_kind(model) -> set[str]:
    return {field.name for field in model._meta.fields} - {"kind"}


# --- who registers what ---------------------------------------------------------------------


def test_each_app_registers_its_own_kinds_in_the_registries_below():
    assert EVENT_KINDS.choices() == [
        *EventKind.choices,
        *EscalationEventKind.choices,
        *ReceptionEventKind.choices,
        *LedgerCaseEventKind.choices,
        # The backlog ledger's steps on the case's timeline (`ledgers.kinds`).
        *BacklogCaseEventKind.choices,
        # The people's suggestions' commendation on the case's timeline (`ledgers.kinds`).
        *SuggestionCaseEventKind.choices,
    ]
    assert DEADLINE_KINDS.choices() == [*DeadlineKind.choices, *EscalationDeadlineKind.choices]
    assert NOTIFICATION_KINDS.choices() == [
        *CaseNotificationKind.choices,
        *PetitionNotificationKind.choices,
        *EscalationNotificationKind.choices,
        *ReceptionNotificationKind.choices,
        *LedgerNotificationKind.choices,
        *PortalNotificationKind.choices,
    ]


def test_the_fields_read_the_registries_and_the_migrations_name_only_the_function():
    for model, function in (
        (CaseEvent, event_kinds),
        (Deadline, deadline_kinds),
        (DeadlineRule, deadline_kinds),
        (Notification, notification_kinds),
    ):
        _, _, _, kwargs = model._meta.get_field("kind").deconstruct()
        assert kwargs["choices"] is function


def test_a_kind_added_above_needs_no_migration_below(new_kind):
    assert new_kind in dict(CaseEvent._meta.get_field("kind").choices)
    assert pending_migrations() == {}


# --- the column takes registered codes only -------------------------------------------------


@pytest.mark.parametrize("model", [CaseEvent, Deadline, Notification])
def test_an_unknown_code_is_refused(model):
    with pytest.raises(ValidationError) as refused:
        model(kind="no_such_kind").clean_fields(exclude=only_kind(model))
    assert "kind" in refused.value.message_dict


@pytest.mark.parametrize(
    ("model", "code"),
    [
        (CaseEvent, EventKind.ACCEPTED),
        (CaseEvent, EscalationEventKind.JOINT_OPENED),
        (CaseEvent, ReceptionEventKind.FIELD_VISIT),
        (Deadline, EscalationDeadlineKind.JOINT_TASK),
        (Notification, ReceptionNotificationKind.RECEPTION),
    ],
)
def test_a_registered_code_is_taken(model, code):
    model(kind=code).clean_fields(exclude=only_kind(model))


@pytest.mark.parametrize("model", [CaseEvent, Deadline, Notification])
def test_a_kind_registered_after_start_up_is_taken(model, new_kind):
    model(kind=new_kind).clean_fields(exclude=only_kind(model))


def test_forms_and_the_api_check_the_registry(new_kind):
    form_class = modelform_factory(Notification, fields=["kind"])

    class KindSerializer(serializers.ModelSerializer):
        class Meta:
            model = Notification
            fields = ["kind"]

    for code, valid in ((new_kind, True), (EscalationNotificationKind.RANKING, True), ("x", False)):
        assert form_class({"kind": code}).is_valid() is valid
        assert KindSerializer(data={"kind": code}).is_valid() is valid


def test_the_inbox_filter_offers_every_registered_kind(new_kind):
    offered = dict(NotificationFilter().form.fields["kind"].choices)
    assert offered[new_kind] == NEW_LABEL
    assert offered[EscalationNotificationKind.OVERDUE] == EscalationNotificationKind.OVERDUE.label
    assert not NotificationFilter({"kind": "x"}).form.is_valid()


# --- labels ---------------------------------------------------------------------------------


def test_labels_show_whoever_registered_the_kind(new_kind):
    assert CaseEvent(kind=EventKind.CLOSED).get_kind_display() == EventKind.CLOSED.label
    held = ReceptionEventKind.RECEPTION_HELD
    assert CaseEvent(kind=held).get_kind_display() == held.label
    task = EscalationDeadlineKind.CONSULTATION_TASK
    assert Deadline(kind=task).get_kind_display() == task.label
    assert CaseEvent(kind=new_kind).get_kind_display() == NEW_LABEL
    assert Notification(kind=new_kind).get_kind_display() == NEW_LABEL


def test_the_inbox_shows_the_label_and_the_badge_the_writing_app_gave():
    row = InboxRow.of(Notification(kind=EscalationNotificationKind.OVERDUE, title="t"))
    assert (row.kind, row.kind_badge) == (
        EscalationNotificationKind.OVERDUE.label,
        "text-bg-danger",
    )
    assert badge(CaseNotificationKind.ASSIGNED) == "text-bg-secondary"


# --- one open clock of each of the case's own kinds -----------------------------------------


def _open_clock(case, kind: str) -> Deadline:
    day = datetime.date(2026, 12, 1)
    return Deadline.objects.create(
        case=case, kind=kind, responsible_unit=case.owner_unit, starts_on=day, due_on=day
    )


@pytest.mark.django_db
def test_a_case_holds_one_open_clock_of_its_own_kinds_and_any_number_of_the_others(
    handler1, new_kind
):
    case = register_petition(handler1).petition.case
    _open_clock(case, DeadlineKind.REVIEW)
    with transaction.atomic(), pytest.raises(IntegrityError):
        _open_clock(case, DeadlineKind.REVIEW)
    for kind in (EscalationDeadlineKind.JOINT_TASK, new_kind):
        _open_clock(case, kind)
        _open_clock(case, kind)
    assert (
        case.deadlines.filter(kind__in=[EscalationDeadlineKind.JOINT_TASK, new_kind]).count() == 4
    )
