"""The reply to the petitioner as a printable page and as a .docx download."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.pages import on_case_or_404
from core.apiauth import api_or_login_required
from core.http import attachment
from core.officialdoc import DOCX_TYPE

from .. import documents
from ..models import Reply


def _reply_or_404(request: HttpRequest, number: str, pk: int) -> Reply:
    """The reply `pk` of case `number`, if the user may see the case and the reply is on it."""
    return on_case_or_404(request, number, Reply.objects.select_related("unit__parent"), pk)


@api_or_login_required
@require_GET
def reply_print(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """The reply on an A4 page to print (a draft carries a 草稿 mark)."""
    reply = _reply_or_404(request, number, pk)
    return render(
        request,
        "cases/reply_print.html",
        {"case": reply.case, "reply": reply, "document": documents.reply_document(reply)},
    )


@api_or_login_required
@require_GET
def reply_docx(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """The reply as a Word document in the official layout, as a download."""
    reply = _reply_or_404(request, number, pk)
    document = documents.reply_document(reply)
    return attachment(
        documents.docx_bytes(document),
        DOCX_TYPE,
        document.filename,
        f"reply-{reply.case.number}.docx",
    )
