"""API of residents: list (keyset-paginated, masked), detail (audited), reveal (audited), create,
update and move.  Thin callers of ``people.selectors`` and ``people.services``; every call passes
``Actor.for_api(request)`` so the audit log says "api" and the caller's address."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from wangge.audit.context import Actor
from wangge.core.api import READ_ERRORS, WRITE_ERRORS, page_limit
from wangge.core.errors import ValidationFailed
from wangge.core.inputs import Id, PageSize
from wangge.grid import selectors as grid_selectors
from wangge.grid.api import household_out
from wangge.people import selectors, services
from wangge.people.models import Resident
from wangge.people.schemas import (
    HouseholdDetailOut,
    MoveOut,
    ResidentCreateIn,
    ResidentDetailOut,
    ResidentFieldsIn,
    ResidentMoveIn,
    ResidentPage,
    RevealIn,
    RevealOut,
)

router = Router(tags=["居民"])


def resident_out(resident: Resident) -> dict:
    """A resident as the API shows it: identifiers masked, never the plain values."""
    return {
        "id": resident.pk,
        "name": resident.name,
        "sex": resident.sex,
        "birth_date": resident.birth_date,
        "id_type": resident.id_type,
        "id_number_masked": resident.id_number_masked,
        "phone_masked": resident.phone_masked,
        "relation": resident.relation,
        "residence_type": resident.residence_type,
        "household_id": resident.household_id,
        "grid_code": resident.grid_code,
        "tags": sorted(t.code for t in resident.tags.all()),
    }


def move_out(move) -> dict:
    return {
        "id": move.pk,
        "resident_id": move.resident_id,
        "from_household_id": move.from_household_id,
        "to_household_id": move.to_household_id,
        "from_relation": move.from_relation,
        "to_relation": move.to_relation,
        "reason": move.reason,
        "moved_at": move.moved_at,
    }


def resident_detail_out(request: HttpRequest, resident: Resident) -> dict:
    out = resident_out(resident)
    out["note"] = resident.note
    out["household"] = household_out(resident.household)
    out["created_at"] = resident.created_at
    out["updated_at"] = resident.updated_at
    out["moves"] = [move_out(m) for m in selectors.resident_moves(user=request.auth, resident=resident)]
    return out


class ResidentQuery(selectors.ResidentFilters):
    cursor: str = ""
    limit: PageSize = None


@router.get(
    "/residents",
    response={200: ResidentPage, **READ_ERRORS},
    summary="居民列表（游标分页，证件号码与手机号脱敏）",
)
def list_residents(request: HttpRequest, query: Query[ResidentQuery]):
    page = selectors.resident_page(user=request.auth, filters=query, cursor=query.cursor,
                                   limit=page_limit(query.limit))
    prefetch_related_objects(page.items, "tags")
    return {"items": [resident_out(r) for r in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/residents/{resident_id}",
    response={200: ResidentDetailOut, **READ_ERRORS},
    summary="居民详情（记入审计日志）",
)
def get_resident(request: HttpRequest, resident_id: Id):
    resident = selectors.resident_detail(actor=Actor.for_api(request), pk=resident_id)
    return resident_detail_out(request, resident)


@router.post(
    "/residents/{resident_id}/reveal",
    response={200: RevealOut, **WRITE_ERRORS},
    summary="显示证件号码或手机号明文（须说明用途，记入审计日志）",
)
def reveal_resident_field(request: HttpRequest, resident_id: Id, payload: RevealIn):
    value = services.resident_reveal(actor=Actor.for_api(request), resident_id=resident_id, field=payload.field,
                                     purpose=payload.purpose, note=payload.note)
    return {"field": payload.field, "value": value}


@router.post(
    "/residents",
    response={201: ResidentDetailOut, **WRITE_ERRORS},
    summary="登记居民",
)
def create_resident(request: HttpRequest, payload: ResidentCreateIn):
    data = payload.dict(exclude_unset=True)
    household_id = data.pop("household_id")
    resident = services.resident_create(actor=Actor.for_api(request), household_id=household_id, data=data)
    resident = selectors.resident_in_reach(user=request.auth, pk=resident.pk)
    return Status(201, resident_detail_out(request, resident))


@router.patch(
    "/residents/{resident_id}",
    response={200: ResidentDetailOut, **WRITE_ERRORS},
    summary="修改居民信息（只改提交的字段）",
)
def update_resident(request: HttpRequest, resident_id: Id, payload: ResidentFieldsIn):
    data = payload.dict(exclude_unset=True)
    if not data:
        raise ValidationFailed(_("没有要修改的字段"), code="nothing_to_change", errors={"body": _("请求体为空")})
    resident = services.resident_update(actor=Actor.for_api(request), resident_id=resident_id, data=data)
    resident = selectors.resident_in_reach(user=request.auth, pk=resident.pk)
    return resident_detail_out(request, resident)


@router.post(
    "/residents/{resident_id}/move",
    response={200: MoveOut, **WRITE_ERRORS},
    summary="迁户（保留迁移记录）",
)
def move_resident(request: HttpRequest, resident_id: Id, payload: ResidentMoveIn):
    move = services.resident_move(
        actor=Actor.for_api(request), resident_id=resident_id, to_household_id=payload.to_household_id,
        relation=payload.relation, reason=payload.reason,
    )
    return move_out(move)


@router.get(
    "/households/{household_id}",
    response={200: HouseholdDetailOut, **READ_ERRORS},
    summary="户详情（成员，证件号码与手机号脱敏）",
    # A step of the grid's walk that lists people: documented with the grid's endpoints, under
    # the operation id it had there.
    tags=["网格"],
    operation_id="wangge_grid_api_get_household",
)
def get_household(request: HttpRequest, household_id: Id):
    household = grid_selectors.household_in_reach(user=request.auth, pk=household_id)
    out = household_out(household)
    out["members"] = [resident_out(r) for r in selectors.household_members(user=request.auth, household=household)]
    return out
