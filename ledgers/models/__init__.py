"""The ledgers the petition offices run on, beside the cases: dispute screening and
resolution (矛盾纠纷排查化解), major and urgent matters (重大紧急信访事项) and the backlog
ledger (积案台账), the people's suggestions' commendations (人民建议征集); and the annual
targets a level sets the units below it (一控制三下降), with the weights of its year-end
assessment of them.

Every ledger keeps its history as `LedgerEvent` rows written in the same transaction as the
change, and its clocks as indexed `due_on` columns that the one deadline scan reads
(`escalation.deadlines.services.register_scan_step`), claiming each reminder once through
`LedgerReminder`'s unique key. They record disputes and the bodies' duties, never watch people.
"""

from .backlog import (
    BACKLOG_OUTCOMES,
    BacklogEntry,
    BacklogProgress,
    BacklogStatus,
)
from .common import (
    Ledger,
    LedgerEvent,
    LedgerEventKind,
    LedgerReminder,
)
from .screening import (
    ACTIVE_DISPUTE_STATUSES,
    DISPUTE_TRANSITIONS,
    DisputeItem,
    DisputeKind,
    DisputeStatus,
    PartyRole,
    ResolutionMethod,
    RiskLevel,
    RoundKind,
    ScreeningReport,
    ScreeningRound,
)
from .suggestions import CommendationKind, SuggestionCommendation
from .targets import FACTORS, AnnualTarget, AssessmentScheme
from .urgent import (
    Gravity,
    UrgentRecipient,
    UrgentReport,
    UrgentStatus,
)

__all__ = [
    "ACTIVE_DISPUTE_STATUSES",
    "BACKLOG_OUTCOMES",
    "DISPUTE_TRANSITIONS",
    "FACTORS",
    "AnnualTarget",
    "AssessmentScheme",
    "BacklogEntry",
    "BacklogProgress",
    "BacklogStatus",
    "CommendationKind",
    "DisputeItem",
    "DisputeKind",
    "DisputeStatus",
    "Gravity",
    "Ledger",
    "LedgerEvent",
    "LedgerEventKind",
    "LedgerReminder",
    "PartyRole",
    "ResolutionMethod",
    "RiskLevel",
    "RoundKind",
    "ScreeningReport",
    "ScreeningRound",
    "SuggestionCommendation",
    "UrgentRecipient",
    "UrgentReport",
    "UrgentStatus",
]
