"""A gate's offline scans, uploaded in batches: idempotent by the device's uuids, only within the
guard's shifts, and the outings the gate gave counted in the household's quota."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.testing import GRID_C, actor_for, factories
from wangge.gates import services
from wangge.gates.models import ControlLevel, GateScan, QuotaUse


def offline(ref, *, at=None, direction="out", passed=True, reason="", uses_quota=False, **kw):
    return services.OfflineScan(uuid=kw.pop("u", None) or uuid.uuid4(), at=at or timezone.now(), direction=direction,
                                method="token", ref=ref, colour="g", passed=passed, reason=reason,
                                temperature=Decimal("36.5"), mask=True, uses_quota=uses_quota, **kw)


def upload(guard, gate, scans):
    return services.scans_upload(actor=actor_for(guard, "api"), checkpoint_id=gate.pk, scans=scans)


def test_a_batch_sent_twice_records_once(city, gate, guard):
    code = factories.make_health_code(city["residents"]["A"])
    batch = [offline(code.ref, direction="in"), offline(code.ref, direction="out")]
    first = upload(guard, gate, batch)
    again = upload(guard, gate, batch)
    assert (first.recorded, first.duplicates) == (2, 0)
    assert (again.recorded, again.duplicates) == (0, 2)
    rows = GateScan.objects.filter(checkpoint=gate)
    assert rows.count() == 2 and all(r.offline and r.resident_id == code.resident_id for r in rows)


def test_a_uuid_named_twice_in_one_batch_records_once(city, gate, guard):
    code = factories.make_health_code(city["residents"]["A"])
    u = uuid.uuid4()
    assert upload(guard, gate, [offline(code.ref, u=u), offline(code.ref, u=u)]).recorded == 1


def test_an_outing_given_offline_takes_the_households_place(city, gate, guard):
    from wangge.gates import selectors

    type(gate).objects.filter(pk=gate.pk).update(level=ControlLevel.CLOSED)
    code = factories.make_health_code(city["residents"]["A"])
    batch = [offline(code.ref, uses_quota=True)]
    upload(guard, gate, batch)
    upload(guard, gate, batch)  # again: counted once
    period = selectors.outing_period(timezone.localdate(), 2)
    key = selectors.household_quota_key(city["households"]["A"][0].pk, period)
    assert QuotaUse.objects.get(key=key).used == 1
    # The spouse, online, now finds the household's place taken.
    from wangge.codes.services import issue_token

    a2 = city["residents"]["A2"]
    result = services.scan(actor=actor_for(guard, "api"), checkpoint_id=gate.pk, direction="out",
                           token=issue_token(a2).token, temperature=Decimal("36.5"), mask=True)
    assert result.reason == "quota_used"


def test_scans_outside_the_guards_shifts_are_refused_and_not_recorded(city, gate, guard):
    code = factories.make_health_code(city["residents"]["A"])
    long_ago = timezone.now() - dt.timedelta(days=3)
    result = upload(guard, gate, [offline(code.ref, at=long_ago), offline(code.ref)])
    assert result.recorded == 1 and len(result.refused) == 1
    assert not GateScan.objects.filter(at=long_ago).exists()


def test_a_guard_cannot_upload_to_a_gate_they_never_guarded(city, guard):
    other = factories.make_checkpoint(GRID_C)
    with pytest.raises(NotFound):
        upload(guard, other, [])


def test_a_batch_larger_than_the_limit_is_refused(city, gate, guard, monkeypatch):
    monkeypatch.setattr(services, "MAX_BATCH", 2)
    with pytest.raises(ValidationFailed) as exc:
        upload(guard, gate, [offline("x"), offline("y"), offline("z")])
    assert exc.value.code == "batch_too_large"


def test_an_unknown_reference_is_recorded_without_a_person(city, gate, guard):
    upload(guard, gate, [offline("no-such-ref", passed=False, reason="not_resident")])
    row = GateScan.objects.get(checkpoint=gate)
    assert (row.resident_id, row.passed, row.reason) == (None, False, "not_resident")
