"""Writes to the grid.  Each is one transaction, audited, and respects the actor's reach.

Buildings, units and households arrive in bulk through the building import (``people.imports``);
a household found at the door (a flat let, a unit split) is added here, one at a time.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from wangge.accounts.permissions import require
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import HOUSEHOLD_CODE_LENGTH
from wangge.core.errors import ValidationFailed
from wangge.grid.models import Grid, Household, Unit
from wangge.grid.selectors import unit_in_reach

AUDITED_HOUSEHOLD_FIELDS = ["code", "unit_id", "door_number", "address"]
DOOR_NUMBER_MAX = Household._meta.get_field("door_number").max_length
ADDRESS_MAX = Household._meta.get_field("address").max_length


def _next_household_code(unit: Unit) -> str:
    """The unit's code and the next free household number (after the highest one in use)."""
    last = (
        Household.objects.filter(unit=unit, code__startswith=unit.code)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last[len(unit.code) :]) + 1 if last else 1
    digits = HOUSEHOLD_CODE_LENGTH - len(unit.code)
    if number >= 10**digits:
        raise ValidationFailed(
            _("该单元的户编号已用完"),
            code="unit_household_numbers_exhausted",
            errors={"door_number": _("无法再新增住户")},
        )
    return f"{unit.code}{number:0{digits}d}"


@transaction.atomic
def household_create(*, actor: Actor, unit_id: int, door_number: str, address: str = "") -> Household:
    """Add a household (户) behind a new door of a unit in the actor's reach."""
    unit = unit_in_reach(user=actor.user, pk=unit_id)
    require(actor.user, "grid.household.create")
    # Locking the unit numbers its households one at a time: two workers adding doors at once
    # get consecutive codes instead of one of them a unique-constraint error.
    unit = Unit.objects.select_for_update().select_related("building").get(pk=unit.pk)
    door_number = (door_number or "").strip()
    address = (address or "").strip()
    errors = {}
    if not door_number:
        errors["door_number"] = _("请填写门牌号")
    elif len(door_number) > DOOR_NUMBER_MAX:
        errors["door_number"] = _("门牌号不能超过%(max)s个字") % {"max": DOOR_NUMBER_MAX}
    elif Household.objects.filter(unit=unit, door_number=door_number).exists():
        raise ValidationFailed(
            _("本单元已有门牌号 %(door)s 的住户") % {"door": door_number},
            code="door_number_taken",
            errors={"door_number": _("门牌号已存在")},
        )
    if len(address) > ADDRESS_MAX:
        errors["address"] = _("地址不能超过%(max)s个字") % {"max": ADDRESS_MAX}
    if errors:
        raise ValidationFailed(
            _("住户信息有误：%(details)s") % {"details": "；".join(errors.values())},
            code="invalid",
            errors=errors,
        )
    building = unit.building
    household = Household.objects.create(
        code=_next_household_code(unit),
        unit=unit,
        door_number=door_number,
        address=address
        or f"{building.address or building.name}{unit.name}{door_number.removesuffix('室')}室"[:ADDRESS_MAX],
    )
    Grid.objects.filter(code=unit.grid_code).update(household_count=F("household_count") + 1)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=household,
        changes=audit.diff({}, audit.snapshot(household, AUDITED_HOUSEHOLD_FIELDS)),
    )
    return household
