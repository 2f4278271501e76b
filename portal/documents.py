"""The documents a petitioner downloads from the portal, behind signed, expiring links.

A link names one document by kind and id inside a token signed with the secret key; it works
for PUBLIC_DOCUMENT_MINUTES from the look-up that listed it, for anyone who holds it, with no
login and no number or code in the address (so nothing of the pair lands in proxy logs or a
browser's history). A document is listed, and served, only while the petitioner may have it:
the answer once it was delivered, a written notice once it was delivered (or issued for
delivery on the portal)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from cases.documents import reply_document, reply_title
from cases.models import Case, Reply, ReplyStatus, WrittenNotice
from cases.notices import notice_document
from cases.selectors import notices_for_petitioner
from core.officialdoc import OfficialDocument

SALT = "portal.document"


@dataclass(frozen=True)
class PublicDocument:
    title: str
    url: str  # a path; the API answers it as an absolute address


@dataclass(frozen=True)
class Source:
    """One kind of document the portal hands out: what a case has of it, as (id, title, date
    issued), and the document of an id, or None once it is no longer the petitioner's to have."""

    listed: Callable[[Case], list[tuple[int, str, datetime.date]]]
    document: Callable[[int], OfficialDocument | None]


def _replies(case: Case) -> list[tuple[int, str, datetime.date]]:
    replies = Reply.objects.filter(case=case, status=ReplyStatus.DELIVERED).only(
        "pk", "number", "approved_on", "drafted_on"
    )
    titles = []
    for reply in replies.order_by("delivered_on", "pk"):
        reply.case = case
        issued = reply.approved_on or reply.drafted_on
        titles.append((reply.pk, f"{reply_title(reply)}（{reply.number}）", issued))
    return titles


def _reply(pk: int) -> OfficialDocument | None:
    reply = (
        Reply.objects.filter(pk=pk, status=ReplyStatus.DELIVERED)
        .select_related("case", "unit__parent")
        .first()
    )
    return reply_document(reply).official() if reply is not None else None


def _notices(case: Case) -> list[tuple[int, str, datetime.date]]:
    return [
        (notice.pk, f"{notice.title}（{notice.number}）", notice.issued_on)
        for notice in notices_for_petitioner(case)
    ]


def _notice(pk: int) -> OfficialDocument | None:
    case_id = WrittenNotice.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        return None
    notice = (
        notices_for_petitioner(Case(pk=case_id))
        .select_related("case", "to_unit", "review")
        .filter(pk=pk)
        .first()
    )
    return notice_document(notice) if notice is not None else None


SOURCES: dict[str, Source] = {
    "reply": Source(listed=_replies, document=_reply),
    "notice": Source(listed=_notices, document=_notice),
}


def _token(kind: str, pk: int) -> str:
    return signing.dumps({"k": kind, "id": pk}, salt=SALT, compress=True)


def documents_of(case: Case) -> tuple[PublicDocument, ...]:
    """The documents of `case` the petitioner may download now, in the order they were
    issued, each behind a fresh link."""
    listed = sorted(
        (
            (issued, kind, pk, title)
            for kind, source in SOURCES.items()
            for pk, title, issued in source.listed(case)
        ),
        key=lambda row: row[0],
    )
    return tuple(
        PublicDocument(title=title, url=reverse("portal:document", args=[_token(kind, pk)]))
        for _issued, kind, pk, title in listed
    )


def document_for(token: str) -> OfficialDocument | None:
    """The document a link names, or None: a forged, altered or expired link, or a document
    that is no longer the petitioner's to have."""
    try:
        named = signing.loads(token, salt=SALT, max_age=settings.PUBLIC_DOCUMENT_MINUTES * 60)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(named, dict):
        return None
    source = SOURCES.get(named.get("k"))  # type: ignore[arg-type]
    pk = named.get("id")
    if source is None or not isinstance(pk, int):
        return None
    return source.document(pk)
