"""What the written-notice tests share: cases brought to each decision, and reading a .docx."""

import datetime
import io

from docx import Document as read_docx

from cases import services
from cases.models import WrittenNotice
from tests.factories import deliver, petitioner, register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NAME = "孙佩华"
ID_NUMBER = "110101199003074514"
PHONE = "13945120367"


def person():
    return petitioner(name=NAME, id_number=ID_NUMBER, phone=PHONE, address="东湖社区3号楼")


RECEIVED = D(2026, 11, 2)


def received(actor, day=RECEIVED, **overrides):
    """A complaint visit received by `actor`'s unit on `day` at 9:20."""
    values = {
        "received_at": datetime.datetime(day.year, day.month, day.day, 9, 20, tzinfo=SHANGHAI),
        "petitioners": [person()],
        "summary": "升平街3号楼楼道垃圾堆积",
    }
    values.update(overrides)
    return register_petition(actor, **values).petition.case


def notice_of(case, kind: str) -> WrittenNotice:
    return WrittenNotice.objects.select_related("unit", "to_unit", "review").get(
        case=case, kind=kind
    )


def accepted(handler, **overrides):
    case = received(handler, **overrides)
    services.case_accept(actor=handler, case=case, on=D(2026, 11, 3))
    case.refresh_from_db()
    return case


def terminated(handler, leader, d1_handler, city_handler):
    """A case answered by `handler`'s unit, reviewed by D1 and re-reviewed by the city."""
    case = accepted(handler)
    deliver(case, handler, leader, on=D(2026, 11, 4))
    services.case_request_review(
        actor=d1_handler, case=case, request="不服处理意见", on=D(2026, 11, 5)
    )
    services.case_review(
        actor=d1_handler,
        case=case,
        decision="uphold",
        opinion="原处理意见并无不当。",
        on=D(2026, 11, 9),
    )
    services.case_request_rereview(
        actor=city_handler, case=case, request="仍不服", on=D(2026, 11, 10)
    )
    services.case_rereview(
        actor=city_handler,
        case=case,
        decision="change",
        opinion="补发工资差额。",
        on=D(2026, 11, 16),
    )
    case.refresh_from_db()
    return case


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in read_docx(io.BytesIO(content)).paragraphs]
