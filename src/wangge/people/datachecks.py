"""The people app's data checks (see ``core.datachecks``): heads of households and people registered twice."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.datachecks import DataCheck, Problem, register
from wangge.people import selectors


def _household(household) -> Problem:
    unit = household.unit
    return Problem(
        label=household.address or f"{unit.building.name}{unit.name}{household.door_number}",
        detail=_("户编码 %(code)s") % {"code": household.code},
        url=reverse("grid:household", args=[household.pk]),
        grid_code=household.grid_code,
    )


def _resident(resident) -> Problem:
    return Problem(
        label=resident.name,
        detail=_("出生日期 %(date)s · %(address)s")
        % {
            "date": resident.birth_date.isoformat() if resident.birth_date else "",
            "address": resident.household.address or resident.household.door_number,
        },
        url=reverse("people:resident_detail", args=[resident.pk]),
        grid_code=resident.grid_code,
    )


register(
    DataCheck(
        key="people.household_two_heads",
        title=gettext_lazy("有多位户主的户"),
        order=10,
        description=gettext_lazy("一户只能有一位户主"),
        rows=selectors.households_with_two_heads,
        describe=_household,
    )
)
register(
    DataCheck(
        key="people.household_without_head",
        title=gettext_lazy("没有户主的户"),
        order=20,
        description=gettext_lazy("已登记居民，但其中没有户主"),
        rows=selectors.households_without_head,
        describe=_household,
    )
)
register(
    DataCheck(
        key="people.registered_twice",
        title=gettext_lazy("同户同名同出生日期"),
        order=30,
        description=gettext_lazy("同一户中姓名和出生日期都相同的居民，可能重复登记"),
        rows=selectors.residents_registered_twice,
        describe=_resident,
    )
)
