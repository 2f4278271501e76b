"""The admin and the audit trail.

The audit trail itself is not registered in the admin: it is read only on the auditor's page
(`/audit/`), and no one, a superuser included, changes it there. The user admin shows a staff
member's mobile number in full: each such page is recorded (the admin is below this app, so the
recording subclass is registered here). Single additions, changes and
deletions in the admin are recorded from their LogEntry (`audit.signals`); the admin writes the
log entries of a bulk deletion without signals, so the site-wide "delete selected" action is
wrapped here to record them.
"""

from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from accounts.admin import UserAdmin

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


class AuditedUserAdmin(UserAdmin):
    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.mobile:
            record(AuditAction.PERSONAL_DATA_VIEW, request=request, obj=obj, via="admin", phones=1)
        return super().render_change_form(request, context, add, change, form_url, obj)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AuditedUserAdmin)
