"""Whom a resident's account acts for (代办): the residents registered under its phone, and the
members of their households who have no phone of their own; nobody else."""

import pytest
from django.urls import reverse

from wangge.accounts.models import Role
from wangge.audit.context import Actor
from wangge.core.errors import Forbidden, NotFound
from wangge.core.testing import Api, login
from wangge.core.testing.factories import add_resident, make_user
from wangge.people.models import Resident
from wangge.people.selectors import acts_for, resident_for_self

from .conftest import PARENT_PHONE


def _names(user):
    return sorted(r.name for r in acts_for(user))


def test_a_parent_acts_for_themselves_and_the_household_members_without_a_phone(family, parent_account):
    assert _names(parent_account) == sorted(["李娟", "李小明", "王秀英"])


def test_a_member_with_a_phone_of_their_own_is_not_acted_for(family, parent_account):
    assert family["son"] not in acts_for(parent_account)


def test_the_neighbours_and_their_children_are_not_acted_for(family, parent_account):
    people = set(acts_for(parent_account))
    assert family["neighbour"] not in people and family["neighbour_child"] not in people


def test_someone_registered_under_the_same_phone_in_another_household_is_acted_for(family, parent_account):
    # A mother's number recorded for her student daughter lodging elsewhere: the registry says so.
    daughter = add_resident(family["next_door"], name="李雪", male=False, relation="tenant", phone=PARENT_PHONE)
    assert daughter in acts_for(parent_account)
    # ... but a lodger's number reaches nobody else at that door.
    assert family["neighbour_child"] not in acts_for(parent_account)


def test_a_relative_registered_elsewhere_brings_that_households_phoneless_family(family, parent_account):
    add_resident(family["next_door"], name="李雪", male=False, relation="relative", phone=PARENT_PHONE)
    assert family["neighbour_child"] in acts_for(parent_account)


def test_a_phoneless_lodger_is_not_acted_for_by_the_family(family, parent_account):
    lodger = add_resident(family["home"], name="孙租", relation="tenant", phone="")
    assert lodger not in acts_for(parent_account)


def test_a_phone_corrected_by_staff_moves_the_reach_at_once(family, parent_account):
    Resident.objects.filter(pk=family["parent"].pk).update(phone="13999999999")
    assert list(acts_for(parent_account)) == []


def test_a_staff_account_with_the_same_phone_acts_for_nobody(family):
    staff = make_user("gw_phone", Role.GRID_WORKER, [], phone=PARENT_PHONE)
    assert list(acts_for(staff)) == []


def test_a_resident_of_another_household_is_not_found(family, parent_account):
    with pytest.raises(NotFound):
        resident_for_self(actor=Actor(user=parent_account), pk=family["neighbour"].pk)


def test_a_staff_account_is_refused_self_service(family, grid_worker):
    with pytest.raises(Forbidden):
        resident_for_self(actor=Actor(user=grid_worker), pk=family["parent"].pk)


def test_the_member_page_of_another_household_is_404(family, parent_account):
    client = login(parent_account)
    assert client.get(reverse("portal:member", args=[family["neighbour"].pk])).status_code == 404
    assert client.get(reverse("portal:member", args=[family["son"].pk])).status_code == 404
    assert client.get(reverse("portal:member", args=[family["child"].pk])).status_code == 200


def test_declaring_for_someone_else_is_404_and_writes_nothing(family, parent_account):
    from wangge.screening.models import SelfDeclaration

    response = login(parent_account).post(reverse("portal:member_declare", args=[family["neighbour"].pk]),
                                          {"temperature": "36.5"})
    assert response.status_code == 404
    assert not SelfDeclaration.objects.exists()


def test_the_household_api_lists_exactly_the_people_acted_for(family, parent_account):
    body = Api(parent_account).get("/me/household").json()
    names = sorted(m["name"] for h in body["households"] for m in h["members"])
    assert names == sorted(["李娟", "李小明", "王秀英"])
    assert all("*" in m["id_number_masked"] for h in body["households"] for m in h["members"])


def test_the_household_api_refuses_staff(family, grid_worker):
    response = Api(grid_worker).get("/me/household")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_the_me_page_shows_the_household_and_not_the_others(family, parent_account):
    text = login(parent_account).get(reverse("portal:me")).content.decode()
    assert "李娟" in text and "李小明" in text and "王秀英" in text
    assert "李强" not in text and "赵刚" not in text and "赵小丽" not in text
