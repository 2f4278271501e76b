"""The base of the demo data: the 江州市 org tree, staff accounts, ~500 petitions over the past
year, and what the units did with them: every case handled through the case services with
back-entered dates, the scenarios of SCENARIOS.md and the showcase cases scripted step by step
(petitions/stories.py), the everyday ones by their age (petitions/handling.py); the cases
whose review window lapsed unused closed by the closing job, day by day. The escalation and
reception parts (escalation.py, reception.py) build on these cases; `manage.py seed_demo`
runs them in that order.

Idempotent: units and accounts are matched by code and username and only the missing ones
are created; petitions and their handling are added only when no demo unit has received any
petition yet.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from petitions.models import Petition
from petitions.selectors import id_number_hashes

from .orgs import DEMO_UNIT_CODES, UNITS, AccountSpec, build_accounts, build_org_tree
from .people import PersonFactory
from .petitions.handling import Script, VolumeHandling, carry_out
from .petitions.plan import VolumePlanner
from .petitions.scenarios import RESERVED_ID_NUMBERS, SCENARIOS, Scenario, ScenarioPlanner
from .petitions.stories import SHOWCASE_ID_NUMBERS, SHOWCASES, script_stories, showcase_plans

__all__ = [
    "DEFAULT_PETITIONS",
    "DEFAULT_SEED",
    "DEMO_UNIT_CODES",
    "SCENARIOS",
    "SHOWCASES",
    "UNITS",
    "AccountRow",
    "DemoResult",
    "Scenario",
    "demo_accounts",
    "scenario_numbers",
    "seed_demo",
    "story_cases",
]

DEFAULT_PETITIONS = 500
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class AccountRow:
    username: str
    name: str
    roles: tuple[str, ...]
    unit_code: str
    unit_name: str


@dataclass
class DemoResult:
    units_created: int = 0
    users_created: int = 0
    petitions_created: int = 0
    steps_taken: int = 0
    petitions_skipped: bool = False
    accounts: list[AccountRow] = field(default_factory=list)
    scenarios: dict[str, list[str]] = field(default_factory=dict)
    # Scenario or showcase code → (case number, status) of each case its principal is on.
    cases: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def demo_petitions_exist() -> bool:
    return Petition.objects.filter(receiving_unit__code__in=DEMO_UNIT_CODES).exists()


def _principal_petitions(id_number: str):
    """Every petition on a case the person is on."""
    return Petition.objects.filter(
        case__petitions__parties__petitioner__id_number_hash__in=id_number_hashes(id_number)
    )


def scenario_numbers() -> dict[str, list[str]]:
    """Scenario → numbers of its petitions (every petition on a case its principal is on),
    in the order received."""
    result = {}
    for code, scenario in SCENARIOS.items():
        numbers = (
            _principal_petitions(scenario.id_number)
            .order_by("received_at", "pk")
            .values_list("number", flat=True)
            .distinct()
        )
        result[code] = list(dict.fromkeys(numbers))
    return result


def story_cases() -> dict[str, list[tuple[str, str]]]:
    """Scenario or showcase code → (case number, status label) of the cases its principal
    is on, oldest first."""
    from cases.models import Case

    result = {}
    for code, story in {**SCENARIOS, **SHOWCASES}.items():
        cases = (
            Case.objects.filter(pk__in=_principal_petitions(story.id_number).values("case_id"))
            .order_by("received_at", "pk")
            .only("number", "status")
        )
        result[code] = [(case.number, str(case.get_status_display())) for case in cases]
    return result


def demo_accounts(specs: list[AccountSpec]) -> list[AccountRow]:
    """The demo accounts as they are in the database, in the order of `specs`."""
    from accounts.models import User

    users = {
        user.username: user
        for user in User.objects.filter(username__in=[s.username for s in specs])
        .select_related("org_unit")
        .prefetch_related("groups")
    }
    rows = []
    for spec in specs:
        user = users.get(spec.username)
        if user is None:
            continue
        unit = user.org_unit
        rows.append(
            AccountRow(
                username=user.username,
                name=f"{user.last_name}{user.first_name}",
                roles=tuple(sorted(g.name for g in user.groups.all()))
                + (("superuser",) if user.is_superuser else ()),
                unit_code=unit.code if unit else "",
                unit_name=unit.name if unit else "",
            )
        )
    return rows


def seed_demo(
    *,
    petitions: int = DEFAULT_PETITIONS,
    seed: int = DEFAULT_SEED,
    now: datetime.datetime | None = None,
    password: str | None = None,
) -> DemoResult:
    """Build the demo data (all or nothing). `petitions` is the total, scenarios included."""
    now = timezone.localtime(now or timezone.now())
    result = DemoResult()
    with transaction.atomic():
        units, result.units_created = build_org_tree()
        specs, result.users_created = build_accounts(
            units, password if password is not None else settings.DEMO_PASSWORD, seed
        )
        if demo_petitions_exist():
            result.petitions_skipped = True
        else:
            rng = random.Random(seed)
            reserved = RESERVED_ID_NUMBERS | SHOWCASE_ID_NUMBERS
            people = PersonFactory(rng, now.date(), reserved_ids=reserved)
            scenarios = ScenarioPlanner(rng, people, now)
            plans = scenarios.plans() + showcase_plans(scenarios)
            plans += VolumePlanner(rng, people, now).plans(max(petitions - len(plans), 0))
            # The services refuse dates after today, whatever `now` the plans were made for.
            script = Script(min(now.date(), timezone.localdate()))
            script_stories(script, {plan.key: plan for plan in plans if plan.key})
            VolumeHandling(random.Random(f"{seed}-handling"), script).plan_all(plans)
            carry_out(plans, script, units, _users(specs), seed=seed)
            result.petitions_created = len(plans)
            result.steps_taken = len(script.steps)
    result.accounts = demo_accounts(specs)
    result.scenarios = scenario_numbers()
    result.cases = story_cases()
    return result


def _users(specs: list[AccountSpec]) -> dict:
    from accounts.models import User

    usernames = [spec.username for spec in specs]
    return {user.username: user for user in User.objects.filter(username__in=usernames)}
