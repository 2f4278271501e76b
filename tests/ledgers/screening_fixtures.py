"""What the dispute screening tests stand on: the community's handler, a round's drafts."""

from __future__ import annotations

import datetime

import pytest

from ledgers.models import DisputeKind, PartyRole, RiskLevel
from ledgers.screening.services import DisputeDraft
from tests.conftest import _user

D = datetime.date


@pytest.fixture
def community_handler(org):
    """Handler at the district-1 community D1S1C1 (东湖社区)."""
    return _user("community_handler", org.d1_community, "handler", last_name="周")


@pytest.fixture
def d2_street_handler(org):
    return _user("d2_street_handler", org.d2_street, "handler", last_name="吴")


def draft(unit, **overrides) -> DisputeDraft:
    """A dispute as the scenario S1 found it: rubbish at a stairway, the two collectors at odds."""
    values = {
        "kind": DisputeKind.NEIGHBOURS,
        "parties": [
            {"role": PartyRole.APPLICANT, "name": "孙佩华"},
            {"role": PartyRole.RESPONDENT, "name": "刘某"},
        ],
        "place": "升平街3号楼",
        "summary": "楼道垃圾多日无人清运，两名保洁员发生矛盾。",
        "risk_level": RiskLevel.GENERAL,
        "responsible_unit": unit,
        "responsible_person": "社区主任",
        "due_on": D(2026, 12, 10),
        "found_on": None,
        "measures": "",
    }
    values.update(overrides)
    return DisputeDraft(**values)
