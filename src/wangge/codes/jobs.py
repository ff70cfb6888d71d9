"""The deadlines of health codes: plain functions of the database and a date, idempotent.

``tasks`` runs them on the worker; tests call them directly with a chosen ``today``.
"""

from __future__ import annotations

import datetime as dt

from wangge.codes.models import HealthCode
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
