"""API of quarantine: orders (list, detail, create, release, extend), test results pushed by a lab
system, and sites with live occupancy.  Thin callers of ``quarantine.selectors`` and ``services``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from wangge.audit.context import Actor
from wangge.core.api import READ_ERRORS, WRITE_ERRORS, page_limit
from wangge.core.inputs import Id, PageSize
from wangge.core.lists import keyset_page
from wangge.quarantine import selectors, services
from wangge.quarantine.models import QuarantineOrder
from wangge.quarantine.schemas import (
    CorrectionIn,
    ExtendIn,
    NegativeBatchIn,
    OrderCreateIn,
    OrderDetailOut,
    OrderPage,
    ResultIn,
    SiteOut,
    TestOut,
)

router = Router(tags=["隔离"])


def order_out(order: QuarantineOrder) -> dict:
    return {
        "id": order.pk, "resident_id": order.resident_id, "resident_name": order.resident.name,
        "id_number_masked": order.resident.id_number_masked, "grid_code": order.grid_code,
        "regime": order.regime.code, "place": order.place, "phase": order.phase, "site_id": order.site_id,
        "site_name": order.site.name if order.site_id else None,
        "room_number": order.room.number if order.room_id else None, "start_date": order.start_date,
        "planned_release": order.planned_release, "status": order.status, "extension_days": order.extension_days,
        "certificate_number": order.certificate_number,
    }


def test_out(test) -> dict:
    return {"id": test.pk, "phase": test.phase, "day": test.day, "due_date": test.due_date, "result": test.result,
            "sampled_at": test.sampled_at, "result_at": test.result_at,
            "entries": [{"id": e.pk, "result": e.result, "corrects_id": e.corrects_id, "reason": e.reason,
                         "recorded_by_id": e.recorded_by_id, "recorded_at": e.recorded_at}
                        for e in test.entries.all()]}


test_out.__test__ = False


def order_detail_out(order: QuarantineOrder) -> dict:
    out = order_out(order)
    out.update(reason=order.reason, extension_reason=order.extension_reason, released_at=order.released_at,
               tests=[test_out(t) for t in selectors.order_tests(order)],
               release_problems=selectors.order_release_problems(order))
    return out


class OrderQuery(selectors.OrderFilters):
    cursor: str = ""
    limit: PageSize = None


@router.get("/quarantine/orders", response={200: OrderPage, **READ_ERRORS}, summary="隔离令列表（游标分页）")
def list_orders(request: HttpRequest, query: Query[OrderQuery]):
    qs = selectors.order_queryset(user=request.auth, filters=query).order_by("grid_code", "id")
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit))
    return {"items": [order_out(o) for o in page.items], "next_cursor": page.next_cursor}


@router.get("/quarantine/orders/{order_id}", response={200: OrderDetailOut, **READ_ERRORS},
            summary="隔离令详情与检测计划（记入审计日志）")
def get_order(request: HttpRequest, order_id: Id):
    return order_detail_out(selectors.order_detail(actor=Actor.for_api(request), pk=order_id))


@router.post("/quarantine/orders", response={201: OrderDetailOut, **WRITE_ERRORS}, summary="下达隔离令")
def create_order(request: HttpRequest, payload: OrderCreateIn):
    room_id = payload.room_id
    if payload.place == "central" and payload.site_id and not room_id:
        room_id = services.first_free_room(user=request.auth, site_id=payload.site_id).pk
    order = services.quarantine_order_create(
        actor=Actor.for_api(request), resident_id=payload.resident_id, regime_code=payload.regime_code,
        place=payload.place, site_id=payload.site_id, room_id=room_id, start_date=payload.start_date,
        reason=payload.reason,
    )
    order = services.order_in_reach(user=request.auth, pk=order.pk)
    return Status(201, order_detail_out(order))


@router.post("/quarantine/orders/{order_id}/release", response={200: OrderDetailOut, **WRITE_ERRORS},
             summary="解除隔离（到期且应检核酸均为阴性），生成解除隔离证明编号")
def release_order(request: HttpRequest, order_id: Id):
    return order_detail_out(services.order_release(actor=Actor.for_api(request), order_id=order_id))


@router.post("/quarantine/orders/{order_id}/extend", response={200: OrderDetailOut, **WRITE_ERRORS},
             summary="延长隔离（须填写原因）")
def extend_order(request: HttpRequest, order_id: Id, payload: ExtendIn):
    order = services.order_extend(actor=Actor.for_api(request), order_id=order_id, days=payload.days,
                                  reason=payload.reason)
    return order_detail_out(order)


@router.post("/quarantine/tests/{test_id}/result", response={200: TestOut, **WRITE_ERRORS},
             summary="录入核酸检测结果（疾控/检测机构系统推送；重复推送同一结果无副作用）")
def record_result(request: HttpRequest, test_id: Id, payload: ResultIn):
    # A lab system's push is deliberate: it confirms a positive by sending it (the page asks first).
    test = services.test_result_record(actor=Actor.for_api(request), test_id=test_id, result=payload.result,
                                       sampled_at=payload.sampled_at, confirmed=True)
    return test_out(test)


@router.post("/quarantine/tests/{test_id}/correction", response={200: TestOut, **WRITE_ERRORS},
             summary="更正检测结果（新增一条更正记录并说明原因，原记录保留；疾控、指挥部）")
def correct_result(request: HttpRequest, test_id: Id, payload: CorrectionIn):
    entry = services.test_result_correct(actor=Actor.for_api(request), test_id=test_id, result=payload.result,
                                         reason=payload.reason)
    return test_out(entry.test)


@router.post("/quarantine/tests/negative", response={200: list[TestOut], **WRITE_ERRORS},
             summary="批量录入阴性（采样队一轮的检测，一个事务；任一不能录入则全部不录入）")
def record_negatives(request: HttpRequest, payload: NegativeBatchIn):
    tests = services.test_results_negative(actor=Actor.for_api(request), test_ids=payload.test_ids)
    return [test_out(t) for t in tests]


@router.get("/quarantine/sites", response={200: list[SiteOut], **READ_ERRORS}, summary="集中隔离点及实时床位")
def list_sites(request: HttpRequest):
    return [
        {"id": s.site.pk, "name": s.site.name, "grid_code": s.site.grid_code, "address": s.site.address,
         "rooms": s.rooms, "beds": s.beds, "occupied": s.occupied, "guests": s.guests, "incoming": s.incoming,
         "free": s.free}
        for s in selectors.site_occupancy(user=request.auth)
    ]
