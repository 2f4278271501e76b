"""The three documents of a joint supervision (交办函, 信访事由摘要, 责任分摊表), each as an A4
page to print and as a .docx download, for everyone who sees the supervision (the five
units included)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from core.apiauth import api_or_login_required
from core.http import attachment
from core.officialdoc import DOCX_TYPE, officialdoc_docx

from ..documents_joint import JOINT_DOCUMENTS, JointDocumentKind
from ..models import JointSupervision
from ..selectors_joint import supervision_detail


def document_links(supervision: JointSupervision) -> list[dict]:
    """Each document's title and its print and .docx links."""
    return [
        {
            "kind": kind.slug,
            "title": kind.title,
            "print_url": reverse("escalation:joint_document", args=[supervision.pk, kind.slug]),
            "docx_url": reverse("escalation:joint_document_docx", args=[supervision.pk, kind.slug]),
        }
        for kind in JOINT_DOCUMENTS.values()
    ]


def _document(request: HttpRequest, pk: int, kind: str):
    spec: JointDocumentKind | None = JOINT_DOCUMENTS.get(kind)
    if spec is None:
        raise Http404
    try:
        supervision = supervision_detail(user=request.user, pk=pk)
    except JointSupervision.DoesNotExist:
        raise Http404 from None
    return supervision, spec, spec.build(supervision)


@api_or_login_required
@require_GET
def joint_document_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    supervision, spec, document = _document(request, pk, kind)
    return render(
        request,
        "escalation/joint_document.html",
        {
            "supervision": supervision,
            "document": document,
            "kind": spec,
            "docx_url": reverse("escalation:joint_document_docx", args=[pk, kind]),
        },
    )


@api_or_login_required
@require_GET
def joint_document_docx_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    supervision, spec, document = _document(request, pk, kind)
    return attachment(
        officialdoc_docx(document),
        DOCX_TYPE,
        document.filename,
        f"joint-{supervision.pk}-{spec.slug}.docx",
    )


urlpatterns: list = [
    path("joint/<int:pk>/documents/<slug:kind>/", joint_document_view, name="joint_document"),
    path(
        "joint/<int:pk>/documents/<slug:kind>/docx/",
        joint_document_docx_view,
        name="joint_document_docx",
    ),
]
