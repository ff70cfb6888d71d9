"""An ID number already registered outside the user's reach is refused without a word about who holds it.

Inside the reach the refusal points at the existing record (the worker can open it); outside, it
says only that the number is registered elsewhere and whom to ask, with its own code.  Form, API,
import and the tracing contacts all get the refusal from ``people.validation``.
"""

import json

import pytest
from django.urls import reverse

from wangge.core.errors import Conflict
from wangge.core.testing import GRID_C, force_login
from wangge.core.testing.factories import valid_id_number
from wangge.people.models import ImportJob, Resident
from wangge.people.services import resident_create, resident_update
from wangge.people.tests.import_helpers import resident_row, run_job, write_csv
from wangge.people.tests.test_api import Api, new_resident_body
from wangge.people.validation import ID_NUMBER_REGISTERED_ELSEWHERE

ELSEWHERE = "id_number_registered_elsewhere"


def says_nothing_about(text: str, other: Resident) -> bool:
    """Nothing that names or places ``other``: name, internal number, household code, grid, full number."""
    return not any(s in text for s in (
        other.name, f"居民编号 {other.pk}", f"编号 {other.pk}", other.household.code, GRID_C, other.id_number,
    ))


@pytest.fixture
def other(city):
    """A person registered in grid C, outside the grid worker's reach."""
    return city["residents"]["C"]


def test_the_refusal_outside_reach_says_only_registered_elsewhere(city, grid_worker, other, actor):
    with pytest.raises(Conflict) as exc:
        resident_create(actor=actor(grid_worker), household_id=city["households"]["A"][1].pk,
                        data={"name": "某人", "id_number": other.id_number})
    assert exc.value.code == ELSEWHERE
    assert exc.value.message == ID_NUMBER_REGISTERED_ELSEWHERE
    assert "其他辖区" in exc.value.errors["id_number"]
    assert says_nothing_about(repr((exc.value.message, exc.value.errors)), other)


def test_an_edit_to_a_number_registered_outside_reach_says_only_registered_elsewhere(city, grid_worker, other,
                                                                                      actor):
    mine = city["residents"]["A"]
    with pytest.raises(Conflict) as exc:
        resident_update(actor=actor(grid_worker), resident_id=mine.pk, data={"id_number": other.id_number})
    assert exc.value.code == ELSEWHERE
    assert says_nothing_about(repr((exc.value.message, exc.value.errors)), other)
    assert Resident.objects.get(pk=mine.pk).id_number == mine.id_number


def test_inside_reach_the_refusal_still_points_at_the_existing_record(city, street_officer, actor):
    # Grid B is in the street officer's reach: they may open the record, so the message says which.
    existing = city["residents"]["B"]
    with pytest.raises(Conflict) as exc:
        resident_create(actor=actor(street_officer), household_id=city["households"]["A"][1].pk,
                        data={"name": "王芳二", "id_number": existing.id_number})
    assert exc.value.code == "duplicate_id_number"
    assert existing.name in exc.value.message and f"居民编号 {existing.pk}" in exc.value.message


def test_the_api_create_answers_409_with_the_code_and_nothing_about_the_other(city, grid_worker, other):
    body = new_resident_body(city["households"]["A"][1], id_number=other.id_number, sex="男")
    response = Api(grid_worker).post("/residents", body)
    assert response.status_code == 409
    assert response.json()["code"] == ELSEWHERE
    assert says_nothing_about(json.dumps(response.json(), ensure_ascii=False), other)


def test_the_api_patch_answers_409_with_the_code_and_nothing_about_the_other(city, grid_worker, other):
    mine = city["residents"]["A"]
    response = Api(grid_worker).patch(f"/residents/{mine.pk}", {"id_number": other.id_number})
    assert response.status_code == 409
    assert response.json()["code"] == ELSEWHERE
    assert says_nothing_about(json.dumps(response.json(), ensure_ascii=False), other)


def test_the_form_page_says_registered_elsewhere_and_nothing_about_the_other(client, city, grid_worker, other):
    force_login(client, grid_worker)
    data = {"name": "某人", "id_type": "resident_id", "id_number": other.id_number, "sex": "", "birth_date": "",
            "phone": "", "relation": "child", "residence_type": "permanent", "note": ""}
    response = client.post(reverse("people:resident_create", args=[city["households"]["A"][1].pk]), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "其他辖区" in html
    # The number typed stays in its input; nothing else about its holder may appear.
    assert says_nothing_about(html.replace(f'value="{other.id_number}"', ""), other)


def test_the_import_reports_registered_elsewhere_without_the_internal_number(tmp_path, city, grid_worker, other):
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(city["households"]["A"][1], other.id_number)]))
    assert job.status == ImportJob.Status.REJECTED
    [error] = job.errors
    assert error["column"] == "证件号码"
    assert error["message"] == ID_NUMBER_REGISTERED_ELSEWHERE
    assert says_nothing_about(repr(job.errors) + job.message, other)


def test_the_import_in_valid_only_mode_keeps_the_others_and_reports_elsewhere(tmp_path, city, grid_worker, other):
    fresh = valid_id_number()
    rows = [resident_row(city["households"]["A"][1], other.id_number),
            resident_row(city["households"]["A"][1], fresh, name="孙丽")]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=ImportJob.Mode.VALID_ONLY)
    assert [e["message"] for e in job.errors] == [ID_NUMBER_REGISTERED_ELSEWHERE]
    assert Resident.objects.filter(id_number=fresh).exists()


def test_the_import_inside_reach_still_points_at_the_existing_record(tmp_path, city, grid_worker):
    existing = city["residents"]["A"]
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(city["households"]["A"][1],
                                                                    existing.id_number)]))
    message = job.errors[0]["message"]
    assert existing.name in message and "居民编号" not in message and str(existing.pk) not in message.replace(
        existing.id_number_masked, "")
