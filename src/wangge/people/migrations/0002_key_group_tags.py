from django.db import migrations

# The key groups named by the issue and the seeds (000, 002, 004); cities can add their own.
TAGS = [
    ("elderly_alone", "独居老人", "独自居住的老年人"),
    ("disabled", "残疾人", ""),
    ("chronic", "慢性病患者", "需长期用药的慢性病人"),
    ("pregnant", "孕产妇", ""),
    ("infant", "婴幼儿", "三岁以下婴幼儿"),
    ("bedridden", "卧床", "长期卧床、行动不便"),
    ("migrant_worker", "外来务工人员", ""),
    ("risk_area_arrival", "中高风险地区来返人员", "从中高风险地区来（返）的人员"),
]


def add_tags(apps, schema_editor):
    KeyGroupTag = apps.get_model("people", "KeyGroupTag")
    for order, (code, name, description) in enumerate(TAGS, start=1):
        KeyGroupTag.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
