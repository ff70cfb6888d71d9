"""One head (户主) per household: the form, the API, an edit, a move and the import all refuse a
second head with the code ``household_has_head``, and the database refuses it under them."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from wangge.core.errors import ValidationFailed
from wangge.core.testing import Api, force_login
from wangge.core.testing.factories import add_resident, valid_id_number
from wangge.people.models import ImportJob, Resident
from wangge.people.services import resident_create, resident_move, resident_update
from wangge.people.tests.import_helpers import resident_row, run_job, write_csv

VALID_ONLY = ImportJob.Mode.VALID_ONLY


def person(**extra):
    return {"name": "赵敏", "id_number": valid_id_number(male=False), "relation": "head"} | extra


@pytest.fixture
def headed(city):
    """Household A1: 张伟 is its head (and 李娜 his spouse)."""
    return city["households"]["A"][0]


@pytest.fixture
def empty(city):
    """Household A2: nobody registered yet."""
    return city["households"]["A"][1]


# --- service ------------------------------------------------------------------------------------
def test_a_second_head_is_refused_by_the_service(headed, grid_worker, actor):
    with pytest.raises(ValidationFailed) as refused:
        resident_create(actor=actor(grid_worker), household_id=headed.pk, data=person())
    assert refused.value.code == "household_has_head"
    assert "relation" in refused.value.errors
    assert not Resident.objects.filter(name="赵敏").exists()


def test_a_blank_relation_means_head_and_is_refused_too(headed, grid_worker, actor):
    with pytest.raises(ValidationFailed) as refused:
        resident_create(actor=actor(grid_worker), household_id=headed.pk, data=person(relation=""))
    assert refused.value.code == "household_has_head"


def test_the_first_head_of_a_household_is_accepted(empty, grid_worker, actor):
    resident = resident_create(actor=actor(grid_worker), household_id=empty.pk, data=person())
    assert resident.relation == "head"


def test_another_relation_is_accepted_where_there_is_a_head(headed, grid_worker, actor):
    resident = resident_create(actor=actor(grid_worker), household_id=headed.pk, data=person(relation="child"))
    assert resident.relation == "child"


# --- edit ---------------------------------------------------------------------------------------
def test_making_a_member_head_where_there_is_one_is_refused(city, headed, grid_worker, actor):
    spouse = city["residents"]["A2"]
    with pytest.raises(ValidationFailed) as refused:
        resident_update(actor=actor(grid_worker), resident_id=spouse.pk, data={"relation": "head"})
    assert refused.value.code == "household_has_head"
    assert Resident.objects.get(pk=spouse.pk).relation == "spouse"


def test_the_head_may_be_edited_and_stay_head(city, grid_worker, actor):
    head = city["residents"]["A"]
    resident_update(actor=actor(grid_worker), resident_id=head.pk, data={"relation": "head", "note": "楼长"})
    assert Resident.objects.get(pk=head.pk).note == "楼长"


def test_heads_may_change_places(city, grid_worker, actor):
    head, spouse = city["residents"]["A"], city["residents"]["A2"]
    resident_update(actor=actor(grid_worker), resident_id=head.pk, data={"relation": "spouse"})
    resident_update(actor=actor(grid_worker), resident_id=spouse.pk, data={"relation": "head"})
    assert Resident.objects.get(pk=spouse.pk).relation == "head"


# --- move ---------------------------------------------------------------------------------------
def test_moving_a_head_into_a_household_with_a_head_is_refused(city, headed, empty, grid_worker, actor):
    newcomer = add_resident(empty, name="周强")
    assert newcomer.relation == "head"
    with pytest.raises(ValidationFailed) as refused:
        resident_move(actor=actor(grid_worker), resident_id=newcomer.pk, to_household_id=headed.pk)
    assert refused.value.code == "household_has_head"
    assert Resident.objects.get(pk=newcomer.pk).household_id == empty.pk


def test_moving_someone_in_as_head_where_there_is_one_is_refused(city, headed, empty, grid_worker, actor):
    newcomer = add_resident(empty, name="周强", relation="child")
    with pytest.raises(ValidationFailed) as refused:
        resident_move(actor=actor(grid_worker), resident_id=newcomer.pk, to_household_id=headed.pk, relation="head")
    assert refused.value.code == "household_has_head"


def test_a_head_moves_in_under_another_relation(city, headed, empty, grid_worker, actor):
    newcomer = add_resident(empty, name="周强")
    resident_move(actor=actor(grid_worker), resident_id=newcomer.pk, to_household_id=headed.pk, relation="parent")
    assert Resident.objects.get(pk=newcomer.pk).relation == "parent"


# --- form and API -------------------------------------------------------------------------------
def test_the_form_shows_the_refusal_on_the_relation_field(client, headed, grid_worker):
    force_login(client, grid_worker)
    data = {
        "name": "赵敏",
        "id_type": "resident_id",
        "id_number": valid_id_number(male=False),
        "sex": "",
        "birth_date": "",
        "phone": "",
        "relation": "head",
        "residence_type": "registered",
        "note": "",
    }
    response = client.post(reverse("people:resident_create", args=[headed.pk]), data)
    assert response.status_code == 422
    assert response.context["form"].errors["relation"]
    assert not Resident.objects.filter(name="赵敏").exists()


def test_the_api_refuses_a_second_head_with_its_code(headed, grid_worker):
    response = Api(grid_worker).post("/residents", {"household_id": headed.pk, **person()})
    assert response.status_code == 422
    assert response.json()["code"] == "household_has_head"
    assert "relation" in response.json()["errors"]


def test_the_api_refuses_moving_a_head_into_a_household_with_one(city, headed, empty, grid_worker):
    newcomer = add_resident(empty, name="周强")
    response = Api(grid_worker).post(f"/residents/{newcomer.pk}/move", {"to_household_id": headed.pk})
    assert response.status_code == 422
    assert response.json()["code"] == "household_has_head"


# --- import -------------------------------------------------------------------------------------
def codes(job):
    return [(e["row"], e.get("code", "")) for e in job.errors]


def test_an_imported_head_for_a_household_with_one_is_reported(tmp_path, headed, grid_worker):
    job, result = run_job(grid_worker, write_csv(tmp_path, [resident_row(headed, valid_id_number(), relation="户主")]))
    assert codes(job) == [(2, "household_has_head")]
    assert job.errors[0]["column"] == "与户主关系"
    assert result.status == ImportJob.Status.REJECTED


def test_two_heads_for_one_household_in_one_file_the_second_is_reported(tmp_path, empty, grid_worker):
    rows = [
        resident_row(empty, valid_id_number(), name="甲", relation="户主"),
        resident_row(empty, valid_id_number(), name="乙", relation="子女"),
        resident_row(empty, valid_id_number(), name="丙", relation="户主"),
    ]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    assert codes(job) == [(4, "household_has_head")]
    assert sorted(Resident.objects.filter(household=empty).values_list("name", "relation")) == [
        ("乙", "child"),
        ("甲", "head"),
    ]


def test_a_head_row_refused_for_another_reason_leaves_the_place_to_the_next(tmp_path, city, empty, grid_worker):
    taken = city["residents"]["A"].id_number  # already registered: the row is dropped, not the head's place
    rows = [
        resident_row(empty, taken, name="甲", relation="户主"),
        resident_row(empty, valid_id_number(), name="乙", relation="户主"),
    ]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    assert [e["row"] for e in job.errors] == [2]
    assert Resident.objects.get(household=empty, relation="head").name == "乙"


def test_a_head_and_a_member_of_another_household_in_one_file_are_both_imported(tmp_path, city, empty, grid_worker):
    rows = [
        resident_row(empty, valid_id_number(), name="甲", relation="户主"),
        resident_row(city["households"]["A"][0], valid_id_number(), name="乙", relation="配偶"),
    ]
    job, result = run_job(grid_worker, write_csv(tmp_path, rows))
    assert job.errors == [] and result.imported_rows == 2


# --- database -----------------------------------------------------------------------------------
def test_the_database_refuses_a_second_head_written_around_the_services(headed):
    with pytest.raises(IntegrityError), transaction.atomic():
        add_resident(headed, name="赵敏", relation="head")


def test_the_database_takes_many_members_who_are_not_heads(headed):
    add_resident(headed, name="赵敏", relation="child")
    add_resident(headed, name="赵强", relation="child")
    assert Resident.objects.filter(household=headed).count() == 4


MIGRATION = ("people", "0005_resident_one_head_per_household")
BEFORE = ("people", "0004_import_job_code_and_heartbeat")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_stops_and_names_the_households_with_two_heads(city):
    headed = city["households"]["A"][0]
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        second = add_resident(headed, name="赵敏", relation="head")
        executor = MigrationExecutor(connection)
        with pytest.raises(RuntimeError, match=headed.code):
            executor.migrate([MIGRATION])
        second.delete()
    finally:
        MigrationExecutor(connection).migrate([MIGRATION])
    assert "resident_one_head_per_household" in {
        c for c in connection.introspection.get_constraints(connection.cursor(), Resident._meta.db_table)
    }


def test_two_heads_in_different_chunks_of_a_file_are_caught(tmp_path, empty, grid_worker, monkeypatch):
    from wangge.people import imports

    monkeypatch.setattr(imports, "CHUNK_ROWS_SQLITE", 1)
    monkeypatch.setattr(imports, "CHUNK_ROWS_POSTGRES", 1)
    rows = [
        resident_row(empty, valid_id_number(), name="甲", relation="户主"),
        resident_row(empty, valid_id_number(), name="乙", relation="户主"),
    ]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    assert codes(job) == [(3, "household_has_head")]
    assert Resident.objects.get(household=empty).name == "甲"
