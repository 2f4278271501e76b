"""The public portal's pages: no login, no staff navigation, work without JavaScript."""

import math

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import without_staff_session
from core.exceptions import Conflict, ValidationError
from core.pages import apply_service_errors, docx_download

from .documents import document_for
from .forms import (
    CodeForm,
    EvaluateForm,
    LostCodeForm,
    PhoneForm,
    QueryForm,
    ReviewRequestForm,
    SubmitForm,
)
from .lockout import PublicSubmitThrottle, throttle_wait
from .messages import (
    locked_message,
    new_code_sent_message,
    not_found_message,
    renewals_used_message,
)
from .phone import RateLimited, code_request, phone_token
from .query import Locked, evaluate_matter, query_matter, renew_code, request_review
from .submit import submit

LARGE_TEXT_COOKIE = "portal_large_text"


def _context(request, **extra) -> dict:
    return {"large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1", **extra}


@without_staff_session
@require_http_methods(["GET", "HEAD"])
def start(request):
    return render(request, "portal/start.html", _context(request))


def _minutes(seconds: int) -> int:
    return max(math.ceil(seconds / 60), 1)


def _too_many(wait: int) -> str:
    message = _("Too many look-ups from this connection: try again in %(minutes)s minutes.")
    return message % {"minutes": _minutes(wait)}


@without_staff_session
@require_http_methods(["GET", "HEAD", "POST"])
def query(request):
    """The form (GET), and the answer or the form again with the reason (POST)."""
    if request.method != "POST":
        return render(request, "portal/query.html", _context(request, form=QueryForm()))
    form = QueryForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/query.html", _context(request, form=form), status=400)
    wait = throttle_wait(request)
    if wait:
        return _refused(request, form, _too_many(wait), wait)
    try:
        matter = query_matter(form.cleaned_data["number"], form.cleaned_data["query_code"])
    except Locked as locked:
        message = _(
            "Too many wrong query codes for this number: look-ups are paused for "
            "%(minutes)s minutes."
        )
        return _refused(
            request, form, message % {"minutes": _minutes(locked.seconds)}, locked.seconds
        )
    if matter is None:
        form.add_error(None, not_found_message())
        return render(request, "portal/query.html", _context(request, form=form), status=404)
    return _matter_page(request, matter, form.cleaned_data)


def _matter_page(request, matter, pair, *, evaluate_form=None, status=200):
    initial = {"number": pair["number"], "query_code": pair["query_code"]}
    if evaluate_form is None and matter.can_evaluate:
        evaluate_form = EvaluateForm(initial=initial)
    review_form = ReviewRequestForm(initial=initial) if matter.can_request_review else None
    context = _context(request, matter=matter, evaluate_form=evaluate_form, review_form=review_form)
    return render(request, "portal/matter.html", context, status=status)


@without_staff_session
@require_POST
def evaluate(request):
    """Rate the answer from the matter page: a thank-you, or the reason it was refused."""
    return _step(
        request,
        EvaluateForm(request.POST),
        lambda data: evaluate_matter(
            data["number"], data["query_code"], data["result"], data["comment"]
        ),
        template="portal/evaluated.html",
        invalid=_("Choose how satisfied you are with the answer."),
        done="evaluation",
    )


@without_staff_session
@require_POST
def review_request(request):
    """Ask for the review (or re-review) from the matter page: where it went, or the reason it
    was refused."""
    return _step(
        request,
        ReviewRequestForm(request.POST),
        lambda data: request_review(data["number"], data["query_code"], data["request"]),
        template="portal/review_requested.html",
        invalid=_("Say what you ask to be reviewed, and why."),
        done="review",
    )


def _step(request, form, call, *, template: str, invalid: str, done: str):
    """A step the petitioner takes from the matter page for the number and query code on it:
    the page `template` with what `call` made (as `done`), or with the reason it was refused
    (400, 404 for a wrong pair, 409, 429)."""

    def refused(error, status):
        return render(request, template, _context(request, error=error), status=status)

    if not form.is_valid():
        return refused(invalid, 400)
    if throttle_wait(request):
        return refused(_("Too many look-ups from this connection: try again later."), 429)
    try:
        made = call(form.cleaned_data)
    except Locked:
        return refused(locked_message(), 429)
    except Conflict as conflict:
        return refused(str(conflict), 409)
    except ValidationError:
        return refused(invalid, 400)
    if made is None:
        return refused(not_found_message(), 404)
    return render(request, template, _context(request, **{done: made}))


def _refused(request, form, message, seconds):
    form.add_error(None, message)
    response = render(request, "portal/query.html", _context(request, form=form), status=429)
    response["Retry-After"] = str(seconds)
    return response


@without_staff_session
@require_http_methods(["GET", "HEAD", "POST"])
def lost_code(request):
    """A new query code by text message (the form; POST: the same answer whatever the number
    and phone, unless the address or the number is over its limit)."""
    if request.method != "POST":
        return render(request, "portal/lost_code.html", _context(request, form=LostCodeForm()))
    form = LostCodeForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/lost_code.html", _context(request, form=form), status=400)
    wait = throttle_wait(request)
    if wait or not renew_code(form.cleaned_data["number"], form.cleaned_data["phone"]):
        form.add_error(None, renewals_used_message() if not wait else _too_many(wait))
        return render(request, "portal/lost_code.html", _context(request, form=form), status=429)
    return render(request, "portal/lost_code.html", _context(request, sent=new_code_sent_message()))


@without_staff_session
@require_http_methods(["GET", "HEAD"])
def document(request, token: str):
    """A document behind a link the matter page (or the API) handed out: the .docx, or 404
    for a link that is forged, altered, expired or names a document no longer public."""
    found = document_for(token)
    if found is None:
        raise Http404
    response = docx_download(found, "document.docx")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@without_staff_session
@require_POST
def display(request):
    """Large text and high contrast on or off (a cookie), then back to the page it came from."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not back.startswith("/public/"):
        back = reverse("portal:start")
    response = HttpResponseRedirect(back)
    if request.POST.get("large_text") == "1":
        response.set_cookie(
            LARGE_TEXT_COOKIE,
            "1",
            max_age=365 * 24 * 3600,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response


# --- submitting a petition online -----------------------------------------------------------

# The petitioner's form's names for the fields the service names otherwise.
SUBMIT_FIELDS = {"representative": "representative_name"}


@without_staff_session
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def submit_petition(request):
    """Three steps that work without JavaScript: the mobile number behind a picture puzzle
    (a code is texted to it), the code (checked at once, while it is fresh), then the
    petition with the puzzle again, as unhurried as the writer needs. On success the number
    and query code, shown this once. Without phone verification the petition form comes at
    once."""
    verify = settings.PUBLIC_PHONE_VERIFICATION
    if request.method != "POST":
        if verify:
            initial = {"phone": request.GET.get("phone", "")[:30]}
            return _phone_step(request, PhoneForm(initial=initial))
        return _petition_step(request, SubmitForm())
    step = request.POST.get("step")
    if verify and step == "phone":
        return _code_sent(request, PhoneForm(request.POST))
    if verify and step == "code":
        return _phone_verified(request, CodeForm(request.POST))
    form = SubmitForm(request.POST, request.FILES)
    if not form.is_valid():
        return _petition_step(request, form, status=400)
    wait = throttle_wait(request, PublicSubmitThrottle)
    if wait:
        message = _("Too many petitions from this connection: try again in %(minutes)s minutes.")
        form.add_error(None, message % {"minutes": _minutes(wait)})
        return _petition_step(request, form, status=429, retry_after=wait)
    try:
        registration = submit(form.to_submission())
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {SUBMIT_FIELDS.get(k, k): v for k, v in error.message_dict.items()}
            )
        apply_service_errors(error, form)
        return _petition_step(request, form, status=400)
    context = _context(
        request,
        number=registration.petition.number,
        query_code=registration.query_code,
        receiving_unit=registration.petition.receiving_unit.name,
    )
    return render(request, "portal/submitted.html", context, status=201)


def _code_sent(request, form):
    """Step 1 posted: the code goes out and step 2 opens, or step 1 again with the reason."""
    if not form.is_valid():
        return _phone_step(request, form, status=400)
    phone = form.cleaned_data["phone"]
    try:
        code_request(request, phone)
    except RateLimited as limited:
        message = _("Too many codes asked for: try again in %(minutes)s minutes.")
        form.add_error(None, message % {"minutes": _minutes(limited.seconds)})
        return _phone_step(request, form, status=429, retry_after=limited.seconds)
    return _code_step(request, CodeForm(initial={"phone": phone}), code_sent=True)


def _phone_verified(request, form):
    """Step 2 posted: the petition form for the verified phone, or the code again."""
    if not form.is_valid():
        return _code_step(request, form, status=400)
    token = phone_token(form.cleaned_data["phone"])
    return _petition_step(request, SubmitForm(initial={"phone_token": token}))


def _code_step(request, form, *, status=200, code_sent=False):
    context = _context(
        request, form=form, code_sent=code_sent, minutes=settings.PUBLIC_SMS_CODE_MINUTES
    )
    return render(request, "portal/submit_code.html", context, status=status)


def _phone_step(request, form, *, status=200, retry_after=0):
    response = render(
        request, "portal/submit_phone.html", _context(request, form=form), status=status
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _petition_step(request, form, *, status=200, retry_after=0):
    context = _context(request, form=form, verify=settings.PUBLIC_PHONE_VERIFICATION)
    response = render(request, "portal/submit.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
