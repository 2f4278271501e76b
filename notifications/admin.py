"""Read-only admin of the notifications: what went out to whom, and what is stuck. The
"Outcome unknown" status filter lists the notifications whose email or SMS may or may not have
gone out; an operator checks with the gateway by the attempt's key, then resends them or
confirms them (the two actions, with the `resend_notification` permission)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from core.exceptions import Conflict, NotAllowed
from core.identity import mask_phone

from . import services
from .models import DeliveryAttempt, Notification


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = [
        "channel",
        "status",
        "key",
        "started_at",
        "finished_at",
        "error",
        "resolved_at",
        "resolved_by",
    ]
    readonly_fields = fields
    show_change_link = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
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
    inlines = [DeliveryAttemptInline]
    actions = ["resend_unknown", "confirm_unknown_sent"]

    @admin.action(
        description=_("Resend the channels whose outcome is unknown (may arrive twice)"),
        permissions=["resend"],
    )
    def resend_unknown(self, request, queryset) -> None:
        self._resolve(
            request,
            queryset,
            services.notification_resend,
            _("Resent the channels whose outcome was unknown."),
        )

    @admin.action(
        description=_("Confirm as sent the channels whose outcome is unknown"),
        permissions=["resend"],
    )
    def confirm_unknown_sent(self, request, queryset) -> None:
        self._resolve(
            request,
            queryset,
            services.notification_confirm_sent,
            _("Confirmed as sent the channels whose outcome was unknown."),
        )

    def _resolve(self, request, queryset, service, log_message) -> None:
        done = skipped = 0
        for notification in queryset.select_related(None).only("pk", "kind", "title"):
            try:
                service(actor=request.user, notification=notification)
            except Conflict:
                skipped += 1
                continue
            except NotAllowed as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            # The admin's history of the notification: who resent or confirmed it, and when.
            self.log_change(request, notification, str(log_message))
            done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d notification done.", "%(count)d notifications done.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d notification skipped: its outcome is not unknown.",
                    "%(count)d notifications skipped: their outcome is not unknown.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("notifications.resend_notification")

    @admin.display(description=_("text message to"))
    def masked_sms_to(self, notification: Notification) -> str:
        return mask_phone(notification.sms_to)
