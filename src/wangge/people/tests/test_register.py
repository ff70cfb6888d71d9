"""登记居民 from the resident list and the unit page: the household picked, found or created inline."""

import datetime as dt

import pytest
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.errors import ValidationFailed
from wangge.core.testing import force_login
from wangge.core.testing.factories import valid_id_number
from wangge.grid.models import Household
from wangge.people.models import Resident
from wangge.people.services import resident_register

pytestmark = pytest.mark.django_db
URL = reverse("people:resident_register")


@pytest.fixture
def unit(city):
    return city["households"]["A"][0].unit


def form(**extra):
    number = valid_id_number(birth=dt.date(1990, 3, 8), male=False)
    data = {
        "name": "孙丽",
        "id_type": "resident_id",
        "id_number": number,
        "sex": "",
        "birth_date": "",
        "phone": "",
        "relation": "head",
        "residence_type": "registered",
        "note": "",
        "household": "new",
        "door_number": "302",
        "address": "",
    }
    return data | extra


# --- service ------------------------------------------------------------------------------------
def test_registering_into_a_new_household_creates_both_and_audits_both(unit, grid_worker, actor):
    resident = resident_register(
        actor=actor(grid_worker),
        unit_id=unit.pk,
        door_number="302",
        data={"name": "孙丽", "id_number": valid_id_number(male=False)},
    )
    assert resident.household.unit_id == unit.pk and resident.household.door_number == "302"
    assert resident.relation == "head"
    types = set(AuditEntry.objects.filter(action=AuditAction.CREATE).values_list("object_type", flat=True))
    assert types == {"grid.household", "people.resident"}


def test_a_person_refused_leaves_no_new_household(unit, grid_worker, actor):
    with pytest.raises(ValidationFailed) as refused:
        resident_register(
            actor=actor(grid_worker),
            unit_id=unit.pk,
            door_number="302",
            data={"name": "孙丽", "id_number": "420106199003080000"},
        )
    assert refused.value.code == "invalid"
    assert not Household.objects.filter(door_number="302").exists()


def test_neither_household_nor_unit_is_refused(city, grid_worker, actor):
    with pytest.raises(ValidationFailed) as refused:
        resident_register(actor=actor(grid_worker), data={"name": "孙丽", "id_number": valid_id_number()})
    assert refused.value.code == "household_required"


# --- pages --------------------------------------------------------------------------------------
def test_the_resident_list_offers_registering(client, city, grid_worker):
    force_login(client, grid_worker)
    assert f'href="{URL}"' in client.get(reverse("people:resident_list")).content.decode()


def test_the_resident_list_does_not_offer_it_to_a_volunteer(client, city, volunteer):
    force_login(client, volunteer)
    assert f'href="{URL}"' not in client.get(reverse("people:resident_list")).content.decode()


def test_from_the_unit_the_form_lists_its_households_and_a_new_one(client, unit, grid_worker):
    force_login(client, grid_worker)
    response = client.get(URL, {"unit": unit.pk})
    choices = [value for value, _label in response.context["form"].fields["household"].choices]
    assert choices == [str(h.pk) for h in unit.households.order_by("code")] + ["new"]


def test_from_the_unit_a_new_household_is_created_inline(client, unit, grid_worker):
    force_login(client, grid_worker)
    response = client.post(f"{URL}?unit={unit.pk}", form())
    resident = Resident.objects.get(name="孙丽")
    assert response.status_code == 302 and response["Location"] == reverse("people:resident_detail", args=[resident.pk])
    assert (resident.household.unit_id, resident.household.door_number) == (unit.pk, "302")


def test_from_the_unit_an_existing_household_is_picked(client, city, unit, grid_worker):
    force_login(client, grid_worker)
    empty = city["households"]["A"][1]
    client.post(f"{URL}?unit={unit.pk}", form(household=str(empty.pk), door_number=""))
    assert Resident.objects.get(name="孙丽").household_id == empty.pk


def test_a_second_head_picked_is_refused_on_the_form(client, city, unit, grid_worker):
    force_login(client, grid_worker)
    headed = city["households"]["A"][0]
    response = client.post(f"{URL}?unit={unit.pk}", form(household=str(headed.pk)))
    assert response.status_code == 422
    assert response.context["form"].errors["relation"]


def test_a_household_of_another_unit_cannot_be_picked(client, city, unit, grid_worker):
    force_login(client, grid_worker)
    other = city["households"]["B"][1]
    response = client.post(f"{URL}?unit={unit.pk}", form(household=str(other.pk)))
    assert response.status_code == 422
    assert not Resident.objects.filter(name="孙丽").exists()


def test_after_a_new_household_it_is_preselected(client, city, grid_worker):
    force_login(client, grid_worker)
    household = city["households"]["A"][1]
    response = client.get(URL, {"household": household.pk})
    assert response.context["form"]["household"].value() == str(household.pk)


def test_a_unit_or_household_outside_reach_is_404(client, city, unit, outsider):
    force_login(client, outsider)
    assert client.get(URL, {"unit": unit.pk}).status_code == 404
    assert client.get(URL, {"household": city["households"]["A"][0].pk}).status_code == 404
    assert client.get(URL, {"unit": "x1"}).status_code == 404


def test_finding_a_household_lists_only_those_in_reach(client, city, grid_worker):
    force_login(client, grid_worker)
    found = client.get(URL, {"q": "1栋"}).context["page"].items
    assert found and {h.grid_code for h in found} == {city["households"]["A"][0].grid_code}


def test_finding_by_code_prefix(client, city, grid_worker):
    force_login(client, grid_worker)
    household = city["households"]["A"][1]
    assert [h.pk for h in client.get(URL, {"q": household.code}).context["page"].items] == [household.pk]


def test_a_volunteer_may_not_open_the_register_page(client, city, volunteer):
    force_login(client, volunteer)
    assert client.get(URL).status_code == 403
