"""people.services: create, update, move and reveal, called directly."""

import datetime as dt

import pytest

from wangge.audit.models import AuditEntry
from wangge.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wangge.core.testing import GRID_A, GRID_B
from wangge.core.testing.factories import valid_id_number
from wangge.grid.models import Grid, Household
from wangge.people.idcard import make_id_number
from wangge.people.models import HouseholdMove, KeyGroupTag, Resident, ResidentTag
from wangge.people.services import resident_create, resident_move, resident_reveal, resident_update


def counts(household):
    return (
        Household.objects.get(pk=household.pk).resident_count,
        Grid.objects.get(code=household.grid_code).resident_count,
    )


# --- Create --------------------------------------------------------------------------------------
def test_create_derives_sex_and_birth_date_from_the_id_number(city, grid_worker, actor):
    number = make_id_number("420106", dt.date(1950, 2, 3), 124)
    resident = resident_create(actor=actor(grid_worker), household_id=city["households"]["A"][1].pk,
                               data={"name": "周老太", "id_number": number})
    assert (resident.sex, resident.birth_date, resident.id_tail) == ("F", dt.date(1950, 2, 3), number[-4:])
    assert resident.grid_code == GRID_A


def test_create_updates_household_and_grid_counters(city, grid_worker, actor):
    household = city["households"]["A"][1]
    before = counts(household)
    resident_create(actor=actor(grid_worker), household_id=household.pk,
                    data={"name": "周老太", "id_number": valid_id_number(male=False)})
    assert counts(household) == (before[0] + 1, before[1] + 1)


def test_create_sets_tags_with_the_grid_code(city, grid_worker, actor):
    data = {"name": "周老太", "id_number": valid_id_number(), "tags": "独居老人、elderly_alone"}
    resident = resident_create(actor=actor(grid_worker), household_id=city["households"]["A"][1].pk, data=data)
    link = ResidentTag.objects.get(resident=resident)
    assert (link.tag.code, link.grid_code) == ("elderly_alone", GRID_A)


def test_duplicate_refusal_points_at_the_existing_record(city, grid_worker, actor):
    existing = city["residents"]["A"]
    with pytest.raises(Conflict) as exc:
        resident_create(actor=actor(grid_worker), household_id=city["households"]["A"][1].pk,
                        data={"name": "张伟二", "id_number": existing.id_number})
    message = exc.value.message
    assert f"居民编号 {existing.pk}" in message
    assert existing.household.code in message
    assert existing.name in message
    assert existing.id_number_masked in message and existing.id_number not in message
    assert exc.value.code == "duplicate_id_number"


def test_duplicate_is_found_even_outside_the_actors_reach(city, grid_worker, actor):
    # The same person cannot be registered twice anywhere in the city.
    other = city["residents"]["C"]
    with pytest.raises(Conflict):
        resident_create(actor=actor(grid_worker), household_id=city["households"]["A"][1].pk,
                        data={"name": "刘洋", "id_number": other.id_number})


def test_create_in_a_household_outside_reach_is_not_found(city, grid_worker, actor):
    with pytest.raises(NotFound):
        resident_create(actor=actor(grid_worker), household_id=city["households"]["C"][0].pk,
                        data={"name": "周老太", "id_number": valid_id_number()})
    assert not Resident.objects.filter(name="周老太").exists()


def test_create_by_a_volunteer_is_forbidden(city, volunteer, actor):
    with pytest.raises(Forbidden):
        resident_create(actor=actor(volunteer), household_id=city["households"]["A"][1].pk,
                        data={"name": "周老太", "id_number": valid_id_number()})


def test_create_with_invalid_fields_saves_nothing_and_writes_no_entry(city, grid_worker, actor):
    household = city["households"]["A"][1]
    before = counts(household)
    with pytest.raises(ValidationFailed) as exc:
        resident_create(actor=actor(grid_worker), household_id=household.pk,
                        data={"name": "", "id_number": "420106198005170000", "phone": "12345"})
    assert {"name", "id_number", "phone"} <= set(exc.value.errors)
    assert counts(household) == before
    assert not AuditEntry.objects.filter(action="create").exists()


# --- Update --------------------------------------------------------------------------------------
def test_update_records_only_the_changed_fields(city, grid_worker, actor):
    resident = city["residents"]["A"]
    resident_update(actor=actor(grid_worker), resident_id=resident.pk,
                    data={"name": "张伟", "phone": "13911112222", "relation": "户主"})
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {"phone": ["13800138000", "13911112222"]}


def test_an_update_that_changes_nothing_writes_no_entry(city, grid_worker, actor):
    resident = city["residents"]["A"]
    resident_update(actor=actor(grid_worker), resident_id=resident.pk, data={"name": "张伟"})
    assert not AuditEntry.objects.filter(action="update").exists()


def test_update_of_the_id_number_rechecks_sex(city, grid_worker, actor):
    resident = city["residents"]["A"]  # a man
    with pytest.raises(ValidationFailed) as exc:
        resident_update(actor=actor(grid_worker), resident_id=resident.pk,
                        data={"id_number": valid_id_number(male=False)})
    assert exc.value.errors["sex"] == "性别与身份证号码不符"


def test_update_of_the_id_number_rechecks_the_birth_date(city, grid_worker, actor):
    resident = city["residents"]["A"]  # born 1980-05-17
    other_birthday = make_id_number("420106", dt.date(1981, 5, 17), 11)
    with pytest.raises(ValidationFailed) as exc:
        resident_update(actor=actor(grid_worker), resident_id=resident.pk, data={"id_number": other_birthday})
    assert exc.value.errors["birth_date"] == "出生日期与身份证号码不符"


def test_update_of_id_number_with_consistent_sex_and_birth_date_succeeds(city, grid_worker, actor):
    resident = city["residents"]["A"]
    number = make_id_number("420111", dt.date(1980, 5, 17), 901)
    resident_update(actor=actor(grid_worker), resident_id=resident.pk, data={"id_number": number})
    resident.refresh_from_db()
    assert (resident.id_number, resident.id_tail) == (number, number[-4:])


def test_update_of_tags_is_recorded(city, grid_worker, actor):
    resident = city["residents"]["A"]
    tag = KeyGroupTag.objects.get(code="elderly_alone")
    resident_update(actor=actor(grid_worker), resident_id=resident.pk, data={"tags": ["独居老人"]})
    assert AuditEntry.objects.get(action="update").changes == {"tags": [[], [tag.pk]]}


def test_update_outside_reach_is_not_found(city, grid_worker, actor):
    with pytest.raises(NotFound):
        resident_update(actor=actor(grid_worker), resident_id=city["residents"]["B"].pk, data={"name": "改名"})


# --- Move ----------------------------------------------------------------------------------------
def test_move_keeps_history_and_updates_both_counters(city, street_officer, actor):
    resident = city["residents"]["A2"]
    source, target = city["households"]["A"][0], city["households"]["B"][1]
    source_before, target_before = counts(source), counts(target)
    move = resident_move(actor=actor(street_officer), resident_id=resident.pk, to_household_id=target.pk,
                         relation="户主", reason="分户")
    assert counts(source) == (source_before[0] - 1, source_before[1] - 1)
    assert counts(target) == (target_before[0] + 1, target_before[1] + 1)
    assert HouseholdMove.objects.get(pk=move.pk).from_household_id == source.pk
    assert (move.grid_code, move.moved_by) == (GRID_B, street_officer)


def test_move_carries_tags_to_the_new_grid(city, street_officer, actor):
    resident = city["residents"]["A2"]
    tag = KeyGroupTag.objects.get(code="elderly_alone")
    ResidentTag.objects.create(resident=resident, tag=tag, grid_code=resident.grid_code)
    resident_move(actor=actor(street_officer), resident_id=resident.pk, to_household_id=city["households"]["B"][1].pk)
    assert ResidentTag.objects.get(resident=resident).grid_code == GRID_B


def test_two_moves_keep_two_history_rows(city, street_officer, actor):
    resident = city["residents"]["A2"]
    resident_move(actor=actor(street_officer), resident_id=resident.pk, to_household_id=city["households"]["B"][1].pk)
    resident_move(actor=actor(street_officer), resident_id=resident.pk, to_household_id=city["households"]["A"][1].pk)
    assert HouseholdMove.objects.filter(resident=resident).count() == 2
    assert AuditEntry.objects.filter(action="move").count() == 2


def test_move_to_the_same_household_is_refused(city, grid_worker, actor):
    resident = city["residents"]["A2"]
    with pytest.raises(ValidationFailed) as raised:
        resident_move(actor=actor(grid_worker), resident_id=resident.pk, to_household_id=resident.household_id)
    assert raised.value.code == "already_in_household"


def test_move_to_a_household_outside_reach_is_not_found(city, grid_worker, actor):
    with pytest.raises(NotFound):
        resident_move(actor=actor(grid_worker), resident_id=city["residents"]["A2"].pk,
                      to_household_id=city["households"]["C"][0].pk)
    assert not HouseholdMove.objects.exists()


def test_move_with_an_unknown_relation_is_refused(city, grid_worker, actor):
    with pytest.raises(ValidationFailed, match="与户主关系") as raised:
        resident_move(actor=actor(grid_worker), resident_id=city["residents"]["A2"].pk,
                      to_household_id=city["households"]["A"][1].pk, relation="邻居")
    assert raised.value.code == "invalid_relation"


# --- Reveal --------------------------------------------------------------------------------------
def test_reveal_returns_the_value_and_records_the_field(city, grid_worker, actor):
    resident = city["residents"]["A"]
    assert resident_reveal(actor=actor(grid_worker), resident_id=resident.pk, field="id_number",
                           purpose="tracing") == resident.id_number
    assert AuditEntry.objects.get(action="reveal").field == "id_number"


def test_reveal_by_a_volunteer_is_forbidden_and_not_recorded(city, volunteer, actor):
    with pytest.raises(Forbidden):
        resident_reveal(actor=actor(volunteer), resident_id=city["residents"]["A"].pk, field="phone", purpose="tracing")
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_reveal_outside_reach_is_not_found(city, grid_worker, actor):
    with pytest.raises(NotFound):
        resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["C"].pk, field="phone",
                        purpose="tracing")
