from django.db.models import QuerySet

from .models import AuditEntry


def audit_entry_list() -> QuerySet[AuditEntry]:
    """The audit trail, newest first, ready for display: constant query count. Callers check
    `audit.access.can_read_audit_trail` first."""
    return AuditEntry.objects.select_related("object_type").order_by("-when", "-pk")
