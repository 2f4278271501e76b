"""The ledgers' history: one append-only `LedgerEvent` per thing done, in the same
transaction as the change."""

from __future__ import annotations

from accounts.models import User

from .models import LedgerEvent


def ledger_event_write(
    *, ledger: str, object_id: int, kind: str, actor: User | None, status: str = "", note: str = ""
) -> LedgerEvent:
    return LedgerEvent.objects.create(
        ledger=ledger, object_id=object_id, kind=kind, actor=actor, status=status, note=note
    )


def ledger_events(ledger: str, object_id: int) -> list[LedgerEvent]:
    """A row's history, oldest first, with who did each thing (one query)."""
    return list(
        LedgerEvent.objects.filter(ledger=ledger, object_id=object_id)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
