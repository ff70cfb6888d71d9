"""The one person picker: search by name, phone or ID tail inside the reach, masked; inline registration."""

import pytest
from django.urls import reverse

from wangge.audit.models import AuditEntry
from wangge.core.errors import Conflict, ValidationFailed
from wangge.core.testing import login
from wangge.core.testing.factories import add_resident, valid_id_number
from wangge.people import selectors, services
from wangge.people.models import Resident


def names(matches):
    return {r.name for r in matches.people}


def test_it_finds_a_person_by_the_start_of_the_name(city, street_officer):
    assert names(selectors.person_search(user=street_officer, q="张")) == {"张伟"}


def test_it_finds_a_person_by_phone(city, street_officer):
    add_resident(city["households"]["A"][1], name="陈静", phone="13912345678")
    assert names(selectors.person_search(user=street_officer, q="13912345678")) == {"陈静"}


def test_it_finds_a_person_by_the_last_four_or_more_of_the_id_number(city, street_officer):
    resident = city["residents"]["A"]
    assert "张伟" in names(selectors.person_search(user=street_officer, q=resident.id_number[-4:]))
    assert names(selectors.person_search(user=street_officer, q=resident.id_number[-6:])) == {"张伟"}
    assert names(selectors.person_search(user=street_officer, q=resident.id_number)) == {"张伟"}


def test_a_user_never_finds_someone_outside_the_reach(city, street_officer, grid_worker):
    other = city["residents"]["C"]  # grid C, street 2
    for q in (other.name, other.id_number[-4:], other.id_number, other.phone):
        assert other.name not in names(selectors.person_search(user=street_officer, q=q))
    # A grid worker of grid A does not find 王芳 of grid B, on the same street.
    assert names(selectors.person_search(user=grid_worker, q="王")) == set()


def test_any_text_is_a_search_and_none_fails(city, street_officer):
    for q in ("", " ", "1", "12", "%", "_", "' or 1=1 --", "x" * 500, "\x00", "1234" * 10, "张" * 100, "X"):
        selectors.person_search(user=street_officer, q=q)
        response = login(street_officer).get(reverse("people:person_search"), {"q": q, "field": "<b>", "picker": "\""})
        # A NUL byte is refused as an invalid request (422) before any view, like everywhere else.
        assert response.status_code == (422 if "\x00" in q else 200)


def test_results_mask_the_id_number_and_the_phone(city, street_officer):
    resident = city["residents"]["A"]
    body = login(street_officer).get(reverse("people:person_search"), {"q": "张"}).content.decode()
    assert "张伟" in body
    assert resident.id_number not in body and resident.phone not in body
    assert resident.id_number_masked in body and resident.phone_masked in body


def test_the_results_say_when_there_are_more_than_shown(city, street_officer):
    household = city["households"]["A"][1]
    for i in range(selectors.PICKER_SUGGESTIONS + 1):
        add_resident(household, name=f"周{i:02d}")
    matches = selectors.person_search(user=street_officer, q="周")
    assert len(matches.people) == selectors.PICKER_SUGGESTIONS and matches.more
    assert not selectors.person_search(user=street_officer, q="周00").more


def test_picking_someone_outside_the_reach_is_404(city, street_officer):
    url = reverse("people:person_pick", args=[city["residents"]["C"].pk])
    assert login(street_officer).get(url).status_code == 404


def test_household_search_stays_in_the_reach(city, street_officer):
    inside, outside = city["households"]["A"][0], city["households"]["C"][0]
    found = selectors.household_search(user=street_officer, q=inside.door_number).people
    assert inside in found
    assert outside not in selectors.household_search(user=street_officer, q=outside.door_number).people


def register_data(city, **extra):
    return {"name": "赵敏", "id_type": "resident_id", "id_number": valid_id_number(male=False),
            "phone": "13900139000", "relation": "relative", "residence_type": "permanent", **extra}


def test_inline_registration_creates_the_person_audited(city, street_officer, actor):
    resident = services.person_register(actor=actor(street_officer), household_id=city["households"]["A"][1].pk,
                                        data=register_data(city))
    assert resident.household == city["households"]["A"][1]
    assert AuditEntry.objects.filter(action="create", object_type="people.resident",
                                     object_id=str(resident.pk)).exists()


def test_inline_registration_without_a_household_is_a_coded_error(city, street_officer, actor):
    with pytest.raises(ValidationFailed) as exc:
        services.person_register(actor=actor(street_officer), household_id=None, data=register_data(city))
    assert exc.value.code == "household_required"
    assert not Resident.objects.filter(name="赵敏").exists()


def test_inline_registration_validates_like_the_resident_form(city, street_officer, actor):
    with pytest.raises(ValidationFailed) as exc:
        services.person_register(actor=actor(street_officer), household_id=city["households"]["A"][1].pk,
                                 data=register_data(city, name="", id_number="123"))
    assert exc.value.code == "invalid" and {"name", "id_number"} <= set(exc.value.errors)
    assert not AuditEntry.objects.filter(action="create").exists()


def test_inline_registration_refuses_a_duplicate_id_number(city, street_officer, actor):
    data = register_data(city, id_number=city["residents"]["A"].id_number)
    with pytest.raises(Conflict):
        services.person_register(actor=actor(street_officer), household_id=city["households"]["A"][1].pk, data=data)
    assert Resident.objects.filter(id_number=data["id_number"]).count() == 1


def test_inline_registration_in_a_household_outside_the_reach_writes_nothing(city, street_officer):
    data = {f"reg-{k}": v for k, v in register_data(city).items()}
    data["reg-household"] = city["households"]["C"][1].pk
    response = login(street_officer).post(reverse("people:person_register"), {"picker": "order", **data})
    assert response.status_code == 404
    assert not Resident.objects.filter(name="赵敏").exists()


def test_the_inline_form_answers_the_picked_person_or_its_errors_with_their_code(city, street_officer):
    data = {f"reg-{k}": v for k, v in register_data(city).items() if k != "residence_type"}
    client = login(street_officer)
    url = reverse("people:person_register")
    response = client.post(url, {"picker": "order", "field": "resident_id", "mode": "one", **data})
    assert 'data-error-code="household_required"' in response.content.decode()
    assert response.headers["HX-Retarget"] == "#order-register"
    assert not Resident.objects.filter(name="赵敏").exists()
    data["reg-household"] = city["households"]["A"][1].pk
    response = client.post(url, {"picker": "order", "field": "resident_id", "mode": "one", **data})
    assert response.headers["HX-Trigger"] == "person-registered"
    resident = Resident.objects.get(name="赵敏")
    assert f'name="resident_id" value="{resident.pk}"' in response.content.decode()
    response = client.post(url, {"picker": "order", **data})  # the same ID number again
    assert 'data-error-code="duplicate_id_number"' in response.content.decode()
    assert Resident.objects.filter(name="赵敏").count() == 1
