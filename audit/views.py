from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.http import attachment
from core.pages import filtered_list

from .access import can_read_audit_trail
from .details import detail_text
from .exports import MAX_ROWS, XLSX_TYPE, audit_workbook
from .filters import AuditEntryFilter
from .models import AuditAction, AuditEntry
from .selectors import audit_entry_list
from .services import record


def _require_auditor(request: HttpRequest) -> None:
    if not can_read_audit_trail(request.user):
        raise PermissionDenied


@dataclass(frozen=True)
class EntryRow:
    """One line of the audit trail, formatted once."""

    when: str
    username: str
    action: str
    object_type: str
    object: str
    detail: str
    client_address: str
    path: str

    @classmethod
    def of(cls, entry: AuditEntry) -> EntryRow:
        return cls(
            when=f"{timezone.localtime(entry.when):%Y-%m-%d %H:%M:%S}",
            username=entry.actor_username,
            action=entry.get_action_display(),
            object_type=str(entry.object_type.name) if entry.object_type_id else "",
            object=" ".join(part for part in (entry.object_repr, f"#{entry.object_id}") if part)
            if entry.object_id
            else entry.object_repr,
            detail=detail_text(entry.detail),
            client_address=entry.client_address or "",
            path=entry.path,
        )


def _filtered(request: HttpRequest) -> AuditEntryFilter:
    return AuditEntryFilter(request.GET, queryset=audit_entry_list(), request=request)


@login_required
@require_GET
def audit_list_view(request: HttpRequest) -> HttpResponse:
    """The audit trail (安全审计), for the auditor: filters and pages of 50."""
    _require_auditor(request)
    entries = _filtered(request)
    return filtered_list(
        request,
        entries,
        row=EntryRow.of,
        template="audit/list.html",
        filters="audit/_filters.html",
        table="audit/_table.html",
        status=200 if entries.is_valid() else 400,
        max_rows=MAX_ROWS,
    )


@login_required
@require_GET
def audit_export_view(request: HttpRequest) -> HttpResponse:
    """The filtered audit trail as `.xlsx` (the newest MAX_ROWS entries); the export is itself
    recorded."""
    _require_auditor(request)
    entries = _filtered(request)
    if not entries.is_valid():
        return audit_list_view(request)
    filters = {key: value for key, value in entries.form.cleaned_data.items() if value}
    record(AuditAction.AUDIT_EXPORT, request=request, filters=filters)
    content = audit_workbook(entries.qs)
    filename = f"安全审计-{timezone.localdate():%Y%m%d}.xlsx"
    response = attachment(content, XLSX_TYPE, filename, ascii_name="audit-trail.xlsx")
    response.audit_recorded = True  # not a second time as an export (audit.middleware)
    return response
