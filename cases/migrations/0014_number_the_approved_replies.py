"""Replies approved before they were numbered get their number now: per answering unit and
year of approval, in the order they were approved, from the unit's own sequence (the rule of
accounts.numbering as it stands at this migration: the 机关代字, else the unit's name, with
its code in brackets when another unit bears that name or uses it as its abbreviation)."""

from django.db import migrations
from django.db.models import Q

APPROVED = ("approved", "delivered")


def prefix(OrgUnit, unit):
    if unit.doc_abbreviation:
        return unit.doc_abbreviation
    shared = (
        OrgUnit.objects.filter(Q(name=unit.name) | Q(doc_abbreviation=unit.name))
        .exclude(pk=unit.pk)
        .exists()
    )
    return f"{unit.name}（{unit.code}）" if shared else unit.name


def number_replies(apps, schema_editor):
    Reply = apps.get_model("cases", "Reply")
    OrgUnit = apps.get_model("accounts", "OrgUnit")
    DocumentSequence = apps.get_model("accounts", "DocumentSequence")
    replies = (
        Reply.objects.filter(status__in=APPROVED, number="")
        .select_related("unit")
        .order_by("approved_on", "drafted_on", "pk")
    )
    prefixes = {}
    for reply in replies:
        year = (reply.approved_on or reply.drafted_on).year
        sequence, _ = DocumentSequence.objects.get_or_create(
            unit_id=reply.unit_id, series="", year=year
        )
        sequence.last_value += 1
        sequence.save(update_fields=["last_value"])
        if reply.unit_id not in prefixes:
            prefixes[reply.unit_id] = prefix(OrgUnit, reply.unit)
        reply.number = f"{prefixes[reply.unit_id]}〔{year}〕{sequence.last_value}号"
        reply.save(update_fields=["number"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_document_sequence"),
        ("cases", "0013_reply_number"),
    ]

    operations = [migrations.RunPython(number_replies, migrations.RunPython.noop)]
