"""The demo org tree (江南省 › 江州市 › three districts › streets/townships › communities/villages)
and the demo staff accounts."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from accounts.roles import Role

from .people import staff_name

P, C, D, T, V = (
    OrgLevel.PROVINCE,
    OrgLevel.CITY,
    OrgLevel.DISTRICT,
    OrgLevel.TOWNSHIP,
    OrgLevel.VILLAGE,
)
GOV, XF, BIZ, STAB, JUD, DISC = (
    OrgKind.GOVERNMENT,
    OrgKind.PETITION_OFFICE,
    OrgKind.BUSINESS,
    OrgKind.STABILITY,
    OrgKind.JUDICIAL,
    OrgKind.DISCIPLINE,
)


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    level: int
    kind: str
    parent: str | None
    area: str = ""  # villages/townships: "urban" (街道/社区) or "rural" (乡镇/村)
    road: str = ""  # communities: the street residents' addresses are on
    abbreviation: str = ""  # 机关代字 of the documents it issues (OrgUnit.doc_abbreviation)


def _district(
    code: str, name: str, short: str, departments: list[tuple[str, str]], abbreviation: str
) -> list[UnitSpec]:
    """A district/county government with its petition office, business departments and the
    stability, judicial and discipline offices (the five parties of a joint supervision).
    The government and its petition office number their documents under `abbreviation`
    (清 gives 清政 and 清信访)."""
    return [
        UnitSpec(code, name, D, GOV, "JZ", abbreviation=f"{abbreviation}政"),
        UnitSpec(f"{code}XFJ", f"{name}信访局", D, XF, code, abbreviation=f"{abbreviation}信访"),
        *(
            UnitSpec(f"{code}{suffix}", f"{name}{dept}", D, BIZ, code)
            for suffix, dept in departments
        ),
        UnitSpec(f"{code}ZZZX", f"{name}综治中心", D, STAB, code),
        UnitSpec(f"{code}SFJ", f"{name}司法局", D, JUD, code),
        UnitSpec(f"{code}JW", f"{short}纪委监委", D, DISC, code),
    ]


UNITS: list[UnitSpec] = [
    UnitSpec("JN", "江南省", P, GOV, None, abbreviation="南政"),
    UnitSpec("JNXFJ", "江南省信访局", P, XF, "JN", abbreviation="南信访"),
    UnitSpec("JZ", "江州市", C, GOV, "JN", abbreviation="江政"),
    UnitSpec("JZXFJ", "江州市信访局", C, XF, "JZ", abbreviation="江信访"),
    UnitSpec("JZLYJ", "江州市林业局", C, BIZ, "JZ"),
    UnitSpec("JZJYJ", "江州市教育局", C, BIZ, "JZ"),
    UnitSpec("JZRSJ", "江州市人力资源和社会保障局", C, BIZ, "JZ"),
    UnitSpec("JZSWJ", "江州市水务局", C, BIZ, "JZ"),
    UnitSpec("JZZZZX", "江州市委政法委（市综治中心）", C, STAB, "JZ"),
    UnitSpec("JZSFJ", "江州市司法局", C, JUD, "JZ"),
    UnitSpec("JZJW", "江州市纪委监委", C, DISC, "JZ"),
    # District 1: the old town (S1 升平社区, S2 北五道街).
    *_district(
        "JZD1", "清河区", "清河区", [("ZJJ", "住房和城乡建设局"), ("CGJ", "城市管理局")], "清"
    ),
    UnitSpec("JZD1S1", "升平街道", T, GOV, "JZD1", area="urban"),
    UnitSpec("JZD1S1C1", "升平社区", V, GOV, "JZD1S1", area="urban", road="升平街"),
    UnitSpec("JZD1S1C2", "松花江社区", V, GOV, "JZD1S1", area="urban", road="松花江路"),
    UnitSpec("JZD1S1C3", "友谊社区", V, GOV, "JZD1S1", area="urban", road="友谊路"),
    UnitSpec("JZD1S2", "北市街道", T, GOV, "JZD1", area="urban"),
    UnitSpec("JZD1S2C1", "北五道街社区", V, GOV, "JZD1S2", area="urban", road="北五道街"),
    UnitSpec("JZD1S2C2", "站前社区", V, GOV, "JZD1S2", area="urban", road="站前大街"),
    # District 2: new town and farmland (S5 substitute teachers).
    *_district(
        "JZD2",
        "江北区",
        "江北区",
        [("JYJ", "教育局"), ("RSJ", "人力资源和社会保障局"), ("ZJJ", "住房和城乡建设局")],
        "江北",
    ),
    UnitSpec("JZD2S1", "江北街道", T, GOV, "JZD2", area="urban"),
    UnitSpec("JZD2S1C1", "滨江社区", V, GOV, "JZD2S1", area="urban", road="滨江路"),
    UnitSpec("JZD2S1C2", "新华社区", V, GOV, "JZD2S1", area="urban", road="新华大街"),
    UnitSpec("JZD2S1C3", "学府社区", V, GOV, "JZD2S1", area="urban", road="学府路"),
    UnitSpec("JZD2S2", "红星镇", T, GOV, "JZD2", area="rural"),
    UnitSpec("JZD2S2V1", "红星村", V, GOV, "JZD2S2", area="rural"),
    UnitSpec("JZD2S2V2", "东湖村", V, GOV, "JZD2S2", area="rural"),
    # District 3: a mountain county with forest and a reservoir (S3, S4).
    *_district(
        "JZD3",
        "青山县",
        "青山县",
        [("LYJ", "林业局"), ("SLJ", "水利局"), ("YMB", "水库移民安置办公室")],
        "青",
    ),
    UnitSpec("JZD3S1", "青山镇", T, GOV, "JZD3", area="rural"),
    UnitSpec("JZD3S1V1", "青山村", V, GOV, "JZD3S1", area="rural"),
    UnitSpec("JZD3S1V2", "红岩水库移民新村", V, GOV, "JZD3S1", area="rural"),
    UnitSpec("JZD3S1V3", "石门村", V, GOV, "JZD3S1", area="rural"),
    UnitSpec("JZD3S2", "白石乡", T, GOV, "JZD3", area="rural"),
    UnitSpec("JZD3S2V1", "竹林村", V, GOV, "JZD3S2", area="rural"),
    UnitSpec("JZD3S2V2", "白石村", V, GOV, "JZD3S2", area="rural"),
]
UNIT_SPECS: dict[str, UnitSpec] = {spec.code: spec for spec in UNITS}
DEMO_UNIT_CODES: frozenset[str] = frozenset(UNIT_SPECS)
CITY = "JZ"
DISTRICTS = ("JZD1", "JZD2", "JZD3")


def _free(abbreviation: str) -> bool:
    """Whether no unit numbers its documents under `abbreviation` yet (they are unique)."""
    return bool(abbreviation) and not OrgUnit.objects.filter(doc_abbreviation=abbreviation).exists()


def build_org_tree() -> tuple[dict[str, OrgUnit], int]:
    """Create the units that do not exist yet (matched by code; existing ones are left as
    they are, except that one without a 机关代字 gets the demo's). Returns all demo units by
    code and how many were created."""
    existing = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=DEMO_UNIT_CODES)}
    created = 0
    for spec in UNITS:  # parents come before their children
        if spec.code in existing:
            unit = existing[spec.code]
            if not unit.doc_abbreviation and _free(spec.abbreviation):
                unit.doc_abbreviation = spec.abbreviation
                unit.save(update_fields=["doc_abbreviation"])
            continue
        unit = OrgUnit(
            code=spec.code,
            name=spec.name,
            level=spec.level,
            kind=spec.kind,
            parent=existing[spec.parent] if spec.parent else None,
            doc_abbreviation=spec.abbreviation if _free(spec.abbreviation) else "",
        )
        unit.full_clean()
        unit.save()
        existing[spec.code] = unit
        created += 1
    return existing, created


@dataclass(frozen=True)
class AccountSpec:
    username: str
    unit: str
    roles: tuple[str, ...]
    last_name: str  # surname (姓)
    first_name: str  # given name (名)
    superuser: bool = False
    staff: bool = False  # may log in to the administration pages
    note: str = ""


def account_specs(seed: int) -> list[AccountSpec]:
    """The named accounts of the issue, then a leader and a supervisor for the city and each
    district, then one handler per org unit (petition offices: handler + reception), then
    the province's leader."""
    rng = random.Random(f"{seed}-staff")
    specs = [
        AccountSpec("reception1", "JZXFJ", (Role.RECEPTION,), "李", "晓燕"),
        AccountSpec("handler1", "JZD1XFJ", (Role.HANDLER,), "王", "建军"),
        AccountSpec("handler2", "JZD2XFJ", (Role.HANDLER,), "张", "丽华"),
        AccountSpec("leader1", CITY, (Role.LEADER,), "赵", "国强"),
        AccountSpec("supervisor1", CITY, (Role.SUPERVISOR,), "周", "敏"),
        # 等保's three officers (三员): the system administrator, the security administrator
        # and the auditor, none of them a superuser.
        AccountSpec("admin", CITY, (Role.ADMIN,), "陈", "志远", staff=True),
        AccountSpec("security1", CITY, (Role.SECURITY,), "孙", "立新", staff=True),
        AccountSpec("auditor1", CITY, (Role.AUDITOR,), "吴", "秀兰"),
    ]
    taken = {(s.last_name, s.first_name) for s in specs}

    def name() -> tuple[str, str]:
        while (pair := staff_name(rng)) in taken:
            pass
        taken.add(pair)
        return pair

    for code in (CITY, *DISTRICTS):
        specs.append(AccountSpec(f"{code.lower()}-leader", code, (Role.LEADER,), *name()))
        specs.append(AccountSpec(f"{code.lower()}-supervisor", code, (Role.SUPERVISOR,), *name()))
    for spec in UNITS:
        roles = (
            (Role.HANDLER, Role.RECEPTION)
            if spec.kind == OrgKind.PETITION_OFFICE
            else (Role.HANDLER,)
        )
        specs.append(AccountSpec(spec.code.lower(), spec.code, roles, *name()))
    # The province's leader decides on what the province office does (S4's skip-level visit).
    specs.append(AccountSpec("jn-leader", "JN", (Role.LEADER,), *name()))
    return specs


def build_accounts(
    units: dict[str, OrgUnit], password: str, seed: int
) -> tuple[list[AccountSpec], int]:
    """Create the accounts that do not exist yet (matched by username); existing accounts,
    their passwords included, are left untouched."""
    specs = account_specs(seed)
    existing = set(
        User.objects.filter(username__in=[s.username for s in specs]).values_list(
            "username", flat=True
        )
    )
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    missing = sorted(set(Role.values) - set(groups))
    if missing:
        raise RuntimeError(f"Role groups missing (run migrate first): {', '.join(missing)}")
    # One hash for all: hashing ~70 passwords one by one would take half a minute.
    hashed = make_password(password)
    created = 0
    for spec in specs:
        if spec.username in existing:
            continue
        user = User.objects.create(
            username=spec.username,
            password=hashed,
            last_name=spec.last_name,
            first_name=spec.first_name,
            org_unit=units[spec.unit],
            is_staff=spec.staff or spec.superuser,
            is_superuser=spec.superuser,
        )
        user.groups.add(*(groups[role] for role in spec.roles))
        created += 1
    return specs, created
