"""The audit trail as an `.xlsx` workbook (openpyxl, write-only: rows stream to the file)."""

from __future__ import annotations

import io
import json

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import AuditEntry

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An export holds at most this many entries (the newest); narrow the filters for older ones.
MAX_ROWS = 50_000


def _safe(text: str) -> str:
    # A cell starting with = + - @ would be a formula in Excel (CSV/formula injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def audit_workbook(entries: QuerySet[AuditEntry]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Audit trail"))
    headers = [
        gettext("Time"),
        gettext("Username"),
        gettext("Action"),
        gettext("Object type"),
        gettext("Object id"),
        gettext("Object"),
        gettext("Detail"),
        gettext("Client address"),
        gettext("Request path"),
        gettext("User agent"),
    ]
    bold = Font(bold=True)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for entry in entries[:MAX_ROWS].iterator(chunk_size=2000):
        sheet.append(
            [
                timezone.localtime(entry.when).strftime("%Y-%m-%d %H:%M:%S"),
                _safe(entry.actor_username),
                entry.get_action_display(),
                str(entry.object_type.name) if entry.object_type_id else "",
                _safe(entry.object_id),
                _safe(entry.object_repr),
                _safe(json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)),
                entry.client_address or "",
                _safe(entry.path),
                _safe(entry.user_agent),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
