"""The dispute screening tests' users."""

import pytest

from tests.conftest import _user


@pytest.fixture
def community_handler(org):
    """Handler at the district-1 community D1S1C1 (东湖社区)."""
    return _user("community_handler", org.d1_community, "handler", last_name="周")


@pytest.fixture
def d2_street_handler(org):
    return _user("d2_street_handler", org.d2_street, "handler", last_name="吴")


# The people's suggestions counted by hand (see the module).
from .suggestion_fixtures import suggestions  # noqa: E402, F401
