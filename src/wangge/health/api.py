"""API of the four categories: a hospital or CDC system pushes status changes and monitoring
reports; command reads the daily table and the gap lists.  Thin callers of selectors/services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from wangge.audit.context import Actor
from wangge.core.api import READ_ERRORS, WRITE_ERRORS, page_limit
from wangge.core.errors import NotFound
from wangge.core.inputs import Day, Id, PageSize, Temperature
from wangge.core.lists import keyset_page
from wangge.grid.selectors import area_in_reach
from wangge.health import selectors, services
from wangge.health.models import EpidemicStatus, HealthReport, StatusTransition
from wangge.people.selectors import resident_detail

router = Router(tags=["四类人员与健康监测"])


class StatusChangeIn(Schema):
    to_status: str  # fever / suspected / confirmed / close_contact / secondary_contact / excluded / ...
    reason: str
    evidence: dict = {}  # e.g. {"test_result": "核酸阳性", "hospital": "武汉市金银潭医院"}
    severity: str = ""  # required for confirmed: asymptomatic / mild / moderate / severe / critical


class TransitionOut(Schema):
    id: int
    resident_id: int
    from_status: str
    to_status: str
    severity: str
    at: dt.datetime
    by: str | None = None
    reason: str
    evidence: dict


class StatusOut(Schema):
    resident_id: int
    name: str
    grid_code: str
    status: str
    status_name: str
    severity: str
    since: dt.datetime | None = None
    isolated_at: dt.datetime | None = None
    admitted_at: dt.datetime | None = None
    seen_by_doctor_at: dt.datetime | None = None
    history: list[TransitionOut]


class FiguresOut(Schema):
    current: int
    new: int
    cumulative: int


class TableRowOut(Schema):
    code: str
    name: str
    categories: dict[str, FiguresOut]  # keyed by status: confirmed, suspected, fever, close_contact, ...


class FourCategoryOut(Schema):
    date: dt.date
    area: str
    area_name: str
    rows: list[TableRowOut]
    total: TableRowOut


class GapOut(Schema):
    kind: str
    resident_id: int
    name: str
    phone_masked: str
    grid_code: str
    since: dt.datetime
    waited_hours: float
    detail: str


class GapListOut(Schema):
    kind: str
    kind_name: str
    count: int  # the whole list, not the page
    next_cursor: str | None = None
    items: list[GapOut]


class MonitoredOut(Schema):
    resident_id: int
    name: str
    phone_masked: str
    grid_code: str
    status: str
    am_temperature: Decimal | None = None  # today's morning report, None when not reported
    pm_temperature: Decimal | None = None


class MonitoringAreaOut(Schema):
    prefix: str
    name: str
    monitored: int
    missing_am: int | None  # None: the slot has not opened yet
    missing_pm: int | None
    fever: int


class MonitoringOut(Schema):
    date: dt.date
    area: str
    total: int  # everyone monitored in the area
    missing_am: int | None  # None: the slot has not opened yet (the afternoon before noon)
    missing_pm: int | None
    count: int  # the list as filtered by ``show``, not the page
    next_cursor: str | None = None
    areas: list[MonitoringAreaOut]  # by child area, for command
    items: list[MonitoredOut]


class MonitoringQuery(selectors.MonitoringFilters):
    cursor: str = ""
    limit: PageSize = None


class ReportIn(Schema):
    resident_id: Id
    date: Day | None = None  # the local date; today when omitted
    slot: Literal[tuple(HealthReport.Slot.values)]
    # The range is the service's rule (it says so in Chinese); the document states the same bounds.
    temperature: Temperature
    symptoms: list[str] = []
    source: Literal[tuple(HealthReport.Source.values)] = HealthReport.Source.STAFF


class ReportOut(Schema):
    id: int
    resident_id: int
    date: dt.date
    slot: str
    temperature: Decimal
    symptoms: list[str]
    source: str
    is_fever: bool
    status: str  # the person's epidemic status after the report


def transition_out(t: StatusTransition) -> dict:
    return {
        "id": t.pk, "resident_id": t.resident_id, "from_status": t.from_status, "to_status": t.to_status,
        "severity": t.severity, "at": t.at, "by": t.by.username if t.by else None, "reason": t.reason,
        "evidence": t.evidence,
    }


def _row_out(row) -> dict:
    return {
        "code": row.prefix, "name": row.name,
        "categories": {c: {"current": f.current, "new": f.new, "cumulative": f.cumulative}
                       for c, f in row.figures.items()},
    }


@router.post(
    "/residents/{resident_id}/status",
    response={200: TransitionOut, **WRITE_ERRORS},
    summary="变更疫情状态（医院、疾控系统推送；记入审计日志）",
)
def change_status(request: HttpRequest, resident_id: Id, payload: StatusChangeIn):
    transition = services.status_change(
        actor=Actor.for_api(request), resident_id=resident_id, to_status=payload.to_status,
        reason=payload.reason, evidence=payload.evidence, severity=payload.severity,
    )
    return transition_out(transition)


@router.get(
    "/health/status/{resident_id}",
    response={200: StatusOut, **READ_ERRORS},
    summary="居民当前疫情状态与变更记录（记入审计日志）",
)
def get_status(request: HttpRequest, resident_id: Id):
    user = request.auth
    resident = resident_detail(actor=Actor.for_api(request), pk=resident_id)
    status = selectors.person_status(user=user, resident=resident)
    code = status.status if status else EpidemicStatus.NONE
    return {
        "resident_id": resident.pk, "name": resident.name, "grid_code": resident.grid_code, "status": code,
        "status_name": str(EpidemicStatus(code).label), "severity": status.severity if status else "",
        "since": status and status.since, "isolated_at": status and status.isolated_at,
        "admitted_at": status and status.admitted_at, "seen_by_doctor_at": status and status.seen_by_doctor_at,
        "history": [transition_out(t) for t in selectors.person_transitions(user=user, resident=resident)],
    }


TableQuery = selectors.AreaDayFilters


@router.get(
    "/health/four-categories",
    response={200: FourCategoryOut, **READ_ERRORS},
    summary="四类人员日报：各下级区域现有、当日新增、累计",
)
def four_categories(request: HttpRequest, query: Query[TableQuery]):
    area = area_in_reach(user=request.auth, code=query.within)
    table = selectors.four_category_table(user=request.auth, area=area, date=query.day())
    return {"date": table.date, "area": area.prefix, "area_name": area.name,
            "rows": [_row_out(r) for r in table.rows], "total": _row_out(table.total)}


class GapQuery(selectors.AreaFilters):
    cursor: str = ""
    limit: PageSize = None


@router.get(
    "/health/gaps/{kind}",
    response={200: GapListOut, **READ_ERRORS},
    summary="闭环事项清单（unadmitted / unisolated / unquarantined / tests_overdue / fevers_unseen），等待最久的在前",
)
def gap_list(request: HttpRequest, kind: str, query: Query[GapQuery]):
    if kind not in selectors.GAP_KINDS:
        raise NotFound(_("未知的闭环事项类型"))
    area = area_in_reach(user=request.auth, code=query.within)
    qs = selectors.gap_queryset(kind, user=request.auth, within=area.prefix)
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit))
    entries = selectors.gap_entries_from(kind, page.items, timezone.now())
    return {
        "kind": kind, "kind_name": str(selectors.GAP_KINDS[kind]), "count": qs.count(), "next_cursor": page.next_cursor,
        "items": [
            {"kind": e.kind, "resident_id": e.resident.pk, "name": e.resident.name,
             "phone_masked": e.resident.phone_masked, "grid_code": e.grid_code, "since": e.since,
             "waited_hours": round(e.waited.total_seconds() / 3600, 1), "detail": e.detail}
            for e in entries
        ],
    }


@router.get(
    "/health/monitoring",
    response={200: MonitoringOut, **READ_ERRORS},
    summary="健康监测名单（show=missing 本时段未报，show=fever 今日发热或有症状）及各下级区域汇总",
)
def monitoring(request: HttpRequest, query: Query[MonitoringQuery]):
    user = request.auth
    area = area_in_reach(user=user, code=query.within)
    today = timezone.localdate()
    everyone = selectors.monitored_queryset(user=user, within=area.prefix)
    qs = selectors.monitored_queryset(user=user, within=area.prefix, show=query.show)
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit))
    missing = selectors.monitoring_missing_counts(everyone, date=today)
    return {
        "date": today, "area": area.prefix, "total": everyone.count(), "missing_am": missing["am"],
        "missing_pm": missing["pm"], "count": qs.count(), "next_cursor": page.next_cursor,
        "areas": [vars(a) for a in selectors.monitoring_summary(user=user, area=area)],
        "items": [
            {"resident_id": p.resident.pk, "name": p.resident.name, "phone_masked": p.resident.phone_masked,
             "grid_code": p.resident.grid_code, "status": p.status,
             "am_temperature": p.am.temperature if p.am else None, "pm_temperature": p.pm.temperature if p.pm else None}
            for p in selectors.monitored_rows(page.items, date=today)
        ],
    }


@router.post(
    "/health/reports",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="录入健康监测（每人每天上午、下午各一次；同一时段再次提交即更新）",
)
def record_report(request: HttpRequest, payload: ReportIn):
    report = services.health_report_record(
        actor=Actor.for_api(request), resident_id=payload.resident_id, date=payload.date or timezone.localdate(),
        slot=payload.slot, temperature=payload.temperature, symptoms=payload.symptoms, source=payload.source,
    )
    return {
        "id": report.pk, "resident_id": report.resident_id, "date": report.date, "slot": report.slot,
        "temperature": report.temperature, "symptoms": report.symptoms, "source": report.source,
        "is_fever": report.is_fever, "status": services.current_status(report.resident),
    }
