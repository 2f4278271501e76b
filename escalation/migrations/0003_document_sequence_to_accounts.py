"""The document number sequences move down to accounts (accounts.DocumentSequence), so that
the replies of `cases` can be numbered from them too: the rows are copied, then escalation's
table goes."""

from django.db import migrations


def copy(source_app, target_app):
    """Copy the sequences from one app's table to the other's; where the target has a row
    already (migrated back and forth), it keeps the higher of the two last numbers."""

    def run(apps, schema_editor):
        source = apps.get_model(source_app, "DocumentSequence")
        target = apps.get_model(target_app, "DocumentSequence")
        for row in source.objects.all():
            copied, created = target.objects.get_or_create(
                unit_id=row.unit_id,
                series=row.series,
                year=row.year,
                defaults={"last_value": row.last_value},
            )
            if not created and copied.last_value < row.last_value:
                copied.last_value = row.last_value
                copied.save(update_fields=["last_value"])

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_document_sequence"),
        ("escalation", "0002_document_numbers_with_unit_names"),
    ]

    operations = [
        migrations.RunPython(copy("escalation", "accounts"), copy("accounts", "escalation")),
        migrations.DeleteModel(name="DocumentSequence"),
    ]
