"""Exposures from the gates: who passed the same gate within minutes of a case's passes."""

import datetime as dt

from django.utils import timezone

from wangge.core.testing import GRID_A, factories
from wangge.gates.selectors import checkpoint_exposures


def test_people_through_the_same_gate_within_minutes_of_the_case_are_exposures(city, gate, cdc):
    a, a2, b = city["residents"]["A"], city["residents"]["A2"], city["residents"]["B"]
    now = timezone.now()
    factories.make_gate_scan(gate, a, at=now - dt.timedelta(hours=2))
    factories.make_gate_scan(gate, b, at=now - dt.timedelta(hours=2, minutes=-4))  # 4 minutes later
    factories.make_gate_scan(gate, a2, at=now - dt.timedelta(hours=5))  # hours apart: not exposed
    other_gate = factories.make_checkpoint(GRID_A, name="西门")
    factories.make_gate_scan(other_gate, a2, at=now - dt.timedelta(hours=2))  # another gate
    found = checkpoint_exposures(user=cdc, resident=a, since=now - dt.timedelta(days=14), until=now)
    assert [(e.resident_id, e.reason, e.where) for e in found] == [(b.pk, "checkpoint", str(gate))]


def test_exposures_stay_inside_the_readers_reach(city, gate, grid_worker):
    a, c = city["residents"]["A"], city["residents"]["C"]
    now = timezone.now()
    factories.make_gate_scan(gate, a, at=now - dt.timedelta(hours=1))
    factories.make_gate_scan(gate, c, at=now - dt.timedelta(hours=1))  # C lives in another street
    assert checkpoint_exposures(user=grid_worker, resident=a, since=now - dt.timedelta(days=1), until=now) == []


def test_the_exposures_page_lists_the_gate_reason(city, gate, cdc):
    from wangge.core.testing import Api

    a, b = city["residents"]["A"], city["residents"]["B"]
    now = timezone.now()
    factories.make_gate_scan(gate, a, at=now - dt.timedelta(hours=1))
    factories.make_gate_scan(gate, b, at=now - dt.timedelta(minutes=55))
    response = Api(cdc).get(f"/tracing/exposures/{a.pk}", days=14)
    assert response.status_code == 200
    assert "checkpoint" in response.content.decode()
