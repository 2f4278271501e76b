"""What the dispute screening tests build on: a dispute as the clerk enters it."""

from __future__ import annotations

import datetime

from ledgers.models import DisputeKind, PartyRole, RiskLevel
from ledgers.screening.services import DisputeDraft

D = datetime.date


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
