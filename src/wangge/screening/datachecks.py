"""The screening app's data checks (see ``core.datachecks``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.datachecks import DataCheck, Problem, register
from wangge.screening import selectors


def _visit(visit) -> Problem:
    household = visit.household
    return Problem(
        label=household.address or household.door_number,
        detail=_("%(campaign)s · 排查日期 %(date)s")
        % {"campaign": visit.campaign.name, "date": visit.date.isoformat()},
        url=reverse("screening:visit", args=[visit.campaign_id, visit.household_id]),
        grid_code=visit.grid_code,
    )


def _declaration(declaration) -> Problem:
    return Problem(
        label=declaration.resident.name,
        detail=_("健康申报日期 %(date)s") % {"date": declaration.date.isoformat()},
        url=reverse("people:resident_detail", args=[declaration.resident_id]),
        grid_code=declaration.grid_code,
    )


register(
    DataCheck(
        key="screening.visit_in_future",
        title=gettext_lazy("日期在今天之后的入户排查"),
        order=50,
        rows=selectors.visits_dated_in_the_future,
        describe=_visit,
    )
)
register(
    DataCheck(
        key="screening.declaration_in_future",
        title=gettext_lazy("日期在今天之后的健康申报"),
        order=60,
        rows=selectors.declarations_dated_in_the_future,
        describe=_declaration,
    )
)
