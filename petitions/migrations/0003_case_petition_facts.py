"""Fill the petition facts now stored on each case (`Case.petition_count`,
`Case.last_received_at`) from its petitions: one UPDATE."""

from django.db import migrations
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Petition = apps.get_model("petitions", "Petition")
    of_case = Petition.objects.filter(case=OuterRef("pk")).order_by().values("case")
    Case.objects.update(
        petition_count=Coalesce(
            Subquery(of_case.annotate(n=Count("pk")).values("n")[:1]),
            0,
            output_field=IntegerField(),
        ),
        last_received_at=Subquery(of_case.annotate(last=Max("received_at")).values("last")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0002_standard_categories"),
        ("cases", "0016_case_petition_facts"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
