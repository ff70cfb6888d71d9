import datetime as dt

import pytest

from wangge.alerts.models import Alert, AlertKind
from wangge.audit.models import AuditEntry
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.health.models import EpidemicStatus, PersonStatus, StatusTransition
from wangge.screening import services
from wangge.screening.models import MemberCheck, Visit
from wangge.screening.services import visit_record

from .conftest import present


def record(actor, user, campaign, household, members, outcome="visited", **kw):
    return visit_record(actor=actor(user), campaign_id=campaign.pk, household_id=household.pk, outcome=outcome,
                        members=members, **kw)


def test_a_visit_records_each_member(campaign, city, grid_worker, actor):
    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    visit = record(actor, grid_worker, campaign, city["households"]["A"][0],
                   [present(a, "36.6", answers={"contact_case": False}), {"resident_id": a2.pk, "present": False}])
    checks = {c.resident_id: c for c in visit.members.all()}
    assert str(checks[a.pk].temperature) == "36.6" and checks[a.pk].answers == {"contact_case": False}
    assert checks[a2.pk].present is False and checks[a2.pk].temperature is None
    assert visit.grid_code == "420106001001001" and visit.leads == []


def test_recording_again_the_same_day_updates_the_visit(campaign, city, grid_worker, actor):
    household = city["households"]["A"][0]
    a = city["residents"]["A"]
    record(actor, grid_worker, campaign, household, [], outcome="nobody_home")
    visit = record(actor, grid_worker, campaign, household, [present(a)])
    assert Visit.objects.count() == 1
    assert visit.outcome == "visited" and list(visit.members.values_list("resident_id", flat=True)) == [a.pk]


def test_a_visit_is_audited(campaign, city, grid_worker, actor):
    visit = record(actor, grid_worker, campaign, city["households"]["A"][0], [present(city["residents"]["A"])])
    assert AuditEntry.objects.filter(object_type="screening.visit", object_id=str(visit.pk)).exists()


def test_a_volunteer_may_record_a_visit(campaign, city, volunteer, actor):
    record(actor, volunteer, campaign, city["households"]["A"][0], [present(city["residents"]["A"])])
    assert Visit.objects.count() == 1


def test_an_auditor_may_not_record_a_visit(campaign, city, auditor, actor):
    with pytest.raises(Forbidden):
        record(actor, auditor, campaign, city["households"]["A"][0], [])


def test_a_household_outside_reach_is_not_found(campaign, city, grid_worker, actor):
    with pytest.raises(NotFound):
        record(actor, grid_worker, campaign, city["households"]["B"][0], [])


def test_a_household_outside_the_campaign_area_is_not_found(city, street_officer, actor, today):
    inner = services.campaign_create(actor=actor(street_officer), name="网格B", area_code="420106001001002",
                                     start_date=today, end_date=today, frequency="once")
    with pytest.raises(NotFound):
        record(actor, street_officer, inner, city["households"]["A"][0], [])


@pytest.mark.parametrize("temperature", ["33.9", "43.1", "abc", "36.55"])
def test_a_bad_temperature_is_refused_and_nothing_is_written(campaign, city, grid_worker, actor, temperature):
    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    with pytest.raises(ValidationFailed) as info:
        record(actor, grid_worker, campaign, city["households"]["A"][0],
               [present(a2, "39.0"), present(a, temperature)])
    assert "members.1.temperature" in info.value.errors
    assert not Visit.objects.exists() and not MemberCheck.objects.exists() and not PersonStatus.objects.exists()


def test_a_present_member_without_temperature_is_refused(campaign, city, grid_worker, actor):
    with pytest.raises(ValidationFailed, match="须测量体温") as raised:
        record(actor, grid_worker, campaign, city["households"]["A"][0], [present(city["residents"]["A"], "")])
    assert raised.value.code == "invalid_members"


def test_answers_must_be_the_campaigns_questions(campaign, city, grid_worker, actor):
    with pytest.raises(ValidationFailed, match="没有这些询问项目") as raised:
        record(actor, grid_worker, campaign, city["households"]["A"][0],
               [present(city["residents"]["A"], answers={"favourite_colour": "red"})])
    assert raised.value.code == "invalid_members"


def test_a_resident_of_another_household_is_refused(campaign, city, grid_worker, actor):
    with pytest.raises(ValidationFailed):
        record(actor, grid_worker, campaign, city["households"]["A"][1], [present(city["residents"]["A"])])


def test_a_visit_before_the_campaign_started_is_refused(campaign, city, grid_worker, actor, today):
    with pytest.raises(ValidationFailed) as raised:
        record(actor, grid_worker, campaign, city["households"]["A"][0], [], outcome="nobody_home",
               date=today - dt.timedelta(days=5))
    assert raised.value.code == "date_outside_campaign"


def test_a_fever_at_the_door_makes_the_person_a_fever_lead(campaign, city, grid_worker, actor):
    a = city["residents"]["A"]
    visit = record(actor, grid_worker, campaign, city["households"]["A"][0], [present(a, "38.2")])
    assert PersonStatus.objects.get(resident=a).status == EpidemicStatus.FEVER
    transition = StatusTransition.objects.get(resident=a)
    assert transition.evidence["visit_id"] == visit.pk and transition.reason == "入户排查发现发热/症状"
    assert visit.leads == [a.pk]


def test_a_symptom_without_fever_is_a_lead_too(campaign, city, grid_worker, actor):
    a = city["residents"]["A"]
    record(actor, grid_worker, campaign, city["households"]["A"][0], [present(a, "36.8", symptoms=["干咳"])])
    assert PersonStatus.objects.get(resident=a).status == EpidemicStatus.FEVER


def test_saving_the_same_visit_twice_makes_one_lead_and_no_extra_alert(campaign, city, grid_worker, actor):
    a = city["residents"]["A"]
    household = city["households"]["A"][0]
    record(actor, grid_worker, campaign, household, [present(a, "38.2")])
    record(actor, grid_worker, campaign, household, [present(a, "38.4")])
    assert StatusTransition.objects.filter(resident=a).count() == 1
    assert not Alert.objects.filter(kind=AlertKind.NEW_LEAD).exists()


def test_a_person_already_suspected_raises_a_new_lead_alert_instead(campaign, city, grid_worker, actor):
    a = city["residents"]["A"]
    PersonStatus.objects.create(resident=a, grid_code=a.grid_code, status=EpidemicStatus.SUSPECTED,
                                since="2026-01-01T00:00:00Z")
    record(actor, grid_worker, campaign, city["households"]["A"][0], [present(a, "38.9")])
    assert PersonStatus.objects.get(resident=a).status == EpidemicStatus.SUSPECTED
    alert = Alert.objects.get(kind=AlertKind.NEW_LEAD)
    assert alert.role == "community_worker" and alert.grid_code == a.grid_code


def test_the_lead_rolls_back_with_the_visit(campaign, city, grid_worker, actor, monkeypatch):
    a = city["residents"]["A"]

    original = services.audit.record

    def broken(**kwargs):
        # Fails on the visit's own record, after the lead was made.
        if isinstance(kwargs.get("obj"), Visit):
            assert PersonStatus.objects.filter(resident=a, status=EpidemicStatus.FEVER).exists()
            raise RuntimeError("disk full")
        return original(**kwargs)

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        record(actor, grid_worker, campaign, city["households"]["A"][0], [present(a, "38.2")])
    assert not Visit.objects.exists()
    assert not PersonStatus.objects.exists() and not StatusTransition.objects.exists()


def test_members_are_not_kept_when_nobody_was_home(campaign, city, grid_worker, actor):
    visit = record(actor, grid_worker, campaign, city["households"]["A"][0],
                   [present(city["residents"]["A"], "39.0")], outcome="nobody_home")
    assert not visit.members.exists() and not PersonStatus.objects.exists()


def test_one_reading_for_the_whole_household_fills_every_member_at_home_without_their_own(
        campaign, city, grid_worker, actor):
    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    visit = record(actor, grid_worker, campaign, city["households"]["A"][0],
                   [{"resident_id": a.pk, "present": True}, present(a2, "38.1")], household_temperature="365")
    temps = {c.resident_id: str(c.temperature) for c in visit.members.all()}
    assert temps == {a.pk: "36.5", a2.pk: "38.1"}  # 365 read as 36.5; a member's own reading kept
    assert visit.leads == [a2.pk]


def test_a_household_reading_does_not_stand_in_for_someone_away(campaign, city, grid_worker, actor):
    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    visit = record(actor, grid_worker, campaign, city["households"]["A"][0],
                   [{"resident_id": a.pk, "present": True}, {"resident_id": a2.pk, "present": False}],
                   household_temperature="36.6")
    checks = {c.resident_id: c for c in visit.members.all()}
    assert str(checks[a.pk].temperature) == "36.6" and checks[a2.pk].temperature is None


def test_a_bad_household_reading_is_refused_and_nothing_is_written(campaign, city, grid_worker, actor):
    a = city["residents"]["A"]
    with pytest.raises(ValidationFailed) as refused:
        record(actor, grid_worker, campaign, city["households"]["A"][0], [{"resident_id": a.pk, "present": True}],
               household_temperature="99")
    assert refused.value.code == "invalid_members" and not Visit.objects.exists()


def test_the_visit_form_takes_one_reading_for_the_household(campaign, city, grid_worker):
    from django.urls import reverse

    from wangge.core.testing import login

    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    households = city["households"]["A"]
    url = reverse("screening:visit", args=[campaign.pk, households[0].pk])
    client = login(grid_worker)
    assert 'name="household_temperature"' in client.get(url).content.decode()
    response = client.post(url, {f"present_{a.pk}": "on", f"present_{a2.pk}": "on", "household_temperature": "36.4",
                                 "outcome": "visited"})
    assert response.status_code == 302
    assert {str(c.temperature) for c in Visit.objects.get().members.all()} == {"36.4"}
