"""Dispute screening and resolution (矛盾纠纷排查化解): every write.

A round asks units to report by a date (`screening_round_open`; the monthly regular rounds
open themselves, `screening_regular_rounds_open`); each unit reports the disputes it found
(`dispute_register` with its report) or that it found none, and submits
(`screening_report_submit`). A dispute runs on a resolution clock until it ends: resolved
(`dispute_resolve`), registered as a petition through the intake (`dispute_convert`) or
reported to the level above (`dispute_report_up`); contained (`dispute_contain`) it stays on
its clock. Each service locks the row, reads it afresh, checks, writes the event.
"""

from .disputes import (
    DisputeDraft,
    PetitionFacts,
    default_resolve_by,
    dispute_contain,
    dispute_convert,
    dispute_progress,
    dispute_register,
    dispute_report_up,
    dispute_resolve,
    dispute_url,
)
from .rounds import (
    regular_due_on,
    report_url,
    reporting_units,
    screening_regular_rounds_open,
    screening_report_submit,
    screening_round_open,
    supervisors_of,
)

__all__ = [
    "DisputeDraft",
    "PetitionFacts",
    "default_resolve_by",
    "dispute_contain",
    "dispute_convert",
    "dispute_progress",
    "dispute_register",
    "dispute_report_up",
    "dispute_resolve",
    "dispute_url",
    "regular_due_on",
    "report_url",
    "reporting_units",
    "screening_regular_rounds_open",
    "screening_report_submit",
    "screening_round_open",
    "supervisors_of",
]
