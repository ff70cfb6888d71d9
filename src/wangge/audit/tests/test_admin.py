import pytest
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.grid.models import Grid


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="Root2026secret")
    client.force_login(admin)
    return client


def test_superusers_can_open_every_admin_changelist(city, admin_client):
    for name in ["grid_division", "grid_grid", "grid_household", "people_resident", "audit_auditentry",
                 "accounts_user"]:
        app, model = name.split("_", 1)
        response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))
        assert response.status_code == 200, name


def test_the_admin_resident_list_shows_masked_ids_only(city, admin_client):
    resident = city["residents"]["A"]
    html = admin_client.get(reverse("admin:people_resident_changelist")).content.decode()
    assert resident.id_number_masked in html
    assert resident.id_number not in html


def test_the_audit_log_cannot_be_changed_from_the_admin(city, admin_client):
    entry = AuditEntry.objects.create(actor_username="x", action="view", object_type="t")
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    response = admin_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_admin_change_is_audited_with_before_and_after(city, admin_client):
    grid = city["grids"]["A"]
    url = reverse("admin:grid_grid_change", args=[grid.pk])
    data = {"code": grid.code, "community": grid.community_id, "name": "改名网格",
            "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Grid.objects.get(pk=grid.pk).name == "改名网格"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="grid.grid")
    assert entry.changes["name"] == [grid.name, "改名网格"]
    assert entry.channel == "admin"
    assert entry.grid_code == grid.code


def test_password_hashes_never_reach_the_audit_log(db, admin_client, django_user_model):
    url = reverse("admin:accounts_user_add")
    admin_client.post(url, {"username": "newstaff", "password1": "Kq7-rivers-2026", "password2": "Kq7-rivers-2026",
                            "usable_password": "true", "scope_grants-TOTAL_FORMS": "0",
                            "scope_grants-INITIAL_FORMS": "0", "scope_grants-MIN_NUM_FORMS": "0",
                            "scope_grants-MAX_NUM_FORMS": "1000"})
    assert django_user_model.objects.filter(username="newstaff").exists()
    for entry in AuditEntry.objects.filter(object_type="accounts.user"):
        assert "password" not in entry.changes
