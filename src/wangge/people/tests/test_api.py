"""The /api/v1/residents endpoints: scoping, masking, audit, writes and keyset pagination."""

import datetime as dt

from wangge.audit.models import AuditEntry
from wangge.core.testing import GRID_A, GRID_B, STREET_1, Api
from wangge.core.testing.factories import add_resident, valid_id_number
from wangge.grid.models import Grid, Household
from wangge.people.idcard import make_id_number
from wangge.people.models import HouseholdMove, KeyGroupTag, Resident, ResidentTag


def new_resident_body(household, **extra):
    return {"household_id": household.pk, "name": "赵敏", "id_number": valid_id_number(male=False),
            "phone": "13912345678", "relation": "配偶", "residence_type": "常住", **extra}


# --- List ----------------------------------------------------------------------------------------
def test_resident_list_shows_only_residents_in_reach(city, grid_worker):
    items = Api(grid_worker).get("/residents").json()["items"]
    assert sorted(r["name"] for r in items) == ["张伟", "李娜"]


def test_resident_list_of_an_outsider_has_no_foreign_rows(city, outsider):
    items = Api(outsider).get("/residents").json()["items"]
    assert [r["name"] for r in items] == ["刘洋"]


def test_resident_list_within_a_subtree_outside_reach_is_empty(city, grid_worker):
    assert Api(grid_worker).get("/residents", within=GRID_B).json()["items"] == []


def test_resident_list_masks_id_numbers_and_phones(city, grid_worker):
    response = Api(grid_worker).get("/residents")
    resident = city["residents"]["A"]
    item = next(r for r in response.json()["items"] if r["id"] == resident.pk)
    assert item["id_number_masked"] == resident.id_number[:3] + "*" * 11 + resident.id_number[-4:]
    assert item["phone_masked"] == "138****8000"
    assert "id_number" not in item and "phone" not in item
    text = response.content.decode()
    assert resident.id_number not in text
    assert "13800138000" not in text


def test_resident_list_is_not_audited_as_a_view(city, grid_worker):
    Api(grid_worker).get("/residents")
    assert not AuditEntry.objects.filter(action="view").exists()


def test_resident_list_searches_by_name_phone_and_id_tail(city, street_officer):
    api = Api(street_officer)
    assert [r["name"] for r in api.get("/residents", q="王").json()["items"]] == ["王芳"]
    tail = city["residents"]["B"].id_number[-4:]
    assert "王芳" in [r["name"] for r in api.get("/residents", q=tail).json()["items"]]
    add_resident(city["households"]["B"][1], name="孙丽", phone="13700001111")
    assert [r["name"] for r in api.get("/residents", q="13700001111").json()["items"]] == ["孙丽"]


def test_resident_list_filters_by_tag_residence_type_within_and_household(city, street_officer):
    api = Api(street_officer)
    tag = KeyGroupTag.objects.get_or_create(code="elderly_alone", defaults={"name": "独居老人"})[0]
    wang = city["residents"]["B"]
    ResidentTag.objects.create(resident=wang, tag=tag, grid_code=wang.grid_code)
    Resident.objects.filter(pk=city["residents"]["A2"].pk).update(residence_type="floating")

    assert [r["name"] for r in api.get("/residents", tag="elderly_alone").json()["items"]] == ["王芳"]
    assert api.get("/residents", tag="elderly_alone").json()["items"][0]["tags"] == ["elderly_alone"]
    assert [r["name"] for r in api.get("/residents", residence_type="流动").json()["items"]] == ["李娜"]
    assert [r["name"] for r in api.get("/residents", residence_type="floating").json()["items"]] == ["李娜"]
    assert [r["name"] for r in api.get("/residents", within=GRID_B).json()["items"]] == ["王芳"]
    assert len(api.get("/residents", within=STREET_1).json()["items"]) == 3
    household = city["households"]["A"][0]
    assert sorted(r["name"] for r in api.get("/residents", household_id=household.pk).json()["items"]) == [
        "张伟", "李娜"]


def test_resident_list_refuses_an_unknown_residence_type(city, street_officer):
    response = Api(street_officer).get("/residents", residence_type="外星")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_population_type"
    assert "人口类型" in response.json()["message"]


def test_resident_list_follows_next_cursor_without_duplicates_or_gaps(city, street_officer):
    for i, household in enumerate(city["households"]["A"] + city["households"]["B"]):
        for j in range(3):
            add_resident(household, name=f"居民{i}{j}")
    expected = set(Resident.objects.filter(grid_code__in=[GRID_A, GRID_B]).values_list("pk", flat=True))
    api, seen, cursor, pages = Api(street_officer), [], "", 0
    while True:
        body = api.get("/residents", limit=4, cursor=cursor).json()
        pages += 1
        assert len(body["items"]) <= 4
        seen += [r["id"] for r in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert pages < 20
    assert len(seen) == len(set(seen))
    assert set(seen) == expected
    assert pages == -(-len(expected) // 4)


def test_resident_list_refuses_a_page_size_out_of_range(city, street_officer):
    response = Api(street_officer).get("/residents", limit=100000)
    assert response.status_code == 422
    assert response.json()["errors"] == {"limit": "数值过大"}  # the bounds are declared in the OpenAPI document


# --- Detail and reveal ---------------------------------------------------------------------------
def test_resident_detail_is_masked(city, grid_worker):
    resident = city["residents"]["A"]
    response = Api(grid_worker).get(f"/residents/{resident.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "张伟"
    assert body["id_number_masked"] == resident.id_number_masked
    assert body["household"]["id"] == resident.household_id
    assert resident.id_number not in response.content.decode()
    assert "13800138000" not in response.content.decode()


def test_resident_detail_writes_a_view_audit_entry_on_the_api_channel(city, grid_worker):
    resident = city["residents"]["A"]
    Api(grid_worker).get(f"/residents/{resident.pk}")
    entry = AuditEntry.objects.get(action="view")
    assert entry.channel == "api"
    assert entry.actor == grid_worker
    assert entry.object_id == str(resident.pk)
    assert entry.ip_address == "10.1.2.3"
    assert entry.grid_code == GRID_A


def test_resident_detail_outside_reach_is_404_and_not_audited(city, grid_worker):
    response = Api(grid_worker).get(f"/residents/{city['residents']['B'].pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not AuditEntry.objects.filter(action="view").exists()


def test_resident_detail_of_a_missing_id_is_404(city, grid_worker):
    assert Api(grid_worker).get("/residents/999999").status_code == 404


def test_reveal_returns_the_plain_value_and_writes_a_reveal_entry(city, grid_worker):
    resident = city["residents"]["A"]
    response = Api(grid_worker).post(f"/residents/{resident.pk}/reveal", {"field": "id_number", "purpose": "tracing"})
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": resident.id_number}
    entry = AuditEntry.objects.get(action="reveal")
    assert (entry.field, entry.channel, entry.object_id) == ("id_number", "api", str(resident.pk))


def test_reveal_of_the_phone_works_too(city, grid_worker):
    resident = city["residents"]["A"]
    response = Api(grid_worker).post(f"/residents/{resident.pk}/reveal", {"field": "phone", "purpose": "tracing"})
    assert response.json()["value"] == "13800138000"


def test_reveal_of_another_field_is_422(city, grid_worker):
    response = Api(grid_worker).post(f"/residents/{city['residents']['A'].pk}/reveal",
                                     {"field": "name", "purpose": "tracing"})
    assert response.status_code == 422
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_reveal_outside_reach_is_404(city, grid_worker):
    response = Api(grid_worker).post(f"/residents/{city['residents']['C'].pk}/reveal",
                                     {"field": "id_number", "purpose": "tracing"})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_volunteer_cannot_reveal(city, volunteer):
    response = Api(volunteer).post(f"/residents/{city['residents']['A'].pk}/reveal",
                                   {"field": "phone", "purpose": "tracing"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


# --- Create --------------------------------------------------------------------------------------
def test_create_registers_a_resident_and_writes_a_create_entry(city, grid_worker):
    household = city["households"]["A"][1]
    body = new_resident_body(household)
    response = Api(grid_worker).post("/residents", body)
    assert response.status_code == 201, response.content
    out = response.json()
    resident = Resident.objects.get(pk=out["id"])
    assert (resident.relation, resident.residence_type, resident.sex) == ("spouse", "permanent", "F")
    assert out["id_number_masked"] == resident.id_number_masked
    assert body["id_number"] not in response.content.decode()
    entry = AuditEntry.objects.get(action="create")
    assert entry.channel == "api"
    assert entry.changes["name"] == [None, "赵敏"]
    assert entry.changes["household_id"] == [None, household.pk]
    assert Household.objects.get(pk=household.pk).resident_count == 1


def test_create_with_a_bad_check_digit_is_422_in_chinese_and_saves_nothing(city, grid_worker):
    number = valid_id_number()
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    response = Api(grid_worker).post("/residents", new_resident_body(city["households"]["A"][1], id_number=bad))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "校验位错误" in body["message"]
    assert "校验位错误" in body["errors"]["id_number"]
    assert not Resident.objects.filter(name="赵敏").exists()
    assert not AuditEntry.objects.filter(action="create").exists()


def test_create_of_a_duplicate_id_number_is_409_pointing_at_the_existing_record(city, grid_worker):
    existing = city["residents"]["A"]
    body = new_resident_body(city["households"]["A"][1], id_number=existing.id_number, sex="男")
    response = Api(grid_worker).post("/residents", body)
    assert response.status_code == 409
    out = response.json()
    assert out["code"] == "duplicate_id_number"
    assert f"居民编号 {existing.pk}" in out["message"]
    assert existing.id_number not in out["message"]
    assert Resident.objects.filter(id_number=existing.id_number).count() == 1


def test_create_in_a_household_outside_reach_is_404(city, grid_worker):
    response = Api(grid_worker).post("/residents", new_resident_body(city["households"]["B"][1]))
    assert response.status_code == 404
    assert not Resident.objects.filter(name="赵敏").exists()


def test_volunteer_cannot_create_a_resident(city, volunteer):
    response = Api(volunteer).post("/residents", new_resident_body(city["households"]["A"][1]))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert response.json()["message"] == "您的角色不能修改居民信息"
    assert not Resident.objects.filter(name="赵敏").exists()


def test_create_without_required_fields_is_422_naming_them(city, grid_worker):
    response = Api(grid_worker).post("/residents", {"household_id": city["households"]["A"][1].pk})
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": "必填", "id_number": "必填"}


# --- Update --------------------------------------------------------------------------------------
def test_update_changes_only_the_fields_sent_and_records_before_and_after(city, grid_worker):
    resident = city["residents"]["A"]
    response = Api(grid_worker).patch(f"/residents/{resident.pk}", {"phone": "13700000001"})
    assert response.status_code == 200
    assert response.json()["phone_masked"] == "137****0001"
    resident.refresh_from_db()
    assert (resident.phone, resident.name) == ("13700000001", "张伟")
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {"phone": ["13800138000", "13700000001"]}
    assert entry.channel == "api"


def test_update_of_an_id_number_inconsistent_with_sex_is_422(city, grid_worker):
    resident = city["residents"]["A"]  # male
    female_number = valid_id_number(male=False)
    response = Api(grid_worker).patch(f"/residents/{resident.pk}", {"id_number": female_number})
    assert response.status_code == 422
    assert response.json()["errors"]["sex"] == "性别与身份证号码不符"
    resident.refresh_from_db()
    assert resident.id_number != female_number


def test_update_outside_reach_is_404(city, grid_worker):
    response = Api(grid_worker).patch(f"/residents/{city['residents']['C'].pk}", {"name": "改名"})
    assert response.status_code == 404
    assert Resident.objects.get(pk=city["residents"]["C"].pk).name == "刘洋"


def test_update_with_an_empty_body_is_422(city, grid_worker):
    response = Api(grid_worker).patch(f"/residents/{city['residents']['A'].pk}", {})
    assert response.status_code == 422


def test_volunteer_cannot_update(city, volunteer):
    response = Api(volunteer).patch(f"/residents/{city['residents']['A'].pk}", {"name": "改名"})
    assert response.status_code == 403


def test_update_to_another_residents_id_number_is_409(city, street_officer):
    other = city["residents"]["B"]  # female
    target = city["residents"]["A2"]  # female
    response = Api(street_officer).patch(f"/residents/{target.pk}", {"id_number": other.id_number})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_id_number"
    assert f"居民编号 {other.pk}" in response.json()["message"]


# --- Move ----------------------------------------------------------------------------------------
def test_move_changes_household_keeps_history_and_writes_a_move_entry(city, street_officer):
    resident = city["residents"]["A2"]
    target = city["households"]["B"][1]
    response = Api(street_officer).post(
        f"/residents/{resident.pk}/move", {"to_household_id": target.pk, "relation": "户主", "reason": "分户"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["to_household_id"] == target.pk
    resident.refresh_from_db()
    assert (resident.household_id, resident.grid_code, resident.relation) == (target.pk, GRID_B, "head")
    move = HouseholdMove.objects.get(resident=resident)
    assert (move.from_relation, move.to_relation, move.reason) == ("spouse", "head", "分户")
    entry = AuditEntry.objects.get(action="move")
    assert entry.changes["grid_code"] == [GRID_A, GRID_B]
    assert entry.channel == "api"
    assert Grid.objects.get(code=GRID_B).resident_count == 2
    detail = Api(street_officer).get(f"/residents/{resident.pk}").json()
    assert [m["id"] for m in detail["moves"]] == [move.pk]


def test_move_to_a_household_outside_reach_is_404(city, grid_worker):
    resident = city["residents"]["A2"]
    response = Api(grid_worker).post(f"/residents/{resident.pk}/move",
                                     {"to_household_id": city["households"]["B"][1].pk})
    assert response.status_code == 404
    resident.refresh_from_db()
    assert resident.grid_code == GRID_A
    assert not HouseholdMove.objects.exists()


def test_volunteer_cannot_move(city, volunteer):
    response = Api(volunteer).post(f"/residents/{city['residents']['A2'].pk}/move",
                                   {"to_household_id": city["households"]["A"][1].pk})
    assert response.status_code == 403


def test_create_accepts_a_birth_date_for_a_passport_holder(city, grid_worker):
    body = {"household_id": city["households"]["A"][1].pk, "name": "John Smith", "id_type": "护照",
            "id_number": "E12345678", "sex": "M", "birth_date": "1975-03-02"}
    response = Api(grid_worker).post("/residents", body)
    assert response.status_code == 201, response.content
    assert Resident.objects.get(pk=response.json()["id"]).birth_date == dt.date(1975, 3, 2)


def test_create_with_a_birth_date_that_contradicts_the_id_number_is_422(city, grid_worker):
    number = make_id_number("420106", dt.date(1990, 1, 1), 123)
    body = new_resident_body(city["households"]["A"][1], id_number=number, birth_date="1991-01-01", sex="M")
    response = Api(grid_worker).post("/residents", body)
    assert response.status_code == 422
    assert response.json()["errors"]["birth_date"] == "出生日期与身份证号码不符"
