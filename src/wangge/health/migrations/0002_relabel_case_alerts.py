"""Alerts raised for a suspected or confirmed case before they had kinds of their own were stored as
positive tests; give them the kind of the status they were raised for (their key names the step)."""

from django.db import migrations

KINDS = {"suspected": "suspected_case", "confirmed": "confirmed_case"}


def relabel(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    StatusTransition = apps.get_model("health", "StatusTransition")
    alerts = Alert.objects.filter(kind="positive_test", dedupe_key__startswith="status:")
    for alert in alerts.iterator():
        step = alert.dedupe_key.removeprefix("status:")
        to_status = StatusTransition.objects.filter(pk=int(step)).values_list("to_status", flat=True).first() \
            if step.isdigit() else None
        if to_status in KINDS:
            Alert.objects.filter(pk=alert.pk).update(kind=KINDS[to_status])


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial"), ("alerts", "0004_alert_kinds_for_cases")]
    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
