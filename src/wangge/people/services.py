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
from wangge.audit.models import REVEAL_NOTE_MAX_LENGTH, AuditAction, RevealPurpose
from wangge.core.codes import grid_code_of
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.grid import services as grid_services
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


def second_head_refusal() -> ValidationFailed:
    """A household already has its head (户主): the one refusal the form, the API, a move and the
    import all give (the import per row, as its reason)."""
    return ValidationFailed(
        _("该户已有户主，一户只能登记一位户主；请选择其他与户主关系"),
        code="household_has_head",
        errors={"relation": _("该户已有户主")},
    )


def households_with_head(household_ids, *, exclude_pk: int | None = None) -> set[int]:
    """Which of ``household_ids`` already have a head (one indexed probe: the partial unique index)."""
    heads = Resident.objects.filter(household_id__in=list(household_ids), relation=Resident.Relation.HEAD)
    if exclude_pk:
        heads = heads.exclude(pk=exclude_pk)
    return set(heads.values_list("household_id", flat=True))


def refuse_second_head(*, household_id: int, relation: str, exclude_pk: int | None = None) -> None:
    """Refuse making someone head of a household that already has one (the database refuses it too)."""
    if relation == Resident.Relation.HEAD and households_with_head([household_id], exclude_pk=exclude_pk):
        raise second_head_refusal()


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
    refuse_second_head(household_id=household.pk, relation=values["relation"])
    resident = Resident(household=household, grid_code=household.grid_code, **values)
    resident.id_tail = resident.id_number[-4:]
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        # A concurrent registration of the same person, or of the household's head, won the race.
        _refuse_duplicate(actor.user, values["id_type"], values["id_number"])
        refuse_second_head(household_id=household.pk, relation=values["relation"])
        raise
    _set_tags(resident, tag_ids)
    _adjust_counts(household.pk, household.grid_code, +1)
    after = audit.snapshot(resident, AUDITED_FIELDS)
    after["tags"] = tag_ids
    audit.record(actor=actor, action=AuditAction.CREATE, obj=resident, changes=audit.diff({}, after))
    return resident


@transaction.atomic
def resident_register(
    *, actor: Actor, data: dict[str, Any], household_id: int | None = None, unit_id: int | None = None,
    door_number: str = "", address: str = "",
) -> Resident:
    """Register a person in an existing household, or in a new one added to ``unit_id`` first.

    One transaction: a person refused (a bad ID number, a second head) leaves no empty household.
    """
    if household_id is None:
        if unit_id is None:
            raise ValidationFailed(
                _("请选择住户，或新增住户"), code="household_required", errors={"household": _("请选择住户")},
            )
        household_id = grid_services.household_create(
            actor=actor, unit_id=unit_id, door_number=door_number, address=address,
        ).pk
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
    if "relation" in values:
        refuse_second_head(household_id=resident.household_id, relation=values["relation"], exclude_pk=resident.pk)
    for name, value in values.items():
        setattr(resident, name, value)
    resident.id_tail = resident.id_number[-4:]
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        if "relation" in values:
            refuse_second_head(household_id=resident.household_id, relation=values["relation"],
                               exclude_pk=resident.pk)
        raise
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
    # A head who moves keeps being head unless told otherwise: refused where there is one already.
    refuse_second_head(household_id=target.pk, relation=new_relation)
    source_pk, source_grid = resident.household_id, resident.grid_code
    move = HouseholdMove.objects.create(
        resident=resident, grid_code=target.grid_code, from_household_id=source_pk, to_household=target,
        from_relation=resident.relation, to_relation=new_relation, reason=reason[:200],
        moved_by=actor.user if actor.user.is_authenticated else None,
    )
    resident.household = target
    resident.grid_code = target.grid_code
    resident.relation = new_relation
    try:
        with transaction.atomic():
            resident.save(update_fields=["household", "grid_code", "relation", "updated_at"])
    except IntegrityError:
        refuse_second_head(household_id=target.pk, relation=new_relation, exclude_pk=resident.pk)
        raise
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
    "purpose": "未选择用途或用途说明不全",
}


def _stated_purpose(purpose: str, note: str) -> dict[str, str]:
    """What the attempt said about its purpose, as its entry keeps it (bounded: an unknown code from
    a refused attempt is kept too, cut short)."""
    stated = {"purpose": purpose[:32], "purpose_note": note[:REVEAL_NOTE_MAX_LENGTH]}
    return {k: v for k, v in stated.items() if v}


def _purpose_refusal(purpose: str, note: str) -> ValidationFailed | None:
    """Why ``purpose`` and ``note`` do not say why a field is revealed, or None when they do."""
    if not purpose:
        return ValidationFailed(_("请选择查看明文的用途"), code="reveal_purpose_required",
                                errors={"purpose": _("请选择用途")})
    if purpose not in RevealPurpose.values:
        return ValidationFailed(_("查看明文的用途不在可选范围内"), code="reveal_purpose_invalid",
                                errors={"purpose": _("用途无效")})
    if len(note) > REVEAL_NOTE_MAX_LENGTH:
        return ValidationFailed(_("用途说明不能超过 %(max)s 个字") % {"max": REVEAL_NOTE_MAX_LENGTH},
                                code="reveal_note_too_long", errors={"note": _("说明过长")})
    if purpose == RevealPurpose.OTHER and not note:
        return ValidationFailed(_("用途选“其他”时须填写说明"), code="reveal_note_required",
                                errors={"note": _("请填写说明")})
    return None


def _record_refused_reveal(
    *, actor: Actor, resident_id, field: str, reason: str, resident: Resident | None, stated: dict[str, str]
) -> None:
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
                 changes={"refused": True, "reason": reason, **stated}, note=REVEAL_REFUSAL_NOTES[reason], **where)


def resident_reveal(*, actor: Actor, resident_id: int, field: str, purpose: str, note: str = "") -> str:
    """The unmasked value of an ID number or phone, for a purpose from ``RevealPurpose`` ("其他"
    with a note); every reveal, with its purpose, and every refusal is recorded.

    The role is asked first, then the reach, then the purpose, so a 422 for the purpose is only
    ever given about a record the actor may reveal.  The refusal is committed before it is raised
    (raising inside the transaction would take the entry back with it); the client still gets only
    403 for the role, 404 for anything out of reach.
    """
    if field not in REVEALABLE_FIELDS:
        raise ValidationFailed(
            _("只能显示证件号码或手机号"),
            code="invalid_reveal_field",
            errors={"field": _("不支持的字段")},
        )
    purpose, note = (purpose or "").strip(), (note or "").strip()
    stated = _stated_purpose(purpose, note)
    with transaction.atomic():
        try:
            resident = resident_in_reach(user=actor.user, pk=resident_id)
        except NotFound as exc:
            resident, refusal, reason = None, exc, "not_in_reach"
        # The role is asked first, so a role that may not reveal learns nothing about reach.
        if not can(actor.user, "people.reveal"):
            refusal, reason = Forbidden(permissions.refusal("people.reveal")), "role"
        elif resident is not None:
            refusal, reason = _purpose_refusal(purpose, note), "purpose"
            if refusal is None:
                audit.record(actor=actor, action=AuditAction.REVEAL, obj=resident, field=field, changes=stated)
                return getattr(resident, field)
        _record_refused_reveal(actor=actor, resident_id=resident_id, field=field, reason=reason,
                               resident=resident, stated=stated)
    raise refusal
