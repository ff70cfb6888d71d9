"""Fixtures of the health tests: a CDC officer and helpers that put people into a status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import STREET_1
from wangge.accounts.models import Role
from wangge.core.testing.factories import make_user
from wangge.health.models import EpidemicStatus, PersonStatus, StatusTransition


@pytest.fixture
def cdc(db):
    return make_user("cdc_1", Role.CDC, [STREET_1], display_name="疾控甲")


@pytest.fixture
def community_worker(db):
    return make_user("cw_1", Role.COMMUNITY_WORKER, [STREET_1], display_name="社工甲")


def put_in(resident, status: str, *, since: dt.datetime | None = None, from_status: str = EpidemicStatus.NONE,
           **facts) -> PersonStatus:
    """Write a person's status (and the transition into it) straight to the tables, at ``since``."""
    since = since or timezone.now()
    row, _ = PersonStatus.objects.update_or_create(
        resident=resident, defaults={"grid_code": resident.grid_code, "status": status, "since": since, **facts},
    )
    t = StatusTransition.objects.create(resident=resident, grid_code=resident.grid_code, from_status=from_status,
                                        to_status=status, reason="测试")
    StatusTransition.objects.filter(pk=t.pk).update(at=since)
    return row


def leave(resident, from_status: str, to_status: str, *, at: dt.datetime) -> None:
    """Record that a person left ``from_status`` at ``at``."""
    PersonStatus.objects.update_or_create(
        resident=resident, defaults={"grid_code": resident.grid_code, "status": to_status, "since": at},
    )
    t = StatusTransition.objects.create(resident=resident, grid_code=resident.grid_code, from_status=from_status,
                                        to_status=to_status, reason="测试")
    StatusTransition.objects.filter(pk=t.pk).update(at=at)
