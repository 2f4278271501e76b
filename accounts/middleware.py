from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from . import twofactor


class ChineseByDefaultMiddleware:
    """The interface is Simplified Chinese unless the user picked another language with the
    switch (language cookie): the browser's Accept-Language is not consulted, because the
    offices' machines often run with English system locales."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
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
        if not request.user.is_authenticated:
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
