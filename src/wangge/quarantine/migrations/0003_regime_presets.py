from django.db import migrations

# The editions used in China (see the issue): central days + home days, with test days per phase.
PRESETS = [
    ("14", "14天集中隔离", 14, 0, [1, 7, 14], [], "早期方案：集中隔离14天，首末日及第7天核酸检测"),
    ("14+7", "14+7", 14, 7, [1, 4, 7, 14], [], "集中隔离14天（第1、4、7、14天检测）+ 居家健康监测7天"),
    ("7+3", "7+3", 7, 3, [1, 2, 3, 5, 7], [3], "集中隔离7天（第1、2、3、5、7天检测）+ 居家隔离3天（第3天检测）"),
    ("5+3", "5+3", 5, 3, [1, 2, 3, 5], [1, 3], "集中隔离5天（第1、2、3、5天检测）+ 居家隔离3天（第1、3天检测）"),
]


def add_presets(apps, schema_editor):
    Regime = apps.get_model("quarantine", "Regime")
    for code, name, central, home, central_tests, home_tests, description in PRESETS:
        Regime.objects.update_or_create(code=code, defaults={
            "name": name, "central_days": central, "home_days": home, "central_test_days": central_tests,
            "home_test_days": home_tests, "description": description,
        })


class Migration(migrations.Migration):
    dependencies = [("quarantine", "0002_initial")]
    operations = [migrations.RunPython(add_presets, migrations.RunPython.noop)]
