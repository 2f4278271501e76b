"""Login lockout and throttling on every login path, through django-axes.

django-axes watches `django.contrib.auth.authenticate`: its backend (first in
AUTHENTICATION_BACKENDS) refuses a locked client before the password is checked, and its
signal handlers record every failure. Any code that logs a user in must therefore call
`authenticate(request=request, username=..., password=...)` with the request; the login page,
the admin's login and the API token endpoint do.

axes counts failures per record (one per username, address and browser) and holds a lockout
for its single cool-off time. The rules here are richer, so `LoginGuardHandler` extends axes's
database handler:

- an account (username, known or not: an unknown one is treated alike, so a lockout does not
  tell which names exist) is locked after LOGIN_FAILURE_LIMIT failures within
  LOGIN_FAILURE_WINDOW_MINUTES, for LOGIN_LOCKOUT_MINUTES from the failure that locked it;
  the lockout is marked on the record (axes's AccessAttemptExpiration, `expires_at` = the
  end of the lockout), so deleting the records in the admin ("reset") lifts it;
- an address is refused after LOGIN_ADDRESS_FAILURE_LIMIT failures (any usernames) within the
  window, until the window has passed since enough of them;
- a record whose last failure is older than the window starts again from zero at its next
  failure, so failures count only in runs without a pause of a whole window;
- attempts while refused are not recorded (they would extend the lockout forever).

The address is the connection's, or the one the trusted proxies report (TRUSTED_PROXY_COUNT).
"""

from __future__ import annotations

import datetime
import ipaddress
import math
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

LOCKOUT_CODE = "login_locked"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front, the
    address the outermost trusted proxy put into X-Forwarded-For (the N-th entry from the
    right). Entries further left were written by the client and are never believed."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        entries = [entry.strip() for entry in forwarded.split(",")]
        candidate = entries[-min(count, len(entries))]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            return remote
    return remote


@dataclass(frozen=True)
class LockState:
    account_locked: bool
    address_refused: bool
    retry_after: int  # seconds

    @property
    def refused(self) -> bool:
        return self.account_locked or self.address_refused


def _now(request) -> datetime.datetime:
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def lock_state(request, credentials: dict | None = None) -> LockState:
    """Whether this request's account or address is refused now, and for how long."""
    now = _now(request)
    window_start = now - _window()
    username = get_client_username(request, credentials)
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    account_locked = address_refused = False
    retry_after = 0
    if username:
        rows = AccessAttempt.objects.filter(username=username)
        locked_until = rows.filter(expiration__expires_at__gt=now).aggregate(
            until=Max("expiration__expires_at")
        )["until"]
        recent = rows.filter(attempt_time__gte=window_start).aggregate(
            total=Sum("failures_since_start")
        )["total"]
        if locked_until is not None:
            account_locked = True
            retry_after = (locked_until - now).total_seconds()
        elif (recent or 0) >= settings.LOGIN_FAILURE_LIMIT:
            account_locked = True
            retry_after = settings.LOGIN_LOCKOUT_MINUTES * 60
    if ip_address:
        recent = AccessAttempt.objects.filter(
            ip_address=ip_address, attempt_time__gte=window_start
        ).aggregate(total=Sum("failures_since_start"), last=Max("attempt_time"))
        if (recent["total"] or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            address_refused = True
            retry_after = max(retry_after, (recent["last"] + _window() - now).total_seconds())
    return LockState(account_locked, address_refused, max(1, math.ceil(retry_after)))


class LoginGuardHandler(AxesDatabaseHandler):
    """axes's database handler with the account and address limits, the counting window and
    the lockout time of the settings (see the module's docstring)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # axes compares this with AXES_FAILURE_LIMIT (= LOGIN_FAILURE_LIMIT): a refused
        # account or address counts as the limit, anything else as below it.
        state = lock_state(request, credentials)
        return settings.AXES_FAILURE_LIMIT if state.refused else 0

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        self._restart_stale_record(request, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if getattr(request, "axes_locked_out", False):
            self._mark_account_lockout(request, credentials)
            # A DRF view authenticates with DRF's Request, whose attributes do not reach the
            # HttpRequest that axes's middleware sees: flag that one too, so that the answer
            # is the lockout's 429 whatever the view returns.
            inner = getattr(request, "_request", None)
            if inner is not None:
                inner.axes_locked_out = True
                inner.axes_credentials = getattr(request, "axes_credentials", credentials)

    def _restart_stale_record(self, request, credentials) -> None:
        """A record whose last failure is a whole window ago (and that holds no lockout)
        starts again from zero."""
        if getattr(request, "axes_locked_out", False):
            return
        AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
            user_agent=request.axes_user_agent,
            attempt_time__lt=_now(request) - _window(),
        ).exclude(expiration__expires_at__gt=_now(request)).delete()

    def _mark_account_lockout(self, request, credentials) -> None:
        username = get_client_username(request, credentials)
        if not username:
            return
        now = _now(request)
        if AccessAttempt.objects.filter(username=username, expiration__expires_at__gt=now).exists():
            return  # already locked: the lockout is not extended
        recent = AccessAttempt.objects.filter(
            username=username, attempt_time__gte=now - _window()
        ).aggregate(total=Sum("failures_since_start"))["total"]
        if (recent or 0) < settings.LOGIN_FAILURE_LIMIT:
            return  # the address is refused, not the account
        record = (
            AccessAttempt.objects.filter(
                username=username,
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
            )
            .order_by("-attempt_time")
            .first()
        )
        if record is not None:
            AccessAttemptExpiration.objects.update_or_create(
                access_attempt=record,
                defaults={
                    "expires_at": now + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                },
            )


def lockout_message() -> str:
    return _(
        "Too many failed logins: this account or address is locked. "
        "Try again in %(minutes)d minutes, or ask the security administrator to unlock it."
    )


def _message(state: LockState) -> str:
    return lockout_message() % {"minutes": max(1, math.ceil(state.retry_after / 60))}


def lockout_details(request, credentials: dict | None = None) -> tuple[dict, int]:
    """The API's answer to a refused login (sent with 429): its body and Retry-After."""
    state = lock_state(request, credentials)
    return {"detail": _message(state), "code": LOCKOUT_CODE}, state.retry_after


def lockout_api_response(request, credentials: dict | None = None) -> JsonResponse:
    data, retry_after = lockout_details(request, credentials)
    response = JsonResponse(data, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again with the lockout message (429), or the
    API's JSON for an API path."""
    if request.path.startswith("/api/"):
        return lockout_api_response(request, credentials)
    state = lock_state(request, credentials)
    context = {
        "form": AuthenticationForm(request),
        "lockout_message": _message(state),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    response = TemplateResponse(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(state.retry_after)
    return response.render()


class AddressRateThrottle(SimpleRateThrottle):
    """Requests per client address (`client_ip`), at the rate the setting named
    `rate_setting` gives."""

    rate_setting = ""

    def get_rate(self) -> str:
        return getattr(settings, self.rate_setting)  # now, not when DRF's settings were loaded

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or ""}


class LoginRateThrottle(AddressRateThrottle):
    """Requests to the token endpoint per client address (rate LOGIN_API_RATE)."""

    scope = "login"
    rate_setting = "LOGIN_API_RATE"
