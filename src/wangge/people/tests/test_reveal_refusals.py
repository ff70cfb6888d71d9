"""A refused reveal is written to the audit log, and the answer to the client says no more than before.

Refused for the role: 403, and the entry sits with the record (its area's auditor reads it).
Refused because the record is out of reach or missing: 404 exactly as for a record that does not
exist, and the entry sits with the actor's own reach, without the record's name or place, so the
auditor over the actor sees the probing and learns nothing about another area's residents.
"""

import json

import pytest
from django.urls import reverse

from wangge.accounts.models import Role
from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.errors import Forbidden, NotFound
from wangge.core.testing import GRID_A, GRID_C, login
from wangge.core.testing.factories import make_user
from wangge.people.services import resident_reveal
from wangge.people.tests.test_api import Api

REFUSED = AuditAction.REVEAL_REFUSED
MISSING_PK = 999_999


def refusals():
    return list(AuditEntry.objects.filter(action=REFUSED))


# --- the service ------------------------------------------------------------------------------
def test_a_role_that_may_not_reveal_is_refused_and_the_refusal_recorded(city, volunteer, actor):
    resident = city["residents"]["A"]
    with pytest.raises(Forbidden):
        resident_reveal(actor=actor(volunteer), resident_id=resident.pk, field="phone", purpose="tracing")
    [entry] = refusals()
    assert (entry.actor_username, entry.field, entry.object_type, entry.object_id) == (
        "vol_a", "phone", "people.resident", str(resident.pk))
    assert entry.changes == {"refused": True, "reason": "role", "purpose": "tracing"}
    assert entry.grid_code == GRID_A and entry.object_repr == resident.name
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_a_reveal_out_of_reach_is_not_found_and_the_refusal_recorded(city, grid_worker, actor):
    other = city["residents"]["C"]
    with pytest.raises(NotFound):
        resident_reveal(actor=actor(grid_worker), resident_id=other.pk, field="id_number", purpose="tracing")
    [entry] = refusals()
    assert (entry.actor_username, entry.field, entry.object_id) == ("gw_a", "id_number", str(other.pk))
    assert entry.changes == {"refused": True, "reason": "not_in_reach", "purpose": "tracing"}
    # Filed under the actor's reach, and nothing there names or places the other person.
    assert entry.grid_code == GRID_A
    assert other.name not in entry.object_repr + entry.note and GRID_C not in json.dumps(entry.changes)


def test_a_reveal_of_a_missing_record_is_recorded_like_one_out_of_reach(city, grid_worker, actor):
    with pytest.raises(NotFound):
        resident_reveal(actor=actor(grid_worker), resident_id=MISSING_PK, field="phone", purpose="tracing")
    [entry] = refusals()
    assert entry.object_id == str(MISSING_PK) and entry.changes["reason"] == "not_in_reach"


def test_an_allowed_reveal_writes_no_refusal(city, grid_worker, actor):
    resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["A"].pk, field="phone", purpose="tracing")
    assert refusals() == []


# --- the API and the page ---------------------------------------------------------------------
def test_the_api_answers_404_out_of_reach_exactly_as_for_a_missing_record_and_records_it(city, grid_worker):
    api = Api(grid_worker)
    out_of_reach = api.post(f"/residents/{city['residents']['C'].pk}/reveal",
                            {"field": "id_number", "purpose": "tracing"})
    missing = api.post(f"/residents/{MISSING_PK}/reveal", {"field": "id_number", "purpose": "tracing"})
    assert out_of_reach.status_code == missing.status_code == 404
    assert out_of_reach.json() == missing.json()
    assert [(e.channel, e.changes["reason"]) for e in refusals()] == [("api", "not_in_reach")] * 2


def test_the_api_refusal_of_a_role_is_403_and_recorded(city, volunteer):
    response = Api(volunteer).post(f"/residents/{city['residents']['A'].pk}/reveal",
                                   {"field": "id_number", "purpose": "tracing"})
    assert response.status_code == 403
    assert [e.changes["reason"] for e in refusals()] == ["role"]


def test_the_page_answers_404_out_of_reach_and_records_it(city, grid_worker):
    other = city["residents"]["C"]
    response = login(grid_worker).post(reverse("people:resident_reveal", args=[other.pk, "phone"]),
                                       {"purpose": "tracing"})
    assert response.status_code == 404
    assert other.name not in response.content.decode()
    [entry] = refusals()
    assert (entry.channel, entry.field, entry.object_id) == ("web", "phone", str(other.pk))


def test_the_page_refusal_of_a_role_is_403_and_recorded(city, volunteer):
    response = login(volunteer).post(reverse("people:resident_reveal", args=[city["residents"]["A"].pk, "phone"]),
                                       {"purpose": "tracing"})
    assert response.status_code == 403
    assert len(refusals()) == 1


# --- what the auditor reads -------------------------------------------------------------------
def test_the_auditor_over_the_actor_sees_the_probing_on_the_log_page(city, grid_worker, auditor, actor):
    with pytest.raises(NotFound):
        resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["C"].pk, field="id_number",
                        purpose="tracing")
    response = login(auditor).get(reverse("audit:entry_list"), {"action": "reveal_refused"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>拒绝显示明文</mark>" in html and "不在管辖范围内或不存在" in html
    assert [e.actor_username for e in response.context["entries"]] == ["gw_a"]
    assert city["residents"]["C"].name not in html


def test_the_auditor_of_another_street_does_not_see_it(city, grid_worker, actor):
    with pytest.raises(NotFound):
        resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["C"].pk, field="id_number",
                        purpose="tracing")
    other_auditor = make_user("auditor_2", Role.AUDITOR, ["420106002000"])
    response = login(other_auditor).get(reverse("audit:entry_list"), {"action": "reveal_refused"})
    assert list(response.context["entries"]) == []


def test_a_role_refusal_reads_as_such_on_the_log_page(city, volunteer, auditor, actor):
    with pytest.raises(Forbidden):
        resident_reveal(actor=actor(volunteer), resident_id=city["residents"]["A"].pk, field="phone", purpose="tracing")
    html = login(auditor).get(reverse("audit:entry_list")).content.decode()
    assert "拒绝显示明文" in html and "角色无权查看明文" in html
