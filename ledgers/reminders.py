"""What the ledgers' steps of the deadline scan share: the rows due at a stage claimed in
batches (`LedgerReminder`'s unique key is the claim), and the notifications of the rows won
saved in the same transaction, so that a rerun or two scans at once send nothing twice."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from core.claims import insert_new
from notifications.models import Notification
from notifications.services import save_notifications

from .models import LedgerReminder

BATCH_SIZE = 500
DUE_SOON, OVERDUE, ESCALATED = "due_soon", "overdue", "escalated"

# (row ids won, stage, today) -> the notifications to save.
Send = Callable[[list[int], str, datetime.date], list[Notification]]


def remind_all(ledger: str, rows: QuerySet, stage: str, today: datetime.date, send: Send) -> int:
    """Claim and remind every row of `rows` (with a `due_on`) not yet reminded at `stage` for
    its current due date; how many were reminded."""
    reminded = LedgerReminder.objects.filter(
        ledger=ledger, object_id=OuterRef("pk"), stage=stage, due_on=OuterRef("due_on")
    )
    total = 0
    while True:
        batch = list(
            rows.exclude(Exists(reminded))
            .order_by("due_on", "pk")
            .values_list("pk", "due_on")[:BATCH_SIZE]
        )
        if not batch:
            return total
        # The claim and what it sends commit together: a scan that loses the claim sends none.
        with transaction.atomic():
            won = insert_new(
                LedgerReminder,
                ["ledger", "object_id", "stage", "due_on", "created_at"],
                [(ledger, pk, stage, due, timezone.now()) for pk, due in batch],
                returning="object_id",
            )
            if won:
                save_notifications(send(won, stage, today))
        total += len(won)
        if len(batch) < BATCH_SIZE:
            return total
