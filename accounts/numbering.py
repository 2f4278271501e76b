"""Document numbers (发文字号, GB/T 9704-2012 7.2.4) for every unit that issues documents:
escalation's notices, reception's notices and the replies of `cases`."""

from django.db import connection
from django.db.models import Q

from .models import DocumentSequence, OrgUnit


def next_document_number(*, unit: OrgUnit, series: str, year: int) -> str:
    """`<机关代字><series>〔<year>〕<n>号` (GB/T 9704-2012 7.2.4), e.g. `江信访督〔2026〕12号`:
    unique and gap-free per issuing unit, series and year; a unit without an abbreviation
    is named by its Chinese name (`document_prefix`). Must run inside the issuing
    transaction (the sequence row stays locked until it ends; a rollback gives the number
    back)."""
    table = DocumentSequence._meta.db_table
    with connection.cursor() as cursor:
        # PostgreSQL and SQLite (3.35+) both speak this upsert (as petition numbering does).
        cursor.execute(
            f"INSERT INTO {table} (unit_id, series, year, last_value) VALUES (%s, %s, %s, 1) "
            "ON CONFLICT (unit_id, series, year) "
            f"DO UPDATE SET last_value = {table}.last_value + 1 RETURNING last_value",
            [unit.pk, series, year],
        )
        (value,) = cursor.fetchone()
    return f"{document_prefix(unit)}{series}〔{year}〕{value}号"


def document_prefix(unit: OrgUnit) -> str:
    """What `unit`'s document numbers start with: its 机关代字 (unique among units), else its
    Chinese name, never the Latin code, which means nothing on paper. A name that another
    unit also bears, or uses as its abbreviation, gets the code in brackets so that no two
    units can issue the same number: 城关镇（QSCGZ）."""
    if unit.doc_abbreviation:
        return unit.doc_abbreviation
    shared = (
        OrgUnit.objects.filter(Q(name=unit.name) | Q(doc_abbreviation=unit.name))
        .exclude(pk=unit.pk)
        .exists()
    )
    return f"{unit.name}（{unit.code}）" if shared else unit.name
