import datetime as dt

import pytest

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.screening.models import DEFAULT_QUESTIONS, Campaign
from wangge.screening.selectors import CampaignFilters, campaigns_for
from wangge.screening.services import campaign_create


def test_a_campaign_stores_the_significant_prefix_and_default_questions(campaign):
    assert campaign.grid_code == "420106001"
    assert campaign.questions == DEFAULT_QUESTIONS


def test_creating_a_campaign_is_audited(campaign):
    entry = AuditEntry.objects.get(object_type="screening.campaign", object_id=str(campaign.pk))
    assert entry.action == AuditAction.CREATE and entry.actor_username == "street_1"


def test_a_campaign_outside_reach_is_not_found(city, street_officer, actor, today):
    with pytest.raises(NotFound):
        campaign_create(actor=actor(street_officer), name="越界", area_code="420106002000",
                        start_date=today, end_date=today, frequency="once")
    assert not Campaign.objects.exists()


def test_a_grid_worker_may_not_create_a_campaign(city, grid_worker, actor, today):
    with pytest.raises(Forbidden):
        campaign_create(actor=actor(grid_worker), name="网格排查", area_code="420106001001001",
                        start_date=today, end_date=today, frequency="once")


def test_end_before_start_is_refused_in_chinese(city, street_officer, actor, today):
    with pytest.raises(ValidationFailed) as raised:
        campaign_create(actor=actor(street_officer), name="x", area_code="420106001000",
                        start_date=today, end_date=today - dt.timedelta(days=1), frequency="daily")
    assert raised.value.code == "end_before_start"
    assert not Campaign.objects.exists()


def test_custom_questions_are_checked(city, street_officer, actor, today):
    with pytest.raises(ValidationFailed):
        campaign_create(actor=actor(street_officer), name="x", area_code="420106001000", start_date=today,
                        end_date=today, frequency="daily", questions=[{"key": "a b", "label": "?"}])


def test_a_grid_worker_sees_the_campaign_of_the_street_that_contains_their_grid(campaign, grid_worker, today):
    assert list(campaigns_for(user=grid_worker, filters=CampaignFilters(on_date=today))) == [campaign]


def test_a_street_officer_sees_a_campaign_inside_their_street(city, street_officer, actor, today):
    inner = campaign_create(actor=actor(street_officer), name="网格A", area_code="420106001001001",
                            start_date=today, end_date=today, frequency="once")
    assert inner in campaigns_for(user=street_officer)


def test_an_outsider_does_not_see_another_streets_campaign(campaign, outsider):
    assert not campaigns_for(user=outsider).exists()


def test_a_campaign_is_active_only_between_its_dates(campaign, grid_worker, today):
    assert not campaigns_for(user=grid_worker, filters=CampaignFilters(on_date=today + dt.timedelta(days=30))).exists()
    Campaign.objects.filter(pk=campaign.pk).update(is_active=False)
    assert not campaigns_for(user=grid_worker, filters=CampaignFilters(on_date=today)).exists()
