"""The suggestions' track (建议意见类, Art. 29): its answer clock's national default (30
calendar days from acceptance, rolled past rest days like the handling clock), the clock in
the one-open-clock constraint, and the suggestion decisions (采纳 / 部分采纳 / 暂不采纳) among
the reply's opinions."""

import datetime

from django.db import migrations, models

EFFECTIVE = datetime.date(2022, 5, 1)
RULES = [
    ("suggestion_answer", 30, "calendar_days", "第二十九条：建议意见类事项认真研究论证并予以回复"),
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
    dependencies = [
        ("accounts", "0010_verbose_names"),
        ("cases", "0019_case_reach"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="deadline",
            name="deadline_one_open_clock_per_kind",
        ),
        migrations.AlterField(
            model_name="reply",
            name="opinion",
            field=models.CharField(
                blank=True,
                choices=[
                    ("support", "Support"),
                    ("explain", "Explain"),
                    ("not_support", "Not support"),
                    ("adopted", "Adopted"),
                    ("partly_adopted", "Partly adopted"),
                    ("not_adopted", "Not adopted for now"),
                ],
                max_length=20,
                verbose_name="opinion",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("assignment__isnull", True),
                    (
                        "kind__in",
                        [
                            "acceptance",
                            "assignment",
                            "evaluation_window",
                            "extension",
                            "handling",
                            "objection_window",
                            "rereview",
                            "rereview_request",
                            "review",
                            "review_request",
                            "simplified_answer",
                            "simplified_decision",
                            "suggestion_answer",
                        ],
                    ),
                    ("met_at__isnull", True),
                ),
                fields=("case", "kind"),
                name="deadline_one_open_clock_per_kind",
            ),
        ),
        migrations.RunPython(create_rules, remove_rules),
    ]
