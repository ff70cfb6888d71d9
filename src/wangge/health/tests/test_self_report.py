"""Twice-daily reports entered by the person themselves through their household's declaration link."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from wangge.alerts.models import Alert, AlertKind
from wangge.audit.models import AuditEntry
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.testing.factories import put_in
from wangge.health import jobs
from wangge.health.models import EpidemicStatus as S
from wangge.health.models import HealthReport, PersonStatus, StatusTransition
from wangge.health.selectors import household_monitoring, is_monitored
from wangge.quarantine.models import QuarantineOrder, Regime
from wangge.screening.services import declaration_link_for, declaration_link_revoke, health_report_self


@pytest.fixture
def link(city, grid_worker, actor):
    return declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)


@pytest.fixture
def contact(city):
    resident = city["residents"]["A"]
    put_in(resident, S.CLOSE_CONTACT)
    return resident


def self_report(link, resident, temperature="36.5", slot="am", **kw):
    return health_report_self(link_token=link.token, resident_id=resident.pk, slot=slot, temperature=temperature,
                              symptoms=kw.pop("symptoms", []), ip_address="10.0.0.9", **kw)


def quarantine(resident):
    today = timezone.localdate()
    return QuarantineOrder.objects.create(
        resident=resident, grid_code=resident.grid_code, regime=Regime.objects.first(), place="home", phase="home",
        start_date=today, planned_release=today + dt.timedelta(days=14), status=QuarantineOrder.Status.ACTIVE,
        reason="来自中风险地区",
    )


def local(hour):
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour)))


def test_a_monitored_person_reports_for_themselves_today(link, contact):
    report = self_report(link, contact, "36.6")
    assert (report.date, report.slot, report.temperature) == (timezone.localdate(), "am", Decimal("36.6"))
    assert (report.source, report.reported_by) == ("self", None)


def test_the_self_report_is_audited_as_anonymous_through_the_link(link, contact):
    report = self_report(link, contact)
    entry = AuditEntry.objects.get(object_type="health.healthreport", object_id=str(report.pk))
    assert (entry.actor, entry.actor_username, entry.channel, entry.ip_address) == (None, "anonymous", "link",
                                                                                    "10.0.0.9")
    assert entry.action == "create"


def test_a_second_report_in_the_same_slot_updates_it(link, contact):
    first = self_report(link, contact, "36.4")
    second = self_report(link, contact, "36.9")
    assert first.pk == second.pk
    assert HealthReport.objects.get().temperature == Decimal("36.9")
    update = AuditEntry.objects.get(object_type="health.healthreport", action="update")
    assert update.changes["temperature"] == ["36.4", "36.9"]


def test_a_self_report_replaces_a_staff_report_of_the_same_slot(link, contact, grid_worker, actor):
    from wangge.health.services import health_report_record

    staff = health_report_record(actor=actor(grid_worker), resident_id=contact.pk, date=timezone.localdate(),
                                 slot="am", temperature="36.5")
    own = self_report(link, contact, "36.7")
    assert own.pk == staff.pk
    assert (own.source, own.reported_by) == ("self", None)


def test_a_revoked_link_is_not_found(link, contact, city, grid_worker, actor):
    declaration_link_revoke(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)
    with pytest.raises(NotFound):
        self_report(link, contact)
    assert not HealthReport.objects.exists()


def test_an_unknown_token_is_not_found(contact):
    with pytest.raises(NotFound):
        health_report_self(link_token="nope", resident_id=contact.pk, slot="am", temperature="36.5", symptoms=[])


def test_a_resident_of_another_household_is_not_found(link, city):
    other = city["residents"]["B"]
    put_in(other, S.CLOSE_CONTACT)
    with pytest.raises(NotFound):
        self_report(link, other)
    assert not HealthReport.objects.exists()


def test_a_member_not_under_monitoring_is_refused(link, city):
    with pytest.raises(NotFound) as exc:
        self_report(link, city["residents"]["A2"])
    assert exc.value.code == "not_found"
    assert "不需要健康监测" in exc.value.message
    assert not HealthReport.objects.exists()


def test_a_member_under_an_active_quarantine_order_may_report(link, city):
    resident = city["residents"]["A2"]
    quarantine(resident)
    assert self_report(link, resident).source == "self"


@pytest.mark.parametrize("value", ["33.9", "43.1", "abc", ""])
def test_a_bad_temperature_is_refused_in_chinese(link, contact, value):
    with pytest.raises(ValidationFailed) as exc:
        self_report(link, contact, value)
    assert "体温" in exc.value.message
    assert not HealthReport.objects.exists()


def test_an_unknown_symptom_is_refused(link, contact):
    with pytest.raises(ValidationFailed):
        self_report(link, contact, symptoms=["<script>"])


def test_the_afternoon_cannot_be_reported_in_the_morning(link, contact):
    with pytest.raises(ValidationFailed):
        self_report(link, contact, slot="pm", now=local(9))
    assert self_report(link, contact, slot="pm", now=local(13)).slot == "pm"


def test_a_fever_raises_the_same_cdc_alert_as_staff_entry(link, contact):
    report = self_report(link, contact, "38.2")
    alert = Alert.objects.get(dedupe_key=f"health_report:{report.pk}")
    assert (alert.kind, alert.role, alert.grid_code) == (AlertKind.FEVER, "cdc", contact.grid_code)
    assert "本人填报" in alert.title


def test_symptoms_alone_raise_the_cdc_alert(link, contact):
    report = self_report(link, contact, "36.5", symptoms=["干咳"])
    assert Alert.objects.filter(dedupe_key=f"health_report:{report.pk}").exists()


def test_a_fever_reported_by_the_person_changes_no_status(link, contact):
    self_report(link, contact, "38.2")
    assert PersonStatus.objects.get(resident=contact).status == S.CLOSE_CONTACT
    assert StatusTransition.objects.filter(resident=contact).count() == 1  # only the put_in


def test_a_quarantined_person_out_of_the_loop_is_not_made_a_fever_by_their_own_report(link, city):
    resident = city["residents"]["A2"]
    quarantine(resident)
    report = self_report(link, resident, "38.5")
    assert not PersonStatus.objects.filter(resident=resident).exists()
    assert Alert.objects.filter(dedupe_key=f"health_report:{report.pk}").exists()


def test_a_normal_self_report_raises_no_alert(link, contact):
    self_report(link, contact, "36.8")
    assert not Alert.objects.exists()


def test_the_missed_report_job_counts_a_self_report_as_present(link, contact, city):
    late = city["residents"]["A2"]
    put_in(late, S.CLOSE_CONTACT)
    self_report(link, contact, slot="am", now=local(13))
    self_report(link, contact, slot="pm", now=local(13))
    jobs.raise_missed_report_alerts(now=local(21))
    today = timezone.localdate().isoformat()
    missed = set(Alert.objects.filter(kind=AlertKind.MISSED_REPORT).values_list("dedupe_key", flat=True))
    assert f"missed:{contact.pk}:{today}:am" not in missed
    assert f"missed:{contact.pk}:{today}:pm" not in missed
    assert f"missed:{late.pk}:{today}:am" in missed


def test_a_late_self_report_resolves_the_missed_alert(link, contact):
    jobs.raise_missed_report_alerts(now=local(13))
    key = f"missed:{contact.pk}:{timezone.localdate().isoformat()}:am"
    assert Alert.objects.get(dedupe_key=key).resolved_at is None
    self_report(link, contact, slot="am")
    jobs.raise_missed_report_alerts(now=local(13))
    assert Alert.objects.get(dedupe_key=key).resolved_at is not None


def test_is_monitored_follows_status_and_quarantine(city):
    a, a2, b = city["residents"]["A"], city["residents"]["A2"], city["residents"]["B"]
    put_in(a, S.FEVER)
    quarantine(a2)
    put_in(b, S.EXCLUDED)
    assert (is_monitored(a), is_monitored(a2), is_monitored(b)) == (True, True, False)


def test_household_monitoring_lists_only_monitored_members_with_todays_reports(link, contact, city):
    self_report(link, contact, "36.6")
    rows = household_monitoring(household=city["households"]["A"][0])
    assert [r.resident.pk for r in rows] == [contact.pk]
    assert rows[0].am.temperature == Decimal("36.6") and rows[0].pm is None
