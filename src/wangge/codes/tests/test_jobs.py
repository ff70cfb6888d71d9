"""The codes' deadline jobs: recolour the day after a missed test, prune old revocations."""

import datetime as dt

from django.utils import timezone

from wangge.codes import jobs
from wangge.codes.models import HealthCode, Revocation
from wangge.core.testing.factories import make_health_code, make_revocation


def test_old_revocations_are_pruned_and_recent_ones_kept(db):
    now = timezone.now()
    make_revocation("old", at=now - dt.timedelta(days=2))
    make_revocation("new", at=now - dt.timedelta(minutes=10))
    assert jobs.prune_revocations(now=now) == 1
    assert list(Revocation.objects.values_list("ref", flat=True)) == ["new"]
    assert jobs.prune_revocations(now=now) == 0


def test_a_missed_test_turns_a_green_code_yellow_with_a_revocation(resident):
    from wangge.core.testing.factories import make_quarantine_order, make_quarantine_test

    today = timezone.localdate()
    order = make_quarantine_order(resident, start=today - dt.timedelta(days=3), planned_release=today)
    make_quarantine_test(order, due=today - dt.timedelta(days=1))
    code = make_health_code(resident)  # shown green before the order was written behind its back
    assert jobs.recolour_overdue_tests(today=today) == 1
    assert HealthCode.objects.get(pk=code.pk).colour == "y"
    assert Revocation.objects.get().ref == code.ref
    assert jobs.recolour_overdue_tests(today=today) == 0
