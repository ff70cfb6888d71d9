"""One head (户主) per household: the form, the API, an edit, a move and the import all refuse a
second head with the code ``household_has_head``, and the database refuses it under them."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from wangge.core.errors import ValidationFailed
from wangge.core.testing import Api, force_login
from wangge.core.testing.factories import add_resident, make_household, valid_id_number
from wangge.people.models import ImportJob, Resident
from wangge.people.services import resident_create, resident_move, resident_update
from wangge.people.tests.import_helpers import RESIDENT_HEADERS, resident_row, run_job, write_csv

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


def test_the_migration_stops_and_names_the_households_with_two_heads(city):
    """The migration's check, run on data written before the rule: the index (a partial unique index
    on PostgreSQL and SQLite alike) is dropped inside this test's transaction, which puts it back."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps as django_apps

    migration = importlib.import_module("wangge.people.migrations.0005_resident_one_head_per_household")
    editor = SimpleNamespace(connection=connection)
    headed = city["households"]["A"][0]
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX resident_one_head_per_household")
    add_resident(headed, name="赵敏", relation="head")
    with pytest.raises(RuntimeError, match=headed.code):
        migration.refuse_households_with_two_heads(django_apps, editor)
    Resident.objects.filter(name="赵敏").delete()
    migration.refuse_households_with_two_heads(django_apps, editor)  # one head each again: it passes


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


# --- import: a blank relation is unstated -------------------------------------------------------
# A file without relations (often what a community hands over) makes the first person of each
# household without a head its head, and everyone else 其他; a stated 户主 keeps the rule above.
RELATION = RESIDENT_HEADERS.index("与户主关系")
WITHOUT_RELATION = [h for h in RESIDENT_HEADERS if h != "与户主关系"]


def without_relation(row):
    return row[:RELATION] + row[RELATION + 1:]


@pytest.fixture
def two_empty(city, empty):
    """Two households of grid A with nobody registered yet."""
    return [empty, make_household(empty.unit, number=3)]


def six_people(households):
    """Three people for each household, the households' rows interleaved."""
    return [
        resident_row(household, valid_id_number(), name=f"{'甲乙'[h]}{n}", relation="")
        for n in range(1, 4) for h, household in enumerate(households)
    ]


def relations(household):
    return sorted(Resident.objects.filter(household=household).values_list("name", "relation"))


def test_a_file_without_a_relation_column_makes_the_first_of_each_household_its_head(tmp_path, two_empty,
                                                                                      grid_worker):
    rows = [without_relation(row) for row in six_people(two_empty)]
    job, result = run_job(grid_worker, write_csv(tmp_path, rows, headers=WITHOUT_RELATION))
    assert job.errors == [] and result.imported_rows == 6
    assert relations(two_empty[0]) == [("甲1", "head"), ("甲2", "other"), ("甲3", "other")]
    assert relations(two_empty[1]) == [("乙1", "head"), ("乙2", "other"), ("乙3", "other")]


def test_blank_relations_make_the_first_of_each_household_its_head(tmp_path, two_empty, grid_worker):
    job, result = run_job(grid_worker, write_csv(tmp_path, six_people(two_empty)))
    assert job.errors == [] and result.imported_rows == 6
    assert [Resident.objects.filter(household=h, relation="head").get().name for h in two_empty] == ["甲1", "乙1"]


def test_blank_relations_in_a_household_with_a_head_are_imported_as_other(tmp_path, city, headed, grid_worker):
    rows = [resident_row(headed, valid_id_number(), name=name, relation="") for name in ("赵一", "赵二")]
    job, result = run_job(grid_worker, write_csv(tmp_path, rows))
    assert job.errors == [] and result.imported_rows == 2
    assert relations(headed) == [("张伟", "head"), ("李娜", "spouse"), ("赵一", "other"), ("赵二", "other")]


def test_a_stated_head_makes_blank_relations_after_it_other(tmp_path, empty, grid_worker):
    rows = [
        resident_row(empty, valid_id_number(), name="甲", relation="户主"),
        resident_row(empty, valid_id_number(), name="乙", relation=""),
    ]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows))
    assert job.errors == []
    assert relations(empty) == [("乙", "other"), ("甲", "head")]


def test_an_explicit_second_head_is_still_refused_next_to_blank_relations(tmp_path, headed, empty, grid_worker):
    rows = [
        resident_row(empty, valid_id_number(), name="甲", relation=""),
        resident_row(empty, valid_id_number(), name="乙", relation="户主"),
        resident_row(headed, valid_id_number(), name="丙", relation=""),
        resident_row(headed, valid_id_number(), name="丁", relation="户主"),
    ]
    job, result = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    assert codes(job) == [(3, "household_has_head"), (5, "household_has_head")]
    assert result.imported_rows == 2
    assert relations(empty) == [("甲", "head")]
    assert Resident.objects.get(name="丙").relation == "other"


def test_a_blank_row_refused_for_another_reason_leaves_the_head_to_the_next(tmp_path, city, empty, grid_worker):
    taken = city["residents"]["A"].id_number
    rows = [
        resident_row(empty, taken, name="甲", relation=""),
        resident_row(empty, valid_id_number(), name="乙", relation=""),
        resident_row(empty, valid_id_number(), name="丙", relation=""),
    ]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    assert [e["row"] for e in job.errors] == [2]
    assert relations(empty) == [("丙", "other"), ("乙", "head")]


@pytest.mark.parametrize("chunk_rows", [1, 2, 4])
@pytest.mark.parametrize("checker", ["thread", "process"])
def test_blank_relations_across_chunks_make_one_head_each(tmp_path, headed, two_empty, grid_worker, monkeypatch,
                                                          chunk_rows, checker):
    """Chunks of 1, 2 and 4 rows cut the households' rows everywhere; on PostgreSQL the rows are
    COPY lines formatted before the head is decided, by a thread or by the checker process."""
    from wangge.people import imports

    monkeypatch.setattr(imports, "CHUNK_ROWS_SQLITE", chunk_rows)
    monkeypatch.setattr(imports, "CHUNK_ROWS_POSTGRES", chunk_rows)
    used = []
    if checker == "process":
        real = imports._in_process
        monkeypatch.setattr(imports, "PROCESS_MIN_ROWS", 0)
        monkeypatch.setattr(imports, "_in_process", lambda *a, **kw: used.append(True) or real(*a, **kw))
    rows = six_people(two_empty) + [
        resident_row(two_empty[0], valid_id_number(), name="甲4", relation="户主"),
        resident_row(headed, valid_id_number(), name="赵一", relation=""),
        resident_row(two_empty[1], valid_id_number(), name="乙4", relation="子女"),
    ]
    job, result = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    assert codes(job) == [(8, "household_has_head")]
    assert result.imported_rows == 8
    assert relations(two_empty[0]) == [("甲1", "head"), ("甲2", "other"), ("甲3", "other")]
    assert relations(two_empty[1]) == [("乙1", "head"), ("乙2", "other"), ("乙3", "other"), ("乙4", "child")]
    assert Resident.objects.get(name="赵一").relation == "other"
    assert used == ([True] if checker == "process" and connection.vendor == "postgresql" else [])


def test_a_blank_row_made_head_keeps_tabs_and_line_breaks_in_its_text(tmp_path, empty, grid_worker):
    """On PostgreSQL its COPY line is rewritten after it was formatted: only the relation changes."""
    rows = [resident_row(empty, valid_id_number(), name="甲\t乙", relation="", note="一\n二\t三\\四")]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows))
    assert job.errors == []
    resident = Resident.objects.get(household=empty)
    assert (resident.name, resident.note, resident.relation) == ("甲\t乙", "一\n二\t三\\四", "head")


def test_the_form_and_the_api_still_read_a_blank_relation_as_head():
    from wangge.people.validation import clean_resident_fields

    assert clean_resident_fields({"relation": ""}, partial=True).values["relation"] == "head"
    assert clean_resident_fields({"relation": ""}, partial=True, unstated_relation=True).values["relation"] is None
