"""Password policy: the validators of AUTH_PASSWORD_VALIDATORS that Django lacks, and the
rule that sends a user whose password has expired, or was set by an administrator, to the
password-change page first (pages: `accounts.middleware.PasswordPolicyMiddleware`; API:
`PasswordIsCurrent`, a default permission).

Length (PASSWORD_MIN_LENGTH), likeness to the username and the common-password list are
Django's own validators; the history is recorded by `User.save` on every password change.
"""

from __future__ import annotations

import datetime
import string

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

EXPIRED = "password_expired"
CHANGE_REQUIRED = "password_change_required"


class PasswordChangeRequired(PermissionDenied):
    """The API's refusal while the user's password has expired or must be changed; the code
    (`password_expired`, `password_change_required`) is in the response."""

    default_code = "password_change_required"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message of our catalogue (Django 5.2 reworded its own, and its Chinese
    catalogue has not the new wording)."""

    def get_error_message(self) -> str:
        return _("The password is too short: it must have at least %(count)d characters.") % {
            "count": self.min_length
        }


_CLASSES = (
    ("upper", str.isupper),
    ("lower", str.islower),
    ("digit", str.isdigit),
    ("symbol", lambda char: char in string.punctuation or not (char.isalnum() or char.isspace())),
)


class CharacterClassesValidator:
    """At least `min_classes` of: capital letters, small letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        found = {name for name, test in _CLASSES if any(test(char) for char in password)}
        if len(found) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must contain at least %(count)d of these: capital letters, "
                    "small letters, digits, symbols."
                ),
                code="password_too_simple",
                params={"count": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must contain at least %(count)d of these: capital letters, small "
            "letters, digits, symbols."
        ) % {"count": self.min_classes}


class PasswordHistoryValidator:
    """Not one of the user's last PASSWORD_HISTORY_COUNT passwords (the current one
    included)."""

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory

        count = settings.PASSWORD_HISTORY_COUNT
        hashes = list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count]
        )
        if user.password and user.has_usable_password():
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                _(
                    "This password was used recently: choose one that is not among your last "
                    "%(count)d passwords."
                ),
                code="password_reused",
                params={"count": count},
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be one of your last %(count)d passwords.") % {
            "count": settings.PASSWORD_HISTORY_COUNT
        }


def password_change_reason(user) -> str | None:
    """Why `user` must change the password before anything else, or None:
    CHANGE_REQUIRED (set by an administrator) or EXPIRED (older than PASSWORD_MAX_AGE_DAYS)."""
    if not getattr(user, "is_authenticated", False) or not user.has_usable_password():
        return None
    if settings.PASSWORD_CHANGE_AT_FIRST_LOGIN and user.must_change_password:
        return CHANGE_REQUIRED
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if max_age > 0:
        changed = user.password_changed_at or user.date_joined
        if changed is None or timezone.now() - changed >= datetime.timedelta(days=max_age):
            return EXPIRED
    return None


REASON_MESSAGES = {
    CHANGE_REQUIRED: gettext_lazy(
        "Your password was set by an administrator: choose your own password to go on."
    ),
    EXPIRED: gettext_lazy("Your password has expired: choose a new password to go on."),
}


class PasswordIsCurrent(BasePermission):
    """API: 403 with the code `password_expired` or `password_change_required` until the
    user has changed the password (on the password-change page)."""

    def has_permission(self, request, view) -> bool:
        reason = password_change_reason(request.user)
        if reason is not None:
            raise PasswordChangeRequired(detail=REASON_MESSAGES[reason], code=reason)
        return True
