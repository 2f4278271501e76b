"""Two-factor writes: enrolment, verification, backup codes, turning it off and the security
administrator's reset. Devices are django-otp's: one TOTP device (an authenticator app) and one
static device holding the backup codes."""

import re
from base64 import b32encode
from binascii import unhexlify

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import device_classes
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from core.exceptions import NotAllowed, ValidationError
from core.locking import lock_and_read

from ..models import User, two_factor_reset
from ..roles import Role
from . import otp_required

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup codes"
_TOTP_CODE = re.compile(r"\d{6}")


def normalize_code(code: str) -> str:
    """A code as typed: spaces and dashes dropped, letters in lower case (backup codes)."""
    return re.sub(r"[\s-]", "", code or "").lower()


# --- enrolment ------------------------------------------------------------------------------


def totp_new_key() -> str:
    """A new secret (20 random bytes, hex), held in the session until the first code confirms
    it, so that opening the enrolment page writes no row."""
    return default_key()


def totp_secret_text(key: str) -> str:
    """The secret as an authenticator app takes it by hand: base32, in groups of four."""
    secret = b32encode(unhexlify(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_provisioning_uri(*, user: User, key: str) -> str:
    """The otpauth:// URI of the QR code (issuer OTP_TOTP_ISSUER, the username as label)."""
    return TOTPDevice(user=user, key=key).config_url


def qr_svg_data_uri(uri: str) -> str:
    """The QR code of `uri` as an SVG data: URI, for an <img> (no script, no inline style)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _delete_devices(user: User) -> None:
    for model in device_classes():
        model.objects.filter(user=user).delete()


def _new_backup_codes(user: User) -> list[str]:
    # The device stays (a session verified by a backup code stays verified); its codes go.
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def otp_enrol(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator holding `key` with its first code: it replaces any earlier
    device of the user, and comes with BACKUP_CODE_COUNT new backup codes (returned once, only
    their rows are kept)."""
    code = normalize_code(code)
    if not _TOTP_CODE.fullmatch(code):
        raise ValidationError({"code": _("Enter the 6-digit code your authenticator app shows.")})
    with transaction.atomic():
        user = lock_and_read(User.objects, user.pk)
        _delete_devices(user)
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=False
        )
        if not device.verify_token(code):
            # Rolls the new device back; the earlier one, if any, stays.
            raise ValidationError(
                {"code": _("The code is not right. Check the time on your phone and try again.")}
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return device, _new_backup_codes(user)


# --- verification ---------------------------------------------------------------------------


def otp_verify(*, user: User, code: str) -> Device | None:
    """The user's device that accepts `code` (a 6-digit authenticator code or a backup code,
    which is then used up), or None. A failure is committed: django-otp then makes the device
    wait 1, 2, 4, … seconds before it accepts another try."""
    code = normalize_code(code)
    if not code or len(code) > 16:
        return None
    model = TOTPDevice if _TOTP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


# --- the user's own settings ----------------------------------------------------------------


def otp_backup_codes_regenerate(*, user: User) -> list[str]:
    """New backup codes in place of the old ones (returned once)."""
    with transaction.atomic():
        user = lock_and_read(User.objects, user.pk)
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise NotAllowed(_("Turn on two-step verification first."))
        return _new_backup_codes(user)


def otp_disable(*, user: User, code: str) -> None:
    """Turn two-step verification off, on a current code, for a user who is not required to
    have it (checked before the code is used up, and again on the locked row)."""
    if otp_required(user):
        raise NotAllowed(_("Your role requires two-step verification: it cannot be turned off."))
    if otp_verify(user=user, code=code) is None:
        raise ValidationError({"code": _("The code is not right.")})
    with transaction.atomic():
        user = lock_and_read(User.objects, user.pk)
        if otp_required(user):
            raise NotAllowed(
                _("Your role requires two-step verification: it cannot be turned off.")
            )
        _delete_devices(user)


# --- the security administrator's reset -----------------------------------------------------


def otp_reset(*, actor: User, user_id: int) -> User:
    """Delete every device of user `user_id` (a lost phone), and revoke the API tokens that were
    issued on them. The security administrator's alone (三员分立: not the system administrator);
    both rows are locked (in id order) and the actor's role is read from its fresh row."""
    from ..tokens.services import api_tokens_revoke_all

    with transaction.atomic():
        rows = {pk: lock_and_read(User.objects, pk) for pk in sorted({actor.pk, user_id})}
        actor, user = rows[actor.pk], rows[user_id]
        if not (actor.is_active and actor.has_role(Role.SECURITY)):
            raise NotAllowed(_("Only the security administrator resets two-step verification."))
        _delete_devices(user)
        api_tokens_revoke_all(user=user, reason="two_factor_reset")
        two_factor_reset.send(sender=User, actor=actor, user=user)
    return user
