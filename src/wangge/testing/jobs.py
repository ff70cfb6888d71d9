"""The deadlines of 全员核酸: plain functions of the database and a ``now``, idempotent.

``tasks`` runs them on the worker; tests call them directly with a chosen ``now``.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.alerts.models import AlertKind
from wangge.alerts.services import alert_raise
from wangge.testing.models import SamplingTask

# A positive pool's retest not sampled within this long is raised again, to the community.
RETEST_LATE_AFTER = dt.timedelta(hours=2)


def raise_late_retest_alerts(*, now: dt.datetime) -> int:
    """An alert to the community worker for each positive pool with a retest still open after
    ``RETEST_LATE_AFTER``; returns how many are new."""
    raised = 0
    late = (SamplingTask.objects.filter(kind=SamplingTask.Kind.RETEST, status=SamplingTask.Status.OPEN,
                                        created_at__lt=now - RETEST_LATE_AFTER)
            .values_list("tube_id", "grid_code").distinct().order_by())
    for tube_id, grid_code in late.iterator():
        _alert, created = alert_raise(
            kind=AlertKind.TEST_OVERDUE, role=Role.COMMUNITY_WORKER, grid_code=grid_code,
            title=_("混管阳性人员逾期未复检"), dedupe_key=f"testing.retest_late:{tube_id}:{grid_code}",
            link=reverse("testing:recall", args=[tube_id]), object_type="testing.tube", object_id=str(tube_id),
        )
        raised += created
    return raised
