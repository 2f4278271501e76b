"""The links to an appointment's notices (print and Word), for its page and the API: the
three of `texts`, and escalation's supervision notice once the reception record issued one.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import OrgUnit, User
from escalation.notices.documents import notice_title as supervision_title

from ...models import Appointment, NoticeKind
from ..selectors import (
    NoticeAccess,
    access_of,
    attending_units,
    find_notice,
    issued_notices,
    supervision_notice_of,
)
from .texts import TITLES

# The fourth notice (督办通知书), escalation's, listed by `notice_links` under this kind.
SUPERVISION = "supervision"


def notice_url(appointment: Appointment, kind: str, unit: OrgUnit | None = None) -> str:
    url = reverse("reception:notice", args=[appointment.pk, kind])
    return f"{url}?unit={unit.code}" if unit is not None else url


def notice_docx_url(appointment: Appointment, kind: str, unit: OrgUnit | None = None) -> str:
    url = reverse("reception:notice_docx", args=[appointment.pk, kind])
    return f"{url}?unit={unit.code}" if unit is not None else url


def notice_links(
    appointment: Appointment, *, user: User | None = None, access: NoticeAccess | None = None
) -> list[dict]:
    """The notices of `appointment`, in order: the petitioner's, the leader's, one per
    attending unit, then the supervision notice once the reception's record issued one.
    Each: kind, label (also as `name`), title, unit (code or None), unit_name, number (""
    until issued), print_url, docx_url, issued. With `user` (or their `access`,
    `selectors.access_of`), only the notices that user may open: an issued one, or
    one not issued yet that they may issue (the issue button, a POST). Three to five
    queries."""
    if access is None and user is not None:
        access = access_of(user, appointment)
    units = access.units if access is not None else attending_units(appointment)
    notices = issued_notices(appointment)
    wanted = [
        (NoticeKind.PETITIONER, None),
        (NoticeKind.LEADER, None),
        *((NoticeKind.UNIT, unit) for unit in units),
    ]
    links = []
    for kind, unit in wanted:
        notice = find_notice(notices, kind, unit)
        if access is not None and not (
            access.may_open(kind, unit) and (notice is not None or access.may_issue)
        ):
            continue
        label = TITLES[kind] + (f"（{unit.name}）" if unit is not None else "")
        links.append(
            {
                "kind": str(kind),
                "label": label,
                "name": label,
                "title": TITLES[kind],
                "unit": unit.code if unit is not None else None,
                "unit_name": unit.name if unit is not None else "",
                "number": notice.number if notice is not None else "",
                "print_url": notice_url(appointment, kind, unit),
                "docx_url": notice_docx_url(appointment, kind, unit),
                "issued": notice is not None,
            }
        )
    supervision = supervision_notice_of(appointment)
    if supervision is not None and (access is None or access.area):
        title = supervision_title(supervision)
        label = f"{title}（{supervision.unit.name}）"
        links.append(
            {
                "kind": SUPERVISION,
                "label": label,
                "name": label,
                "title": title,
                "unit": supervision.unit.code,
                "unit_name": supervision.unit.name,
                "number": supervision.number,
                "print_url": reverse("escalation:notice_print", args=[supervision.pk]),
                "docx_url": reverse("escalation:notice_docx", args=[supervision.pk]),
                "issued": True,
            }
        )
    return links
