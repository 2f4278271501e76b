"""Escalation fixtures: the district-1 offices that make up a five-party joint supervision,
with one handler each, beside the standing org tree of tests/conftest.py."""

from types import SimpleNamespace

import pytest

from tests.conftest import _unit, _user


@pytest.fixture
def party_units(org):
    """D1's petition office (D1XFJ), business department (D1JY), and new stability (D1ZZ),
    judicial (D1SF) and discipline (D1JW) offices."""
    from accounts.models import OrgKind, OrgLevel

    return SimpleNamespace(
        tracking=org.d1_office,
        business=org.d1_business,
        stability=_unit("D1ZZ", "东湖区综治中心", org.d1, OrgLevel.DISTRICT, OrgKind.STABILITY),
        judicial=_unit("D1SF", "东湖区司法局", org.d1, OrgLevel.DISTRICT, OrgKind.JUDICIAL),
        discipline=_unit("D1JW", "东湖区纪委监委", org.d1, OrgLevel.DISTRICT, OrgKind.DISCIPLINE),
    )


@pytest.fixture
def party_users(party_units, handler1):
    """One handler per party unit (handler1 for the petition office)."""
    return SimpleNamespace(
        tracking=handler1,
        business=_user("d1_business", party_units.business, "handler", last_name="吴"),
        stability=_user("d1_stability", party_units.stability, "handler", last_name="郑"),
        judicial=_user("d1_judicial", party_units.judicial, "handler", last_name="冯"),
        discipline=_user("d1_discipline", party_units.discipline, "handler", last_name="陈"),
    )


@pytest.fixture
def d1_supervisor(org):
    """Supervisor at the district-1 government D1 (the joint-conference office's staff)."""
    return _user("d1_supervisor", org.d1, "supervisor", last_name="何", first_name="督查")
