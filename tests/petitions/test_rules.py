"""Intake rules on the real org tree (tests/conftest.py `org`): group visits, representatives,
skip-level visits, repeat detection, accusation secrecy, scope, numbering, all-or-nothing."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.selectors import units_visible_to
from cases.models import Case, CaseStatus, Deadline, DeadlineKind, EventKind, MatterKind
from cases.selectors import cases_visible_to
from core.exceptions import NotAllowed
from petitions import services
from petitions.models import (
    Channel,
    Petition,
    Petitioner,
    PetitionerRole,
)
from petitions.rules import default_authority_unit, is_group, is_skip_level
from petitions.selectors import (
    PersonKey,
    has_earlier_petition,
    petition_detail,
    petitions_visible_to,
    repeat_cases,
)
from tests.factories import (
    UserFactory,
    group_petitioners,
    make_id_number,
    petitioner,
    register_petition,
    set_owner,
    written_snapshot,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _refused(actor, **overrides) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        register_petition(actor, **overrides)
    return info.value.message_dict


# --- group visits -------------------------------------------------------------------------


def test_group_threshold_is_five():
    assert not is_group(4)
    assert is_group(5)


def test_group_flag_on_registration(reception1, org):
    four = register_petition(reception1, person_count=4).petition
    five = register_petition(reception1, person_count=5, petitioners=group_petitioners(5)).petition
    assert (four.is_group, four.person_count) == (False, 4)
    assert (five.is_group, five.person_count) == (True, 5)


def test_group_threshold_is_a_setting(reception1, settings):
    settings.GROUP_VISIT_THRESHOLD = 10
    assert not is_group(5)
    assert not register_petition(reception1, person_count=5).petition.is_group
    assert register_petition(reception1, person_count=10).petition.is_group


def test_a_group_with_six_speakers_is_refused(reception1):
    # The principal speaks for the group too: principal + 5 representatives is six.
    errors = _refused(reception1, person_count=30, petitioners=group_petitioners(7, 5))
    assert "petitioners" in errors
    assert Petition.objects.count() == 0


def test_a_group_with_five_speakers_is_accepted(reception1):
    petition = register_petition(
        reception1, person_count=30, petitioners=group_petitioners(8, 4)
    ).petition
    roles = list(petition.parties.values_list("role", flat=True))
    assert roles.count(PetitionerRole.REPRESENTATIVE) == 4
    assert roles.count(PetitionerRole.PRINCIPAL) == 1
    assert petition.is_group


def test_exactly_one_principal(reception1):
    people = [petitioner(), petitioner()]
    assert "petitioners" in _refused(reception1, petitioners=people)
    people = [petitioner(PetitionerRole.MEMBER)]
    assert "petitioners" in _refused(reception1, petitioners=people)


# --- skip-level visits --------------------------------------------------------------------


def test_authority_defaults_to_the_district_of_the_location(org):
    assert default_authority_unit(org.d1_community) == org.d1
    assert default_authority_unit(org.d1_street) == org.d1
    assert default_authority_unit(org.d1_office) == org.d1_office
    assert default_authority_unit(org.city_business) == org.city_business


def test_visit_at_the_district_petition_office_is_normal(handler1, org):
    petition = register_petition(handler1, location_unit=org.d1_community).petition
    assert petition.authority_unit == org.d1
    assert not petition.is_skip_level


def test_visit_at_the_direct_superior_is_normal(reception1, org):
    petition = register_petition(reception1, location_unit=org.d1_community).petition
    assert petition.receiving_unit == org.city_office
    assert petition.authority_unit == org.d1
    assert not petition.is_skip_level


def test_visit_two_levels_up_is_skip_level(province_reception, org):
    petition = register_petition(province_reception, location_unit=org.d1_community).petition
    assert petition.authority_unit == org.d1
    assert petition.is_skip_level


def test_a_letter_is_never_skip_level(province_reception, org):
    petition = register_petition(
        province_reception, channel=Channel.LETTER, location_unit=org.d1_community
    ).petition
    assert not petition.is_skip_level
    assert not is_skip_level(
        channel=Channel.ONLINE, receiving_unit=org.province_office, authority_unit=org.d1_street
    )


def test_explicit_authority_unit_overrides_the_default(reception1, province_reception, org):
    # The street has authority: the city is two levels above it.
    at_city = register_petition(
        reception1, location_unit=org.d1_community, authority_unit=org.d1_street
    ).petition
    assert at_city.authority_unit == org.d1_street
    assert at_city.is_skip_level
    # The city has authority: the province is its direct superior.
    at_province = register_petition(
        province_reception, location_unit=org.d1_community, authority_unit=org.city
    ).petition
    assert at_province.authority_unit == org.city
    assert not at_province.is_skip_level


# --- repeat detection ---------------------------------------------------------------------


def test_same_id_number_finds_the_earlier_case(reception1, org):
    number = make_id_number()
    first = register_petition(
        reception1,
        location_unit=org.d1_community,
        petitioners=[petitioner(name="张三", id_number=number)],
    ).petition
    # Another name and phone, another place: the ID number decides.
    key = PersonKey(name="张叁", id_number=number.lower(), phone="13900000000")
    found = repeat_cases(user=reception1, people=[key], location=org.d2_community)
    assert [case.pk for case in found] == [first.case_id]
    assert found[0].petition_count == 1
    assert found[0].status == CaseStatus.REGISTERED
    assert found[0].acceptance_due is not None


def test_phone_finds_the_earlier_case_when_there_is_no_id(reception1, org):
    first = register_petition(
        reception1, petitioners=[petitioner(name="李四", id_number="", phone="13812345678")]
    ).petition
    key = PersonKey(name="李四", phone="138 1234 5678")
    assert [c.pk for c in repeat_cases(user=reception1, people=[key], location=None)] == [
        first.case_id
    ]


def test_name_and_location_find_the_earlier_case_when_neither_id_nor_phone(reception1, org):
    first = register_petition(
        reception1,
        location_unit=org.d1_community,
        petitioners=[petitioner(name="王五", id_number="", phone="")],
    ).petition
    here = repeat_cases(user=reception1, people=[PersonKey(name="王五")], location=org.d1_community)
    elsewhere = repeat_cases(
        user=reception1, people=[PersonKey(name="王五")], location=org.d2_community
    )
    assert [c.pk for c in here] == [first.case_id]
    assert elsewhere == []


def test_a_different_person_is_not_found(reception1, org):
    register_petition(
        reception1,
        location_unit=org.d1_community,
        petitioners=[petitioner(name="赵六", phone="13812345678")],
    )
    other = PersonKey(name="赵六", id_number=make_id_number(), phone="13812345678")
    assert repeat_cases(user=reception1, people=[other], location=org.d1_community) == []
    assert (
        repeat_cases(
            user=reception1, people=[PersonKey(name="钱七", phone="13700000000")], location=None
        )
        == []
    )
    assert not has_earlier_petition([PersonKey(name="钱七", phone="13700000000")])


def test_repeat_petition_attached_to_an_open_case_creates_no_second_case(reception1, org):
    person = petitioner(id_number=make_id_number())
    first = register_petition(reception1, petitioners=[person]).petition
    counts = (Case.objects.count(), Deadline.objects.count(), Petitioner.objects.count())

    second = register_petition(reception1, petitioners=[person], case=first.case).petition

    assert (Case.objects.count(), Deadline.objects.count(), Petitioner.objects.count()) == counts
    assert second.case_id == first.case_id
    assert second.is_repeat
    assert not second.is_first_time
    assert second.number != first.number
    assert list(first.case.events.values_list("kind", flat=True)) == [
        EventKind.REGISTERED,
        EventKind.PETITION_ATTACHED,
    ]
    assert first.case.deadlines.get().kind == DeadlineKind.ACCEPTANCE
    found = repeat_cases(
        user=reception1, people=[PersonKey(id_number=person.id_number)], location=None
    )
    assert [(c.pk, c.petition_count) for c in found] == [(first.case_id, 2)]


def test_the_case_keeps_its_petition_count_and_last_receipt(reception1):
    person = petitioner(id_number=make_id_number())
    received = timezone.now() - datetime.timedelta(days=3)
    first = register_petition(reception1, petitioners=[person], received_at=received).petition
    case = Case.objects.get(pk=first.case_id)
    assert (case.petition_count, case.last_received_at) == (1, received)

    later = received + datetime.timedelta(days=2)
    register_petition(reception1, petitioners=[person], case=case, received_at=later)
    # A paper letter registered late: received before the last one, it counts but does not
    # move the last receipt back.
    earlier = received + datetime.timedelta(days=1)
    register_petition(reception1, petitioners=[person], case=case, received_at=earlier)
    case.refresh_from_db()
    assert (case.petition_count, case.last_received_at) == (3, later)
    assert case.petition_count == case.petitions.count()


def test_first_time_flag_only_without_an_earlier_petition(reception1):
    person = petitioner(id_number=make_id_number())
    first = register_petition(reception1, petitioners=[person]).petition
    again = register_petition(reception1, petitioners=[person]).petition  # a new case
    assert first.is_first_time and not first.is_repeat
    assert not again.is_first_time and not again.is_repeat
    assert again.case_id != first.case_id
    assert Petitioner.objects.filter(parties__petition__in=[first, again]).distinct().count() == 1


def test_a_closed_case_takes_no_repeat_petition(reception1):
    person = petitioner()
    first = register_petition(reception1, petitioners=[person]).petition
    Case.objects.filter(pk=first.case_id).update(status=CaseStatus.CLOSED)
    first.case.refresh_from_db()
    errors = _refused(reception1, petitioners=[person], case=first.case)
    assert "case" in errors
    assert Petition.objects.count() == 1


def test_a_terminated_case_is_shown_among_the_repeats(reception1):
    person = petitioner()
    first = register_petition(reception1, petitioners=[person]).petition
    Case.objects.filter(pk=first.case_id).update(status=CaseStatus.TERMINATED)
    found = repeat_cases(
        user=reception1, people=[PersonKey(id_number=person.id_number)], location=None
    )
    assert [(c.pk, c.status) for c in found] == [(first.case_id, CaseStatus.TERMINATED)]


# --- accusations (Art. 30) ----------------------------------------------------------------


@pytest.fixture
def accusation_against_d2(reception1, org):
    """An accusation against the district-2 government, registered at the city office."""
    return register_petition(
        reception1,
        matter_kind=MatterKind.ACCUSATION,
        accused_unit=org.d2,
        accused_person="某副区长",
        location_unit=org.d2_community,
        category="1401",
        petitioners=[petitioner(id_number=make_id_number())],
    ).petition


def _d2_users(org, handler2, d2_leader):
    return [
        handler2,
        d2_leader,
        UserFactory(org_unit=org.d2_business, roles=["handler"]),
        UserFactory(org_unit=org.d2_street, roles=["handler"]),
        UserFactory(org_unit=org.d2_community, roles=["handler"]),
    ]


def _sees(user, petition) -> dict[str, bool]:
    first = petition.parties.select_related("petitioner").first().petitioner
    key = PersonKey(name=first.name, id_number=first.id_number)
    return {
        "petitions": petitions_visible_to(user).filter(pk=petition.pk).exists(),
        "cases": cases_visible_to(user).filter(pk=petition.case_id).exists(),
        "repeats": any(
            c.pk == petition.case_id
            for c in repeat_cases(user=user, people=[key], location=petition.location_unit)
        ),
    }


NOTHING = {"petitions": False, "cases": False, "repeats": False}
EVERYTHING = {"petitions": True, "cases": True, "repeats": True}


def test_accusation_is_visible_to_the_office_that_registered_it(
    accusation_against_d2, reception1, city_leader
):
    assert accusation_against_d2.accused_unit.code == "D2"
    assert accusation_against_d2.case.accused_unit.code == "D2"
    assert _sees(reception1, accusation_against_d2) == EVERYTHING
    assert _sees(city_leader, accusation_against_d2) == EVERYTHING


def test_accusation_is_invisible_to_every_user_of_the_accused_unit(
    accusation_against_d2, org, handler2, d2_leader
):
    for user in _d2_users(org, handler2, d2_leader):
        assert _sees(user, accusation_against_d2) == NOTHING, user.org_unit.code


def test_accusation_stays_invisible_even_when_its_case_lands_in_the_accused_subtree(
    accusation_against_d2, reception1, org, handler2, d2_leader
):
    # A complaint owned by D2XFJ is visible to district-2 users ...
    complaint = register_petition(
        reception1, location_unit=org.d2_community, petitioners=[petitioner()]
    ).petition
    set_owner(
        Case.objects.filter(pk__in=[complaint.case_id, accusation_against_d2.case_id]),
        org.d2_office,
    )
    assert _sees(handler2, complaint) == EVERYTHING
    assert _sees(d2_leader, complaint) == EVERYTHING
    # ... the accusation in the same place is not (defence in depth against a wrong forward).
    for user in _d2_users(org, handler2, d2_leader):
        assert _sees(user, accusation_against_d2) == NOTHING, user.org_unit.code
    with pytest.raises(Petition.DoesNotExist):
        petition_detail(user=handler2, number=accusation_against_d2.number)


def test_an_accused_unit_cannot_register_an_accusation_against_itself(handler2, org):
    errors = _refused(handler2, matter_kind=MatterKind.ACCUSATION, accused_unit=org.d2)
    assert "accused_unit" in errors


# --- scope --------------------------------------------------------------------------------


def test_units_visible_to_is_own_unit_and_subtree(org, handler1, reception1, city_leader, outsider):
    # A petition office works for its whole government's area; other units see their subtree.
    d1_codes = {"D1", "D1XFJ", "D1JY", "D1S1", "D1S1C1"}
    assert {u.code for u in units_visible_to(handler1)} == d1_codes
    business = UserFactory(org_unit=org.d1_business, roles=["handler"])
    assert set(units_visible_to(business)) == {org.d1_business}
    assert set(units_visible_to(reception1)) == set(units_visible_to(city_leader))
    city_codes = {u.code for u in units_visible_to(city_leader)}
    assert city_codes == {
        "CT", "CTXFJ", "CTJY",
        "D1", "D1XFJ", "D1JY", "D1S1", "D1S1C1",
        "D2", "D2XFJ", "D2JY", "D2S1", "D2S1C1",
    }  # fmt: skip
    assert not {u.code for u in units_visible_to(outsider)} & city_codes


def test_units_visible_to_without_a_unit(org):
    nobody = UserFactory(org_unit=None)
    root = UserFactory(org_unit=None, is_superuser=True)
    assert not units_visible_to(nobody).exists()
    assert units_visible_to(root).count() == len(org.by_code)


def test_handler2_does_not_see_district_1_petitions(handler1, handler2, city_leader, outsider):
    petition = register_petition(handler1).petition
    assert list(petitions_visible_to(handler1)) == [petition]
    assert list(petitions_visible_to(city_leader)) == [petition]
    assert not petitions_visible_to(handler2).exists()
    assert not cases_visible_to(handler2).exists()
    assert not petitions_visible_to(outsider).exists()
    with pytest.raises(Petition.DoesNotExist):
        petition_detail(user=handler2, number=petition.number)
    assert petition_detail(user=handler1, number=petition.number).acceptance_due is not None


def test_a_handler_registers_only_for_their_own_unit(handler2, org):
    assert "receiving_unit" in _refused(handler2, receiving_unit=org.d1_office)


def test_a_user_without_a_registering_role_is_refused(city_leader):
    with pytest.raises(NotAllowed):
        register_petition(city_leader)


# --- refusals write nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_at": timezone.now() + datetime.timedelta(hours=1)}, "received_at"),
        ({"received_at": timezone.now() - datetime.timedelta(days=400)}, "received_at"),
        ({"person_count": 1, "petitioners": "two"}, "person_count"),
        ({"matter_kind": MatterKind.ACCUSATION}, "accused_unit"),
    ],
    ids=["future", "over-a-year-ago", "person-count-too-small", "accusation-without-accused"],
)
def test_refused_registration_writes_nothing(reception1, settings, overrides, field):
    register_petition(reception1)  # some existing data, so that counts are not all zero
    before = written_snapshot(settings.MEDIA_ROOT)
    if overrides.get("petitioners") == "two":
        overrides = {**overrides, "petitioners": [petitioner(), petitioner(PetitionerRole.MEMBER)]}
    assert field in _refused(reception1, **overrides)
    assert written_snapshot(settings.MEDIA_ROOT) == before


def test_a_failure_inside_the_transaction_writes_nothing_and_returns_the_number(
    reception1, settings, monkeypatch
):
    first = register_petition(reception1).petition
    before = written_snapshot(settings.MEDIA_ROOT)

    def broken(drafts):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.intake, "_petitioners_upsert", broken)
    with pytest.raises(RuntimeError):
        register_petition(reception1)
    assert written_snapshot(settings.MEDIA_ROOT) == before
    monkeypatch.undo()
    following = register_petition(reception1).petition
    assert int(following.number[-6:]) == int(first.number[-6:]) + 1


# --- numbers ------------------------------------------------------------------------------


def test_numbers_are_unit_year_sequence_and_consecutive(reception1):
    numbers = [register_petition(reception1).petition.number for _ in range(3)]
    year = timezone.localdate().year
    assert numbers == [f"CTXFJ-{year}-{n:06d}" for n in (1, 2, 3)]
    assert all(Case.objects.filter(number=n).exists() for n in numbers)


def test_each_unit_has_its_own_sequence(reception1, handler1, handler2):
    year = timezone.localdate().year
    city = [register_petition(reception1).petition.number for _ in range(2)]
    d1 = register_petition(handler1).petition.number
    d2 = [register_petition(handler2).petition.number for _ in range(2)]
    assert city == [f"CTXFJ-{year}-000001", f"CTXFJ-{year}-000002"]
    assert d1 == f"D1XFJ-{year}-000001"
    assert d2 == [f"D2XFJ-{year}-000001", f"D2XFJ-{year}-000002"]


def test_the_year_is_the_local_year_of_receipt(reception1):
    this_year = timezone.localdate().year
    # 00:30 on 1 January in Beijing time is still 31 December in UTC.
    new_year = datetime.datetime(this_year, 1, 1, 0, 30, tzinfo=SHANGHAI)
    old_year = datetime.datetime(this_year - 1, 12, 31, 23, 30, tzinfo=SHANGHAI)
    a = register_petition(reception1, received_at=new_year).petition.number
    b = register_petition(reception1, received_at=old_year).petition.number
    c = register_petition(reception1).petition.number
    assert a == f"CTXFJ-{this_year}-000001"
    assert b == f"CTXFJ-{this_year - 1}-000001"
    assert c == f"CTXFJ-{this_year}-000002"


def test_acceptance_clock_is_opened_at_registration(reception1):
    received = timezone.now() - datetime.timedelta(hours=2)
    petition = register_petition(reception1, received_at=received).petition
    deadline = petition.case.deadlines.get()
    assert deadline.kind == DeadlineKind.ACCEPTANCE
    assert deadline.starts_on == timezone.localdate(received)
    assert deadline.due_on >= deadline.starts_on + datetime.timedelta(days=15)
    assert petition.case.status == CaseStatus.REGISTERED
    assert petition.case.events.get().kind == EventKind.REGISTERED


# --- each petition keeps the details it was registered with -------------------------------


def test_a_petition_keeps_the_name_and_phone_it_was_registered_with(reception1, org):
    number = make_id_number()
    first = register_petition(
        reception1, petitioners=[petitioner(name="孙佩华", id_number=number, phone="13812345678")]
    ).petition
    register_petition(
        reception1, petitioners=[petitioner(name="孙珮华", id_number=number, phone="13987654321")]
    )
    person = Petitioner.objects.get()
    assert (person.name, person.phone) == ("孙珮华", "13987654321")  # latest known
    party = first.parties.get()
    assert (party.name, party.phone) == ("孙佩华", "13812345678")  # as registered
    # Either phone finds the person's cases.
    for phone in ("13812345678", "13987654321"):
        found = repeat_cases(user=reception1, people=[PersonKey(phone=phone)], location=None)
        assert first.case in found


def test_repeat_cases_say_who_of_the_people_typed_was_found(reception1, org):
    returning = petitioner(name="温启光")
    register_petition(reception1, petitioners=[returning])
    by_name = register_petition(
        reception1,
        location_unit=org.d1_community,
        petitioners=[petitioner(name="孙佩华", id_number="", phone="")],
    ).petition
    typed = [
        PersonKey(name="温启光", id_number=returning.id_number),
        PersonKey(name="孙佩华"),
        PersonKey(name="新来的人", id_number=make_id_number()),
    ]
    found = repeat_cases(user=reception1, people=typed, location=org.d1_community)
    assert {case.pk: case.matched_names for case in found} == {
        by_name.case_id: ["孙佩华"],
        Petition.objects.exclude(pk=by_name.pk).get().case_id: ["温启光"],
    }
