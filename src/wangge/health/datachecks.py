"""The health app's data checks (see ``core.datachecks``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.datachecks import DataCheck, Problem, register
from wangge.health import selectors


def _report(report) -> Problem:
    return Problem(
        label=report.resident.name,
        detail=_("健康监测日期 %(date)s") % {"date": report.date.isoformat()},
        url=reverse("health:person", args=[report.resident_id]),
        grid_code=report.grid_code,
    )


register(
    DataCheck(
        key="health.report_in_future",
        title=gettext_lazy("日期在今天之后的健康监测"),
        order=40,
        rows=selectors.reports_dated_in_the_future,
        describe=_report,
    )
)
