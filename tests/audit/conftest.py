import pytest

from tests.factories import UserFactory


@pytest.fixture
def sysadmin(org):
    """The system administrator (系统管理员): staff, not a superuser."""
    return UserFactory(username="sysadmin", org_unit=org.city, is_staff=True, roles=["admin"])


@pytest.fixture
def security(org):
    """The security administrator (安全管理员)."""
    return UserFactory(username="security", org_unit=org.city, is_staff=True, roles=["security"])


@pytest.fixture
def auditor(org):
    """The auditor (审计员), in a unit like every staff user."""
    return UserFactory(username="auditor", org_unit=org.city, roles=["auditor"])
