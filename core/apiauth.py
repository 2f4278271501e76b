"""The API's authentication outside the API's own views: whoever the classes in
`REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]` (a token, else the session) find on a
request. Used by the idempotency middleware and by the document downloads an API answer
links to, so both follow whatever token class the project configures."""

from __future__ import annotations

from functools import wraps
from typing import cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings


def _authenticators() -> list[BaseAuthentication]:
    # api_settings has imported the dotted paths of the setting: classes (the stubs say str).
    classes = cast("list[type[BaseAuthentication]]", api_settings.DEFAULT_AUTHENTICATION_CLASSES)
    return [auth() for auth in classes]


def _drf_request(request: HttpRequest) -> Request:
    return Request(request, authenticators=_authenticators())


def api_user(request: HttpRequest):
    """The authenticated user of `request` by the API's rules, or None for an anonymous one.
    Raises DRF's AuthenticationFailed (or another APIException) for bad credentials, e.g. an
    unknown or expired token, or a session request failing the CSRF check."""
    user = _drf_request(request).user
    return user if user is not None and user.is_authenticated else None


def _wants_api_answer(request: HttpRequest) -> bool:
    """A client of the API (it sends credentials in a header, or asks for JSON), not a
    browser following a link."""
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _unauthorized(request: HttpRequest, detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=401)
    authenticators = _authenticators()
    if authenticators:
        header = authenticators[0].authenticate_header(_drf_request(request))
        if header:
            response["WWW-Authenticate"] = header
    return response


def api_or_login_required(view):
    """Like `login_required`, for a page or download that API answers link to: a user signed
    in by the session, or by the API's token (`Authorization: Token …`), is let in. An
    anonymous API client gets 401; a browser is sent to the login page. The view's own scope
    checks apply to either user."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
            session_user = request.user
            try:
                user = api_user(request)
            except APIException as exc:
                return _unauthorized(request, str(exc.detail))
            if user is None:
                request.user = session_user
                if _wants_api_answer(request):
                    return _unauthorized(
                        request, _("Authentication credentials were not provided.")
                    )
                return redirect_to_login(request.get_full_path())
            request.user = user
        return view(request, *args, **kwargs)

    return wrapper
