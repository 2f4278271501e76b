"""Keeping the rollup current: what the services write reaches the figures on the next
refresh, a refresh never counts twice, and a changed unit tree rebuilds."""

import datetime

import pytest

from accounts.models import OrgKind, OrgLevel, OrgUnit
from cases.services import (
    approval_decide,
    case_accept,
    case_forward,
    case_request_extension,
)
from dashboards.models import COUNT_FIELDS, DailyCategoryStat, DailyStat, RollupState
from dashboards.services import rollup_rebuild, rollup_refresh
from petitions.models import Channel
from tests.cases.test_api import at
from tests.factories import register_petition

TODAY = datetime.date(2026, 11, 22)


def city_today(org) -> DailyStat:
    return DailyStat.objects.get(unit=org.city, day=TODAY)


@pytest.fixture
def rolled_up(org, frozen_now):
    rollup_rebuild()
    return RollupState.objects.get()


def test_first_refresh_builds_everything(org, frozen_now):
    assert not RollupState.objects.exists()
    result = rollup_refresh()
    assert result.rebuilt
    assert RollupState.objects.get().rebuilt_at is not None


def test_a_registration_counts_after_the_next_refresh(rolled_up, org, reception1):
    register_petition(reception1, channel=Channel.LETTER, location_unit=org.d1_community)
    assert not DailyStat.objects.filter(day=TODAY).exists()
    result = rollup_refresh()
    assert not result.rebuilt and result.days >= 1
    row = city_today(org)
    assert (row.batches, row.letter_batches, row.city_batches) == (1, 1, 1)
    # The same row for the district, the province and the community: each sums its subtree.
    for unit in (org.d1, org.province, org.d1_community):
        assert DailyStat.objects.get(unit=unit, day=TODAY).batches == 1
    assert not DailyStat.objects.filter(unit=org.d2, day=TODAY).exists()


def test_refreshing_again_counts_nothing_twice(rolled_up, org, reception1):
    register_petition(reception1, location_unit=org.d1_community)
    rollup_refresh()
    rollup_refresh()
    rollup_refresh()
    assert city_today(org).batches == 1


def test_a_decision_updates_the_day_its_clock_was_due(
    rolled_up, org, reception1, city_handler, handler1
):
    registration = register_petition(
        reception1, receiving_unit=org.city_office, location_unit=org.d1_community
    )
    case = registration.petition.case
    clock = case.deadlines.get(kind="acceptance")
    rollup_refresh()
    due_row = DailyStat.objects.get(unit=org.city, day=clock.due_on)
    assert (due_row.acceptance_due, due_row.acceptance_open) == (1, 1)
    case_forward(actor=city_handler, case=case, to_unit=org.d1_office, comment="属地办理")
    case.refresh_from_db()
    case_accept(actor=handler1, case=case)
    rollup_refresh()
    # Two decisions, both in time: the city office's (forwarding) and D1's (accepting), due
    # the same day; the city's row sums both, D1's only its own.
    d1_clock = case.deadlines.filter(kind="acceptance").latest("pk")
    assert (d1_clock.responsible_unit, d1_clock.due_on) == (org.d1_office, clock.due_on)
    row = DailyStat.objects.get(unit=org.city, day=clock.due_on)
    assert (row.acceptance_due, row.acceptance_on_time, row.acceptance_open) == (2, 2, 0)
    d1_row = DailyStat.objects.get(unit=org.d1, day=clock.due_on)
    assert (d1_row.acceptance_due, d1_row.acceptance_on_time, d1_row.acceptance_open) == (1, 1, 0)


def test_a_changed_unit_tree_rebuilds(rolled_up, org):
    OrgUnit.objects.create(
        code="D1S2",
        name="新区街道",
        parent=org.d1,
        level=OrgLevel.TOWNSHIP,
        kind=OrgKind.GOVERNMENT,
    )
    assert rollup_refresh().rebuilt
    assert not rollup_refresh().rebuilt


def _tables() -> tuple[set, set]:
    stats = set(DailyStat.objects.values_list("day", "unit_id", *COUNT_FIELDS))
    categories = set(
        DailyCategoryStat.objects.values_list("day", "unit_id", "category_id", "batches", "persons")
    )
    return stats, categories


def test_a_refresh_writes_only_what_changed_and_leaves_what_a_rebuild_would(
    rolled_up, org, reception1, city_handler, city_leader
):
    """A registration today, then its acceptance and a 30-day extension of its answer clock:
    the answer is no longer due on the old day (its row drops the clock), but on the new one.
    The refreshed rows equal a rebuild's, and the rows of other days keep their ids."""
    register_petition(
        reception1, received_at=at(datetime.date(2026, 9, 1)), location_unit=org.d1_community
    )
    rollup_rebuild()
    untouched = DailyStat.objects.get(unit=org.city, day=datetime.date(2026, 9, 1))
    case = register_petition(reception1, location_unit=org.d1_community).petition.case
    case = case_accept(actor=city_handler, case=case)
    old_due = case.deadlines.get(kind="handling").due_on
    rollup_refresh()
    assert DailyStat.objects.get(unit=org.city, day=old_due).answer_due == 1
    approval = case_request_extension(actor=city_handler, case=case, days=30, reason="需现场调查")
    approval_decide(actor=city_leader, approval=approval, approve=True)
    new_due = case.deadlines.get(kind="handling").due_on
    assert new_due > old_due

    rollup_refresh()
    assert not DailyStat.objects.filter(unit=org.city, day=old_due, answer_due__gt=0).exists()
    assert DailyStat.objects.get(unit=org.city, day=new_due).answer_due == 1
    assert DailyStat.objects.get(pk=untouched.pk) == untouched
    refreshed = _tables()
    rollup_rebuild()
    assert refreshed == _tables()
