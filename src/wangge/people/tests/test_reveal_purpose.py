"""Every reveal says why: a purpose from the list ("其他" with a note), recorded in its audit entry.

A reveal without a proper purpose reveals nothing: 422 with its own code, recorded as a refused
reveal (like a refusal for the role or the reach), on the service, the API and the page alike.
The page shows the plain value for ``WANGGE_REVEAL_SECONDS`` and then masks it again.
"""

import pytest
from django.urls import reverse

from wangge.audit.models import REVEAL_NOTE_MAX_LENGTH, AuditAction, AuditEntry, RevealPurpose
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.core.testing import Api, login
from wangge.people.services import resident_reveal

pytestmark = pytest.mark.django_db


def reveals():
    return list(AuditEntry.objects.filter(action=AuditAction.REVEAL))


def refusals():
    return list(AuditEntry.objects.filter(action=AuditAction.REVEAL_REFUSED))


def reveal_url(resident, field):
    return reverse("people:resident_reveal", args=[resident.pk, field])


# --- the service ------------------------------------------------------------------------------
def test_the_purpose_is_recorded_in_the_reveal_entry(city, grid_worker, actor):
    resident = city["residents"]["A"]
    value = resident_reveal(actor=actor(grid_worker), resident_id=resident.pk, field="phone", purpose="transfer")
    assert value == resident.phone
    [entry] = reveals()
    assert entry.changes == {"purpose": "transfer"}
    assert entry.purpose_label == "转运联系"


def test_other_with_a_note_is_recorded_with_its_note(city, grid_worker, actor):
    resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["A"].pk, field="id_number",
                    purpose="other", note="  社区医生回访  ")
    [entry] = reveals()
    assert entry.changes == {"purpose": "other", "purpose_note": "社区医生回访"}
    assert (entry.purpose_label, entry.purpose_note) == ("其他", "社区医生回访")


@pytest.mark.parametrize("purpose, note, code", [
    ("", "", "reveal_purpose_required"),
    ("   ", "", "reveal_purpose_required"),
    ("curiosity", "", "reveal_purpose_invalid"),
    ("other", "", "reveal_note_required"),
    ("other", "   ", "reveal_note_required"),
    ("other", "字" * (REVEAL_NOTE_MAX_LENGTH + 1), "reveal_note_too_long"),
    ("nat", "字" * (REVEAL_NOTE_MAX_LENGTH + 1), "reveal_note_too_long"),
])
def test_a_reveal_without_a_proper_purpose_is_refused_with_its_code(city, grid_worker, actor, purpose, note, code):
    with pytest.raises(ValidationFailed) as refused:
        resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["A"].pk, field="phone",
                        purpose=purpose, note=note)
    assert refused.value.code == code
    assert refused.value.http_status == 422
    assert reveals() == []


def test_a_refusal_for_the_purpose_is_recorded_with_the_record_and_what_was_said(city, grid_worker, actor):
    resident = city["residents"]["A"]
    with pytest.raises(ValidationFailed):
        resident_reveal(actor=actor(grid_worker), resident_id=resident.pk, field="phone", purpose="other")
    [entry] = refusals()
    assert entry.changes == {"refused": True, "reason": "purpose", "purpose": "other"}
    assert (entry.object_id, entry.field, entry.grid_code) == (str(resident.pk), "phone", resident.grid_code)


def test_a_note_of_exactly_the_limit_is_accepted(city, grid_worker, actor):
    note = "字" * REVEAL_NOTE_MAX_LENGTH
    resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["A"].pk, field="phone",
                    purpose="other", note=note)
    assert reveals()[0].purpose_note == note


def test_the_role_is_refused_before_the_purpose_is_asked(city, volunteer, actor):
    with pytest.raises(Forbidden):
        resident_reveal(actor=actor(volunteer), resident_id=city["residents"]["A"].pk, field="phone", purpose="")
    assert [e.changes["reason"] for e in refusals()] == ["role"]


def test_out_of_reach_is_not_found_whatever_the_purpose(city, grid_worker, actor):
    # A 422 for the purpose would tell the record exists: the reach is asked first.
    with pytest.raises(NotFound):
        resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["C"].pk, field="phone", purpose="")
    assert [e.changes["reason"] for e in refusals()] == ["not_in_reach"]


def test_every_purpose_of_the_list_reveals(city, grid_worker, actor):
    resident = city["residents"]["A"]
    for purpose in RevealPurpose.values:
        note = "说明" if purpose == RevealPurpose.OTHER else ""
        assert resident_reveal(actor=actor(grid_worker), resident_id=resident.pk, field="phone",
                               purpose=purpose, note=note) == resident.phone
    assert sorted(e.changes["purpose"] for e in reveals()) == sorted(RevealPurpose.values)


# --- the API ----------------------------------------------------------------------------------
def test_the_api_reveals_with_a_purpose_and_records_it(city, grid_worker):
    resident = city["residents"]["A"]
    response = Api(grid_worker).post(f"/residents/{resident.pk}/reveal", {"field": "id_number", "purpose": "nat"})
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": resident.id_number}
    [entry] = reveals()
    assert (entry.channel, entry.changes) == ("api", {"purpose": "nat"})


def test_the_api_without_a_purpose_is_422_with_its_code_and_reveals_nothing(city, grid_worker):
    resident = city["residents"]["A"]
    response = Api(grid_worker).post(f"/residents/{resident.pk}/reveal", {"field": "id_number"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "reveal_purpose_required"
    assert "purpose" in body["errors"]
    assert resident.id_number not in response.content.decode()
    assert reveals() == []
    assert [(e.channel, e.changes["reason"]) for e in refusals()] == [("api", "purpose")]


@pytest.mark.parametrize("payload, code", [
    ({"purpose": "curiosity"}, "reveal_purpose_invalid"),
    ({"purpose": "other"}, "reveal_note_required"),
    ({"purpose": "other", "note": "字" * (REVEAL_NOTE_MAX_LENGTH + 1)}, "reveal_note_too_long"),
])
def test_the_api_refuses_an_incomplete_purpose_with_its_code(city, grid_worker, payload, code):
    response = Api(grid_worker).post(f"/residents/{city['residents']['A'].pk}/reveal", {"field": "phone", **payload})
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert reveals() == []


def test_the_api_records_the_note_of_other(city, grid_worker):
    Api(grid_worker).post(f"/residents/{city['residents']['A'].pk}/reveal",
                          {"field": "phone", "purpose": "other", "note": "街道复核"})
    assert reveals()[0].changes == {"purpose": "other", "purpose_note": "街道复核"}


def test_the_openapi_document_lists_the_purposes(db):
    schema = Api().client.get("/api/v1/openapi.json").json()["components"]["schemas"]["RevealIn"]
    assert schema["properties"]["purpose"]["enum"] == list(RevealPurpose.values)


# --- the page ---------------------------------------------------------------------------------
def test_the_detail_page_offers_the_purposes_in_words(city, grid_worker):
    html = login(grid_worker).get(reverse("people:resident_detail", args=[city["residents"]["A"].pk])).content.decode()
    for value, label in RevealPurpose.choices:
        assert f'data-testid="purpose-phone-{value}"' in html
        assert str(label) in html


def test_the_page_reveals_with_a_purpose_and_records_it(city, grid_worker):
    resident = city["residents"]["A"]
    response = login(grid_worker).post(reveal_url(resident, "phone"), {"purpose": "other", "note": "核对号码"},
                                       HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert resident.phone in response.content.decode()
    [entry] = reveals()
    assert (entry.channel, entry.changes) == ("web", {"purpose": "other", "purpose_note": "核对号码"})


def test_the_page_without_a_purpose_shows_the_picker_again_with_the_reason(city, grid_worker):
    resident = city["residents"]["A"]
    response = login(grid_worker).post(reveal_url(resident, "phone"), {"note": "随便看看"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="reveal-error-phone"' in html
    assert 'value="随便看看"' in html  # what was typed stays
    assert resident.phone not in html
    assert reveals() == [] and [e.changes["reason"] for e in refusals()] == ["purpose"]


def test_the_page_without_javascript_shows_the_reason_on_the_page(city, grid_worker):
    resident = city["residents"]["A"]
    response = login(grid_worker).post(reveal_url(resident, "id_number"), {"purpose": "other"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="reveal-error-id_number"' in html
    assert resident.id_number not in html


def test_the_revealed_value_is_masked_again_after_the_setting(city, grid_worker, settings):
    settings.WANGGE_REVEAL_SECONDS = 7
    resident = city["residents"]["A"]
    response = login(grid_worker).post(reveal_url(resident, "phone"), {"purpose": "nat"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-remask-after="7"' in html
    # What comes back is the masked value and the picker, without the plain value.
    masked_part = html.split("<template data-masked>")[1].split("</template>")[0]
    assert resident.phone_masked in masked_part and resident.phone not in masked_part
    assert 'data-testid="reveal-phone"' in masked_part


def test_without_javascript_the_page_reloads_masked_after_the_setting(city, grid_worker, settings):
    settings.WANGGE_REVEAL_SECONDS = 9
    resident = city["residents"]["A"]
    html = login(grid_worker).post(reveal_url(resident, "phone"), {"purpose": "nat"}).content.decode()
    detail = reverse("people:resident_detail", args=[resident.pk])
    assert f'<meta http-equiv="refresh" content="9;url={detail}">' in html


def test_the_detail_page_itself_does_not_reload(city, grid_worker):
    html = login(grid_worker).get(reverse("people:resident_detail", args=[city["residents"]["A"].pk])).content.decode()
    assert 'http-equiv="refresh"' not in html
