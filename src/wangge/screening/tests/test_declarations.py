import pytest

from wangge.alerts.models import Alert, AlertKind
from wangge.audit.models import AuditEntry
from wangge.core.errors import NotFound, ValidationFailed
from wangge.health.models import PersonStatus
from wangge.screening.models import SelfDeclaration
from wangge.screening.services import (
    declaration_link_for,
    declaration_link_revoke,
    declaration_submit,
    mask_name,
)


@pytest.fixture
def link(city, grid_worker, actor):
    return declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)


def submit(actor, link, resident, temperature="36.5", **kw):
    return declaration_submit(actor=actor(None), token=link.token, resident_id=resident.pk, temperature=temperature,
                              **kw)


def test_the_link_is_created_once_with_an_unguessable_token(link, city, grid_worker, actor):
    again = declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)
    assert again.pk == link.pk and again.token == link.token and len(link.token) >= 32


def test_a_link_for_a_household_outside_reach_is_not_found(city, grid_worker, actor):
    with pytest.raises(NotFound):
        declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["B"][0].pk)


def test_a_resubmission_the_same_day_updates_the_declaration(link, city, actor):
    submit(actor, link, city["residents"]["A"], "36.5")
    submit(actor, link, city["residents"]["A"], "36.9", travel_history="上海")
    declaration = SelfDeclaration.objects.get()
    assert str(declaration.temperature) == "36.9" and declaration.travel_history == "上海"


def test_a_declaration_is_audited_as_anonymous(link, city, actor):
    submit(actor, link, city["residents"]["A"])
    entry = AuditEntry.objects.get(object_type="screening.selfdeclaration")
    assert entry.actor_username == "anonymous"


def test_a_declared_fever_alerts_staff_but_changes_no_status(link, city, actor):
    a = city["residents"]["A"]
    declaration = submit(actor, link, a, "38.5")
    assert declaration.leads
    assert not PersonStatus.objects.filter(resident=a).exists()
    alerts = {(al.kind, al.role) for al in Alert.objects.filter(object_id=str(a.pk))}
    assert alerts == {(AlertKind.NEW_LEAD, "grid_worker"), (AlertKind.NEW_LEAD, "community_worker"),
                      (AlertKind.FEVER, "cdc")}


def test_only_a_member_of_the_household_may_declare(link, city, actor):
    with pytest.raises(ValidationFailed):
        submit(actor, link, city["residents"]["B"])
    assert not SelfDeclaration.objects.exists()


def test_a_bad_temperature_is_refused(link, city, actor):
    with pytest.raises(ValidationFailed, match="体温") as raised:
        submit(actor, link, city["residents"]["A"], "50")
    assert raised.value.code == "declaration_invalid"
    assert not SelfDeclaration.objects.exists()


def test_a_revoked_token_is_not_found(link, city, grid_worker, actor):
    declaration_link_revoke(actor=actor(grid_worker), household_id=link.household_id)
    with pytest.raises(NotFound):
        submit(actor, link, city["residents"]["A"])


def test_a_revoked_link_is_renewed_with_a_new_token(link, city, grid_worker, actor):
    declaration_link_revoke(actor=actor(grid_worker), household_id=link.household_id)
    renewed = declaration_link_for(actor=actor(grid_worker), household_id=link.household_id)
    assert renewed.token != link.token and not renewed.revoked


@pytest.mark.parametrize(("name", "masked"), [
    ("张伟", "张*"), ("张三丰", "张*丰"), ("欧阳锋锋", "欧**锋"), ("李", "李"),
])
def test_names_are_masked_on_the_public_page(name, masked):
    assert mask_name(name) == masked


def test_the_whole_household_declares_normal_in_one_submission(link, city, actor):
    from wangge.screening.services import household_declaration_submit

    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    submit(actor, link, a2, "37.9", symptoms=["干咳"])  # declared already, with a cough: kept as it is
    made = household_declaration_submit(actor=actor(None), token=link.token, temperature="365")
    assert [d.resident_id for d in made] == [a.pk]
    assert str(SelfDeclaration.objects.get(resident=a).temperature) == "36.5"
    assert SelfDeclaration.objects.get(resident=a2).symptoms == ["干咳"]
    with pytest.raises(ValidationFailed) as again:
        household_declaration_submit(actor=actor(None), token=link.token, temperature="36.5")
    assert again.value.code == "household_declared"


def test_a_bad_household_temperature_writes_nothing(link, city, actor):
    from wangge.screening.services import household_declaration_submit

    with pytest.raises(ValidationFailed) as refused:
        household_declaration_submit(actor=actor(None), token=link.token, temperature="45")
    assert refused.value.code == "declaration_invalid" and not SelfDeclaration.objects.exists()


def test_the_public_page_offers_whole_household_normal(link, city):
    from django.test import Client
    from django.urls import reverse

    url = reverse("screening:declare", args=[link.token])
    client = Client()
    assert 'data-testid="whole-household"' in client.get(url).content.decode()
    response = client.post(url, {"whole_household": "1", "temperature": "36.6"})
    assert response.status_code == 302
    assert SelfDeclaration.objects.filter(household=link.household).count() == 2
    refused = client.post(url, {"whole_household": "1", "temperature": "36.6"})
    assert refused.status_code == 422
