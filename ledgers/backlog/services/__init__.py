"""The backlog ledger (积案台账): every write.

A supervisor puts a case on the ledger with an assignment sheet (交办单, `backlog_place`): the
lead unit and the four fixes with the sponsor (四定一包: 定领导 the sponsoring leader, 定人员 the
responsible persons, 定方案 the plan, 定时限 the time limit). The lead unit (or the sponsor)
reports progress (`backlog_progress`); the supervisor names a sponsoring leader the sheet left
out (`backlog_sponsor`), extends the time limit once (`backlog_extend`) and records the outcome
(`backlog_end`: 化解, 息访息诉 or 依法终结), which takes the case off the ledger. The time limit
is reminded by the deadline scan (`reminders`).

The rules where the issue leaves the choice to us:
- A case goes on the ledger when it is a backlog case by the rule (`cases.selectors.
  backlog_condition`, evaluated that day) or when the supervisor states why (`reason`): a
  closed or terminated case whose petitioner keeps coming is the classic one.
- Once while open: a second sheet on a case whose entry is open is a conflict; after its
  outcome the case may go on again.
- A group case (a petition of it is a group visit, `Petition.is_group`) needs a sponsoring
  leader; any other may have none for now (the dashboard counts those of group cases).
- A case has one sponsoring leader (包案领导): the sheet's is the case's when it has one, and
  becomes the case's when it has none.
- 依法终结 only for a case terminated by the procedure (复核后终结, `CaseStatus.TERMINATED`).
- Art. 30: the lead unit and the sponsor's unit may not be ones the case accuses.
- Each step is a step of the case too (its timeline shows it): a paper record's date is
  never before the case's previous step, as for the case's own steps, and moves it forward.

Each service locks its row, reads it afresh, checks role, unit, state and dates, writes the
ledger's event (`LedgerEvent`) and the case's (`CaseEvent`), and notifies.
"""

from .common import entry_url, is_candidate, is_group_case
from .placing import backlog_place
from .working import backlog_end, backlog_extend, backlog_progress, backlog_sponsor

__all__ = [
    "backlog_end",
    "backlog_extend",
    "backlog_place",
    "backlog_progress",
    "backlog_sponsor",
    "entry_url",
    "is_candidate",
    "is_group_case",
]
