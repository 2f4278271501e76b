"""The login security pages: the password change (saying why the policy asks for it), the
second step of logging in, two-step verification of one's own account (账户安全), and the
security administrator's list of users with the reset."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from core.exceptions import NotAllowed, ValidationError
from core.rest import MAX_ID

from . import twofactor
from .forms import PolicyPasswordChangeForm
from .models import User
from .passwords import REASON_MESSAGES, password_change_reason
from .roles import Role
from .selectors import backup_codes_left, users_two_factor
from .twofactor.forms import EnrolForm, OTPCodeForm
from .twofactor.services import (
    otp_backup_codes_regenerate,
    otp_disable,
    otp_enrol,
    otp_reset,
    otp_verify,
    qr_svg_data_uri,
    totp_new_key,
    totp_provisioning_uri,
    totp_secret_text,
)

ENROL_KEY_SESSION_KEY = "otp_enrol_key"
NEW_CODES_SESSION_KEY = "otp_new_backup_codes"


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """The second page of logging in: the code of the user's device, or a backup code."""
    if twofactor.session_step(request) != twofactor.VERIFY:
        return redirect(_next_url(request))
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            twofactor.mark_verified(request)
            return redirect(_next_url(request))
        form.add_error("code", _("The code is not right, or came too soon after a wrong one."))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next_url(request), "hide_menu": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol_view(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: its QR code and secret, confirmed by a first code; then the
    backup codes, once. Opening the page writes no row: the new secret waits in the session."""
    key = request.session.get(ENROL_KEY_SESSION_KEY)
    if not key:
        key = request.session[ENROL_KEY_SESSION_KEY] = totp_new_key()
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = otp_enrol(user=request.user, key=key, code=form.cleaned_data["code"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            otp_login(request, device)
            twofactor.mark_verified(request)
            del request.session[ENROL_KEY_SESSION_KEY]
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-step verification is on."))
            return redirect("accounts:otp_backup_codes")
    uri = totp_provisioning_uri(user=request.user, key=key)
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr_data_uri": qr_svg_data_uri(uri),
            "secret": totp_secret_text(key),
            "required": twofactor.otp_required(request.user),
            "hide_menu": twofactor.session_step(request) != twofactor.DONE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_backup_codes_view(request: HttpRequest) -> HttpResponse:
    """GET: new backup codes, shown this once; POST: replace them with new ones."""
    if request.method == "POST":
        try:
            request.session[NEW_CODES_SESSION_KEY] = otp_backup_codes_regenerate(user=request.user)
        except NotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("accounts:security")
        return redirect("accounts:otp_backup_codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/otp_backup_codes.html", {"codes": codes})


@login_required
@require_http_methods(["GET"])
def security_view(request: HttpRequest) -> HttpResponse:
    return _security_page(request, OTPCodeForm())


def _security_page(request: HttpRequest, disable_form: OTPCodeForm) -> HttpResponse:
    user = request.user
    enabled = twofactor.has_device(user)
    return render(
        request,
        "accounts/security.html",
        {
            "otp_enabled": enabled,
            "otp_required": twofactor.otp_required(user),
            "backup_codes_left": backup_codes_left(user=user) if enabled else 0,
            "disable_form": disable_form,
        },
    )


@login_required
@require_POST
def otp_disable_view(request: HttpRequest) -> HttpResponse:
    form = OTPCodeForm(request.POST)
    if form.is_valid():
        try:
            otp_disable(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            _add_errors(form, exc)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(request, _("Two-step verification is off."))
            return redirect("accounts:security")
    return _security_page(request, form)


def _security_admin(request: HttpRequest) -> None:
    if not request.user.has_role(Role.SECURITY):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def otp_users_view(request: HttpRequest) -> HttpResponse:
    """The security administrator's list: every user's two-step verification."""
    _security_admin(request)
    q = request.GET.get("q", "").strip()[:50]
    page = Paginator(users_two_factor(q=q), 50).get_page(request.GET.get("page"))
    required = set(settings.OTP_REQUIRED_ROLES) if settings.OTP_ENFORCED else set()
    rows = [
        {
            "user": user,
            "roles": ", ".join(
                str(Role(group.name).label) if group.name in Role.values else group.name
                for group in user.groups.all()
            ),
            "required": bool(required)
            and (user.is_superuser or any(g.name in required for g in user.groups.all())),
        }
        for user in page.object_list
    ]
    return render(request, "accounts/otp_users.html", {"page": page, "rows": rows, "q": q})


@login_required
@require_POST
def otp_reset_view(request: HttpRequest, pk: int) -> HttpResponse:
    _security_admin(request)
    if pk > MAX_ID:
        raise Http404
    try:
        user = otp_reset(actor=request.user, user_id=pk)
    except User.DoesNotExist:
        raise Http404 from None
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(
        request,
        _("Two-step verification of %(user)s is reset: they set it up again at their next login.")
        % {"user": user.display_name},
    )
    return redirect("accounts:otp_users")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, saying why when the policy sent the user here. Django keeps
    this session (update_session_auth_hash); the user's other sessions end, their session
    hash no longer matching the new password."""

    form_class = PolicyPasswordChangeForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = password_change_reason(self.request.user)
        context["password_change_reason"] = REASON_MESSAGES[reason] if reason else ""
        return context
