"""Read-only admin of the notifications: what went out to whom, and what is stuck."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.identity import mask_phone

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "kind",
        "title",
        "case_number",
        "status",
        "attempts",
        "masked_sms_to",
        "read_at",
    ]
    list_filter = ["status", "kind", "created_at", ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["recipient"]
    search_fields = ["title", "case_number", "recipient__username", "recipient__last_name"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    fields = [
        "recipient",
        "kind",
        "title",
        "body",
        "case_number",
        "url",
        "created_at",
        "read_at",
        "email_to",
        "masked_sms_to",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "email_sent_at",
        "sms_sent_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("text message to"))
    def masked_sms_to(self, notification: Notification) -> str:
        return mask_phone(notification.sms_to)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
