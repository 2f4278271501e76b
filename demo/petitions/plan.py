"""The demo petitions as plain data (a plan), then registered through `petition_register`
in the order they were received, so numbers, cases, deadlines and flags come out right."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field, replace

from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from cases.models import Case, MatterKind
from core.workcalendar import WorkCalendar
from petitions.models import Category, Channel, Petition, PetitionerRole
from petitions.services import PetitionDraft, PetitionerDraft, petition_register

from ..orgs import UNIT_SPECS, UnitSpec
from ..people import SURNAMES, Person, PersonFactory
from .texts import (
    ACCUSATION_CATEGORIES,
    ANY,
    PROFILES,
    REPEAT_OPENINGS,
    SUGGESTION_CATEGORIES,
    URBAN,
    fill,
    text_context,
)

PRINCIPAL = PetitionerRole.PRINCIPAL
REPRESENTATIVE = PetitionerRole.REPRESENTATIVE
MEMBER = PetitionerRole.MEMBER
CALENDAR = WorkCalendar()  # the package's holidays; enough for spreading demo receipts
WINDOW_DAYS = 358  # the service refuses receipts more than a year ago
# Small local matters whose unit with authority is the street/township office: a visit about
# them to the city petition office skips two levels (越级访).
LOCAL_MATTERS = frozenset({"0103", "0104", "0105", "1301", "1302", "1303", "0502", "0503"})


@dataclass
class Party:
    person: Person
    role: str


@dataclass
class Plan:
    received_at: datetime.datetime
    channel: str
    receiving: str  # unit code
    actor: str  # username of the registering account
    location: str
    category: str
    matter_kind: str
    person_count: int
    summary: str
    content: str
    demands: str
    parties: list[Party]
    authority: str = ""
    accused: str = ""
    accused_person: str = ""
    parent: Plan | None = None  # a repeat petition attaches to the parent's case
    scenario: str = ""
    key: str = ""  # names a hand-scripted petition (stories.py), e.g. "S4-city"
    petition: Petition | None = field(default=None, repr=False)
    # A repeat whose case had closed by the time it came: the closed case (the petition
    # opened a new one, linked to it).
    reopened_from: Case | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Receipt:
    """A place where petitions are received, who registers them there, and what comes in."""

    unit: str
    actor: str
    weight: float
    channels: dict[str, float]
    scope: str  # matters located in this subtree come here
    categories: tuple[str, ...] = ()  # prefixes; empty = any
    petition_office: bool = True


OFFICE = {Channel.VISIT: 38, Channel.LETTER: 22, Channel.ONLINE: 28, Channel.PHONE: 12}
PROVINCE = {Channel.VISIT: 60, Channel.LETTER: 28, Channel.ONLINE: 12}
TOWNSHIP = {Channel.VISIT: 60, Channel.PHONE: 25, Channel.LETTER: 15}
DEPARTMENT = {Channel.LETTER: 40, Channel.ONLINE: 40, Channel.PHONE: 20}
RECEIPTS = (
    Receipt("JZXFJ", "reception1", 24, OFFICE, "JZ"),
    Receipt("JZD1XFJ", "handler1", 17, OFFICE, "JZD1"),
    Receipt("JZD2XFJ", "handler2", 17, OFFICE, "JZD2"),
    Receipt("JZD3XFJ", "jzd3xfj", 14, OFFICE, "JZD3"),
    Receipt("JNXFJ", "jnxfj", 7, PROVINCE, "JZ"),
    *(
        Receipt(code, code.lower(), 1.5, TOWNSHIP, code, petition_office=False)
        for code in ("JZD1S1", "JZD1S2", "JZD2S1", "JZD2S2", "JZD3S1", "JZD3S2")
    ),
    Receipt("JZRSJ", "jzrsj", 1.2, DEPARTMENT, "JZ", ("03",), petition_office=False),
    Receipt("JZD1ZJJ", "jzd1zjj", 1, DEPARTMENT, "JZD1", ("01", "13"), petition_office=False),
    Receipt("JZD2JYJ", "jzd2jyj", 0.8, DEPARTMENT, "JZD2", ("10",), petition_office=False),
    Receipt("JZD3LYJ", "jzd3lyj", 0.6, DEPARTMENT, "JZD3", ("0501", "0504"), petition_office=False),
)
RECEIPT_BY_UNIT = {receipt.unit: receipt for receipt in RECEIPTS}


# --- the org tree as plain data -------------------------------------------------------


def ancestors(code: str) -> list[str]:
    """Codes from `code` up to the root, `code` first."""
    chain = []
    while code:
        chain.append(code)
        code = UNIT_SPECS[code].parent or ""
    return chain


def subtree(scope: str) -> list[UnitSpec]:
    return [spec for spec in UNIT_SPECS.values() if scope in ancestors(spec.code)]


def district_of(code: str) -> UnitSpec | None:
    for ancestor in ancestors(code):
        if (
            UNIT_SPECS[ancestor].level == OrgLevel.DISTRICT
            and UNIT_SPECS[ancestor].kind == OrgKind.GOVERNMENT
        ):
            return UNIT_SPECS[ancestor]
    return None


def township_of(code: str) -> UnitSpec | None:
    for ancestor in ancestors(code):
        if UNIT_SPECS[ancestor].level == OrgLevel.TOWNSHIP:
            return UNIT_SPECS[ancestor]
    return None


def address_of(rng: random.Random, village: UnitSpec) -> str:
    """A home address in a community (street, building, flat) or a village (group, house)."""
    town = UNIT_SPECS[village.parent]
    district = UNIT_SPECS[town.parent]
    prefix = f"江州市{district.name}{town.name}"
    if village.area == URBAN:
        return (
            f"{prefix}{village.road}{rng.randint(1, 120)}号{rng.randint(1, 28)}号楼"
            f"{rng.randint(1, 6)}单元{rng.randint(1, 18)}{rng.randint(1, 4):02d}室"
        )
    return f"{prefix}{village.name}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"


def places(code: str, rng: random.Random) -> dict[str, str]:
    """Place names of a matter located at `code`, for the text templates."""
    spec = UNIT_SPECS[code]
    town = township_of(code)
    district = district_of(code)
    road = spec.road or rng.choice(["人民路", "建设大街", "解放路", "中山路", "文化街"])
    return {
        "place": spec.name,
        "town": town.name if town else (district.name if district else "江州市"),
        "district": district.name if district else "江州市",
        "road": road,
    }


def villages(scope: str, area: str = ANY) -> list[UnitSpec]:
    return [
        spec
        for spec in subtree(scope)
        if spec.level == OrgLevel.VILLAGE and (area == ANY or spec.area == area)
    ]


# --- time -----------------------------------------------------------------------------


def workday_before(day: datetime.date) -> datetime.date:
    while not CALENDAR.is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def at(day: datetime.date, hour: int, minute: int, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


def receipt_time(rng: random.Random, channel: str, now: datetime.datetime) -> datetime.datetime:
    """A plausible time within the past year: visits and letters on workdays in office
    hours, calls in the daytime, online submissions at any hour."""
    today = now.date()
    day = today - datetime.timedelta(days=rng.randint(1, WINDOW_DAYS - 5))
    if channel in (Channel.VISIT, Channel.LETTER):
        day = workday_before(day)
        hour, minute = rng.choice([8, 9, 9, 10, 10, 11, 14, 14, 15, 15, 16]), rng.randint(0, 59)
        if hour == 8:
            minute = max(minute, 30)
    elif channel == Channel.PHONE:
        hour, minute = rng.randint(8, 19), rng.randint(0, 59)
    else:
        hour = rng.choice([*range(24), *range(8, 23), *range(9, 18)])
        minute = rng.randint(0, 59)
    return at(day, hour, minute, now.tzinfo)


# --- the volume -----------------------------------------------------------------------


class VolumePlanner:
    """Random but reproducible everyday petitions (S6 reads the statistics of these)."""

    def __init__(self, rng: random.Random, people: PersonFactory, now: datetime.datetime):
        self.rng = rng
        self.people = people
        self.now = now
        self.principals: list[Person] = []

    def category_for(self, receipt: Receipt) -> str:
        codes = [
            code
            for code in PROFILES
            if (not receipt.categories or code.startswith(receipt.categories))
            and (receipt.petition_office or code not in ACCUSATION_CATEGORIES)
            and villages(receipt.scope, PROFILES[code].area)
        ]
        return self.rng.choices(codes, weights=[PROFILES[c].weight for c in codes])[0]

    def location_for(self, receipt: Receipt, category: str) -> str:
        rng = self.rng
        area = PROFILES[category].area
        if area == ANY:
            roll = rng.random()
            if roll > 0.88:
                upper = [
                    s for s in subtree(receipt.scope)
                    if s.kind in (OrgKind.BUSINESS, OrgKind.GOVERNMENT)
                    and s.level in (OrgLevel.CITY, OrgLevel.DISTRICT)
                ]  # fmt: skip
                if upper:
                    return rng.choice(upper).code
            if roll > 0.75:
                towns = [s for s in subtree(receipt.scope) if s.level == OrgLevel.TOWNSHIP]
                if towns:
                    return rng.choice(towns).code
        return rng.choice(villages(receipt.scope, area)).code

    def accused_for(self, location: str, receiving: str) -> tuple[str, str]:
        """The accused unit (never one above the receiving unit) and person."""
        rng = self.rng
        spec = UNIT_SPECS[location]
        if spec.level in (OrgLevel.VILLAGE, OrgLevel.TOWNSHIP):
            candidates = [
                c for c in ancestors(location) if UNIT_SPECS[c].level >= OrgLevel.TOWNSHIP
            ]
        elif spec.kind == OrgKind.BUSINESS:
            candidates = [location]
        else:
            candidates = [s.code for s in subtree(location) if s.kind == OrgKind.BUSINESS]
        candidates = [c for c in candidates if c not in ancestors(receiving)]
        accused = rng.choice(candidates)
        unit = UNIT_SPECS[accused]
        if unit.level == OrgLevel.VILLAGE:
            title = rng.choice(
                ["主任", "党委书记"]
                if unit.area == URBAN
                else ["党支部书记", "村委会主任", "报账员"]
            )
        elif unit.level == OrgLevel.TOWNSHIP:
            title = rng.choice(
                [
                    "党委副书记",
                    "副镇长" if unit.name.endswith(("镇", "乡")) else "办事处副主任",
                    "财政所所长",
                ]
            )
        else:
            title = rng.choice(["科长", "副局长", "办公室主任"])
        return accused, f"{rng.choice(SURNAMES[:40])}某（{unit.name}{title}）"

    def person(self, location: str, channel: str, *, role: str = PRINCIPAL) -> Person:
        rng = self.rng
        if role == PRINCIPAL and self.principals and rng.random() < 0.05:
            return rng.choice(self.principals)  # someone who petitioned before, on another matter
        spec = UNIT_SPECS[location]
        home = (
            spec
            if spec.level == OrgLevel.VILLAGE
            else rng.choice(villages((district_of(location) or UNIT_SPECS["JZ"]).code))
        )
        with_id = {
            Channel.VISIT: True,
            Channel.ONLINE: True,
            Channel.LETTER: rng.random() < 0.6,
            Channel.PHONE: rng.random() < 0.3,
        }[channel]
        with_phone = channel != Channel.LETTER or rng.random() < 0.7
        person = self.people.new(address_of(rng, home), with_id=with_id, with_phone=with_phone)
        if role == PRINCIPAL:
            self.principals.append(person)
        return person

    def base(
        self, *, unit: str = "", scope: str = "", category: str = "", channel: str = ""
    ) -> Plan:
        """A first petition on a matter; the arguments pin down what is otherwise random."""
        rng = self.rng
        if unit:
            receipt = RECEIPT_BY_UNIT[unit]
        else:
            receipt = rng.choices(RECEIPTS, weights=[r.weight for r in RECEIPTS])[0]
        if scope:
            receipt = replace(receipt, scope=scope)
        category = category or self.category_for(receipt)
        if not channel:
            channel = rng.choices(list(receipt.channels), weights=list(receipt.channels.values()))[
                0
            ]
            if category in SUGGESTION_CATEGORIES and channel in (Channel.VISIT, Channel.PHONE):
                channel = Channel.ONLINE if receipt.petition_office else Channel.LETTER
        location = self.location_for(receipt, category)
        kind = (
            MatterKind.ACCUSATION if category in ACCUSATION_CATEGORIES
            else MatterKind.SUGGESTION if category in SUGGESTION_CATEGORIES
            else MatterKind.COMPLAINT
        )  # fmt: skip
        context = text_context(rng, **places(location, rng))
        accused = accused_person = ""
        if kind == MatterKind.ACCUSATION:
            accused, accused_person = self.accused_for(location, receipt.unit)
            context["accused"] = accused_person
            context["surname"] = accused_person[0]
        summary, content, demands = (
            fill(t, context) for t in rng.choice(PROFILES[category].templates)
        )

        parties = [Party(self.person(location, channel), PRINCIPAL)]
        person_count = 1
        group_chance = {
            Channel.VISIT: 0.2 if receipt.unit == "JNXFJ" else 0.12,
            Channel.LETTER: 0.03,
        }
        if kind != MatterKind.ACCUSATION and rng.random() < group_chance.get(channel, 0):
            person_count = rng.choice([5, 6, 6, 7, 8, 8, 9, 10, 12, 15, 18, 20, 25, 30, 35, 50, 60])
            extra_role = REPRESENTATIVE if channel == Channel.VISIT else MEMBER
            extra = rng.randint(1, 4) if channel == Channel.VISIT else rng.randint(1, 2)
            parties += [
                Party(self.person(location, channel, role=extra_role), extra_role)
                for _ in range(extra)
            ]
        elif rng.random() < 0.15:
            person_count = rng.randint(2, 4)
            if rng.random() < 0.5:
                parties.append(Party(self.person(location, channel, role=MEMBER), MEMBER))

        authority = ""
        if (
            receipt.unit == "JZXFJ"
            and channel == Channel.VISIT
            and category in LOCAL_MATTERS
            and UNIT_SPECS[location].level == OrgLevel.VILLAGE
            and rng.random() < 0.6
        ):
            authority = UNIT_SPECS[location].parent  # the street office: a visit to the city skips
        return Plan(
            received_at=receipt_time(rng, channel, self.now),
            channel=channel,
            receiving=receipt.unit,
            actor=receipt.actor,
            location=location,
            category=category,
            matter_kind=kind,
            person_count=person_count,
            summary=summary,
            content=content,
            demands=demands,
            parties=parties,
            authority=authority,
            accused=accused,
            accused_person=accused_person,
        )

    def repeat(self, parent: Plan, after: Plan) -> Plan | None:
        """`parent`'s matter raised again at the same place some time after `after` (the
        parent or its latest repeat), attached to the open case."""
        rng = self.rng
        received_at = after.received_at + datetime.timedelta(
            days=rng.randint(6, 100), minutes=rng.randint(-90, 90)
        )
        if received_at > self.now - datetime.timedelta(hours=2):
            return None
        receipt = RECEIPT_BY_UNIT[parent.receiving]
        channel = rng.choices(list(receipt.channels), weights=list(receipt.channels.values()))[0]
        if channel in (Channel.VISIT, Channel.LETTER):
            day = workday_before(received_at.date())
            if day <= after.received_at.date():
                return None
            received_at = at(day, rng.choice([9, 10, 14, 15]), rng.randint(0, 59), self.now.tzinfo)
        principal = parent.parties[0]
        if parent.person_count >= 5 and channel == Channel.VISIT:
            parties = [p for p in parent.parties if p.role != MEMBER]
            person_count = max(5, parent.person_count + rng.randint(-3, 8))
        else:
            parties, person_count = [principal], 1
        last = after.received_at
        opening = fill(
            rng.choice(REPEAT_OPENINGS), {"date": f"{last.year}年{last.month}月{last.day}日"}
        )
        return Plan(
            received_at=received_at,
            channel=channel,
            receiving=parent.receiving,
            actor=parent.actor,
            location=parent.location,
            category=parent.category,
            matter_kind=parent.matter_kind,
            person_count=person_count,
            summary=parent.summary,
            content=opening + parent.content,
            demands=parent.demands,
            parties=parties,
            authority=parent.authority,
            accused=parent.accused,
            accused_person=parent.accused_person,
            parent=parent,
        )

    def plans(self, count: int, repeat_share: float = 0.15) -> list[Plan]:
        rng = self.rng
        repeats = round(count * repeat_share)
        # However small the count, show every feature: accusations registered by the city and
        # a district office (one against a district-2 unit), online and phone petitions.
        showcase = [
            self.base(unit="JZXFJ", scope="JZD2", category="1403", channel=Channel.LETTER),
            self.base(unit="JZD1XFJ", category="1401", channel=Channel.ONLINE),
            self.base(unit="JZD3XFJ", channel=Channel.PHONE),
        ][:count]
        base = showcase + [self.base() for _ in range(count - repeats - len(showcase))]
        candidates = [p for p in base if p.matter_kind != MatterKind.SUGGESTION]
        chains: dict[int, Plan] = {}  # id(case opener) → its latest repeat
        extra: list[Plan] = []
        attempts = 0
        while len(extra) < repeats and candidates and attempts < repeats * 20:
            attempts += 1
            opener = rng.choice(candidates)
            latest = chains.get(id(opener), opener)
            plan = self.repeat(opener, latest)
            if plan is None:
                continue
            chains[id(opener)] = plan
            extra.append(plan)
        while len(base) + len(extra) < count:  # too few repeats fitted in: top up
            base.append(self.base())
        return base + extra


# --- registration ---------------------------------------------------------------------


class Registrar:
    """Registers plans, each as its registering account would at the counter: a repeat is
    attached to its matter's case while that is open; once it has closed, the repeat opens a
    new case (linked to the closed one by the registration) and later repeats attach there."""

    def __init__(self, plans: list[Plan], units: dict[str, OrgUnit]) -> None:
        usernames = {plan.actor for plan in plans}
        self.users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        self.categories = {c.code: c for c in Category.objects.all()}
        self.units = units
        self.latest: dict[int, Petition] = {}  # id(opener) → the petition holding its case

    def _case_for(self, plan: Plan) -> Case | None:
        if plan.parent is None:
            return None
        holder = self.latest.get(id(plan.parent), plan.parent.petition)
        case = Case.objects.get(pk=holder.case_id)
        if not case.is_open:
            plan.reopened_from = case
            return None
        return case

    def register(self, plan: Plan) -> Petition:
        units = self.units
        case = self._case_for(plan)
        draft = PetitionDraft(
            channel=plan.channel,
            received_at=plan.received_at,
            receiving_unit=units[plan.receiving],
            location_unit=units[plan.location],
            category=self.categories[plan.category],
            matter_kind=plan.matter_kind,
            person_count=plan.person_count,
            summary=plan.summary,
            content=plan.content,
            demands=plan.demands,
            petitioners=[
                PetitionerDraft(
                    name=party.person.name,
                    role=party.role,
                    id_number=party.person.id_number,
                    phone=party.person.phone,
                    address=party.person.address,
                )
                for party in plan.parties
            ],
            authority_unit=units[plan.authority] if plan.authority else None,
            accused_unit=units[plan.accused] if plan.accused else None,
            accused_person=plan.accused_person,
            case=case,
        )
        plan.petition = petition_register(actor=self.users[plan.actor], draft=draft).petition
        if plan.reopened_from is not None:
            self.latest[id(plan.parent)] = plan.petition
        return plan.petition


def register_plans(plans: list[Plan], units: dict[str, OrgUnit]) -> int:
    """Register every plan in the order received (numbers run with time)."""
    registrar = Registrar(plans, units)
    ordered = sorted(enumerate(plans), key=lambda pair: (pair[1].received_at, pair[0]))
    for _, plan in ordered:
        registrar.register(plan)
    return len(ordered)
