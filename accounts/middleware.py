import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.http import (
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from core.http import is_htmx

from . import twofactor

# Session keys of SessionTimeoutMiddleware (epoch seconds).
SESSION_STARTED_KEY = "_auth_started_at"
SESSION_SEEN_KEY = "_auth_seen_at"
# The last-seen time is written back at most this often (not a session save per request).
SEEN_RESOLUTION_SECONDS = 60
# Requests a page makes by itself (polling) are no activity of the user's.
PASSIVE_URL_NAMES = ("notifications:bell",)


def stamp_login(request) -> None:
    """Called at every login (user_logged_in): the session's start and last request."""
    now = time.time()
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now


def _login_redirect(request, *, to: str | None = None) -> HttpResponse:
    """To the login page (or `to`), back to this page afterwards. An htmx request gets
    HX-Redirect, so that the browser goes there rather than swapping the page into a
    fragment."""
    if to is None:
        back = request.get_full_path()
        current = urlsplit(request.headers.get("HX-Current-URL", "")) if is_htmx(request) else None
        if current and current.path:  # the page, not the fragment it asked for
            back = current.path + (f"?{current.query}" if current.query else "")
        to = redirect_to_login(back, resolve_url(settings.LOGIN_URL)).url
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = to
        return response
    return HttpResponseRedirect(to)


class SessionTimeoutMiddleware:
    """Ends a logged-in session after SESSION_IDLE_MINUTES without a request or
    SESSION_MAX_HOURS after its login, whatever the activity, then sends the browser to the
    login page (an htmx request through HX-Redirect). Also turns the login redirect of a view
    (`login_required` for a session that had already ended) into HX-Redirect for htmx."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            started = request.session.get(SESSION_STARTED_KEY)
            seen = request.session.get(SESSION_SEEN_KEY)
            if started is None or seen is None:
                stamp_login(request)
            elif (
                now - seen > settings.SESSION_IDLE_MINUTES * 60
                or now - started > settings.SESSION_MAX_HOURS * 3600
            ):
                logout(request)
                if request.path.startswith("/api/") or _serves_without_session(request):
                    # Anonymous now: the API's 401/403, or the public page as to anyone.
                    return self.get_response(request)
                return _login_redirect(request)
            elif now - seen >= SEEN_RESOLUTION_SECONDS and request.path not in {
                reverse(name) for name in PASSIVE_URL_NAMES
            }:
                request.session[SESSION_SEEN_KEY] = now
        response = self.get_response(request)
        if is_htmx(request) and response.status_code in (301, 302):
            login_path = resolve_url(settings.LOGIN_URL)
            if urlsplit(response["Location"]).path == login_path:
                return _login_redirect(request)
        return response


class PasswordPolicyMiddleware:
    """Sends a logged-in user whose password has expired, or was set by an administrator, to
    the password-change page before any other page (the API answers 403 through
    `accounts.passwords.PasswordIsCurrent`)."""

    # The second step of the login (TwoFactorMiddleware) comes first: a session that still
    # owes its code or its enrolment reaches those pages, then changes its password.
    ALLOWED_URL_NAMES = (
        "password_change",
        "password_change_done",
        "logout",
        "login",
        "otp_verify",
        "accounts:otp_enrol",
        "accounts:otp_backup_codes",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/api/", settings.STATIC_URL, "/i18n/"))
            and request.path not in {reverse(name) for name in self.ALLOWED_URL_NAMES}
            and request.path != reverse("admin:logout")
        ):
            from .passwords import password_change_reason

            if password_change_reason(user) is not None and not _serves_without_session(request):
                change_url = reverse("password_change")
                current = urlsplit(request.headers.get("HX-Current-URL", "")).path
                if is_htmx(request) and current == change_url:
                    return HttpResponse(status=204)  # the change page's own polling
                return _login_redirect(request, to=change_url)
        return self.get_response(request)


class TwoFactorMiddleware:
    """Holds a web session at its second step: a user who has a device and has not given its
    code this session reaches only the code page, a user whose role requires a device and has
    none only the enrolment pages (and logging out). Pages redirect there; the API (and htmx
    fragments) answer 403 with `code` saying which step is owed. Goes after django-otp's
    OTPMiddleware. API calls with a token have no session user: their code was asked for
    when the token was issued."""

    ALLOWED = {
        twofactor.VERIFY: {"otp_verify", "logout", "admin:logout", "set_language"},
        twofactor.ENROL: {
            "accounts:otp_enrol",
            "accounts:otp_backup_codes",
            "logout",
            "admin:logout",
            "set_language",
        },
    }
    PAGES = {twofactor.VERIFY: "otp_verify", twofactor.ENROL: "accounts:otp_enrol"}
    API_CODES = {
        twofactor.VERIFY: "otp_verification_required",
        twofactor.ENROL: "otp_enrolment_required",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Whether a device had verified this session, read before request.user checks it
        # (and drops it from the session if it has been deleted since).
        session = getattr(request, "session", None)
        request.otp_had_device = session is not None and DEVICE_ID_SESSION_KEY in session
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or serves_without_session(view_func):
            return None
        step = twofactor.session_step(request, had_device=request.otp_had_device)
        if step == twofactor.DONE or request.resolver_match.view_name in self.ALLOWED[step]:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": str(self._message(step)), "code": self.API_CODES[step]}, status=403
            )
        if request.headers.get("HX-Request") == "true":
            return HttpResponseForbidden()
        url = reverse(self.PAGES[step])
        return redirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")

    @staticmethod
    def _message(step):
        if step == twofactor.VERIFY:
            return _("Enter the code of your authenticator app first (log in on the web page).")
        return _("Your role requires two-step verification: set it up on the web page first.")


def without_staff_session(view):
    """Mark a view (a function, or an APIView class) that serves the public and never reads a
    staff session: a staff user's session owing its second step changes nothing there."""
    view.no_staff_session = True
    return view


def _serves_without_session(request) -> bool:
    """Whether the URL requested is served without a staff session (the public portal): the
    staff session's own gates (its time limits, the password policy) do not apply there.
    Resolved only when a gate would act, so an ordinary request pays nothing."""
    try:
        return serves_without_session(resolve(request.path_info).func)
    except Resolver404:
        return False


def serves_without_session(view_func) -> bool:
    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return bool(
        getattr(view_func, "no_staff_session", False)
        or getattr(view_class, "no_staff_session", False)
    )
