"""The stored first answer to an API request sent with an `Idempotency-Key` header.

Not to be confused with the key `notifications` sends to the SMS gateway: that one is ours,
sent out; this one is a client's, received."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField

# Longest key accepted (a UUID is 36 characters); a longer one is refused with 400.
MAX_KEY_LENGTH = 255


class IdempotencyRecord(models.Model):
    """One (user, key): the request it answered (its fingerprint) and the answer, written in
    the same transaction as the operation's own writes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("idempotency key"), max_length=MAX_KEY_LENGTH)
    # SHA-256 (hex) of the method, the path with its query and the body.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    content_type = models.CharField(_("content type"), max_length=100)
    # Encrypted: a petition's answer holds its one-time query code and personal data.
    response_body = EncryptedTextField(_("response body"))
    created_at = models.DateTimeField(_("stored at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
