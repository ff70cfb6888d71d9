"""Today's declaration and monitoring through the account: the household link's own services."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from wangge.alerts.models import Alert
from wangge.audit.models import AuditEntry
from wangge.core.testing import login
from wangge.core.testing.factories import make_quarantine_order, make_quarantine_test, make_regime, put_in
from wangge.health.models import HealthReport
from wangge.health.services import current_slot
from wangge.screening.models import SelfDeclaration


def test_declaring_for_a_child_uses_the_declaration_service(family, parent_account):
    child = family["child"]
    response = login(parent_account).post(reverse("portal:member_declare", args=[child.pk]), {"temperature": "36.6"})
    assert response.status_code == 302
    declaration = SelfDeclaration.objects.get(resident=child)
    assert str(declaration.temperature) == "36.6"
    entry = AuditEntry.objects.get(object_type="screening.selfdeclaration")
    assert entry.actor == parent_account


def test_a_fever_declared_through_the_account_alerts_staff_like_the_link(family, parent_account):
    login(parent_account).post(reverse("portal:member_declare", args=[family["child"].pk]), {"temperature": "38.2"})
    assert Alert.objects.filter(object_id=str(family["child"].pk)).exists()


def test_a_bad_temperature_is_refused_with_the_link_rule(family, parent_account):
    client = login(parent_account)
    client.post(reverse("portal:member_declare", args=[family["child"].pk]), {"temperature": "56"})
    assert not SelfDeclaration.objects.exists()


def test_a_member_under_monitoring_reports_the_slot_through_the_account(family, parent_account):
    grandmother = family["grandmother"]
    put_in(grandmother, "close_contact")
    page = login(parent_account).get(reverse("portal:member", args=[grandmother.pk])).content.decode()
    assert 'data-testid="self-monitoring"' in page
    login(parent_account).post(reverse("portal:member_report", args=[grandmother.pk]),
                               {"slot": current_slot(), "temperature": "36.4"})
    assert HealthReport.objects.get(resident=grandmother).source == HealthReport.Source.SELF


def test_a_member_not_under_monitoring_has_no_monitoring_form(family, parent_account):
    page = login(parent_account).get(reverse("portal:member", args=[family["child"].pk])).content.decode()
    assert 'data-testid="self-monitoring"' not in page


def test_the_test_history_shows_the_quarantine_results(family, parent_account):
    today = timezone.localdate()
    order = make_quarantine_order(family["parent"], start=today - dt.timedelta(days=3),
                                  planned_release=today + dt.timedelta(days=4), regime=make_regime())
    make_quarantine_test(order, due=today - dt.timedelta(days=1), result="negative")
    page = login(parent_account).get(reverse("portal:member", args=[family["parent"].pk])).content.decode()
    assert 'data-testid="test-row"' in page and "阴性" in page


def test_the_test_history_shows_mass_testing_samples_with_the_pool_s_result(family, parent_account):
    from wangge.core.testing.factories import make_round, make_sample, make_sampling_point, make_tube

    rnd = make_round(family["parent"].grid_code, name="第3轮全员核酸")
    tube = make_tube(make_sampling_point(rnd, name="小区东门采样点"), capacity=10, result="negative",
                     status="resulted")
    make_sample(tube, family["parent"])
    page = login(parent_account).get(reverse("portal:member", args=[family["parent"].pk])).content.decode()
    assert 'data-testid="sample-row"' in page
    assert "第3轮全员核酸" in page and "小区东门采样点" in page and "10合1混检" in page and "阴性" in page
