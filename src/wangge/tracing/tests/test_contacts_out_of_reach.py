"""A contact whose ID number belongs to someone outside the investigator's reach.

The investigator learns that the number is registered elsewhere (they cannot register the person
twice) and whom to ask; never the holder's name, internal number or household.  Nothing is written.
"""

import json

import pytest
from django.urls import reverse

from wangge.core.errors import Conflict
from wangge.core.testing import GRID_C, login
from wangge.people.models import Resident
from wangge.people.validation import ID_NUMBER_REGISTERED_ELSEWHERE
from wangge.quarantine.models import QuarantineOrder
from wangge.tracing import services
from wangge.tracing.models import Contact
from wangge.tracing.tests.test_api import post

ELSEWHERE = "id_number_registered_elsewhere"


@pytest.fixture
def other(city):
    """刘洋, registered in grid C, outside street 1 where the investigator works."""
    return city["residents"]["C"]


def says_nothing_about(text: str, other) -> bool:
    return not any(s in text for s in (other.name, f"居民编号 {other.pk}", f"编号 {other.pk}", other.household.code,
                                       GRID_C))


def contact_with_number(city, number):
    return {"name": "某人", "id_type": "resident_id", "id_number": number, "phone": "13900139000",
            "household_id": city["households"]["A"][1].pk}


def test_the_service_refuses_with_the_elsewhere_code_and_names_nobody(city, street_officer, investigation, other,
                                                                      actor):
    with pytest.raises(Conflict) as exc:
        services.contacts_add(actor=actor(street_officer), investigation_id=investigation.pk,
                              contacts=[contact_with_number(city, other.id_number)], regime_code="7+3")
    assert exc.value.code == ELSEWHERE
    assert str(ID_NUMBER_REGISTERED_ELSEWHERE) in exc.value.message
    assert says_nothing_about(repr((exc.value.message, exc.value.errors)), other)
    assert Contact.objects.count() == 0 and QuarantineOrder.objects.count() == 0


def test_the_api_answers_409_and_names_nobody(city, street_officer, investigation, other):
    response = post(street_officer, f"/tracing/investigations/{investigation.pk}/contacts",
                    {"contacts": [contact_with_number(city, other.id_number)], "regime_code": "7+3"})
    assert response.status_code == 409
    assert response.json()["code"] == ELSEWHERE
    assert says_nothing_about(json.dumps(response.json(), ensure_ascii=False), other)
    assert Contact.objects.count() == 0


def test_the_page_says_registered_elsewhere_and_names_nobody(city, street_officer, investigation, other):
    # On the page a new person is registered from the picker's inline form before being picked.
    data = {"picker": "contact", "field": "resident_ids", "mode": "many", "reg-name": "某人",
            "reg-id_type": "resident_id", "reg-id_number": other.id_number, "reg-phone": "13900139000",
            "reg-relation": "relative", "reg-household": city["households"]["A"][1].pk}
    response = login(street_officer).post(reverse("people:person_register"), data)
    html = response.content.decode()
    assert f'data-error-code="{ELSEWHERE}"' in html
    assert "其他辖区" in html
    assert says_nothing_about(html, other)
    assert Contact.objects.count() == 0 and not Resident.objects.filter(name="某人").exists()
