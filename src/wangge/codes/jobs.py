"""The deadlines of health codes: plain functions of the database and a date, idempotent.

``tasks`` runs them on the worker; tests call them directly with a chosen ``today``.
"""

from __future__ import annotations

import datetime as dt

from wangge.codes.models import HealthCode, Revocation
from wangge.codes.services import recolour
from wangge.core.jobs import periodic_job
from wangge.quarantine.models import QuarantineOrder, QuarantineTest


@periodic_job("codes.overdue_tests", clock="today")
def recolour_overdue_tests(*, today: dt.date) -> int:
    """A quarantine test not done on its day turns the code yellow the next day without any event:
    recolour the people whose tests fell due yesterday, so the worsening reaches the gates' list.
    Returns how many codes changed colour (running it again changes nothing)."""
    due = QuarantineTest.objects.filter(
        due_date=today - dt.timedelta(days=1), result=QuarantineTest.Result.PENDING,
        order__status=QuarantineOrder.Status.ACTIVE,
    ).values_list("order__resident_id", flat=True)
    ids = HealthCode.objects.filter(resident_id__in=due).values_list("resident_id", flat=True)
    return len(recolour(list(ids), reason="quarantine.test_overdue"))


# A revocation matters only while a token issued before it can still be shown: keep a day.
KEEP_REVOCATIONS = dt.timedelta(days=1)


@periodic_job("codes.prune_revocations", clock="now")
def prune_revocations(*, now: dt.datetime) -> int:
    """Drop revocations older than ``KEEP_REVOCATIONS`` (every token they could refuse has long
    expired); returns how many were dropped."""
    return Revocation.objects.filter(at__lt=now - KEEP_REVOCATIONS).delete()[0]
