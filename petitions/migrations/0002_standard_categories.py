from django.db import migrations

# A standard content classification (信访内容分类) with the sub-categories petition offices use.
CATEGORIES = [
    ("01", "城乡建设", ["规划管理", "住房保障", "市政设施", "环境卫生", "城市管理执法", "房屋质量"]),
    ("02", "征地拆迁", ["征地补偿", "房屋征收补偿", "安置房", "违法占地"]),
    ("03", "劳动和社会保障", ["拖欠工资", "社会保险", "劳动关系", "退休待遇", "就业培训"]),
    ("04", "涉法涉诉", ["民事诉讼", "刑事案件", "行政诉讼", "执行难", "公安执法"]),
    ("05", "农村农业", ["土地承包", "村务管理", "惠农补贴", "林权纠纷", "农村集体资产"]),
    ("06", "国土资源", ["土地权属", "矿产资源", "不动产登记"]),
    ("07", "生态环境", ["大气污染", "水污染", "噪声污染", "固体废物"]),
    ("08", "企业改制", ["职工安置", "国企改制", "破产清算"]),
    ("09", "民政救助", ["最低生活保障", "临时救助", "优抚安置", "养老服务"]),
    ("10", "教育", ["教师待遇", "招生入学", "学校管理", "代课教师"]),
    ("11", "卫生健康", ["医疗纠纷", "医疗保障", "食品药品安全"]),
    ("12", "交通运输", ["道路建设", "公共交通", "交通事故"]),
    ("13", "物业管理", ["物业服务", "业主委员会", "维修资金"]),
    ("14", "纪检监察", ["违纪违法", "作风问题", "侵害群众利益"]),
    ("15", "人民建议", ["经济发展", "社会治理", "公共服务"]),
    ("16", "其他", []),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    for code, name, children in CATEGORIES:
        parent, _ = Category.objects.get_or_create(code=code, defaults={"name": name})
        for index, child in enumerate(children, start=1):
            Category.objects.get_or_create(
                code=f"{code}{index:02d}", defaults={"name": child, "parent": parent}
            )


def remove_categories(apps, schema_editor):
    apps.get_model("petitions", "Category").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(create_categories, remove_categories)]
