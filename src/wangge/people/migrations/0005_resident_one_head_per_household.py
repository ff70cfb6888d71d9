"""One head (户主) per household, guaranteed by the database: a partial unique index on the
household of the residents whose relation is "head".

Data written before the rule may break it.  The migration then stops before touching anything and
says how many households and which (the first 20 codes); nothing is changed.  Fix them (the 数据检查
page lists every household with more than one head, each with a link), then migrate again.
"""

from django.db import migrations, models
from django.db.models import Count

SHOWN = 20


def refuse_households_with_two_heads(apps, schema_editor):
    Resident = apps.get_model("people", "Resident")
    Household = apps.get_model("grid", "Household")
    doubled = (
        Resident.objects.using(schema_editor.connection.alias)
        .filter(relation="head")
        .values("household_id")
        .annotate(heads=Count("id"))
        .filter(heads__gt=1)
        .values_list("household_id", flat=True)
    )
    ids = list(doubled)
    if not ids:
        return
    codes = list(
        Household.objects.using(schema_editor.connection.alias)
        .filter(pk__in=ids[:SHOWN])
        .order_by("code")
        .values_list("code", flat=True)
    )
    raise RuntimeError(
        f"people.0005: {len(ids)} household(s) have more than one head (户主), so the one-head rule "
        f"cannot be added. Nothing was changed. Households (first {SHOWN}): {', '.join(codes)}. "
        "Give each of them one head (the data checks page, /checks/, lists them all), then migrate again."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0003_building_compound"),
        ("people", "0004_import_job_code_and_heartbeat"),
    ]

    operations = [
        migrations.RunPython(refuse_households_with_two_heads, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="resident",
            constraint=models.UniqueConstraint(
                condition=models.Q(("relation", "head")),
                fields=("household",),
                name="resident_one_head_per_household",
            ),
        ),
    ]
