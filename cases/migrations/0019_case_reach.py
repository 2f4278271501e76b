"""The units that see each case (`cases.services.reach`), stored, and filled for the cases
there are: every unit at or above each unit that received the case or one of its
petitions, owns it, or leads or co-handles one of its assignments."""

import django.db.models.deletion
from django.db import migrations, models


BATCH = 2000


def ancestors(path):
    return [int(part) for part in path.strip("/").split("/") if part]


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Petition = apps.get_model("petitions", "Petition")
    Assignment = apps.get_model("cases", "Assignment")
    CaseReach = apps.get_model("cases", "CaseReach")
    OrgUnit = apps.get_model("accounts", "OrgUnit")
    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        reached = {pk: set() for pk in batch}
        for pk, receiving, owner in Case.objects.filter(pk__in=batch).values_list(
            "pk", "receiving_unit_id", "owner_unit_id"
        ):
            reached[pk].update((receiving, owner))
        for pk, unit in Petition.objects.filter(case_id__in=batch).values_list(
            "case_id", "receiving_unit_id"
        ):
            reached[pk].add(unit)
        assignments = Assignment.objects.filter(case_id__in=batch)
        for pk, unit in assignments.values_list("case_id", "lead_unit_id"):
            reached[pk].add(unit)
        for pk, unit in assignments.filter(co_units__isnull=False).values_list(
            "case_id", "co_units"
        ):
            reached[pk].add(unit)
        rows = {
            (unit, pk)
            for pk, units in reached.items()
            for unit_id in units
            if unit_id in paths
            for unit in ancestors(paths[unit_id])
        }
        CaseReach.objects.bulk_create(
            [CaseReach(unit_id=unit, case_id=pk) for unit, pk in sorted(rows)], batch_size=BATCH
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_verbose_names"),
        ("cases", "0018_written_notices"),
        ("petitions", "0004_registered_by_optional_for_online"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseReach",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "unit",
                        "case",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reach",
                        to="cases.case",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.orgunit",
                    ),
                ),
            ],
            options={
                "verbose_name": "unit reached by a case",
                "verbose_name_plural": "units reached by cases",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
