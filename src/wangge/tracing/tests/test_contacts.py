"""Adding contacts: marked, registered or matched, quarantined; all of them or none."""

import pytest

from wangge.core.errors import Conflict, Forbidden, NotFound
from wangge.core.testing.factories import valid_id_number
from wangge.health.models import PersonStatus, StatusTransition
from wangge.people.models import Resident
from wangge.quarantine.models import QuarantineOrder, QuarantineTest
from wangge.tracing import services
from wangge.tracing.models import Contact


def add(actor, user, investigation, contacts, **kw):
    kw.setdefault("regime_code", "7+3")
    return services.contacts_add(actor=actor(user), investigation_id=investigation.pk, contacts=contacts, **kw)


def new_person(city, name="赵敏", id_number=None):
    return {"name": name, "id_type": "resident_id", "id_number": id_number or valid_id_number(male=False),
            "phone": "13900139000", "household_id": city["households"]["A"][1].pk}


def test_an_existing_resident_becomes_a_close_contact_under_home_quarantine(city, cdc, investigation, actor):
    resident = city["residents"]["A"]
    [contact] = add(actor, cdc, investigation, [{"resident_id": resident.pk, "place": "超市"}])
    assert contact.kind == "close" and contact.place == "超市"
    assert PersonStatus.objects.get(resident=resident).status == "close_contact"
    transition = StatusTransition.objects.get(resident=resident)
    assert transition.reason == "流调判定为密切接触者"
    assert transition.evidence["investigation_id"] == investigation.pk
    order = QuarantineOrder.objects.get(resident=resident)
    assert order.contact == contact and order.place == "home" and order.regime.code == "7+3"
    assert QuarantineTest.objects.filter(order=order).count() == 6


def test_a_secondary_contact_gets_the_secondary_status(city, cdc, investigation, actor):
    resident = city["residents"]["A"]
    add(actor, cdc, investigation, [{"resident_id": resident.pk, "kind": "secondary"}])
    assert PersonStatus.objects.get(resident=resident).status == "secondary_contact"


def test_a_new_person_is_registered_and_quarantined(city, street_officer, investigation, actor):
    [contact] = add(actor, street_officer, investigation, [new_person(city)])
    assert contact.resident.name == "赵敏" and not contact.matched_by_id_number
    assert QuarantineOrder.objects.filter(resident=contact.resident, status="active").exists()


def test_a_known_id_number_is_matched_to_the_registered_resident(city, street_officer, investigation, actor):
    known = city["residents"]["A"]
    [contact] = add(actor, street_officer, investigation, [new_person(city, name="张伟", id_number=known.id_number)])
    assert contact.resident == known and contact.matched_by_id_number
    assert Resident.objects.filter(id_number=known.id_number).count() == 1


def test_several_contacts_in_central_quarantine_take_free_rooms_in_order(city, cdc, investigation, site, actor):
    contacts = add(actor, cdc, investigation, [{"resident_id": city["residents"][k].pk} for k in ("A", "A2")],
                   place="central", site_id=site.pk)
    assert [c.order.room.number for c in contacts] == ["101", "102"]


def test_if_one_contact_fails_nothing_is_written(city, street_officer, investigation, site, actor):
    # The third contact is out of reach: the first two must not be left behind.
    contacts = [{"resident_id": city["residents"]["A"].pk}, new_person(city),
                {"resident_id": city["residents"]["C"].pk}]
    with pytest.raises(NotFound) as exc:
        add(actor, street_officer, investigation, contacts)
    assert exc.value.code == "not_found"
    assert "第3位接触者" in exc.value.message
    assert Contact.objects.count() == 0
    assert QuarantineOrder.objects.count() == 0
    assert PersonStatus.objects.count() == 0
    assert not Resident.objects.filter(name="赵敏").exists()


def test_a_full_site_fails_the_whole_batch(city, cdc, investigation, site, actor):
    site.rooms.filter(number__in=["102", "103"]).update(is_active=False)
    with pytest.raises(Conflict):
        add(actor, cdc, investigation, [{"resident_id": city["residents"][k].pk} for k in ("A", "A2")],
            place="central", site_id=site.pk)
    assert Contact.objects.count() == 0 and QuarantineOrder.objects.count() == 0


def test_a_confirmed_person_keeps_their_status(city, cdc, investigation, actor):
    from django.utils import timezone

    resident = city["residents"]["A"]
    PersonStatus.objects.create(resident=resident, grid_code=resident.grid_code, status="confirmed",
                                severity="mild", since=timezone.now())
    add(actor, cdc, investigation, [{"resident_id": resident.pk}])
    assert PersonStatus.objects.get(resident=resident).status == "confirmed"


def test_a_person_already_in_quarantine_keeps_their_order(city, cdc, investigation, actor):
    from wangge.quarantine import services as quarantine

    resident = city["residents"]["A"]
    existing = quarantine.quarantine_order_create(actor=actor(cdc), resident_id=resident.pk, regime_code="14",
                                                  place="home", reason="入境")
    [contact] = add(actor, cdc, investigation, [{"resident_id": resident.pk}])
    assert contact.already_quarantined and contact.order == existing
    assert QuarantineOrder.objects.filter(resident=resident).count() == 1


def test_the_case_cannot_be_their_own_contact(city, cdc, investigation, actor):
    from wangge.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        add(actor, cdc, investigation, [{"resident_id": investigation.case_id}])


def test_the_same_contact_twice_is_refused(city, cdc, investigation, actor):
    resident = city["residents"]["A"]
    with pytest.raises(Conflict):
        add(actor, cdc, investigation, [{"resident_id": resident.pk}, {"resident_id": resident.pk}])


def test_a_grid_worker_may_not_add_contacts(city, street_grid_worker, investigation, actor):
    with pytest.raises(Forbidden):
        add(actor, street_grid_worker, investigation, [{"resident_id": city["residents"]["B"].pk}])


def test_an_investigation_out_of_reach_is_not_found(city, investigation, actor):
    from wangge.core.testing.factories import make_user

    other_cdc = make_user("cdc_2", "cdc", ["420106002000"])
    with pytest.raises(NotFound):
        add(actor, other_cdc, investigation, [{"resident_id": city["residents"]["C"].pk}])
