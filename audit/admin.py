"""The admin and the audit trail.

The audit trail itself is not registered in the admin: it is read only on the auditor's page
(`/audit/`), and no one, a superuser included, changes it there. Single additions, changes and
deletions in the admin are recorded from their LogEntry (`audit.signals`); the admin writes the
log entries of a bulk deletion without signals, so the site-wide "delete selected" action is
wrapped here to record them.
"""

from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import AuditAction
from .services import ObjectRef, record


def audited_delete_selected(modeladmin, request, queryset):
    if not request.POST.get("post"):
        return delete_selected(modeladmin, request, queryset)  # the confirmation page
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(queryset.model, for_concrete_model=False)
        objects = list(queryset)
        response = delete_selected(modeladmin, request, queryset)
        # Deleted (a refusal renders a page instead); one object's LogEntry is saved one by one,
        # with its signal, and recorded there.
        if response is None and len(objects) > 1:
            for obj in objects:
                record(
                    AuditAction.ADMIN_CHANGE,
                    request=request,
                    obj=ObjectRef(content_type, str(obj.pk), str(obj)),
                    change="delete",
                )
        return response


audited_delete_selected.short_description = delete_selected.short_description
audited_delete_selected.allowed_permissions = delete_selected.allowed_permissions

admin.site.add_action(audited_delete_selected, "delete_selected")
