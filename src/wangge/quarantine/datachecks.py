"""The quarantine app's data checks (see ``core.datachecks``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.datachecks import DataCheck, Problem, register
from wangge.quarantine import selectors


def _test(test) -> Problem:
    when = test.result_at or test.sampled_at
    return Problem(
        label=test.order.resident.name,
        detail=_("隔离期检测（第%(day)s天）时间 %(when)s")
        % {"day": test.day, "when": date_format(localtime(when), "Y-m-d H:i") if when else ""},
        url=reverse("quarantine:order_detail", args=[test.order_id]),
        grid_code=test.grid_code,
    )


register(
    DataCheck(
        key="quarantine.test_in_future",
        title=gettext_lazy("时间在今天之后的隔离期检测结果"),
        order=70,
        rows=selectors.test_results_dated_in_the_future,
        describe=_test,
    )
)
