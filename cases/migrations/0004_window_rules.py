import datetime

from django.db import migrations

EFFECTIVE = datetime.date(2022, 5, 1)
RULES = [
    ("objection_window", 5, "workdays", "第二十三条：收到之日起5个工作日内提出异议并退回"),
    ("evaluation_window", 30, "calendar_days", "答复送达之日起30日内回访评价，逾期视为未评价"),
]


def create_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for kind, days, counting, note in RULES:
        DeadlineRule.objects.get_or_create(
            kind=kind,
            jurisdiction=None,
            effective_from=EFFECTIVE,
            defaults={"days": days, "counting": counting, "note": note},
        )


def remove_rules(apps, schema_editor):
    apps.get_model("cases", "DeadlineRule").objects.filter(
        kind__in=[kind for kind, *_ in RULES], jurisdiction=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_handling")]
    operations = [migrations.RunPython(create_rules, remove_rules)]
