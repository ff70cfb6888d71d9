"""新增住户: grid.services.household_create and the unit page's form."""

import pytest
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.core.testing import GRID_A, force_login
from wangge.grid.models import Grid, Household
from wangge.grid.services import household_create


@pytest.fixture
def unit(city):
    return city["households"]["A"][0].unit


def test_a_household_gets_the_next_code_of_its_unit(unit, grid_worker, actor):
    household = household_create(actor=actor(grid_worker), unit_id=unit.pk, door_number="302")
    assert household.code == f"{unit.code}0003"  # the unit already has households 0001 and 0002
    assert (household.grid_code, household.door_number) == (GRID_A, "302")
    assert household.address == f"{unit.building.name}{unit.name}302室"


def test_an_address_given_is_kept(unit, grid_worker, actor):
    household = household_create(actor=actor(grid_worker), unit_id=unit.pk, door_number="302", address="中北路1号302")
    assert household.address == "中北路1号302"


def test_the_grid_counts_the_new_household(unit, grid_worker, actor):
    before = Grid.objects.get(code=GRID_A).household_count
    household_create(actor=actor(grid_worker), unit_id=unit.pk, door_number="302")
    assert Grid.objects.get(code=GRID_A).household_count == before + 1


def test_the_create_is_audited(unit, grid_worker, actor):
    household = household_create(actor=actor(grid_worker), unit_id=unit.pk, door_number="302")
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="grid.household")
    assert (entry.object_id, entry.grid_code, entry.actor_id) == (str(household.pk), GRID_A, grid_worker.pk)
    assert entry.changes["door_number"] == [None, "302"]


def test_a_door_number_taken_in_the_unit_is_refused(unit, grid_worker, actor):
    taken = unit.households.first().door_number
    with pytest.raises(ValidationFailed) as refused:
        household_create(actor=actor(grid_worker), unit_id=unit.pk, door_number=taken)
    assert refused.value.code == "door_number_taken"


def test_a_blank_door_number_is_refused(unit, grid_worker, actor):
    with pytest.raises(ValidationFailed) as refused:
        household_create(actor=actor(grid_worker), unit_id=unit.pk, door_number="  ")
    assert refused.value.code == "invalid"
    assert "door_number" in refused.value.errors


def test_a_unit_outside_reach_is_not_found(city, outsider, actor, unit):
    with pytest.raises(NotFound):
        household_create(actor=actor(outsider), unit_id=unit.pk, door_number="302")
    assert not Household.objects.filter(door_number="302").exists()


def test_a_volunteer_may_not_add_households(unit, volunteer, actor):
    with pytest.raises(Forbidden):
        household_create(actor=actor(volunteer), unit_id=unit.pk, door_number="302")


# --- pages --------------------------------------------------------------------------------------
def test_the_unit_page_offers_new_household_and_registering_to_editors(client, unit, grid_worker):
    force_login(client, grid_worker)
    page = client.get(reverse("grid:unit", args=[unit.pk])).content.decode()
    assert reverse("grid:household_create", args=[unit.pk]) in page
    assert f"{reverse('people:resident_register')}?unit={unit.pk}" in page


def test_the_unit_page_offers_neither_to_a_volunteer(client, unit, volunteer):
    force_login(client, volunteer)
    page = client.get(reverse("grid:unit", args=[unit.pk])).content.decode()
    assert reverse("grid:household_create", args=[unit.pk]) not in page
    assert reverse("people:resident_register") not in page


def test_the_form_creates_the_household_and_goes_on_to_registering(client, unit, grid_worker):
    force_login(client, grid_worker)
    response = client.post(reverse("grid:household_create", args=[unit.pk]), {"door_number": "302", "address": ""})
    household = Household.objects.get(unit=unit, door_number="302")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('people:resident_register')}?household={household.pk}"


def test_the_form_shows_a_taken_door_number_on_the_field(client, unit, grid_worker):
    force_login(client, grid_worker)
    taken = unit.households.first().door_number
    response = client.post(reverse("grid:household_create", args=[unit.pk]), {"door_number": taken})
    assert response.status_code == 422
    assert response.context["form"].errors["door_number"]


def test_the_form_for_a_unit_outside_reach_is_404(client, unit, outsider):
    force_login(client, outsider)
    assert client.get(reverse("grid:household_create", args=[unit.pk])).status_code == 404
