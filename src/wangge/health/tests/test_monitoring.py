"""Twice-daily health monitoring: recording, validation, alerts, re-entry as a fever, and the lists."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from wangge.alerts.models import Alert, AlertKind
from wangge.audit.models import AuditEntry
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.core.testing.factories import put_in
from wangge.health import selectors
from wangge.health.models import EpidemicStatus as S
from wangge.health.models import HealthReport, PersonStatus, StatusTransition
from wangge.health.services import health_report_record
from wangge.quarantine.models import QuarantineOrder, Regime


def report(actor, user, resident, temperature="36.5", slot="am", date=None, **kw):
    return health_report_record(actor=actor(user), resident_id=resident.pk, date=date or timezone.localdate(),
                                slot=slot, temperature=temperature, **kw)


def quarantine(resident, status=QuarantineOrder.Status.ACTIVE):
    today = timezone.localdate()
    return QuarantineOrder.objects.create(
        resident=resident, grid_code=resident.grid_code, regime=Regime.objects.first(), place="home", phase="home",
        start_date=today, planned_release=today + dt.timedelta(days=14), status=status, reason="来自中风险地区",
    )


def test_a_report_is_recorded_with_its_slot_and_source(city, grid_worker, actor):
    r = report(actor, grid_worker, city["residents"]["A"], "36.6", source="self")
    assert (r.slot, r.temperature, r.source, r.reported_by) == ("am", Decimal("36.6"), "self", grid_worker)


def test_a_second_report_in_the_same_slot_updates_the_first(city, grid_worker, actor):
    resident = city["residents"]["A"]
    first = report(actor, grid_worker, resident, "36.4")
    second = report(actor, grid_worker, resident, "36.8")
    assert first.pk == second.pk
    assert HealthReport.objects.get().temperature == Decimal("36.8")


def test_morning_and_afternoon_are_two_reports(city, grid_worker, actor):
    resident = city["residents"]["A"]
    report(actor, grid_worker, resident, slot="am")
    report(actor, grid_worker, resident, slot="pm")
    assert HealthReport.objects.count() == 2


def test_the_update_is_audited_with_the_old_and_new_temperature(city, grid_worker, actor):
    resident = city["residents"]["A"]
    report(actor, grid_worker, resident, "36.4")
    report(actor, grid_worker, resident, "36.9")
    entry = AuditEntry.objects.filter(object_type="health.healthreport", action="update").get()
    assert entry.changes["temperature"] == ["36.4", "36.9"]


@pytest.mark.parametrize("value", ["33.9", "43.1", "abc", ""])
def test_a_temperature_outside_34_to_43_is_refused_in_chinese(city, grid_worker, actor, value):
    with pytest.raises(ValidationFailed) as exc:
        report(actor, grid_worker, city["residents"]["A"], value)
    assert "体温" in exc.value.message
    assert not HealthReport.objects.exists()


@pytest.mark.parametrize("value", ["34.0", "43.0"])
def test_the_bounds_34_and_43_are_accepted(city, grid_worker, actor, value):
    assert report(actor, grid_worker, city["residents"]["A"], value).temperature == Decimal(value)


def test_an_unknown_slot_is_refused(city, grid_worker, actor):
    with pytest.raises(ValidationFailed):
        report(actor, grid_worker, city["residents"]["A"], slot="noon")


def test_a_report_for_someone_out_of_reach_is_not_found(city, grid_worker, actor):
    with pytest.raises(NotFound):
        report(actor, grid_worker, city["residents"]["B"])


def test_an_auditor_cannot_enter_reports(city, auditor, actor):
    with pytest.raises(Forbidden):
        report(actor, auditor, city["residents"]["A"])


def test_a_normal_report_raises_no_alert(city, grid_worker, actor):
    report(actor, grid_worker, city["residents"]["A"], "37.2")
    assert not Alert.objects.exists()
    assert not PersonStatus.objects.exists()


def test_a_fever_alerts_the_cdc_once_per_report(city, grid_worker, actor):
    resident = city["residents"]["A"]
    put_in(resident, S.CLOSE_CONTACT)
    r = report(actor, grid_worker, resident, "37.3")
    report(actor, grid_worker, resident, "38.0")
    alert = Alert.objects.get(dedupe_key=f"health_report:{r.pk}")
    assert (alert.kind, alert.role) == (AlertKind.FEVER, "cdc")
    assert Alert.objects.count() == 1


def test_symptoms_alone_alert_the_cdc(city, grid_worker, actor):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    r = report(actor, grid_worker, city["residents"]["A"], "36.5", symptoms=["干咳"])
    assert Alert.objects.filter(dedupe_key=f"health_report:{r.pk}").exists()


@pytest.mark.parametrize("status", [S.NONE, S.EXCLUDED, S.RECOVERED])
def test_a_fever_brings_someone_out_of_the_loop_back_as_a_fever(city, grid_worker, actor, status):
    resident = city["residents"]["A"]
    if status != S.NONE:
        put_in(resident, status)
    report(actor, grid_worker, resident, "38.1")
    assert PersonStatus.objects.get(resident=resident).status == S.FEVER
    transition = StatusTransition.objects.filter(resident=resident).first()
    assert transition.reason == "健康监测发现发热"
    assert transition.evidence["temperature"] == "38.1"


def test_a_fever_of_a_close_contact_leaves_the_status_to_the_cdc(city, grid_worker, actor):
    resident = city["residents"]["A"]
    put_in(resident, S.CLOSE_CONTACT)
    report(actor, grid_worker, resident, "38.1")
    assert PersonStatus.objects.get(resident=resident).status == S.CLOSE_CONTACT


def test_monitored_people_are_those_under_observation_or_quarantine(city, street_officer):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    put_in(city["residents"]["A2"], S.CONFIRMED)
    quarantine(city["residents"]["B"])
    people = selectors.monitored_people(user=street_officer)
    assert [p.resident.name for p in people] == ["张伟", "王芳"]
    assert [p.status for p in people] == ["close_contact", "none"]


def test_a_released_order_ends_monitoring(city, street_officer):
    quarantine(city["residents"]["B"], status=QuarantineOrder.Status.RELEASED)
    assert selectors.monitored_people(user=street_officer) == []


def test_monitored_people_carry_their_reports_of_the_day(city, grid_worker, actor):
    resident = city["residents"]["A"]
    put_in(resident, S.FEVER)
    r = report(actor, grid_worker, resident, "36.9", slot="pm")
    [person] = selectors.monitored_people(user=grid_worker)
    assert (person.am, person.pm) == (None, r)


def test_monitored_people_are_scoped(city, grid_worker):
    put_in(city["residents"]["B"], S.FEVER)
    put_in(city["residents"]["C"], S.FEVER)
    assert selectors.monitored_people(user=grid_worker) == []


def test_missing_reports_lists_the_monitored_without_a_report_in_the_slot(city, grid_worker, actor):
    put_in(city["residents"]["A"], S.FEVER)
    put_in(city["residents"]["C"], S.SECONDARY_CONTACT)
    report(actor, grid_worker, city["residents"]["A"], slot="am")
    today = timezone.localdate()
    c = city["residents"]["C"]
    assert selectors.missing_reports(date=today, slot="am") == [(c.pk, c.grid_code, "刘洋")]
    assert len(selectors.missing_reports(date=today, slot="pm")) == 2


def at_local(monkeypatch, hour: int) -> dt.datetime:
    """Make it ``hour`` o'clock today, local time, for everything that asks the time."""
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour, 0)))
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


def test_the_monitoring_headline_counts_the_whole_list_not_the_page(client, city, street_officer, grid_worker, actor,
                                                                    monkeypatch):
    at_local(monkeypatch, 15)
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    put_in(city["residents"]["A2"], S.FEVER)
    quarantine(city["residents"]["B"])
    report(actor, grid_worker, city["residents"]["A"], "36.6")
    client.force_login(street_officer)
    response = client.get("/health/monitoring/", {"size": 1})
    assert len(response.context["people"]) == 1 and response.context["next_url"]
    assert response.context["total"] == 3
    assert (response.context["missing_am"], response.context["missing_pm"]) == (2, 3)


def test_the_monitoring_pages_walk_every_monitored_person_once(client, city, street_officer):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    put_in(city["residents"]["A2"], S.FEVER)
    quarantine(city["residents"]["B"])
    client.force_login(street_officer)
    seen, url = [], "/health/monitoring/?size=1"
    while url:
        response = client.get(url)
        seen += [p.resident.pk for p in response.context["people"]]
        url = response.context["next_url"]
    assert seen == [p.resident.pk for p in selectors.monitored_people(user=street_officer)]


def test_the_afternoon_is_not_missed_before_it_opens(client, city, street_officer, grid_worker, actor, monkeypatch):
    at_local(monkeypatch, 9)
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    put_in(city["residents"]["A2"], S.FEVER)
    report(actor, grid_worker, city["residents"]["A"], "36.6")
    client.force_login(street_officer)
    response = client.get("/health/monitoring/")
    assert (response.context["missing_am"], response.context["missing_pm"]) == (1, None)
    assert "下午时段 12:00 开始" in response.content.decode()
    assert [a.missing_pm for a in response.context["summary"]] == [None]


def test_show_missing_lists_who_has_not_reported_in_the_open_slot(client, city, street_officer, grid_worker, actor,
                                                                  monkeypatch):
    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    put_in(a, S.CLOSE_CONTACT)
    put_in(a2, S.CLOSE_CONTACT)
    at_local(monkeypatch, 9)
    report(actor, grid_worker, a, "36.6", slot="am")
    client.force_login(street_officer)
    shown = client.get("/health/monitoring/", {"show": "missing"}).context
    assert [p.resident for p in shown["people"]] == [a2] and shown["shown"] == 1 and shown["total"] == 2
    at_local(monkeypatch, 15)
    report(actor, grid_worker, a2, "36.6", slot="pm")
    shown = client.get("/health/monitoring/", {"show": "missing"}).context
    assert [p.resident for p in shown["people"]] == [a]


def test_show_fever_lists_who_reported_a_fever_or_a_symptom_today(client, city, street_officer, grid_worker, actor):
    a, a2, b = city["residents"]["A"], city["residents"]["A2"], city["residents"]["B"]
    for person in (a, a2, b):
        put_in(person, S.CLOSE_CONTACT)
    report(actor, grid_worker, a, "38.2")
    report(actor, grid_worker, a2, "36.5", symptoms=["干咳"])
    report(actor, street_officer, b, "36.5")
    client.force_login(street_officer)
    shown = client.get("/health/monitoring/", {"show": "fever"}).context
    assert {p.resident.pk for p in shown["people"]} == {a.pk, a2.pk}


def test_command_gets_a_summary_by_area_with_a_link_down(client, city, street_officer, grid_worker, actor,
                                                         monkeypatch):
    at_local(monkeypatch, 15)
    a, b = city["residents"]["A"], city["residents"]["B"]
    put_in(a, S.CLOSE_CONTACT)
    put_in(b, S.CLOSE_CONTACT)
    report(actor, grid_worker, a, "38.0", slot="am")
    client.force_login(street_officer)
    response = client.get("/health/monitoring/", {"within": "420106001001"})
    rows = {r.prefix: (r.monitored, r.missing_am, r.missing_pm, r.fever) for r in response.context["summary"]}
    assert rows == {a.grid_code: (1, 0, 1, 1), b.grid_code: (1, 1, 1, 0)}
    assert f'href="?within={a.grid_code}"' in response.content.decode()
    client.force_login(grid_worker)  # a grid has no areas below it to sum
    assert client.get("/health/monitoring/").context["summary"] == []


def test_a_bad_show_value_is_a_filter_error_not_a_failure(client, city, street_officer):
    client.force_login(street_officer)
    response = client.get("/health/monitoring/", {"show": "<script>"})
    assert response.status_code == 200 and response.context["show"] == "" and response.context["filter_errors"]


def test_the_api_lists_the_same_people_with_the_same_counts(city, street_officer, grid_worker, outsider, actor,
                                                            monkeypatch):
    from wangge.core.testing import Api

    at_local(monkeypatch, 9)
    a, b = city["residents"]["A"], city["residents"]["B"]
    put_in(a, S.CLOSE_CONTACT)
    put_in(b, S.CLOSE_CONTACT)
    report(actor, grid_worker, a, "36.6", slot="am")
    body = Api(street_officer).get("/health/monitoring", show="missing").json()
    assert (body["total"], body["missing_am"], body["missing_pm"], body["count"]) == (2, 1, None, 1)
    assert [i["resident_id"] for i in body["items"]] == [b.pk] and body["items"][0]["phone_masked"] != b.phone
    assert {r["prefix"] for r in body["areas"]} == {"420106001001"}
    assert Api(street_officer).get("/health/monitoring", show="nobody").status_code == 422
    assert Api(outsider).get("/health/monitoring").json()["total"] == 0
