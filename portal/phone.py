"""Verifying the petitioner's phone with a text message code, one path for the API and the page.

A code is 6 digits, valid PUBLIC_SMS_CODE_MINUTES, and dies after PUBLIC_SMS_CODE_MAX_TRIES
wrong tries. It is kept in Django's cache (Redis in production, local memory in tests and
development) only as an HMAC under the site's secret key, by a digest of the phone; the text
message row keeps it masked (`notify_phone_secret`), so it is in clear text nowhere but in the
message itself. Codes are limited per phone (PUBLIC_SMS_CODE_PHONE_RATE and
PUBLIC_SMS_CODE_PHONE_HOURLY_RATE) and per client address (PUBLIC_SMS_CODE_RATE)."""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from accounts.login_guard import AddressRateThrottle
from notifications.services import notify_phone_secret

from .kinds import PortalNotificationKind
from .lockout import wait_for

logger = logging.getLogger(__name__)

PREFIX = "public-phone-code"
CODE_LENGTH = 6
TOKEN_SALT = "portal.phone-verified"


class RateLimited(Exception):
    """Too many codes asked for: try again in `seconds`."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _digest(phone: str) -> str:
    return hashlib.sha256(phone.strip().encode("utf-8", "surrogatepass")).hexdigest()


def _key(phone: str) -> str:
    return f"{PREFIX}:{_digest(phone)}"


def _code_hash(phone: str, code: str) -> str:
    return salted_hmac(PREFIX, f"{phone.strip()}:{code.strip()}", algorithm="sha256").hexdigest()


class SmsCodeThrottle(AddressRateThrottle):
    """Code requests per client address (rate PUBLIC_SMS_CODE_RATE)."""

    scope = "public_sms_code"
    rate_setting = "PUBLIC_SMS_CODE_RATE"


class _PhoneThrottle(SimpleRateThrottle):
    """Code requests per phone (the rate the setting named `rate_setting` gives)."""

    rate_setting = ""

    def __init__(self, phone: str) -> None:
        self.phone = phone
        super().__init__()

    def get_rate(self) -> str:
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": _digest(self.phone)}


class PhoneIntervalThrottle(_PhoneThrottle):
    scope = "public_sms_code_phone"
    rate_setting = "PUBLIC_SMS_CODE_PHONE_RATE"


class PhoneHourlyThrottle(_PhoneThrottle):
    scope = "public_sms_code_phone_hour"
    rate_setting = "PUBLIC_SMS_CODE_PHONE_HOURLY_RATE"


def code_request(request, phone: str, *, address_checked: bool = False) -> None:
    """Send a new code to `phone` (a mobile, already normalised), replacing any earlier one.
    Raises RateLimited when the phone or the client address asked too often
    (`address_checked`: the API's throttle has counted the address already). When phone
    verification is off nothing is sent. A failed send is logged, not told: the answer is
    the same whether or not the message went out."""
    if not address_checked:
        seconds = wait_for(SmsCodeThrottle(), request)
        if seconds:
            raise RateLimited(seconds)
    if not settings.PUBLIC_PHONE_VERIFICATION:
        return
    for throttle in (PhoneIntervalThrottle(phone), PhoneHourlyThrottle(phone)):
        seconds = wait_for(throttle, request)
        if seconds:
            raise RateLimited(seconds)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    lifetime = settings.PUBLIC_SMS_CODE_MINUTES * 60
    entry = {"hash": _code_hash(phone, code), "until": time.time() + lifetime}
    cache.set(_key(phone), entry, timeout=lifetime)
    cache.delete(_tries_key(phone))
    text = _(
        "Your verification code for submitting a petition is %(code)s, valid for %(minutes)d "
        "minutes. Do not tell it to anyone."
    )
    values = {"minutes": settings.PUBLIC_SMS_CODE_MINUTES}
    try:
        notify_phone_secret(
            phone=phone,
            kind=PortalNotificationKind.PHONE_CODE,
            text=text % {**values, "code": code},
            kept_text=text % {**values, "code": "*" * CODE_LENGTH},
        )
    except Exception:  # the database or the gateway: the petitioner asks again
        logger.exception("phone verification code not sent")


def code_error(phone: str, code: str) -> str:
    """Why `code` does not verify `phone` ("" when it does). A wrong code counts a try; at
    PUBLIC_SMS_CODE_MAX_TRIES the code dies. Off (PUBLIC_PHONE_VERIFICATION): always ""."""
    if not settings.PUBLIC_PHONE_VERIFICATION:
        return ""
    key = _key(phone)
    entry = cache.get(key)
    remaining = math.ceil(entry["until"] - time.time()) if entry else 0
    if entry is None or remaining <= 0:
        return _("This code has expired or was never sent: ask for a new one.")
    if constant_time_compare(entry["hash"], _code_hash(phone, code)):
        return ""
    # Counted atomically (Redis INCR): concurrent wrong tries cannot share one count.
    tries_key = _tries_key(phone)
    cache.add(tries_key, 0, timeout=remaining)
    try:
        tries = cache.incr(tries_key)
    except ValueError:  # expired meanwhile: so has the code
        tries = settings.PUBLIC_SMS_CODE_MAX_TRIES
    if tries >= settings.PUBLIC_SMS_CODE_MAX_TRIES:
        cache.delete_many([key, tries_key])
        return _("Too many wrong codes: this code no longer works, ask for a new one.")
    return _("This code is wrong: check the text message and try again.")


def _tries_key(phone: str) -> str:
    return f"{_key(phone)}:tries"


def code_used(phone: str) -> None:
    """The code served (a petition went in, or the page verified the phone): it may not serve
    again."""
    cache.delete_many([_key(phone), _tries_key(phone)])


def phone_token(phone: str) -> str:
    """Proof, for the page's petition form, that `phone` was verified just now: signed, good
    for PUBLIC_PHONE_VERIFIED_HOURS, so that writing the petition has no time pressure (the
    code itself lasts minutes)."""
    return signing.dumps(phone, salt=TOKEN_SALT)


def phone_from_token(token: str) -> str | None:
    """The phone a `phone_token` proves verified, or None: forged, altered or run out."""
    try:
        phone = signing.loads(
            token, salt=TOKEN_SALT, max_age=settings.PUBLIC_PHONE_VERIFIED_HOURS * 3600
        )
    except signing.BadSignature:
        return None
    return phone if isinstance(phone, str) else None
