"""'Add the case's household members' in one tap: through contacts_add, audited, in reach."""

import pytest
from django.urls import reverse

from wangge.audit.models import AuditEntry
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.testing import login
from wangge.core.testing.factories import add_resident, make_investigation
from wangge.quarantine.models import QuarantineOrder
from wangge.tracing import services
from wangge.tracing.models import Contact


@pytest.fixture
def zhang_case(city):
    """张伟 of grid A, living with 李娜 (and, here, their son 张小明)."""
    add_resident(city["households"]["A"][0], name="张小明", relation="child")
    return make_investigation(city["residents"]["A"])


def test_it_adds_the_case_s_household_members_but_not_the_case(city, street_officer, actor, zhang_case):
    added = services.household_contacts_add(actor=actor(street_officer), investigation_id=zhang_case.pk,
                                            regime_code="7+3")
    assert {c.resident.name for c in added} == {"李娜", "张小明"}
    assert all(c.kind == Contact.Kind.CLOSE and c.place == services.HOUSEHOLD_CONTACT_PLACE for c in added)
    assert QuarantineOrder.objects.filter(resident__in=[c.resident for c in added]).count() == 2


def test_each_member_added_is_audited_as_a_contact(city, street_officer, actor, zhang_case):
    added = services.household_contacts_add(actor=actor(street_officer), investigation_id=zhang_case.pk,
                                            regime_code="7+3")
    audited = set(AuditEntry.objects.filter(action="create", object_type="tracing.contact")
                  .values_list("object_id", flat=True))
    assert audited == {str(c.pk) for c in added}
    assert AuditEntry.objects.filter(object_type="tracing.investigation", field="contacts").count() == 1


def test_members_already_contacts_are_skipped_and_none_left_is_a_coded_error(city, street_officer, actor,
                                                                                 zhang_case):
    services.contacts_add(actor=actor(street_officer), investigation_id=zhang_case.pk,
                          contacts=[{"resident_id": city["residents"]["A2"].pk}], regime_code="7+3")
    added = services.household_contacts_add(actor=actor(street_officer), investigation_id=zhang_case.pk,
                                            regime_code="7+3")
    assert [c.resident.name for c in added] == ["张小明"]
    with pytest.raises(ValidationFailed) as exc:
        services.household_contacts_add(actor=actor(street_officer), investigation_id=zhang_case.pk,
                                        regime_code="7+3")
    assert exc.value.code == "no_household_members"


def test_an_investigation_outside_the_reach_is_not_found_and_adds_nobody(city, outsider, actor, zhang_case):
    with pytest.raises(NotFound):
        services.household_contacts_add(actor=actor(outsider), investigation_id=zhang_case.pk, regime_code="7+3")
    assert not Contact.objects.exists()


def test_one_tap_on_the_page_adds_the_household(city, street_officer, zhang_case):
    response = login(street_officer).post(reverse("tracing:household_contacts_add", args=[zhang_case.pk]),
                                          {"regime_code": "7+3", "place": "home", "kind": "close"})
    assert response.status_code == 302
    assert Contact.objects.filter(investigation=zhang_case).count() == 2
