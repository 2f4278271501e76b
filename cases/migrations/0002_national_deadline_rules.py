import datetime

from django.db import migrations

# 信访工作条例 (in force from 2022-05-01), DESIGN §2; simplified procedure in workdays.
EFFECTIVE = datetime.date(2022, 5, 1)
RULES = [
    ("acceptance", 15, "calendar_days", "第二十四条：收到之日起15日内决定是否受理"),
    ("handling", 60, "calendar_days", "第三十二条：受理之日起60日内办结"),
    ("extension", 30, "calendar_days", "第三十二条：经批准可适当延长，不超过30日"),
    ("review_request", 30, "calendar_days", "第三十五条：收到书面答复之日起30日内请求复查"),
    ("review", 30, "calendar_days", "第三十五条：收到复查请求之日起30日内提出复查意见"),
    ("rereview_request", 30, "calendar_days", "第三十六条：收到复查意见之日起30日内请求复核"),
    ("rereview", 30, "calendar_days", "第三十六条：收到复核请求之日起30日内提出复核意见"),
    ("simplified_decision", 3, "workdays", "简易办理：3个工作日内决定是否受理"),
    ("simplified_answer", 10, "workdays", "简易办理：10个工作日内作出处理意见"),
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
        jurisdiction=None, effective_from=EFFECTIVE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create_rules, remove_rules)]
