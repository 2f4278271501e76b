"""The audit trail (安全审计记录): who did what, when and from where. Append-only.

Rows are only ever inserted (`audit.services.record`). The model and its queryset refuse
updates and deletions; on PostgreSQL a trigger (migration 0001) refuses them in the database
as well, except for the retention purge (`audit.services.purge_expired`), the one deletion
path.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry outside the retention purge."""


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Account locked out")
    LOGOUT = "logout", _("Logout")
    ROLE_CHANGE = "role_change", _("Role change")
    PERMISSION_CHANGE = "permission_change", _("Permission change")
    ACCOUNT_FLAG_CHANGE = "account_flag_change", _("Account status change")
    PERSONAL_DATA_VIEW = "personal_data_view", _("View of full personal data")
    PERSONAL_DATA_SEARCH = "personal_data_search", _("Search by ID number or phone")
    EXPORT = "export", _("Export")
    DOCUMENT_DOWNLOAD = "document_download", _("Document download")
    ADMIN_CHANGE = "admin_change", _("Administration change")
    AUDIT_EXPORT = "audit_export", _("Audit trail export")
    TWO_FACTOR_RESET = "2fa_reset", _("Two-factor reset")
    PASSWORD_CHANGE = "password_change", _("Password change")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    QUERY_CODE_RENEWED = "query_code_renewed", _("Query code renewed by the petitioner")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted (only purged when expired).")

    def _purge(self) -> int:
        """Delete these rows: for `audit.services.purge_expired` only."""
        deleted, _per_model = super().delete()
        return deleted


class AuditEntry(models.Model):
    when = models.DateTimeField(_("time"), db_default=Now(), db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        # A user with audit entries is deactivated, never deleted.
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text so that it stays readable whatever happens to the account; for a failed
    # login it is the username that was tried.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # Never a full ID number or phone: `record` masks every string in it.
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    path = models.CharField(_("request path"), max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-when", "-pk"]
        indexes = [
            models.Index(fields=["actor_username", "when"], name="audit_actor_when"),
            models.Index(fields=["action", "when"], name="audit_action_when"),
            models.Index(fields=["client_address", "when"], name="audit_address_when"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted (only purged when expired).")
