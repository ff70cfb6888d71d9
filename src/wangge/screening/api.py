"""API of door-to-door screening: campaigns, visits, coverage, missing households and the public
self-declaration.  Thin callers of ``screening.selectors`` and ``screening.services``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from wangge.audit.context import Actor
from wangge.core.api import PUBLIC_WRITE_ERRORS, READ_ERRORS, WRITE_ERRORS, page_limit
from wangge.core.inputs import Day, Id, PageSize, Temperature
from wangge.core.lists import keyset_page
from wangge.screening import selectors, services
from wangge.screening.models import Campaign, Visit

router = Router(tags=["拉网式排查"])


class QuestionIn(Schema):
    key: str
    label: str
    type: str = "bool"


class CampaignIn(Schema):
    name: str
    area_code: str  # 12-digit division code or 15-digit grid code
    start_date: Day
    end_date: Day
    frequency: Literal[tuple(Campaign.Frequency.values)] = Campaign.Frequency.DAILY
    questions: list[QuestionIn] | None = None


class CampaignOut(Schema):
    id: int
    name: str
    area_prefix: str
    start_date: dt.date
    end_date: dt.date
    frequency: str
    questions: list[dict]
    is_active: bool
    active_today: bool


def campaign_out(c: Campaign) -> dict:
    return {
        "id": c.pk, "name": c.name, "area_prefix": c.grid_code, "start_date": c.start_date, "end_date": c.end_date,
        "frequency": c.frequency, "questions": c.questions, "is_active": c.is_active,
        "active_today": selectors.is_active_on(c, timezone.localdate()),
    }


class CampaignQuery(selectors.CampaignFilters):
    cursor: str = ""
    limit: PageSize = None


class CampaignPageOut(Schema):
    items: list[CampaignOut]
    next_cursor: str | None


@router.get("/screening/campaigns", response={200: CampaignPageOut, **READ_ERRORS},
            summary="排查任务列表（与管辖范围重叠的任务），按 next_cursor 翻页")
def list_campaigns(request: HttpRequest, query: Query[CampaignQuery]):
    page = keyset_page(selectors.campaigns_for(user=request.auth, filters=query),
                       cursor=query.cursor, limit=page_limit(query.limit))
    return {"items": [campaign_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("/screening/campaigns", response={201: CampaignOut, **WRITE_ERRORS}, summary="发起排查任务")
def create_campaign(request: HttpRequest, payload: CampaignIn):
    data = payload.dict()
    questions = data.pop("questions")
    campaign = services.campaign_create(actor=Actor.for_api(request), questions=questions, **data)
    return Status(201, campaign_out(campaign))


class MemberIn(Schema):
    resident_id: Id
    present: bool = True
    temperature: Temperature | None = None
    symptoms: list[str] = []
    answers: dict = {}


class VisitIn(Schema):
    campaign_id: Id
    household_id: Id
    outcome: Literal[tuple(Visit.Outcome.values)]
    members: list[MemberIn] = []
    note: str = ""
    date: Day | None = None
    # One reading for the household (全户正常): every member at home without a temperature of their own.
    household_temperature: str = ""


class MemberOut(Schema):
    resident_id: int
    present: bool
    temperature: str | None
    symptoms: list[str]
    answers: dict


class VisitOut(Schema):
    id: int
    campaign_id: int
    household_id: int
    grid_code: str
    date: dt.date
    outcome: str
    note: str
    members: list[MemberOut]
    leads: list[int]  # residents who became (or were reported as) fever leads


def visit_out(v: Visit) -> dict:
    return {
        "id": v.pk, "campaign_id": v.campaign_id, "household_id": v.household_id, "grid_code": v.grid_code,
        "date": v.date, "outcome": v.outcome, "note": v.note, "leads": getattr(v, "leads", []),
        "members": [
            {"resident_id": m.resident_id, "present": m.present,
             "temperature": str(m.temperature) if m.temperature is not None else None,
             "symptoms": m.symptoms, "answers": m.answers}
            for m in v.members.order_by("id")
        ],
    }


@router.post("/screening/visits", response={201: VisitOut, **WRITE_ERRORS},
             summary="登记入户排查（同一户同一天再次提交即更新；发热/症状者同时列为线索）")
def record_visit(request: HttpRequest, payload: VisitIn):
    visit = services.visit_record(
        actor=Actor.for_api(request), campaign_id=payload.campaign_id, household_id=payload.household_id,
        outcome=payload.outcome, members=[m.dict() for m in payload.members], note=payload.note, date=payload.date,
        household_temperature=payload.household_temperature,
    )
    return Status(201, visit_out(visit))


AreaQuery = selectors.AreaFilters


class AreaCoverageOut(Schema):
    prefix: str
    name: str
    households_total: int
    households_covered: int
    persons_total: int
    persons_covered: int
    household_share: float


class DayOut(Schema):
    date: dt.date
    households_covered: int
    households_total: int
    persons_covered: int
    share: float


class CoverageOut(Schema):
    campaign_id: int
    date: dt.date
    area: AreaCoverageOut
    children: list[AreaCoverageOut]
    history: list[DayOut]


def area_coverage_out(a) -> dict:
    return {"prefix": a.prefix, "name": a.name, "households_total": a.households_total,
            "households_covered": a.households_covered, "persons_total": a.persons_total,
            "persons_covered": a.persons_covered, "household_share": round(a.household_share, 4)}


@router.get("/screening/campaigns/{campaign_id}/coverage", response={200: CoverageOut, **READ_ERRORS},
            summary="覆盖情况（户、人，按下级区域，及每日覆盖率）")
def campaign_coverage(request: HttpRequest, campaign_id: Id, query: Query[AreaQuery]):
    user = request.auth
    campaign = selectors.campaign_in_reach(user=user, pk=campaign_id)
    prefix = selectors.area_in_campaign(user=user, campaign=campaign, within=query.within)
    date = query.day()
    cov = selectors.coverage(user=user, campaign=campaign, prefix=prefix, date=date)
    days = selectors.history(user=user, campaign=campaign, prefix=prefix)
    return {
        "campaign_id": campaign.pk, "date": date, "area": area_coverage_out(cov.area),
        "children": [area_coverage_out(c) for c in cov.children],
        "history": [{"date": d.date, "households_covered": d.households_covered,
                     "households_total": d.households_total, "persons_covered": d.persons_covered,
                     "share": round(d.share, 4)} for d in days],
    }


class MissingQuery(AreaQuery):
    cursor: str = ""
    limit: PageSize = None


class MissingOut(Schema):
    household_id: int
    code: str
    grid_code: str
    building: str
    unit: str
    door_number: str
    address: str
    attempt: str | None  # nobody_home / refused when tried without covering it


class MissingPageOut(Schema):
    items: list[MissingOut]
    next_cursor: str | None


@router.get("/screening/campaigns/{campaign_id}/missing", response={200: MissingPageOut, **READ_ERRORS},
            summary="未覆盖的户（按网格、楼栋、单元排序，游标分页）")
def campaign_missing(request: HttpRequest, campaign_id: Id, query: Query[MissingQuery]):

    user = request.auth
    campaign = selectors.campaign_in_reach(user=user, pk=campaign_id)
    prefix = selectors.area_in_campaign(user=user, campaign=campaign, within=query.within)
    page = selectors.missing_page(user=user, campaign=campaign, prefix=prefix, date=query.day(),
                                  cursor=query.cursor, limit=page_limit(query.limit))
    return {
        "items": [
            {"household_id": h.pk, "code": h.code, "grid_code": h.grid_code, "building": h.unit.building.name,
             "unit": h.unit.name, "door_number": h.door_number, "address": h.address, "attempt": h.attempt}
            for h in page.items
        ],
        "next_cursor": page.next_cursor,
    }


class DeclarationIn(Schema):
    resident_id: Id
    temperature: Temperature
    symptoms: list[str] = []
    travel_history: str = ""
    travel_risk_area: bool = False
    contact_case: bool = False


class DeclarationOut(Schema):
    id: int
    date: dt.date
    temperature: str
    symptoms: list[str]
    lead: bool  # fever or symptoms: staff have been alerted


@router.post("/screening/declare/{token}", auth=None, response={201: DeclarationOut, **PUBLIC_WRITE_ERRORS},
             summary="居民自主健康申报（公开，凭户申报链接令牌；每人每天一次，再次提交即更新）")
def declare(request: HttpRequest, token: str, payload: DeclarationIn):
    d = services.declaration_submit(actor=Actor.from_request(request, channel="link"), token=token,
                                    **payload.dict())
    return Status(201, {"id": d.pk, "date": d.date, "temperature": str(d.temperature), "symptoms": d.symptoms,
                        "lead": d.leads})
