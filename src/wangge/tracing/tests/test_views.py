"""Investigation pages: list (open first), detail with trajectory and contacts, the forms, scope 404s."""

from django.urls import reverse

from wangge.audit.models import AuditEntry
from wangge.core.testing import login
from wangge.core.testing.factories import valid_id_number
from wangge.people.models import Resident
from wangge.quarantine.models import QuarantineOrder
from wangge.tracing.models import Contact, TrajectoryEntry


def picked_data(ids, **batch):
    """What the contacts form posts: the batch's settings and the ids the person picker picked."""
    return {"regime_code": "7+3", "place": "home", "kind": "close", "resident_ids": [str(i) for i in ids], **batch}


def register_inline(user, **fields):
    """Register someone through the picker's inline form; returns the new resident's id."""
    data = {"picker": "contact", "field": "resident_ids", "mode": "many", "reg-id_type": "resident_id",
            "reg-relation": "relative", **{f"reg-{k}": v for k, v in fields.items()}}
    response = login(user).post(reverse("people:person_register"), data)
    assert response.status_code == 200 and response.headers.get("HX-Trigger") == "person-registered"
    return Resident.objects.get(name=fields["name"]).pk


def test_the_list_shows_investigations_in_reach(cdc, investigation):
    body = login(cdc).get(reverse("tracing:investigation_list")).content.decode()
    assert "王芳" in body


def test_the_list_hides_investigations_out_of_reach(outsider, investigation):
    assert "王芳" not in login(outsider).get(reverse("tracing:investigation_list")).content.decode()


def test_the_detail_is_audited(cdc, investigation):
    assert login(cdc).get(reverse("tracing:investigation_detail", args=[investigation.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="view", object_type="tracing.investigation").exists()


def test_the_detail_out_of_reach_is_404(outsider, investigation):
    url = reverse("tracing:investigation_detail", args=[investigation.pk])
    assert login(outsider).get(url).status_code == 404


def test_adding_a_trajectory_entry_from_the_page(cdc, investigation):
    response = login(cdc).post(reverse("tracing:trajectory_add", args=[investigation.pk]), {
        "place": "中百超市", "start": "2022-03-01T09:00", "end": "2022-03-01T10:00", "lat": "30.55", "lng": "114.31"})
    assert response.status_code == 302
    assert TrajectoryEntry.objects.get().place == "中百超市"


def test_adding_several_contacts_at_once_from_the_page(city, street_officer, investigation):
    household = city["households"]["A"][1]
    new = register_inline(street_officer, name="赵敏", id_number=valid_id_number(male=False), phone="13900139000",
                          household=household.pk)
    response = login(street_officer).post(reverse("tracing:contacts_add", args=[investigation.pk]),
                                          picked_data([city["residents"]["A"].pk, new]))
    assert response.status_code == 302
    assert Contact.objects.count() == 2 and QuarantineOrder.objects.count() == 2
    body = login(street_officer).get(response.url).content.decode()
    assert "赵敏" in body and "居家隔离" in body


def test_a_failing_contact_row_writes_nothing_and_says_which(city, street_officer, investigation):
    ids = [city["residents"]["A"].pk, city["residents"]["C"].pk]
    response = login(street_officer).post(reverse("tracing:contacts_add", args=[investigation.pk]),
                                          picked_data(ids), follow=True)
    assert "第2位接触者" in response.content.decode()
    assert Contact.objects.count() == 0


def test_contacts_out_of_reach_investigation_is_404(city, outsider, investigation):
    response = login(outsider).post(reverse("tracing:contacts_add", args=[investigation.pk]),
                                    picked_data([city["residents"]["C"].pk]))
    assert response.status_code == 404


def test_a_role_that_may_not_trace_is_refused_with_403_on_the_page(investigation, street_grid_worker):
    response = login(street_grid_worker).post(
        reverse("tracing:investigation_close", args=[investigation.pk]), {"summary": "完成"})
    assert response.status_code == 403
    response = login(street_grid_worker).post(
        reverse("tracing:trajectory_add", args=[investigation.pk]), {"place": "超市", "start": "2026-01-01T10:00"})
    assert response.status_code == 403
    assert not TrajectoryEntry.objects.exists()
