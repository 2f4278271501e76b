"""Every write of the escalation app: one function per use case (DESIGN §4)."""

from .notices import supervision_notice_issue
from .scan import ScanResult, deadlines_scan

__all__ = [
    "ScanResult",
    "deadlines_scan",
    "supervision_notice_issue",
]
