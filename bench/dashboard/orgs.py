"""The large city of the dashboards' bench: a national root and a province above the city,
its departments, 12 districts with their departments, townships and villages (about 1,200
units), and the three users the bench acts as."""

from __future__ import annotations

from typing import NamedTuple

from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from accounts.roles import Role
from bench.orgs import unit, user

CITY = "BCT"
DISTRICTS = 12
CITY_DEPARTMENTS = (
    "人社局",
    "住建局",
    "自然资源局",
    "生态环境局",
    "教育局",
    "卫健委",
    "交通局",
    "民政局",
)
DISTRICT_DEPARTMENTS = ("人社局", "住建局", "城管局", "市场监管局", "教育局", "民政局")
TOWNSHIPS = 8
VILLAGES = 10


class Slot(NamedTuple):
    """Where a matter is located, who owns it, and which petition office decides on it."""

    location: int
    owner: int
    office: int


class Org(NamedTuple):
    city: OrgUnit
    district: OrgUnit
    offices: dict[str, int]  # national, province, city petition offices
    slots: list[Slot]
    clerk: User
    city_supervisor: User
    district_supervisor: User


def build_org() -> Org:
    nation = unit("BNAT", "国家", OrgLevel.NATIONAL)
    nation_office = unit(
        "BNATXFJ", "国家信访局", OrgLevel.NATIONAL, OrgKind.PETITION_OFFICE, nation
    )
    province = unit("BPRV", "基准省", OrgLevel.PROVINCE, parent=nation)
    province_office = unit(
        "BPRVXFJ", "基准省信访局", OrgLevel.PROVINCE, OrgKind.PETITION_OFFICE, province
    )
    city = unit(CITY, "基准市", OrgLevel.CITY, parent=province)
    city_office = unit("BCTXFJ", "基准市信访局", OrgLevel.CITY, OrgKind.PETITION_OFFICE, city)
    slots: list[Slot] = []
    for number, name in enumerate(CITY_DEPARTMENTS, start=1):
        department = unit(f"BCTD{number}", f"基准市{name}", OrgLevel.CITY, OrgKind.BUSINESS, city)
        slots += [Slot(department.pk, department.pk, city_office.pk)] * 5
    districts = []
    for d in range(1, DISTRICTS + 1):
        district = unit(f"BD{d}", f"基准{d}区", OrgLevel.DISTRICT, parent=city)
        districts.append(district)
        office = unit(
            f"BD{d}XFJ", f"基准{d}区信访局", OrgLevel.DISTRICT, OrgKind.PETITION_OFFICE, district
        )
        for number, name in enumerate(DISTRICT_DEPARTMENTS, start=1):
            department = unit(
                f"BD{d}D{number}",
                f"基准{d}区{name}",
                OrgLevel.DISTRICT,
                OrgKind.BUSINESS,
                district,
            )
            slots += [Slot(department.pk, department.pk, office.pk)] * 3
        for t in range(1, TOWNSHIPS + 1):
            township = unit(f"BD{d}T{t}", f"基准{d}区{t}街道", OrgLevel.TOWNSHIP, parent=district)
            slots += [Slot(township.pk, township.pk, office.pk)] * 2
            for v in range(1, VILLAGES + 1):
                village = unit(
                    f"BD{d}T{t}V{v}", f"{d}区{t}街道{v}社区", OrgLevel.VILLAGE, parent=township
                )
                slots.append(Slot(village.pk, township.pk, office.pk))
    return Org(
        city=city,
        district=districts[0],
        offices={
            "national": nation_office.pk,
            "province": province_office.pk,
            "city": city_office.pk,
        },
        slots=slots,
        clerk=user("bench-clerk", city_office, Role.RECEPTION),
        city_supervisor=user("bench-city-supervisor", city, Role.SUPERVISOR),
        district_supervisor=user("bench-d1-supervisor", districts[0], Role.SUPERVISOR),
    )


def kept_org() -> Org | None:
    """The city of a database kept by an earlier run (`--keepdb`), without its slots (its
    data is there already); None in a new database."""
    if not OrgUnit.objects.filter(code=CITY).exists():
        return None
    users = User.objects.in_bulk(
        ["bench-clerk", "bench-city-supervisor", "bench-d1-supervisor"],
        field_name="username",
    )
    return Org(
        city=OrgUnit.objects.get(code=CITY),
        district=OrgUnit.objects.get(code="BD1"),
        offices={},
        slots=[],
        clerk=users["bench-clerk"],
        city_supervisor=users["bench-city-supervisor"],
        district_supervisor=users["bench-d1-supervisor"],
    )
