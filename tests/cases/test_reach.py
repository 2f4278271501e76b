"""The stored units that see each case (`cases.services.reach`): every write that changes
them keeps them, and they say what the rule says (received, owned or assigned by a unit at
or below the user's scope root)."""

import pytest

from accounts.models import OrgUnit
from cases import services
from cases.models import CaseReach
from cases.selectors import cases_visible_to
from cases.services.reach import reach_refresh
from petitions.selectors import petitions_visible_to
from tests.factories import register_petition

pytestmark = pytest.mark.django_db


def rows(case) -> set[int]:
    return set(CaseReach.objects.filter(case=case).values_list("unit_id", flat=True))


def assert_kept(case) -> set[int]:
    """The rows the writes left are the rows the rule gives, recomputed from scratch."""
    kept = rows(case)
    reach_refresh([case.pk])
    assert rows(case) == kept
    return kept


def above(*units: OrgUnit) -> set[int]:
    return {unit_id for unit in units for unit_id in unit.ancestor_ids}


def sees(user, case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def test_a_registered_case_reaches_its_units_and_those_above(org, handler1, handler2):
    case = register_petition(handler1).petition.case
    assert assert_kept(case) == above(org.d1_office)
    assert sees(handler1, case) and not sees(handler2, case)


def test_a_case_forwarded_reaches_its_new_owner(org, handler1, street_handler, frozen_now):
    case = register_petition(handler1, location_unit=org.d1_street).petition.case
    assert not sees(street_handler, case)
    services.case_forward(actor=handler1, case=case, to_unit=org.d1_street)
    assert assert_kept(case) == above(org.d1_office, org.d1_street)
    assert sees(street_handler, case) and sees(handler1, case)


def test_an_assignment_reaches_its_lead_and_co_units_until_a_co_unit_is_taken_off(
    org, handler1, street_handler, frozen_now
):
    case = register_petition(handler1, location_unit=org.d1_street).petition.case
    assignment = services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=org.d1_business,
        co_units=[org.d1_street],
        responsible_person="钱科长",
        instructions="请核实",
        due_on=frozen_now.date().replace(day=28),
    )
    assert assert_kept(case) == above(org.d1_office, org.d1_business, org.d1_street)
    assert sees(street_handler, case)
    assignment.co_units.remove(org.d1_street)
    assert assert_kept(case) == above(org.d1_office, org.d1_business)
    assert not sees(street_handler, case)


def test_a_petition_received_elsewhere_reaches_its_case(org, handler1, province_reception):
    """A repeat petition registered at the province's office on a D1 case: the case reaches
    the province's office too, and its petitions are seen there."""
    first = register_petition(handler1).petition
    again = register_petition(province_reception, case=first.case).petition
    office = province_reception.org_unit
    assert assert_kept(first.case) == above(org.d1_office, office)
    assert set(petitions_visible_to(province_reception).filter(case=first.case)) == {first, again}


def test_a_unit_moved_in_the_tree_takes_its_cases_along(org, handler1, d2_leader, frozen_now):
    case = register_petition(handler1, location_unit=org.d1_street).petition.case
    services.case_forward(actor=handler1, case=case, to_unit=org.d1_street)
    assert not sees(d2_leader, case)
    street = OrgUnit.objects.get(pk=org.d1_street.pk)
    street.parent = org.d2
    street.save()
    street.refresh_from_db()
    assert assert_kept(case) == above(org.d1_office, street)
    assert sees(d2_leader, case)


def test_a_superuser_without_a_unit_sees_every_case_and_a_user_without_one_none(
    handler1, django_user_model
):
    case = register_petition(handler1).petition.case
    admin = django_user_model.objects.create_superuser("root-x", password="x" * 12)
    nobody = django_user_model.objects.create_user("nobody-x", password="x" * 12)
    assert sees(admin, case) and not sees(nobody, case)


def test_a_co_unit_changed_from_the_units_side_is_kept_too(org, handler1, frozen_now):
    case = register_petition(handler1, location_unit=org.d1_street).petition.case
    assignment = services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=org.d1_business,
        responsible_person="钱科长",
        instructions="请核实",
        due_on=frozen_now.date().replace(day=28),
    )
    street = org.d1_street
    street.co_assignments.add(assignment)
    assert org.d1_street.pk in assert_kept(case)
    street.co_assignments.clear()
    assert org.d1_street.pk not in assert_kept(case)
