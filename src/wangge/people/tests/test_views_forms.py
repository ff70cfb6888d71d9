"""Registering, editing and moving residents through the pages."""

import datetime as dt

import pytest
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import force_login
from wangge.core.testing.factories import valid_id_number
from wangge.people.models import HouseholdMove, KeyGroupTag, Resident

pytestmark = pytest.mark.django_db


def new_person(**extra):
    data = {
        "name": "孙丽", "id_type": "resident_id", "id_number": valid_id_number(birth=dt.date(1990, 3, 8), male=False),
        "sex": "", "birth_date": "", "phone": "13700001111", "relation": "child", "residence_type": "permanent",
        "note": "",
    }
    return data | extra


def bad_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


# --- create -------------------------------------------------------------------------------
def test_create_form_registers_a_resident_in_the_household(client, city, grid_worker):
    household = city["households"]["A"][1]
    tag, _ = KeyGroupTag.objects.get_or_create(code="pregnant", defaults={"name": "孕产妇"})
    data = new_person(tags=["pregnant"])
    response = force_login(client, grid_worker).post(reverse("people:resident_create", args=[household.pk]), data)
    resident = Resident.objects.get(id_number=data["id_number"])
    assert response.status_code == 302
    assert response["Location"] == reverse("people:resident_detail", args=[resident.pk])
    assert (resident.household_id, resident.sex, resident.birth_date) == (household.pk, "F", dt.date(1990, 3, 8))
    assert list(resident.tags.all()) == [tag]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(resident.pk)).exists()


def test_create_with_invalid_id_number_shows_the_error_and_saves_nothing(client, city, grid_worker):
    household = city["households"]["A"][1]
    data = new_person()
    data["id_number"] = bad_check_digit(data["id_number"])
    before = Resident.objects.count()
    response = force_login(client, grid_worker).post(reverse("people:resident_create", args=[household.pk]), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "校验位错误" in html
    assert 'data-testid="form-error"' in html
    assert Resident.objects.count() == before
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_create_with_a_registered_id_number_points_at_the_existing_record(client, city, grid_worker):
    household = city["households"]["A"][1]
    existing = city["residents"]["A"]
    data = new_person(id_number=existing.id_number, sex="")
    response = force_login(client, grid_worker).post(reverse("people:resident_create", args=[household.pk]), data)
    assert response.status_code == 422
    assert f"居民编号 {existing.pk}" in response.content.decode()


def test_create_form_for_a_household_outside_reach_is_404(client, city, outsider):
    household = city["households"]["A"][1]
    force_login(client, outsider)
    assert client.get(reverse("people:resident_create", args=[household.pk])).status_code == 404
    assert client.post(reverse("people:resident_create", args=[household.pk]), new_person()).status_code == 404


def test_volunteer_may_not_register_residents(client, city, volunteer):
    household = city["households"]["A"][1]
    response = force_login(client, volunteer).post(reverse("people:resident_create", args=[household.pk]), new_person())
    assert response.status_code == 403
    assert not Resident.objects.filter(name="孙丽").exists()


# --- edit ---------------------------------------------------------------------------------
def test_edit_form_never_prints_the_full_id_number_or_phone(client, city, grid_worker):
    resident = city["residents"]["A"]
    response = force_login(client, grid_worker).get(reverse("people:resident_edit", args=[resident.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert resident.id_number not in html and resident.phone not in html
    assert resident.id_number_masked in html


def test_edit_form_changes_the_resident_and_keeps_blank_id_number(client, city, grid_worker):
    resident = city["residents"]["A"]
    data = new_person(name="张伟明", id_number="", phone="", relation="head", residence_type="floating",
                      note="新备注")
    response = force_login(client, grid_worker).post(reverse("people:resident_edit", args=[resident.pk]), data)
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.name, resident.residence_type, resident.note) == ("张伟明", "floating", "新备注")
    assert resident.id_number == city["residents"]["A"].id_number
    assert resident.phone == "13800138000"
    assert AuditEntry.objects.get(action=AuditAction.UPDATE).changes["name"] == ["张伟", "张伟明"]


def test_edit_with_invalid_id_number_shows_the_error_and_saves_nothing(client, city, grid_worker):
    resident = city["residents"]["A"]
    data = new_person(name="改名", id_number=bad_check_digit(resident.id_number), sex="")
    response = force_login(client, grid_worker).post(reverse("people:resident_edit", args=[resident.pk]), data)
    assert response.status_code == 422
    assert "校验位错误" in response.content.decode()
    resident.refresh_from_db()
    assert resident.name == "张伟"
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_edit_outside_reach_is_404(client, city, outsider):
    resident = city["residents"]["A"]
    force_login(client, outsider)
    assert client.get(reverse("people:resident_edit", args=[resident.pk])).status_code == 404
    assert client.post(reverse("people:resident_edit", args=[resident.pk]), new_person()).status_code == 404


# --- move ---------------------------------------------------------------------------------
def test_move_form_moves_the_resident_and_keeps_history(client, city, street_officer):
    resident = city["residents"]["A2"]
    target = city["households"]["B"][1]
    response = force_login(client, street_officer).post(
        reverse("people:resident_move", args=[resident.pk]),
        {"to_household_code": target.code, "relation": "head", "reason": "分户"},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.household_id, resident.grid_code, resident.relation) == (target.pk, target.grid_code, "head")
    move = HouseholdMove.objects.get(resident=resident)
    assert (move.to_household_id, move.reason) == (target.pk, "分户")
    detail = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "分户" in detail


def test_move_to_a_household_outside_reach_is_refused_on_the_form(client, city, grid_worker):
    resident = city["residents"]["A2"]
    target = city["households"]["B"][1]
    response = force_login(client, grid_worker).post(
        reverse("people:resident_move", args=[resident.pk]), {"to_household_code": target.code}
    )
    assert response.status_code == 422
    assert "不在您的管辖范围内" in response.content.decode()
    resident.refresh_from_db()
    assert resident.household_id == city["households"]["A"][0].pk
    assert not HouseholdMove.objects.exists()


def test_move_to_the_same_household_shows_the_service_message(client, city, grid_worker):
    resident = city["residents"]["A2"]
    response = force_login(client, grid_worker).post(
        reverse("people:resident_move", args=[resident.pk]), {"to_household_code": resident.household.code}
    )
    assert response.status_code == 422
    assert "无需迁移" in response.content.decode()


def test_move_outside_reach_is_404(client, city, outsider):
    resident = city["residents"]["A"]
    assert force_login(client, outsider).get(reverse("people:resident_move", args=[resident.pk])).status_code == 404
