"""A fever, a suspected case and a confirmed case each raise the CDC an alert of its own kind, labelled
as what happened (never 核酸阳性, which is a test result's alert)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from wangge.alerts.models import Alert, AlertKind
from wangge.core.testing import login
from wangge.core.testing.factories import make_alert, put_in
from wangge.health.models import EpidemicStatus as S
from wangge.health.services import status_change

CASES = [
    (S.NONE, S.FEVER, AlertKind.FEVER, "发热"),
    (S.FEVER, S.SUSPECTED, AlertKind.SUSPECTED_CASE, "疑似病例"),
    (S.SUSPECTED, S.CONFIRMED, AlertKind.CONFIRMED_CASE, "确诊病例"),
]


@pytest.mark.parametrize(("from_status", "to_status", "kind", "label"), CASES)
def test_each_status_raises_an_alert_of_its_own_kind_and_label(city, cdc, actor, from_status, to_status, kind, label):
    resident = city["residents"]["A"]
    if from_status != S.NONE:
        put_in(resident, from_status)
    status_change(actor=actor(cdc), resident_id=resident.pk, to_status=to_status, reason="流调判定",
                  evidence={"test_result": "阳性"}, severity="mild" if to_status == S.CONFIRMED else "")
    alert = Alert.objects.get(dedupe_key__startswith="status:")
    assert alert.kind == kind
    assert alert.get_kind_display() == label
    page = login(cdc).get(reverse("alerts:inbox")).content.decode()
    assert f'<span class="alert-kind">{label}</span>' in page
    assert '<span class="alert-kind">核酸阳性</span>' not in page


def test_every_alert_kind_has_a_label_of_its_own():
    labels = [str(label) for label in AlertKind.labels]
    assert len(set(labels)) == len(labels)


def test_earlier_case_alerts_stored_as_positive_tests_are_relabelled_from_their_step(city, cdc, actor):
    resident = city["residents"]["A"]
    status_change(actor=actor(cdc), resident_id=resident.pk, to_status=S.SUSPECTED, reason="流调判定",
                  evidence={"test_result": "阳性"})
    alert = Alert.objects.get(dedupe_key__startswith="status:")
    Alert.objects.filter(pk=alert.pk).update(kind=AlertKind.POSITIVE_TEST)  # as it was stored before
    test_result = make_alert(kind=AlertKind.POSITIVE_TEST, dedupe_key="quarantine_test:1")
    import_module("wangge.health.migrations.0002_relabel_case_alerts").relabel(apps, None)
    assert Alert.objects.get(pk=alert.pk).kind == AlertKind.SUSPECTED_CASE
    assert Alert.objects.get(pk=test_result.pk).kind == AlertKind.POSITIVE_TEST  # a test's alert stays
