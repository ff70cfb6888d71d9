"""Answers that need checking (been to a medium/high-risk area in 14 days, in contact with a case),
at the door or in a self-declaration: each raises a risk report for the grid worker and the CDC,
waits on the 风险线索待核查 gap list until someone records the check, and the arrivals are counted
by where they came from."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.alerts.models import Alert, AlertKind
from wangge.audit.models import AuditEntry
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.testing import login
from wangge.health import selectors as health_selectors
from wangge.screening import selectors
from wangge.screening.models import RiskReport
from wangge.screening.services import declaration_link_for, declaration_submit, risk_handle, visit_record

from .conftest import present


def visit_with(actor, user, campaign, household, resident, **answers):
    return visit_record(actor=actor(user), campaign_id=campaign.pk, household_id=household.pk, outcome="visited",
                        members=[present(resident, answers=answers)])


@pytest.fixture
def risky(campaign, city, grid_worker, actor):
    """张伟 said at the door he had been to a risk area, coming from 上海市."""
    a = city["residents"]["A"]
    visit_with(actor, grid_worker, campaign, city["households"]["A"][0], a, travel_risk_area=True,
               arrived_from="上海市")
    return RiskReport.objects.get(resident=a)


def test_a_risk_answer_at_the_door_raises_a_report_and_tells_the_grid_worker_and_the_cdc(risky, city):
    assert (risky.kind, risky.source, risky.arrived_from, risky.handled_at) == ("risk_area", "visit", "上海市", None)
    alerts = Alert.objects.filter(kind=AlertKind.RISK_REPORT, object_id=str(risky.pk))
    assert sorted(alerts.values_list("role", flat=True)) == ["cdc", "grid_worker"]
    assert AuditEntry.objects.filter(object_type="screening.riskreport", object_id=str(risky.pk)).exists()


def test_the_same_answer_again_the_same_day_is_one_report(risky, campaign, city, grid_worker, actor):
    visit_with(actor, grid_worker, campaign, city["households"]["A"][0], city["residents"]["A"],
               travel_risk_area=True)
    assert RiskReport.objects.count() == 1
    assert Alert.objects.filter(kind=AlertKind.RISK_REPORT).count() == 2


def test_a_no_answer_raises_nothing(campaign, city, grid_worker, actor):
    visit_with(actor, grid_worker, campaign, city["households"]["A"][0], city["residents"]["A"],
               travel_risk_area=False, contact_case=False)
    assert not RiskReport.objects.exists()


def test_a_declared_contact_with_a_case_raises_a_report(city, grid_worker, actor):
    link = declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)
    declaration = declaration_submit(actor=actor(None), token=link.token, resident_id=city["residents"]["A2"].pk,
                                     temperature="36.5", contact_case=True, arrived_from="武汉市")
    (report,) = declaration.risks
    assert (report.kind, report.source, report.resident_id) == ("contact_case", "declaration",
                                                                city["residents"]["A2"].pk)


def test_the_gap_list_shows_the_wait_and_a_link_to_check_it(risky, client, grid_worker, outsider):
    client.force_login(grid_worker)
    page = client.get(reverse("health:gaps"), {"kind": "risks_unchecked"})
    body = page.content.decode()
    assert page.status_code == 200 and "来自上海市" in body
    assert reverse("screening:risk", args=[risky.pk]) in body
    assert health_selectors.gap_counts(user=grid_worker, within="")["risks_unchecked"] == 1
    assert health_selectors.gap_counts(user=outsider, within="")["risks_unchecked"] == 0


def test_checking_a_report_closes_it_and_its_alerts(risky, grid_worker, actor):
    with pytest.raises(ValidationFailed) as refused:
        risk_handle(actor=actor(grid_worker), report_id=risky.pk, outcome="")
    assert refused.value.code == "outcome_required"
    risk_handle(actor=actor(grid_worker), report_id=risky.pk, outcome="cleared", note="已电话核实，未到过")
    risky.refresh_from_db()
    assert (risky.outcome, risky.handled_by) == ("cleared", grid_worker) and risky.handled_at is not None
    assert not selectors.risks_open(user=grid_worker).exists()
    assert not Alert.objects.filter(kind=AlertKind.RISK_REPORT, resolved_at__isnull=True).exists()
    with pytest.raises(ValidationFailed) as again:
        risk_handle(actor=actor(grid_worker), report_id=risky.pk, outcome="monitor")
    assert again.value.code == "risk_already_handled"


def test_a_report_outside_reach_is_not_found_and_a_role_that_may_not_check_is_refused(risky, outsider, auditor, actor):
    with pytest.raises(NotFound):
        risk_handle(actor=actor(outsider), report_id=risky.pk, outcome="cleared")
    from wangge.core.errors import Forbidden

    with pytest.raises(Forbidden):
        risk_handle(actor=actor(auditor), report_id=risky.pk, outcome="cleared")


def test_the_check_page_records_the_outcome_and_keeps_what_was_typed_on_an_error(risky, grid_worker, outsider):
    client = login(grid_worker)
    url = reverse("screening:risk", args=[risky.pk])
    page = client.get(url)
    assert page.status_code == 200 and "上海市" in page.content.decode()
    refused = client.post(url, {"note": "打了两次电话"})
    assert refused.status_code == 422 and 'value="打了两次电话"' in refused.content.decode()
    done = client.post(url, {"outcome": "monitor", "note": "已纳入居家健康监测"})
    assert done.status_code == 302
    risky.refresh_from_db()
    assert risky.outcome == "monitor"
    assert login(outsider).get(url).status_code == 404


def test_arrivals_are_counted_by_where_they_came_from(campaign, city, grid_worker, street_officer, outsider, actor):
    a, a2, b = city["residents"]["A"], city["residents"]["A2"], city["residents"]["B"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    visit_with(actor, grid_worker, campaign, city["households"]["A"][0], a, travel_risk_area=True,
               arrived_from="上海市")
    visit_record(actor=actor(street_officer), campaign_id=campaign.pk, household_id=city["households"]["A"][0].pk,
                 outcome="visited", date=yesterday,
                 members=[present(a, answers={"travel_risk_area": True, "arrived_from": "上海市"}),
                          present(a2, answers={"travel_risk_area": True, "arrived_from": " 上海市 "})])
    visit_with(actor, street_officer, campaign, city["households"]["B"][0], b, travel_risk_area=True)
    result = selectors.arrivals_by_origin(user=street_officer)
    assert result.total == 3 and result.by_origin == [("上海市", 2), ("", 1)]
    assert selectors.arrivals_by_origin(user=grid_worker).total == 2  # grid A only
    assert selectors.arrivals_by_origin(user=outsider).total == 0
    page = login(street_officer).get(reverse("screening:arrivals"), {"days": "7"})
    assert page.status_code == 200 and "上海市" in page.content.decode()
    assert login(street_officer).get(reverse("screening:arrivals"), {"days": "999"}).context["filter_errors"]


def test_opening_a_risk_report_is_an_audited_read(risky, grid_worker):
    login(grid_worker).get(reverse("screening:risk", args=[risky.pk]))
    assert AuditEntry.objects.filter(action="view", object_type="screening.riskreport",
                                     object_id=str(risky.pk), actor_username=grid_worker.username).exists()
