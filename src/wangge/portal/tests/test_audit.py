"""Every read of a record by a resident is audited like a staff read, in its selector."""

from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import Api, login


def _views(user, obj):
    return AuditEntry.objects.filter(actor=user, action=AuditAction.VIEW, object_id=str(obj.pk),
                                     object_type=obj._meta.label_lower).count()


def test_the_member_page_leaves_exactly_one_entry(family, parent_account):
    assert login(parent_account).get(reverse("portal:member", args=[family["child"].pk])).status_code == 200
    assert _views(parent_account, family["child"]) == 1


def test_the_me_page_leaves_one_entry_per_household_naming_the_members(family, parent_account):
    login(parent_account).get(reverse("portal:me"))
    entry = AuditEntry.objects.get(actor=parent_account, action=AuditAction.VIEW, object_type="grid.household")
    assert entry.object_id == str(family["home"].pk)
    assert sorted(entry.changes["residents"]) == sorted([family["parent"].pk, family["child"].pk,
                                                         family["grandmother"].pk])


def test_the_household_api_is_audited_like_the_page(family, parent_account):
    Api(parent_account).get("/me/household")
    assert AuditEntry.objects.filter(actor=parent_account, action=AuditAction.VIEW,
                                     object_type="grid.household", channel="api").count() == 1


def test_a_refused_read_leaves_no_entry(family, parent_account):
    login(parent_account).get(reverse("portal:member", args=[family["neighbour"].pk]))
    assert _views(parent_account, family["neighbour"]) == 0
