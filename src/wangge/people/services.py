"""Writes to residents.  Each is one transaction, audited, and respects the actor's reach."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.permissions import can, require
from wangge.accounts.services import common_prefix
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import grid_code_of
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.grid.models import Grid, Household
from wangge.grid.selectors import household_in_reach
from wangge.people.models import HouseholdMove, Resident, ResidentTag
from wangge.people.selectors import resident_in_reach, tag_lookup
from wangge.people.validation import clean_resident_fields, duplicate_id_number_refusal

AUDITED_FIELDS = [
    "name", "sex", "birth_date", "id_type", "id_number", "phone", "relation", "residence_type", "note",
    "household_id",
]
REVEALABLE_FIELDS = ("id_number", "phone")


def _refuse_duplicate(user, id_type: str, id_number: str, *, exclude_pk: int | None = None) -> None:
    existing = Resident.objects.filter(id_type=id_type, id_number=id_number)
    if exclude_pk:
        existing = existing.exclude(pk=exclude_pk)
    found = existing.select_related("household").first()
    if found is not None:
        raise duplicate_id_number_refusal(
            user=user, id_type=id_type, id_number=id_number, holder_pk=found.pk, holder_grid_code=found.grid_code,
            holder_name=found.name, household_code=found.household.code,
        )


def _set_tags(resident: Resident, tag_ids: list[int]) -> None:
    ResidentTag.objects.filter(resident=resident).exclude(tag_id__in=tag_ids).delete()
    have = set(ResidentTag.objects.filter(resident=resident).values_list("tag_id", flat=True))
    ResidentTag.objects.bulk_create(
        [ResidentTag(resident=resident, tag_id=t, grid_code=resident.grid_code) for t in tag_ids if t not in have]
    )


def _adjust_counts(household_id: int, grid_code: str, delta: int) -> None:
    Household.objects.filter(pk=household_id).update(resident_count=F("resident_count") + delta)
    Grid.objects.filter(code=grid_code).update(resident_count=F("resident_count") + delta)


@transaction.atomic
def resident_create(*, actor: Actor, household_id: int, data: dict[str, Any]) -> Resident:
    """Register a person in a household inside the actor's reach."""
    require(actor.user, "people.change")
    household = household_in_reach(user=actor.user, pk=household_id)
    clean = clean_resident_fields(data, tag_lookup=tag_lookup())
    if clean.errors:
        raise ValidationFailed(
            _("居民信息有误：%(details)s") % {"details": "；".join(clean.errors.values())},
            code="invalid",
            errors=clean.errors,
        )
    values = clean.values
    tag_ids = values.pop("tags", [])
    _refuse_duplicate(actor.user, values["id_type"], values["id_number"])
    resident = Resident(household=household, grid_code=household.grid_code, **values)
    resident.id_tail = resident.id_number[-4:]
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        # A concurrent registration of the same person won the race.
        _refuse_duplicate(actor.user, values["id_type"], values["id_number"])
        raise
    _set_tags(resident, tag_ids)
    _adjust_counts(household.pk, household.grid_code, +1)
    after = audit.snapshot(resident, AUDITED_FIELDS)
    after["tags"] = tag_ids
    audit.record(actor=actor, action=AuditAction.CREATE, obj=resident, changes=audit.diff({}, after))
    return resident


def person_register(*, actor: Actor, household_id: int | None, data: dict[str, Any]) -> Resident:
    """Register a person from the picker (someone the search did not find): ``resident_create``
    with its validation, duplicate rule and audit; the household is picked by searching, so a
    missing one is a coded error on its field rather than a lookup of nothing."""
    if not household_id:
        raise ValidationFailed(_("请选择所在户"), code="household_required", errors={"household_id": _("必填")})
    return resident_create(actor=actor, household_id=household_id, data=data)


@transaction.atomic
def resident_update(*, actor: Actor, resident_id: int, data: dict[str, Any]) -> Resident:
    """Change a resident's details; only the fields present in ``data`` are touched."""
    require(actor.user, "people.change")
    resident = resident_in_reach(user=actor.user, pk=resident_id)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    data = dict(data)
    # The ID number and its type are checked together, and sex/birth date against the number.
    if "id_number" in data or "id_type" in data:
        data.setdefault("id_type", resident.id_type)
        data.setdefault("id_number", resident.id_number)
        data.setdefault("sex", resident.sex)
        data.setdefault("birth_date", resident.birth_date)
    clean = clean_resident_fields(data, tag_lookup=tag_lookup(), partial=True)
    if clean.errors:
        raise ValidationFailed(
            _("居民信息有误：%(details)s") % {"details": "；".join(clean.errors.values())},
            code="invalid",
            errors=clean.errors,
        )
    values = clean.values
    tag_ids = values.pop("tags", None)
    before = audit.snapshot(resident, AUDITED_FIELDS)
    before_tags = sorted(resident.tag_links.values_list("tag_id", flat=True))
    if "id_number" in values:
        _refuse_duplicate(actor.user, values.get("id_type", resident.id_type), values["id_number"],
                          exclude_pk=resident.pk)
    for name, value in values.items():
        setattr(resident, name, value)
    resident.id_tail = resident.id_number[-4:]
    resident.save()
    changes = audit.diff(before, audit.snapshot(resident, AUDITED_FIELDS))
    if tag_ids is not None:
        _set_tags(resident, tag_ids)
        if sorted(tag_ids) != before_tags:
            changes["tags"] = [before_tags, sorted(tag_ids)]
    if changes:
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=resident, changes=changes)
    return resident


@transaction.atomic
def resident_move(
    *, actor: Actor, resident_id: int, to_household_id: int, relation: str = "", reason: str = ""
) -> HouseholdMove:
    """Move a person to another household (both in reach), keeping the history."""
    require(actor.user, "people.change")
    resident = resident_in_reach(user=actor.user, pk=resident_id)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    target = household_in_reach(user=actor.user, pk=to_household_id)
    if target.pk == resident.household_id:
        raise ValidationFailed(
            _("该居民已在此户，无需迁移"),
            code="already_in_household",
            errors={"to_household_id": _("与当前户相同")},
        )
    new_relation = resident.relation
    if relation:
        clean = clean_resident_fields({"relation": relation}, partial=True)
        if clean.errors:
            raise ValidationFailed(clean.errors["relation"], code="invalid_relation", errors=clean.errors)
        new_relation = clean.values["relation"]
    source_pk, source_grid = resident.household_id, resident.grid_code
    move = HouseholdMove.objects.create(
        resident=resident, grid_code=target.grid_code, from_household_id=source_pk, to_household=target,
        from_relation=resident.relation, to_relation=new_relation, reason=reason[:200],
        moved_by=actor.user if actor.user.is_authenticated else None,
    )
    resident.household = target
    resident.grid_code = target.grid_code
    resident.relation = new_relation
    resident.save(update_fields=["household", "grid_code", "relation", "updated_at"])
    ResidentTag.objects.filter(resident=resident).update(grid_code=target.grid_code)
    _adjust_counts(source_pk, source_grid, -1)
    _adjust_counts(target.pk, target.grid_code, +1)
    audit.record(
        actor=actor, action=AuditAction.MOVE, obj=resident,
        changes={"household_id": [source_pk, target.pk], "grid_code": [source_grid, target.grid_code],
                 "relation": [move.from_relation, new_relation]},
        note=reason,
    )
    return move


# Why a reveal was refused, as the audit entry's note says it to an auditor.
REVEAL_REFUSAL_NOTES = {
    "role": "角色无权查看明文",
    "not_in_reach": "不在管辖范围内或不存在（已按未找到答复）",
}


def _record_refused_reveal(*, actor: Actor, resident_id, field: str, reason: str, resident: Resident | None) -> None:
    """Write the refusal where an auditor looks for it, saying nothing the actor could not see.

    A record in reach is filed with it, as a reveal would be.  Otherwise (out of reach, or no such
    record; the two are never told apart) the entry is filed under the actor's own reach, where the
    auditor over the actor reads it, with only the id that was asked for.
    """
    if resident is not None:
        where = {"obj": resident}
    else:
        where = {"object_type": Resident._meta.label_lower, "object_id": str(resident_id)[:64],
                 "grid_code": grid_code_of(common_prefix(actor.user)) if actor.user.is_authenticated else ""}
    audit.record(actor=actor, action=AuditAction.REVEAL_REFUSED, field=field,
                 changes={"refused": True, "reason": reason}, note=REVEAL_REFUSAL_NOTES[reason], **where)


def resident_reveal(*, actor: Actor, resident_id: int, field: str) -> str:
    """The unmasked value of an ID number or phone; every reveal, and every refusal, is recorded.

    The refusal is committed before it is raised (raising inside the transaction would take the
    entry back with it); the client still gets only 403 for the role, 404 for anything out of reach.
    """
    if field not in REVEALABLE_FIELDS:
        raise ValidationFailed(
            _("只能显示证件号码或手机号"),
            code="invalid_reveal_field",
            errors={"field": _("不支持的字段")},
        )
    with transaction.atomic():
        try:
            resident = resident_in_reach(user=actor.user, pk=resident_id)
        except NotFound as exc:
            resident, refusal, reason = None, exc, "not_in_reach"
        # The role is asked first, so a role that may not reveal learns nothing about reach.
        if not can(actor.user, "people.reveal"):
            refusal, reason = Forbidden(permissions.refusal("people.reveal")), "role"
        elif resident is not None:
            audit.record(actor=actor, action=AuditAction.REVEAL, obj=resident, field=field)
            return getattr(resident, field)
        _record_refused_reveal(actor=actor, resident_id=resident_id, field=field, reason=reason, resident=resident)
    raise refusal
