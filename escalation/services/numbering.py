from django.db import connection

from accounts.models import OrgUnit

from ..models import DocumentSequence


def next_document_number(*, unit: OrgUnit, series: str, year: int) -> str:
    """`<unit code><series>〔<year>〕<n>号`, e.g. `JZXFJ督〔2026〕12号`: unique and gap-free per
    issuing unit, series and year. Must run inside the issuing transaction (the sequence row
    stays locked until it ends; a rollback gives the number back)."""
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
    return f"{unit.code}{series}〔{year}〕{value}号"
