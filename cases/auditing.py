"""Searches by ID number or phone in the audit trail (安全审计), the values masked: the same
entry as petitions.auditing.record_personal_search writes."""

from __future__ import annotations

from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import record

from .selectors.people import SearchKey


def record_key_search(request: HttpRequest | None, key: SearchKey, *, via: str) -> None:
    if key.is_personal:
        record(AuditAction.PERSONAL_DATA_SEARCH, request=request, via=via, keys=key.audit_keys())
