"""The receiving facility acknowledges a transfer before it leaves; departure waits for it."""

import pytest

from wangge.accounts.models import Role
from wangge.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wangge.core.testing import STREET_1, login
from wangge.core.testing.factories import make_facility, make_user
from wangge.transfer import services
from wangge.transfer.models import Facility, TransferOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(city, street_officer, actor, fangcang, plan):
    return services.transfer_create(actor=actor(street_officer), resident_ids=[city["residents"]["A"].pk],
                                    destination_id=fangcang.pk, **plan())


def test_departure_before_the_acknowledgement_is_refused(street_officer, actor, planned):
    with pytest.raises(Conflict, match="尚未确认接收") as raised:
        services.transfer_depart(actor=actor(street_officer), transfer_id=planned.pk)
    assert raised.value.code == "not_acknowledged"
    planned.refresh_from_db()
    assert planned.status == TransferOrder.Status.PLANNED


def test_the_acknowledgement_records_who_and_when_and_lets_it_depart(street_officer, actor, planned):
    services.transfer_acknowledge(actor=actor(street_officer), transfer_id=planned.pk, name="李护士长")
    planned.refresh_from_db()
    assert planned.acknowledged_name == "李护士长" and planned.acknowledged_by == street_officer
    assert planned.acknowledged_at is not None
    services.transfer_depart(actor=actor(street_officer), transfer_id=planned.pk)


def test_the_acknowledgement_needs_the_name_and_happens_once(street_officer, actor, planned):
    with pytest.raises(ValidationFailed) as raised:
        services.transfer_acknowledge(actor=actor(street_officer), transfer_id=planned.pk, name=" ")
    assert raised.value.code == "acknowledger_required"
    services.transfer_acknowledge(actor=actor(street_officer), transfer_id=planned.pk, name="李护士长")
    with pytest.raises(Conflict) as raised:
        services.transfer_acknowledge(actor=actor(street_officer), transfer_id=planned.pk, name="李护士长")
    assert raised.value.code == "already_acknowledged"


def test_a_community_worker_whose_reach_covers_the_facility_acknowledges(
        city, street_officer, community_worker, actor, plan):
    # A street-run isolation site: the community worker of the street covers it.
    site = make_facility("街道隔离点", Facility.Tier.ISOLATION_SITE, capacity=10, grid_code=STREET_1)
    t = services.transfer_create(actor=actor(street_officer), resident_ids=[city["residents"]["A"].pk],
                                 destination_id=site.pk, **plan())
    services.transfer_acknowledge(actor=actor(community_worker), transfer_id=t.pk, name="值班员")


def test_a_community_worker_cannot_acknowledge_for_a_facility_outside_their_reach(
        community_worker, actor, planned):
    # The 方舱 is run by the district, above the community worker's street.
    with pytest.raises(Forbidden):
        services.transfer_acknowledge(actor=actor(community_worker), transfer_id=planned.pk, name="李")


def test_a_grid_worker_may_not_acknowledge(city, actor, planned):
    worker = make_user("gw_ack", Role.GRID_WORKER, [STREET_1])
    with pytest.raises(Forbidden):
        services.transfer_acknowledge(actor=actor(worker), transfer_id=planned.pk, name="李")


def test_an_outsider_gets_not_found(outsider, actor, planned):
    with pytest.raises(NotFound):
        services.transfer_acknowledge(actor=actor(outsider), transfer_id=planned.pk, name="李")


def test_the_page_offers_acknowledging_first_then_departing(street_officer, planned):
    from django.urls import reverse

    client = login(street_officer)
    page = client.get(reverse("transfer:detail", args=[planned.pk]))
    assert page.context["can_acknowledge"] and not page.context["can_depart"]
    refused = client.post(reverse("transfer:depart", args=[planned.pk]), follow=True)
    assert "尚未确认接收" in refused.content.decode()
    client.post(reverse("transfer:acknowledge", args=[planned.pk]), {"name": "李护士长"})
    page = client.get(reverse("transfer:detail", args=[planned.pk]))
    assert page.context["can_depart"] and not page.context["can_acknowledge"]
    assert "李护士长" in page.content.decode()
