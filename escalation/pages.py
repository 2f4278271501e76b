"""Page helpers the features of escalation share, and reception's with them (reception is on
the floor above): a row a selector finds for the user or 404, a form posted to a service and
answered the one way every page answers it (`submit`), and an official document as a page to
print and as a .docx download. They build on `core.pages`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.http import attachment
from core.officialdoc import DOCX_TYPE, OfficialDocument, officialdoc_docx
from core.pages import run_service

T = TypeVar("T")


def found_or_404(model: type[models.Model], selector: Callable[..., T], **lookup: Any) -> T:
    """What `selector(**lookup)` finds (a detail selector: the row in the user's scope); 404
    when it raises `model.DoesNotExist`."""
    try:
        return selector(**lookup)
    except model.DoesNotExist:
        raise Http404 from None


def document_page(
    request: HttpRequest,
    template: str,
    document: OfficialDocument,
    *,
    docx_url: str,
    back_url: str,
    **context: Any,
) -> HttpResponse:
    """`document` as an A4 page to print (`template` extends
    escalation/_document_page.html), with its .docx link and the way back."""
    context.update(document=document, docx_url=docx_url, back_url=back_url)
    return render(request, template, context)


def docx_download(document: OfficialDocument, ascii_name: str) -> HttpResponse:
    """`document` as a .docx download under its own name (`ascii_name` for old browsers)."""
    return attachment(officialdoc_docx(document), DOCX_TYPE, document.filename, ascii_name)


@dataclass(frozen=True)
class Submitted:
    """What became of a form posted to a service (`submit`)."""

    # Return it as it is: the 403 page, or the redirect after the service succeeded.
    response: HttpResponse | None = None
    # Else the status to show the form again with: 200 (nothing posted), 400 (bad input, its
    # errors on the form) or 409 (someone changed the object first, a message says so).
    status: int = 200


def submit(
    request: HttpRequest,
    form: forms.Form | None,
    call: Callable[[], Any],
    *,
    back: str,
    success: str | Callable[[Any], str],
    to: str | Callable[[Any], str] | None = None,
    valid: bool | None = None,
    place_errors: Callable[[ValidationError], None] | None = None,
) -> Submitted:
    """A posted form's service call: nothing on a GET; on a POST whose `form` is valid (and
    `valid`, when the page checks a formset beside it; with no form, there is nothing to
    check), the service through `run_service` (`back`, `place_errors`: its arguments). When it
    succeeds, the message `success` (or `success(result)`) and a redirect to `to` (or
    `to(result)`; by default `back`)."""
    if request.method != "POST":
        return Submitted()
    if valid is None:
        valid = form is None or form.is_valid()
    if not valid:
        return Submitted(status=400)
    outcome = run_service(request, form, call, back=back, place_errors=place_errors)
    if outcome.refused is not None:
        return Submitted(response=outcome.refused)
    if not outcome.ok:
        return Submitted(status=outcome.status)
    result = outcome.result
    messages.success(request, success(result) if callable(success) else success)
    target = to(result) if callable(to) else (to or back)
    return Submitted(response=redirect(target))
