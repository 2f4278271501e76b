"""Who must give a second factor, and where a web session stands with it (reads only; the
writes are in `services`).

A session's step is kept in the session (`STEP_SESSION_KEY`), worked out when the user logs in
(or on the first request of an older session), so that an ordinary request costs no query:
- `verify`: the user has a confirmed device and has not given its code in this session;
- `enrol`: the user's role requires two factors (OTP_ENFORCED) and the user has no device;
- `done`: nothing more is asked.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import checks
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device

STEP_SESSION_KEY = "otp_step"
VERIFY = "verify"
ENROL = "enrol"
DONE = "done"


def otp_required(user) -> bool:
    """Whether this user must have a second factor: in production (OTP_ENFORCED), a
    superuser or a holder of one of OTP_REQUIRED_ROLES."""
    if not settings.OTP_ENFORCED or not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*settings.OTP_REQUIRED_ROLES)


def has_device(user) -> bool:
    """Whether the user has a confirmed authenticator (a backup-code list alone is none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_any_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_step(user) -> str:
    """The step a freshly logged-in user still owes."""
    if has_any_device(user):
        return VERIFY
    if otp_required(user):
        return ENROL
    return DONE


def session_step(request: HttpRequest, *, had_device: bool | None = None) -> str:
    """The step the session's user owes now, worked out and kept in the session when it is not
    there yet, or when the device that verified the session has gone (reset by the security
    administrator). `had_device`: whether the session named a device before request.user was
    first read (which drops a deleted device from the session)."""
    session = request.session
    if had_device is None:
        had_device = DEVICE_ID_SESSION_KEY in session
    user = request.user
    step = session.get(STEP_SESSION_KEY)
    if step is None or (had_device and not user.is_verified()):
        step = pending_step(user)
        if step == VERIFY and user.is_verified():
            step = DONE
        session[STEP_SESSION_KEY] = step
    elif step == VERIFY and user.is_verified():
        step = session[STEP_SESSION_KEY] = DONE
    return step


def session_passed(request: HttpRequest) -> bool:
    if not request.user.is_authenticated:
        return True
    return session_step(request, had_device=getattr(request, "otp_had_device", None)) == DONE


def mark_verified(request: HttpRequest) -> None:
    """The session has given its second factor (django_otp.login has recorded the device)."""
    request.session.cycle_key()
    request.session[STEP_SESSION_KEY] = DONE


def remember_login(request: HttpRequest, user) -> None:
    """Work out the step of a web login (the user_logged_in signal); a token login through the
    API has no session login and is left alone."""
    session = getattr(request, "session", None)
    if session is None or session.get(SESSION_KEY) != str(user.pk):
        return
    session[STEP_SESSION_KEY] = pending_step(user)


@checks.register(checks.Tags.security)
def check_required_roles(app_configs, **kwargs):
    """OTP_REQUIRED_ROLES names roles that exist: a typo would leave a role unprotected."""
    from ..roles import Role

    unknown = sorted(set(settings.OTP_REQUIRED_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        checks.Error(
            f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Roles: {', '.join(Role.values)}.",
            id="accounts.E101",
        )
    ]
