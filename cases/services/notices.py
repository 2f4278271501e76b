"""The written notices (告知书) the petitioner is owed: issued by each decision's service in its
own transaction (`notice_issue`, called once per decision), delivered once
(`notice_deliver`), and chased when an acceptance notice is still undelivered on its due day
(`notices_chase_undelivered`, run by the deadline scan)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.numbering import next_document_number
from accounts.roles import Role
from accounts.selectors import users_acting_for
from core.exceptions import Conflict, NotAllowed, ValidationError
from notifications.services import build_notifications, notify_phone, save_notifications

from ..kinds import CaseNotificationKind
from ..models import (
    NOTICE_SERIES,
    Case,
    DeliveryMethod,
    EventKind,
    NoticeKind,
    WrittenNotice,
)
from ..permissions import can_deliver_notice
from .core import case_event_write, case_lock

# The principal petitioner of a petition, and the online channel (petitions.models'
# PetitionerRole.PRINCIPAL and Channel.ONLINE; cases does not import petitions).
PRINCIPAL = "principal"
ONLINE_CHANNEL = "online"

# The text to the petitioner's phone: that a notice waits, nothing of its content, no name.
ONLINE_SMS = "您好：您有一份信访事项书面告知书已在网上信访平台送达，请登录查阅。"

BATCH = 500


def notice_issue(
    *,
    actor: User | None,
    case: Case,
    kind: str,
    unit: OrgUnit,
    on: datetime.date,
    **data,
) -> WrittenNotice:
    """Issue the written notice of `kind` on the decision just taken on the locked `case`, in
    the decision's transaction: `unit` issues it on `on` under its next number of the kind's
    series. `data` is what the text needs (`WrittenNotice`'s reason, text, legal_channel,
    guided_to, to_unit, due_on, earlier_case_number, review, deliver_by)."""
    number = next_document_number(unit=unit, series=NOTICE_SERIES[kind], year=on.year)
    notice = WrittenNotice.objects.create(
        case=case, kind=kind, unit=unit, number=number, issued_on=on, issued_by=actor, **data
    )
    if _came_online(case):
        # The petitioner wrote in online: the portal is where their notices go, at once.
        _delivered(notice, case, method=DeliveryMethod.ONLINE, on=on, actor=None)
    return notice


def _came_online(case: Case) -> bool:
    """Whether the case's first petition was submitted online (网上信访)."""
    first = case.petitions.order_by("received_at", "pk").values_list("channel", flat=True)
    return first.first() == ONLINE_CHANNEL


def _lock(notice: WrittenNotice | int) -> WrittenNotice:
    """Lock the notice's case (the one lock every case change takes), then read the notice
    afresh."""
    pk = notice if isinstance(notice, int) else notice.pk
    case_id = WrittenNotice.objects.values_list("case_id", flat=True).get(pk=pk)
    case = case_lock(case_id)
    fresh = WrittenNotice.objects.select_related("unit").get(pk=pk)
    fresh.case = case
    return fresh


def _petitioner_phone(case: Case) -> str:
    """The phone the principal petitioner of the case's first petition registered."""
    petition = case.petitions.order_by("received_at", "pk").first()
    if petition is None:
        return ""
    parties = list(petition.parties.all())
    principal = next((p for p in parties if p.role == PRINCIPAL), parties[0] if parties else None)
    return (principal.phone or "") if principal is not None else ""


@transaction.atomic
def notice_deliver(
    *, actor: User, notice: WrittenNotice, method: str, on: datetime.date | None = None
) -> WrittenNotice:
    """Record that `notice` reached the petitioner by `method` on `on` (today by default):
    once, by a handler of the issuing unit, not in the future nor before its issue. Online
    (网上), the notice waits on the public portal and a text tells the petitioner's phone."""
    notice = _lock(notice)
    case = notice.case
    if not can_deliver_notice(actor, notice.unit):
        raise NotAllowed(
            _("Only a handler of %(unit)s records the delivery of this notice.")
            % {"unit": notice.unit}
        )
    if notice.delivered_on is not None:
        raise Conflict(
            _("Notice %(number)s was already delivered on %(date)s.")
            % {
                "number": notice.number,
                "date": date_format(notice.delivered_on, "SHORT_DATE_FORMAT"),
            }
        )
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": _("Choose how the notice was delivered.")})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if on < notice.issued_on:
        raise ValidationError(
            {
                "date": _("The notice was issued on %(date)s; it cannot be delivered before.")
                % {"date": date_format(notice.issued_on, "SHORT_DATE_FORMAT")}
            }
        )
    return _delivered(notice, case, method=method, on=on, actor=actor)


def _delivered(
    notice: WrittenNotice, case: Case, *, method: str, on: datetime.date, actor: User | None
) -> WrittenNotice:
    """Record the delivery on the notice and the case's timeline; online, text the
    petitioner that it waits on the portal."""
    online = method == DeliveryMethod.ONLINE
    notice.delivery_method = method
    notice.delivered_on = on
    notice.delivered_by = None if online else actor
    notice.save(update_fields=["delivery_method", "delivered_on", "delivered_by"])
    case_event_write(
        case=case,
        kind=EventKind.NOTICE_DELIVERED,
        actor=actor,
        comment=f"{notice.title} {notice.number}",
        data={"notice": notice.pk, "kind": notice.kind, "method": method},
        effective_on=on,
    )
    if online:
        notify_phone(
            phone=_petitioner_phone(case),
            kind=CaseNotificationKind.NOTICE_ONLINE,
            text=ONLINE_SMS,
            case_number=case.number,
        )
    return notice


def notices_chase_undelivered(*, today: datetime.date, batch_size: int = BATCH) -> int:
    """Tell the handlers of the owner unit of each acceptance notice still undelivered after
    its due day (the acceptance time limit, Art. 23), once per notice: a notice is claimed
    under its row lock (skipped by a concurrent scan) and marked chased in the same
    transaction. Returns how many notices were chased."""
    chased = 0
    while True:
        with transaction.atomic():
            claimed = list(
                WrittenNotice.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    kind=NoticeKind.ACCEPTANCE,
                    delivered_on__isnull=True,
                    chased_at__isnull=True,
                    deliver_by__lt=today,
                )
                .select_related("case")
                .order_by("deliver_by", "pk")[:batch_size]
            )
            if not claimed:
                return chased
            WrittenNotice.objects.filter(pk__in=[n.pk for n in claimed]).update(
                chased_at=timezone.now()
            )
            handlers = users_acting_for({n.case.owner_unit_id for n in claimed}, Role.HANDLER)
            rows = []
            for notice in claimed:
                case = notice.case
                assert notice.deliver_by is not None  # filtered
                rows += build_notifications(
                    recipients=handlers.get(case.owner_unit_id, []),
                    kind=CaseNotificationKind.NOTICE_UNDELIVERED,
                    title=_(
                        "Case %(case)s: the notice of acceptance %(number)s was to be delivered "
                        "by %(date)s and is not delivered yet."
                    )
                    % {
                        "case": case.number,
                        "number": notice.number,
                        "date": date_format(notice.deliver_by, "SHORT_DATE_FORMAT"),
                    },
                    case_number=case.number,
                    url=reverse("cases:detail", args=[case.number]),
                )
            save_notifications(rows)
            chased += len(claimed)
