"""`manage.py seed_demo`: the demo org tree, accounts, petitions and scenario starting states."""

import datetime
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from accounts.identity import normalize_phone, parse_resident_id
from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from accounts.roles import Role
from cases.models import Case, CaseEvent, Deadline, MatterKind
from petitions.demo import DEFAULT_PETITIONS, DEMO_UNIT_CODES, SCENARIOS, scenario_numbers
from petitions.demo.people import PersonFactory
from petitions.demo.plan import VolumePlanner
from petitions.management.commands.seed_demo import Command
from petitions.models import (
    Channel,
    NumberSequence,
    Petition,
    Petitioner,
    PetitionerRole,
    PetitionPetitioner,
)
from tests.conftest import ensure_reference_data

SMALL = 60  # petitions per test run; the default (500) is checked on the parser


def seed(count: int = SMALL) -> str:
    out = StringIO()
    call_command("seed_demo", "--petitions", str(count), stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    ensure_reference_data()
    return seed()


def roles_of(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_default_is_500_petitions():
    args = Command().create_parser("manage.py", "seed_demo").parse_args([])
    assert args.petitions == DEFAULT_PETITIONS == 500


def test_org_tree(seeded):
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=DEMO_UNIT_CODES)}
    assert set(units) == DEMO_UNIT_CODES
    assert units["JN"].level == OrgLevel.PROVINCE
    assert units["JZ"].level == OrgLevel.CITY
    assert units["JZ"].parent == units["JN"]
    five_kinds = {
        OrgKind.PETITION_OFFICE,
        OrgKind.BUSINESS,
        OrgKind.STABILITY,
        OrgKind.JUDICIAL,
        OrgKind.DISCIPLINE,
    }
    for code in ("JZ", "JZD1", "JZD2", "JZD3"):
        children = OrgUnit.objects.filter(parent=units[code])
        assert five_kinds <= set(children.values_list("kind", flat=True)), code
    for district in ("JZD1", "JZD2", "JZD3"):
        assert units[district].level == OrgLevel.DISTRICT
        towns = OrgUnit.objects.filter(parent=units[district], level=OrgLevel.TOWNSHIP)
        assert towns.count() == 2
        for town in towns:
            assert 2 <= town.children.filter(level=OrgLevel.VILLAGE).count() <= 3
    names = set(OrgUnit.objects.values_list("name", flat=True))
    assert {"升平社区", "北五道街社区", "竹林村", "青山县水库移民安置办公室"} <= names


def test_accounts(seeded):
    expected = {
        "reception1": ("JZXFJ", {Role.RECEPTION}),
        "handler1": ("JZD1XFJ", {Role.HANDLER}),
        "handler2": ("JZD2XFJ", {Role.HANDLER}),
        "leader1": ("JZ", {Role.LEADER}),
        "supervisor1": ("JZ", {Role.SUPERVISOR}),
        "admin": ("JZ", {Role.ADMIN}),
    }
    for code in ("JZ", "JZD1", "JZD2", "JZD3"):
        expected[f"{code.lower()}-leader"] = (code, {Role.LEADER})
        expected[f"{code.lower()}-supervisor"] = (code, {Role.SUPERVISOR})
    for unit in OrgUnit.objects.filter(code__in=DEMO_UNIT_CODES):
        roles = {Role.HANDLER}
        if unit.kind == OrgKind.PETITION_OFFICE:
            roles.add(Role.RECEPTION)
        expected[unit.code.lower()] = (unit.code, roles)

    for username, (unit_code, roles) in expected.items():
        user = User.objects.select_related("org_unit").get(username=username)
        assert user.org_unit.code == unit_code, username
        assert roles_of(username) == roles, username
        assert user.check_password(settings.DEMO_PASSWORD), username
        assert user.last_name and user.first_name, username
        assert username in seeded  # printed
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    assert "DEMO_PASSWORD" in seeded


def test_second_run_creates_and_changes_nothing(seeded):
    models = (
        OrgUnit, User, Petition, Petitioner, PetitionPetitioner, Case, CaseEvent, Deadline,
        NumberSequence,
    )  # fmt: skip
    before = {model: model.objects.count() for model in models}
    passwords = dict(User.objects.values_list("username", "password"))
    sequences = list(NumberSequence.objects.values_list("unit_id", "year", "last_value"))

    out = seed()

    assert {model: model.objects.count() for model in models} == before
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert list(NumberSequence.objects.values_list("unit_id", "year", "last_value")) == sequences
    assert "none added" in out
    assert "Org units created: 0; accounts created: 0." in out


def test_petition_mix(seeded):
    petitions = Petition.objects.select_related("receiving_unit", "accused_unit", "case")
    assert petitions.count() == SMALL
    assert set(petitions.values_list("channel", flat=True)) == set(Channel.values)

    now = timezone.now()
    for petition in petitions:
        assert now - datetime.timedelta(days=366) < petition.received_at <= now
        year = timezone.localtime(petition.received_at).year
        assert re.fullmatch(rf"{petition.receiving_unit.code}-{year}-\d{{6}}", petition.number)

    groups = petitions.filter(is_group=True)
    assert groups.exists()
    assert all(p.person_count >= settings.GROUP_VISIT_THRESHOLD for p in groups)
    representatives = PetitionPetitioner.objects.filter(role=PetitionerRole.REPRESENTATIVE)
    per_petition = representatives.values("petition").annotate(n=Count("id"))
    assert per_petition.exists()
    assert max(row["n"] for row in per_petition) <= settings.GROUP_MAX_REPRESENTATIVES

    repeats = petitions.filter(is_repeat=True)
    assert repeats.exists()
    # A repeat attaches to an open case instead of opening one.
    assert Case.objects.count() == SMALL - repeats.count()
    for repeat in repeats:
        earlier = repeat.case.petitions.exclude(pk=repeat.pk)
        assert earlier.filter(received_at__lt=repeat.received_at).exists()

    skip = petitions.filter(is_skip_level=True)
    assert skip.filter(receiving_unit__code="JNXFJ", channel=Channel.VISIT).exists()
    assert all(p.channel == Channel.VISIT for p in skip)

    accusations = petitions.filter(matter_kind=MatterKind.ACCUSATION)
    assert accusations.exists()
    for accusation in accusations:
        assert accusation.accused_unit is not None
        assert not accusation.receiving_unit.is_within(accusation.accused_unit)
        assert accusation.receiving_unit.kind == OrgKind.PETITION_OFFICE
    assert accusations.filter(
        receiving_unit__code="JZXFJ", accused_unit__code__startswith="JZD2"
    ).exists()

    every_party_has_one_principal = (
        PetitionPetitioner.objects.filter(role=PetitionerRole.PRINCIPAL)
        .values("petition")
        .annotate(n=Count("id"))
    )
    assert {row["n"] for row in every_party_has_one_principal} == {1}


def test_identities_are_valid(seeded):
    people = list(Petitioner.objects.all())
    with_id = [p for p in people if p.id_number]
    assert len(with_id) > len(people) / 2
    for person in with_id:
        parse_resident_id(person.id_number)  # raises when invalid
        assert 2 <= len(person.name) <= 4
    phones = [p.phone for p in people if p.phone]
    assert phones
    for phone in phones:
        assert normalize_phone(phone) == phone
    assert any("-" in phone for phone in phones)  # some landlines
    assert any(re.fullmatch(r"1[358]\d{9}", phone) for phone in phones)


def test_scenarios(seeded):
    numbers = scenario_numbers()
    assert set(numbers) == set(SCENARIOS)
    petitions = {
        code: list(
            Petition.objects.filter(number__in=found)
            .select_related("receiving_unit", "location_unit", "category", "case")
            .order_by("received_at")
        )
        for code, found in numbers.items()
    }
    for code, scenario in SCENARIOS.items():
        parse_resident_id(scenario.id_number)
        first = petitions[code][0]
        assert first.receiving_unit.code == scenario.receiving_unit, code
        assert first.location_unit.code == scenario.location_unit, code
        assert first.category.code == scenario.category, code
        principal = first.parties.get(role=PetitionerRole.PRINCIPAL).petitioner
        assert (principal.name, principal.id_number) == (scenario.principal, scenario.id_number)

    (s1,) = petitions["S1"]
    assert s1.channel == Channel.VISIT and s1.location_unit.name == "升平社区"
    assert s1.category.name == "环境卫生" and s1.category.parent.name == "城乡建设"
    assert s1.is_first_time and s1.case.status == "registered"

    (s3,) = petitions["S3"]
    assert s3.person_count == 40 and s3.is_group
    assert s3.location_unit.level == OrgLevel.VILLAGE
    assert s3.parties.count() == 5  # the principal and four more representatives
    assert not s3.is_skip_level  # a county matter at the city: the direct superior

    s4 = petitions["S4"]
    assert len(s4) >= 3
    assert any(p.is_skip_level and p.receiving_unit.code == "JNXFJ" for p in s4)
    assert any(p.is_repeat for p in s4)

    s5 = petitions["S5"]
    assert len(s5) >= 4
    assert len({p.case_id for p in s5}) == 1
    assert sum(p.is_repeat for p in s5) == len(s5) - 1
    assert sum(p.is_group for p in s5) >= 2


def test_plans_are_reproducible():
    now = timezone.localtime(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC))

    def summaries(seed_value: int) -> list[tuple]:
        import random

        rng = random.Random(seed_value)
        planner = VolumePlanner(rng, PersonFactory(rng, now.date()), now)
        return [
            (p.receiving, p.channel, p.received_at, p.summary, p.parties[0].person.id_number)
            for p in planner.plans(40)
        ]

    assert summaries(2026) == summaries(2026)
    assert summaries(2026) != summaries(7)


def test_seed_demo_refuses_to_run_in_production(settings):
    from django.core.management import CommandError, call_command

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--petitions", "0")
