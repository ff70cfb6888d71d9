"""can / require / restrict: the one permission mechanism (accounts.permissions)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.utils import translation

from wangge.accounts.models import Role, User
from wangge.accounts.permissions import PERMISSIONS, can, refusal, require
from wangge.audit import services as audit
from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.errors import Forbidden, NotFound
from wangge.core.testing.factories import make_user
from wangge.people.models import Resident


def test_a_role_in_the_table_may_take_the_action(grid_worker):
    assert can(grid_worker, "people.change")
    require(grid_worker, "people.change")


def test_a_role_not_in_the_table_is_refused_with_the_forbidden_code(volunteer):
    assert not can(volunteer, "people.change")
    with pytest.raises(Forbidden) as exc:
        require(volunteer, "people.change")
    assert exc.value.code == "forbidden"


def test_the_refusal_names_the_action_in_the_users_language(volunteer):
    with pytest.raises(Forbidden) as exc:
        require(volunteer, "quarantine.release")
    assert exc.value.message == "您的角色不能解除隔离"
    with translation.override("en"), pytest.raises(Forbidden) as exc:
        require(volunteer, "quarantine.release")
    assert exc.value.message == "Your role cannot release quarantine"


def test_every_refusal_has_its_english():
    han = re.compile(r"[\u4e00-\u9fff]")
    with translation.override("en"):
        untranslated = [action for action in PERMISSIONS if han.search(refusal(action))]
    assert untranslated == []


def test_a_superuser_may_take_every_action(db):
    root = User.objects.create_superuser("root", password="Wangge2026root")
    assert all(can(root, action) for action in PERMISSIONS)


def test_anonymous_may_take_no_action_and_is_told_to_log_in(db):
    anonymous = AnonymousUser()
    assert not any(can(anonymous, action) for action in PERMISSIONS)
    assert not can(None, "people.view")
    with pytest.raises(Forbidden) as exc:
        require(anonymous, "people.view")
    assert exc.value.code == "forbidden"
    assert exc.value.message == "请先登录"


def test_an_unknown_action_is_a_programming_error_not_a_refusal(grid_worker):
    with pytest.raises(LookupError, match="people.delete"):
        can(grid_worker, "people.delete")
    with pytest.raises(LookupError):
        grid_worker.may("people.delete")


def test_an_object_must_also_be_in_reach(city, grid_worker):
    inside, outside = city["residents"]["A"], city["residents"]["B"]
    assert can(grid_worker, "people.change", inside)
    assert not can(grid_worker, "people.change", outside)
    require(grid_worker, "people.change", inside)
    with pytest.raises(NotFound) as exc:
        require(grid_worker, "people.change", outside)
    assert outside.name not in exc.value.message


def test_restrict_narrows_by_reach_and_by_action(city, grid_worker, auditor, street_officer, actor):
    entry = audit.record(actor=actor(grid_worker), action=AuditAction.VIEW, obj=city["residents"]["A"])
    # Everyone with reach reads residents; only auditors and command read the audit log.
    assert set(Resident.objects.restrict(grid_worker)) == {city["residents"]["A"], city["residents"]["A2"]}
    assert not AuditEntry.objects.restrict(grid_worker, "view").exists()
    assert list(AuditEntry.objects.restrict(auditor, "view")) == [entry]
    assert list(AuditEntry.objects.restrict(street_officer)) == [entry]
    # A dotted action is taken as it is: a volunteer reads residents but may not change them.
    volunteer = make_user("vol_x", Role.VOLUNTEER, [city["grids"]["A"].code])
    assert Resident.objects.restrict(volunteer).exists()
    assert not Resident.objects.restrict(volunteer, "change").exists()
    assert Resident.objects.restrict(grid_worker, "people.change").count() == 2


def test_a_resident_has_no_reach_and_reads_nothing_whatever_the_table_says(city):
    resident_user = make_user("res_1", Role.RESIDENT, [])
    assert not resident_user.may("people.view")
    assert not Resident.objects.restrict(resident_user).exists()


def test_templates_ask_the_table_through_the_can_filter(grid_worker, volunteer):
    template = Template('{% load permissions %}{% if user|can:"people.change" %}edit{% else %}no{% endif %}')
    assert template.render(Context({"user": grid_worker})) == "edit"
    assert template.render(Context({"user": volunteer})) == "no"
    assert template.render(Context({"user": AnonymousUser()})) == "no"
