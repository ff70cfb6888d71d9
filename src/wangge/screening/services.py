"""Writes of door-to-door screening: campaigns, visits at the door, and residents' own declarations.

A fever or a symptom found at a door becomes a lead in the same transaction as the visit that
found it (``health.services.status_change`` to "fever"), so a visit is never saved without its
lead, nor a lead without its visit.  A resident's own declaration has no staff member behind it,
and ``status_change`` needs one whose role answers for the change: a declared fever therefore
raises alerts (a lead for the grid worker and the community worker, a fever for the CDC) and
staff confirm the lead by changing the status themselves.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.permissions import require
from wangge.alerts.models import AlertKind
from wangge.alerts.services import alert_raise, alert_resolve_for
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import ancestors
from wangge.core.errors import NotFound, RateLimited, ValidationFailed
from wangge.core.inputs import parse_temperature
from wangge.core.throttle import Throttle
from wangge.grid.models import Household
from wangge.grid.selectors import area_in_reach, household_in_reach
from wangge.health import services as health_services
from wangge.health.models import FEVER_THRESHOLD, SYMPTOMS, EpidemicStatus, HealthReport, StatusTransition
from wangge.health.selectors import is_monitored
from wangge.health.services import current_slot, current_status, status_change
from wangge.people.models import Resident
from wangge.screening.models import (
    DEFAULT_QUESTIONS,
    Campaign,
    CoverageDay,
    DeclarationLink,
    MemberCheck,
    RiskReport,
    SelfDeclaration,
    Visit,
)
from wangge.screening.selectors import campaign_in_reach

QUESTION_TYPES = {"bool", "text"}
MAX_CAMPAIGN_DAYS = 366

# A fever at the door moves these statuses to "fever"; people already in the loop get an alert.
LEAD_FROM = {
    EpidemicStatus.NONE, EpidemicStatus.EXCLUDED, EpidemicStatus.RECOVERED,
    EpidemicStatus.CLOSE_CONTACT, EpidemicStatus.SECONDARY_CONTACT,
}
ALREADY_IN_LOOP = {EpidemicStatus.FEVER, EpidemicStatus.SUSPECTED, EpidemicStatus.CONFIRMED}
LEAD_REASON = "入户排查发现发热/症状"
# The door's questions (and the declaration's fields) whose "yes" needs checking.
RISK_ANSWERS = {"travel_risk_area": RiskReport.Kind.RISK_AREA, "contact_case": RiskReport.Kind.CONTACT_CASE}


# --- Campaigns ---------------------------------------------------------------------------------


def _clean_questions(questions: Any) -> list[dict]:
    if questions is None:
        return [dict(q) for q in DEFAULT_QUESTIONS]
    if not isinstance(questions, list):
        raise ValidationFailed(_("询问项目格式有误"), code="invalid_questions", errors={"questions": _("应为列表")})
    cleaned, keys = [], set()
    for i, q in enumerate(questions):
        if not isinstance(q, dict):
            raise ValidationFailed(
                _("第%(number)s个询问项目格式有误") % {"number": i + 1},
                code="invalid_questions",
                errors={f"questions.{i}": _("应为对象")},
            )
        key, label, kind = str(q.get("key", "")).strip(), str(q.get("label", "")).strip(), q.get("type", "bool")
        if not key or not key.replace("_", "").isalnum() or len(key) > 40:
            raise ValidationFailed(
                _("第%(number)s个询问项目的代码无效") % {"number": i + 1},
                code="invalid_questions",
                errors={f"questions.{i}.key": _("代码无效")},
            )
        if key in keys:
            raise ValidationFailed(
                _("询问项目代码“%(key)s”重复") % {"key": key},
                code="invalid_questions",
                errors={f"questions.{i}.key": _("重复")},
            )
        if not label:
            raise ValidationFailed(
                _("第%(number)s个询问项目缺少问题文字") % {"number": i + 1},
                code="invalid_questions",
                errors={f"questions.{i}.label": _("必填")},
            )
        if kind not in QUESTION_TYPES:
            raise ValidationFailed(
                _("第%(number)s个询问项目的类型无效") % {"number": i + 1},
                code="invalid_questions",
                errors={f"questions.{i}.type": _("类型无效")},
            )
        keys.add(key)
        cleaned.append({"key": key, "label": label[:100], "type": kind})
    return cleaned


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    name: str,
    area_code: str,
    start_date: dt.date,
    end_date: dt.date,
    frequency: str = Campaign.Frequency.DAILY,
    questions: list[dict] | None = None,
) -> Campaign:
    """Start a screening campaign over a division or grid inside the actor's reach."""
    user = actor.user
    require(user, "screening.campaign.create")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写任务名称"), code="name_required", errors={"name": _("必填")})
    prefix = area_in_reach(
        user=user, code=area_code, whole=True, navigable=False, existing=True,
        invalid=ValidationFailed(
            _("排查范围应为12位区划代码或15位网格代码"), code="invalid_scope_code", errors={"area_code": _("代码无效")},
        ),
    ).prefix
    if not isinstance(start_date, dt.date) or not isinstance(end_date, dt.date):
        raise ValidationFailed(
            _("请填写开始和结束日期"),
            code="dates_required",
            errors={"start_date": _("必填"), "end_date": _("必填")},
        )
    if end_date < start_date:
        raise ValidationFailed(
            _("结束日期不能早于开始日期"),
            code="end_before_start",
            errors={"end_date": _("早于开始日期")},
        )
    if (end_date - start_date).days >= MAX_CAMPAIGN_DAYS:
        raise ValidationFailed(_("排查任务不能超过一年"), code="campaign_too_long", errors={"end_date": _("时间过长")})
    if frequency not in Campaign.Frequency.values:
        raise ValidationFailed(_("频次无效"), code="invalid_frequency", errors={"frequency": _("应为 once 或 daily")})
    campaign = Campaign.objects.create(
        name=name[:100], grid_code=prefix, start_date=start_date, end_date=end_date, frequency=frequency,
        questions=_clean_questions(questions), created_by=user,
    )
    coverage_rebuild(campaign=campaign)  # the declarations already made in its area count
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=campaign,
        changes={"name": [None, campaign.name], "area": [None, prefix],
                 "dates": [None, f"{start_date.isoformat()}~{end_date.isoformat()}"], "frequency": [None, frequency]},
    )
    return campaign


# --- Coverage counters ---------------------------------------------------------------------------


def _coverage_counts(
    *, campaign: Campaign, area: Q, first: dt.date, last: dt.date,
) -> dict[tuple[str, dt.date], list[int]]:
    """Households and persons covered per (grid, day) of ``campaign``, counted from the records:
    the rule of ``selectors.coverage`` (a visited visit, else a declaration; a member found
    present, else their own declaration), over every grid matching ``area`` from ``first`` to
    ``last``."""
    visited = Visit.Outcome.VISITED
    dates = Q(date__gte=first, date__lte=last)
    counts: dict[tuple[str, dt.date], list[int]] = {}

    def add(rows, index: int) -> None:
        for grid_code, date, n in rows:
            counts.setdefault((grid_code, date), [0, 0])[index] += n

    visits = Visit.objects.filter(area, dates, campaign=campaign, outcome=visited)
    add(visits.values("grid_code", "date").annotate(n=Count("id")).order_by().values_list("grid_code", "date", "n"), 0)
    visit_that_day = Visit.objects.filter(
        campaign=campaign, outcome=visited, household=OuterRef("household"), date=OuterRef("date"),
    )
    declarations = SelfDeclaration.objects.filter(area, dates)
    add(declarations.filter(~Exists(visit_that_day)).values("grid_code", "date")
        .annotate(n=Count("household", distinct=True)).order_by().values_list("grid_code", "date", "n"), 0)
    present = MemberCheck.objects.filter(
        area, visit__campaign=campaign, visit__outcome=visited, present=True,
        visit__date__gte=first, visit__date__lte=last,
    )
    add(present.values("grid_code", "visit__date").annotate(n=Count("id")).order_by()
        .values_list("grid_code", "visit__date", "n"), 1)
    checked = MemberCheck.objects.filter(
        resident=OuterRef("resident"), present=True, visit__campaign=campaign, visit__date=OuterRef("date"),
        visit__outcome=visited,
    )
    add(declarations.filter(~Exists(checked)).values("grid_code", "date").annotate(n=Count("id")).order_by()
        .values_list("grid_code", "date", "n"), 1)
    return counts


def coverage_refresh(*, grid_code: str, date: dt.date, campaign: Campaign | None = None) -> None:
    """Recount one grid's day for ``campaign`` (a visit changed), or for every campaign covering the
    grid that day (a declaration counts toward each).  Called inside the writing transaction, after
    the write: the counter row is locked before it is recounted, so two writers in one grid wait
    for each other and the second counts the first's rows."""
    if campaign is not None:
        campaigns = [campaign]
    else:
        campaigns = list(Campaign.objects.filter(
            grid_code__in=[*ancestors(grid_code), grid_code], start_date__lte=date, end_date__gte=date,
        ).order_by("pk"))
    for each in campaigns:
        CoverageDay.objects.bulk_create(
            [CoverageDay(campaign=each, grid_code=grid_code, date=date)], ignore_conflicts=True,
        )
        row = CoverageDay.objects.select_for_update().get(campaign=each, grid_code=grid_code, date=date)
        counts = _coverage_counts(campaign=each, area=Q(grid_code=grid_code), first=date, last=date)
        row.households, row.persons = counts.get((grid_code, date), [0, 0])
        row.save(update_fields=["households", "persons"])


@transaction.atomic
def coverage_rebuild(*, campaign: Campaign) -> int:
    """Recount every grid and day of ``campaign`` from its records (a new campaign counts the
    declarations already made in its area; a bulk load of visits); returns the rows written."""
    until = min(campaign.end_date, timezone.localdate())
    CoverageDay.objects.filter(campaign=campaign).delete()
    if until < campaign.start_date:
        return 0
    counts = _coverage_counts(
        campaign=campaign, area=Q(grid_code__startswith=campaign.grid_code), first=campaign.start_date, last=until,
    )
    rows = [CoverageDay(campaign=campaign, grid_code=grid_code, date=date, households=h, persons=p)
            for (grid_code, date), (h, p) in counts.items()]
    CoverageDay.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# --- Visits ------------------------------------------------------------------------------------


def _clean_symptoms(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise ValueError(_("症状应为列表"))
    unknown = [s for s in value if s not in SYMPTOMS]
    if unknown:
        raise ValueError(_("未知的症状：%(names)s") % {"names": "、".join(str(s) for s in unknown)[:50]})
    return [s for s in SYMPTOMS if s in value]  # canonical order, no duplicates


def _clean_answers(value: Any, questions: list[dict]) -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValueError(_("询问结果格式有误"))
    types = {q["key"]: q.get("type", "bool") for q in questions}
    unknown = [k for k in value if k not in types]
    if unknown:
        raise ValueError(_("本次排查没有这些询问项目：%(names)s") % {"names": "、".join(unknown)[:50]})
    answers = {}
    for key, answer in value.items():
        if types[key] == "bool":
            if not isinstance(answer, bool):
                raise ValueError(_("“%(key)s”应回答是或否") % {"key": key})
        else:
            answer = str(answer or "").strip()[:200]
        answers[key] = answer
    return answers


def is_lead(temperature: Decimal | None, symptoms: list[str]) -> bool:
    return bool(symptoms) or (temperature is not None and temperature >= FEVER_THRESHOLD)


def _check_date(campaign: Campaign, date: dt.date) -> None:
    if not campaign.is_active:
        raise ValidationFailed(_("该排查任务已结束"), code="campaign_ended", errors={"campaign_id": _("任务已结束")})
    if not campaign.start_date <= date <= campaign.end_date:
        raise ValidationFailed(
            _("该日期不在排查任务的起止日期内"),
            code="date_outside_campaign",
            errors={"date": _("不在任务期间")},
        )
    if date > timezone.localdate():
        raise ValidationFailed(_("不能登记未来日期的排查"), code="date_in_future", errors={"date": _("未来日期")})


def household_in_campaign(*, user, campaign: Campaign, household_id: int) -> Household:
    try:
        household = household_in_reach(user=user, pk=household_id)
    except NotFound:
        household = None
    if household is None or not household.code.startswith(campaign.grid_code):
        raise NotFound(_("未找到该户，或不在本次排查范围内"))
    return household


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    campaign_id: int,
    household_id: int,
    outcome: str,
    members: list[dict],
    note: str = "",
    date: dt.date | None = None,
    household_temperature: Any = "",
) -> Visit:
    """Record (or re-record, the same day) a household's visit; fevers become leads in this transaction.

    ``household_temperature``: one reading for the whole household (全户正常), taken by every member
    found at home whose own temperature is left blank; a member with a reading of their own keeps it.

    ``members``: ``[{"resident_id", "present", "temperature", "symptoms": [...], "answers": {...}}]``,
    kept only when the outcome is "visited".  ``visit.leads`` lists the residents who became or
    were reported as leads.
    """
    user = actor.user
    require(user, "screening.visit.record")
    campaign = campaign_in_reach(user=user, pk=campaign_id)
    household = household_in_campaign(user=user, campaign=campaign, household_id=household_id)
    date = date or timezone.localdate()
    _check_date(campaign, date)
    if outcome not in Visit.Outcome.values:
        raise ValidationFailed(_("请选择排查结果"), code="outcome_required", errors={"outcome": _("取值无效")})
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed(_("备注不能超过300字"), code="note_too_long", errors={"note": _("内容过长")})

    if household_temperature not in (None, "") and isinstance(members, list):
        members = [
            {**m, "temperature": household_temperature}
            if isinstance(m, dict) and m.get("present", True) and m.get("temperature") in (None, "") else m
            for m in members
        ]
    checks = _clean_members(user=user, household=household, campaign=campaign, members=members) \
        if outcome == Visit.Outcome.VISITED else []

    visit = Visit.objects.select_for_update().filter(campaign=campaign, household=household, date=date).first()
    before = {"outcome": visit.outcome, "members": visit.members.count()} if visit else {}
    if visit is None:
        visit = Visit(campaign=campaign, household=household, date=date, grid_code=household.grid_code)
    else:
        visit.members.all().delete()
    visit.outcome, visit.note, visit.visited_by = outcome, note, user
    visit.save()
    MemberCheck.objects.bulk_create([
        MemberCheck(visit=visit, resident=c["resident"], grid_code=c["resident"].grid_code, present=c["present"],
                    temperature=c["temperature"], symptoms=c["symptoms"], answers=c["answers"])
        for c in checks
    ])
    coverage_refresh(grid_code=visit.grid_code, date=date, campaign=campaign)
    visit.risks = [
        risk_raise(actor=actor, resident=c["resident"], kind=kind, source=RiskReport.Source.VISIT, date=date,
                   arrived_from=str(c["answers"].get("arrived_from") or ""))
        for c in checks if c["present"]
        for key, kind in RISK_ANSWERS.items() if c["answers"].get(key) is True
    ]
    visit.leads = [
        c["resident"].pk for c in checks
        if c["present"] and is_lead(c["temperature"], c["symptoms"])
        and _raise_lead(actor=actor, visit=visit, resident=c["resident"], temperature=c["temperature"],
                        symptoms=c["symptoms"])
    ]
    audit.record(
        actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=visit,
        object_repr=f"{household.address or household.door_number} {date.isoformat()}",
        changes={"outcome": [before.get("outcome"), outcome], "members": [before.get("members"), len(checks)],
                 "leads": [None, visit.leads]} if visit.leads else
        {"outcome": [before.get("outcome"), outcome], "members": [before.get("members"), len(checks)]},
        note=f"campaign {campaign.pk}",
    )
    return visit


def _clean_members(*, user, household: Household, campaign: Campaign, members: Any) -> list[dict]:
    """Every member entry checked at once; one ValidationFailed naming each bad field."""
    if not isinstance(members, list):
        raise ValidationFailed(_("成员信息格式有误"), code="invalid_members", errors={"members": _("应为列表")})
    people = {r.pk: r for r in Resident.objects.restrict(user).filter(household=household)}
    errors: dict[str, str] = {}
    checks, seen = [], set()
    for i, entry in enumerate(members):
        if not isinstance(entry, dict):
            errors[f"members.{i}"] = _("应为对象")
            continue
        try:
            resident_id = int(entry.get("resident_id"))
        except (TypeError, ValueError):
            resident_id = None
        resident = people.get(resident_id)
        if resident is None:
            errors[f"members.{i}.resident_id"] = _("不是该户成员")
            continue
        if resident_id in seen:
            errors[f"members.{i}.resident_id"] = _("重复")
            continue
        seen.add(resident_id)
        present = bool(entry.get("present", True))
        check = {"resident": resident, "present": present, "temperature": None, "symptoms": [], "answers": {}}
        if present:
            for field, clean in (
                ("temperature", parse_temperature),
                ("symptoms", _clean_symptoms),
                ("answers", lambda v: _clean_answers(v, campaign.questions)),
            ):
                try:
                    check[field] = clean(entry.get(field))
                except ValueError as exc:
                    errors[f"members.{i}.{field}"] = str(exc)
            if check["temperature"] is None and f"members.{i}.temperature" not in errors:
                errors[f"members.{i}.temperature"] = _("在家成员须测量体温")
        checks.append(check)
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(_("成员信息有误：%(first)s") % {"first": first}, code="invalid_members", errors=errors)
    return checks


def _raise_lead(*, actor: Actor, visit: Visit, resident: Resident, temperature, symptoms) -> bool:
    """Make the person a fever lead, or tell the community worker when they are already in the loop."""
    status = current_status(resident)
    if status in LEAD_FROM:
        status_change(
            actor=actor, resident_id=resident.pk, to_status=EpidemicStatus.FEVER, reason=LEAD_REASON,
            evidence={"visit_id": visit.pk, "temperature": str(temperature) if temperature is not None else None,
                      "symptoms": symptoms},
        )
        return True
    if status in ALREADY_IN_LOOP:
        if StatusTransition.objects.filter(resident=resident, evidence__visit_id=visit.pk).exists():
            return True  # this very visit made them a lead; saving it again changes nothing
        alert_raise(
            kind=AlertKind.NEW_LEAD, role=Role.COMMUNITY_WORKER, grid_code=resident.grid_code,
            title=f"入户排查发现发热/症状（已是{EpidemicStatus(status).label}）：{resident.name}",
            body=_lead_body(temperature, symptoms), link=reverse("people:resident_detail", args=[resident.pk]),
            object_type="people.resident", object_id=str(resident.pk),
            dedupe_key=f"screening:visit:{visit.pk}:{resident.pk}",
        )
        return True
    return False  # deceased: nothing to follow


def _lead_body(temperature, symptoms) -> str:
    parts = []
    if temperature is not None:
        parts.append(f"体温 {temperature}℃")
    if symptoms:
        parts.append("症状：" + "、".join(symptoms))
    return "；".join(parts)


# --- Self-declaration through a link or QR code ------------------------------------------------


@transaction.atomic
def declaration_link_for(*, actor: Actor, household_id: int) -> DeclarationLink:
    """The household's declaration link, created (or renewed, if it was revoked) on first use."""
    user = actor.user
    require(user, "screening.link.create")
    household = household_in_reach(user=user, pk=household_id)
    link = DeclarationLink.objects.select_for_update().filter(household=household).first()
    if link is not None and not link.revoked:
        return link
    renewed = link is not None
    if link is None:
        link = DeclarationLink(household=household, grid_code=household.grid_code)
    link.token, link.revoked, link.grid_code = secrets.token_urlsafe(24), False, household.grid_code
    link.save()
    audit.record(actor=actor, action=AuditAction.UPDATE if renewed else AuditAction.CREATE, obj=link,
                 object_repr=f"{household.address or household.code} 申报链接")
    return link


@transaction.atomic
def declaration_link_revoke(*, actor: Actor, household_id: int) -> None:
    user = actor.user
    require(user, "screening.link.revoke")
    link = DeclarationLink.objects.restrict(user).filter(household_id=household_id, revoked=False).first()
    if link is None:
        raise NotFound(_("未找到该户的申报链接"))
    link.revoked = True
    link.save(update_fields=["revoked"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=link, changes={"revoked": [False, True]})


# The link is public: an address that keeps trying unknown tokens is held off before it can
# find a live one, and one household's link takes only so many submissions an hour.
DECLARE_MISSES = Throttle("declare-miss", "WANGGE_THROTTLE_DECLARE_MISSES")
DECLARE_SUBMISSIONS = Throttle("declare-submit", "WANGGE_THROTTLE_DECLARE_SUBMISSIONS")


def link_for_token(token: str, *, ip_address: str | None = None) -> DeclarationLink:
    """The live link for ``token``; unknown and revoked tokens are the same 404.

    ``ip_address`` (the public caller's) counts misses; once it has too many, every lookup from
    it is refused, the right token included, so a guess that hits cannot be told apart.
    """
    if ip_address and DECLARE_MISSES.exhausted(ip_address):
        raise RateLimited(_("尝试次数过多，请稍后再试"))
    link = None
    if token and len(token) <= 64:
        link = DeclarationLink.objects.select_related("household").filter(token=token, revoked=False).first()
    if link is None:
        if ip_address:
            DECLARE_MISSES.hit(ip_address)
        raise NotFound(_("该申报链接无效或已停用"))
    return link


def link_submission_count(link: DeclarationLink) -> None:
    """Count one submission through ``link`` (declaration or self-report), refusing it past the limit."""
    if DECLARE_SUBMISSIONS.hit(link.pk) > DECLARE_SUBMISSIONS.limit:
        raise RateLimited(_("该户提交次数过多，请稍后再试"))


@transaction.atomic
def declaration_submit(
    *,
    actor: Actor,
    token: str,
    resident_id: int,
    temperature: Any,
    symptoms: list[str] | None = None,
    travel_history: str = "",
    travel_risk_area: bool = False,
    contact_case: bool = False,
    arrived_from: str = "",
    date: dt.date | None = None,
) -> SelfDeclaration:
    """A household member declares for today (GB/T 38962 fields); the same day again updates it.

    Nobody is logged in, so a fever does not change anyone's status: it raises alerts, and staff
    confirm the lead.  ``declaration.leads`` is True when it did.
    """
    link = link_for_token(token, ip_address=actor.ip_address)
    link_submission_count(link)
    return _declare(actor=actor, household=link.household, resident_id=resident_id, temperature=temperature,
                    symptoms=symptoms,
                    travel_history=travel_history, travel_risk_area=travel_risk_area, contact_case=contact_case,
                    arrived_from=arrived_from, date=date)


@transaction.atomic
def household_declaration_submit(*, actor: Actor, token: str, temperature: Any,
                                 date: dt.date | None = None) -> list[SelfDeclaration]:
    """全家正常: every member of the household who has not declared today declares this temperature,
    no symptoms, no travel and no contact, in one submission (one transaction, counted once against
    the link's limit).  A member who declared already keeps their own declaration."""
    link = link_for_token(token, ip_address=actor.ip_address)
    link_submission_count(link)
    date = date or timezone.localdate()
    declared = SelfDeclaration.objects.filter(household=link.household, date=date).values("resident_id")
    members = list(link.household.residents.exclude(pk__in=declared).order_by("pk").values_list("pk", flat=True))
    if not members:
        raise ValidationFailed(_("本户成员今天都已申报"), code="household_declared")
    return [_declare(actor=actor, household=link.household, resident_id=pk, temperature=temperature, date=date)
            for pk in members]


@transaction.atomic
def declaration_submit_for_self(
    *,
    actor: Actor,
    resident: Resident,
    temperature: Any,
    symptoms: list[str] | None = None,
    travel_history: str = "",
    travel_risk_area: bool = False,
    contact_case: bool = False,
    arrived_from: str = "",
    date: dt.date | None = None,
) -> SelfDeclaration:
    """A resident's own account (居民端) declares for ``resident``, whom the caller has already
    resolved through ``people.selectors.acts_for``: the same rules, alerts and audit as the
    household's link, and the same limit per household."""
    if DECLARE_SUBMISSIONS.hit(f"household:{resident.household_id}") > DECLARE_SUBMISSIONS.limit:
        raise RateLimited(_("该户提交次数过多，请稍后再试"))
    return _declare(actor=actor, household=resident.household, resident_id=resident.pk, temperature=temperature,
                    symptoms=symptoms, travel_history=travel_history, travel_risk_area=travel_risk_area,
                    contact_case=contact_case, arrived_from=arrived_from, date=date)


def _declare(*, actor: Actor, household: Household, resident_id, temperature: Any, symptoms: list[str] | None = None,
             travel_history: str = "", travel_risk_area: bool = False, contact_case: bool = False,
             arrived_from: str = "", date: dt.date | None = None) -> SelfDeclaration:
    try:
        resident = Resident.objects.get(pk=int(resident_id), household=household)
    except (Resident.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed(
            _("请选择本户的成员"),
            code="members_required",
            errors={"resident_id": _("不是该户成员")},
        ) from None
    errors = {}
    try:
        temperature = parse_temperature(temperature)
        if temperature is None:
            errors["temperature"] = _("请填写体温")
    except ValueError as exc:
        errors["temperature"] = str(exc)
    try:
        symptoms = _clean_symptoms(symptoms)
    except ValueError as exc:
        errors["symptoms"] = str(exc)
    travel_history = (travel_history or "").strip()
    if len(travel_history) > 300:
        errors["travel_history"] = _("不能超过300字")
    arrived_from = (arrived_from or "").strip()
    if len(arrived_from) > 60:
        errors["arrived_from"] = _("不能超过60字")
    if errors:
        raise ValidationFailed(
            _("申报信息有误：%(details)s") % {"details": next(iter(errors.values()))},
            code="declaration_invalid",
            errors=errors,
        )
    date = date or timezone.localdate()
    fields = {"temperature": temperature, "symptoms": symptoms, "travel_history": travel_history,
              "travel_risk_area": bool(travel_risk_area), "contact_case": bool(contact_case),
              "arrived_from": arrived_from}
    declaration = SelfDeclaration.objects.select_for_update().filter(resident=resident, date=date).first()
    created = declaration is None
    moved_from = None if created or declaration.grid_code == resident.grid_code else declaration.grid_code
    if created:
        declaration = SelfDeclaration(resident=resident, household=household, grid_code=resident.grid_code, date=date)
    for name, value in fields.items():
        setattr(declaration, name, value)
    declaration.household, declaration.grid_code = household, resident.grid_code
    declaration.save()
    coverage_refresh(grid_code=declaration.grid_code, date=date)
    declaration.risks = [
        risk_raise(actor=actor, resident=resident, kind=kind, source=RiskReport.Source.DECLARATION, date=date,
                   arrived_from=declaration.arrived_from)
        for kind, said in ((RiskReport.Kind.RISK_AREA, declaration.travel_risk_area),
                           (RiskReport.Kind.CONTACT_CASE, declaration.contact_case)) if said
    ]
    if moved_from:  # the member moved since declaring today: their old grid counts them no more
        coverage_refresh(grid_code=moved_from, date=date)
    declaration.leads = is_lead(temperature, symptoms)
    if declaration.leads:
        _declaration_alerts(declaration=declaration, resident=resident)
    audit.record(
        actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=declaration,
        object_repr=f"{mask_name(resident.name)} {date.isoformat()} 自主申报",
        changes={"temperature": [None, str(temperature)], "symptoms": [None, symptoms]},
    )
    return declaration


# --- Risk reports (风险地区旅居史、接触史) -------------------------------------------------------


def risk_raise(*, actor: Actor, resident: Resident, kind: str, source: str, date: dt.date,
               arrived_from: str = "") -> RiskReport:
    """An answer that needs checking (been to a risk area, in contact with a case): one report a
    person, kind and day, open until someone records the check; the grid worker and the CDC are
    told.  Inside the transaction of the visit or declaration that gave the answer."""
    report, created = RiskReport.objects.select_for_update().get_or_create(
        resident=resident, kind=kind, date=date,
        defaults={"grid_code": resident.grid_code, "source": source, "reported_at": timezone.now(),
                  "arrived_from": arrived_from[:60]},
    )
    if not created:
        if arrived_from and not report.arrived_from:
            report.arrived_from = arrived_from[:60]
            report.save(update_fields=["arrived_from"])
        return report
    audit.record(actor=actor, action=AuditAction.CREATE, obj=report,
                 object_repr=f"{mask_name(resident.name)} {date.isoformat()}",
                 changes={"kind": [None, kind], "source": [None, source], "arrived_from": [None, report.arrived_from]})
    label = RiskReport.Kind(kind).label
    title = f"{label}待核查：{resident.name}"
    body = f"来自{report.arrived_from}" if report.arrived_from else ""
    link = reverse("screening:risk", args=[report.pk])
    for kind, role in ((AlertKind.RISK_REPORT, Role.GRID_WORKER), (AlertKind.RISK_REPORT, Role.CDC)):
        alert_raise(
            kind=kind, role=role, grid_code=resident.grid_code, title=title, body=body, link=link,
            object_type="screening.riskreport", object_id=str(report.pk),
            dedupe_key=f"screening:risk:{report.pk}:{role}",
        )
    return report


@transaction.atomic
def risk_handle(*, actor: Actor, report_id: int, outcome: str, note: str = "") -> RiskReport:
    """Record what the check of a risk report found; it leaves the open list and its alerts close."""
    user = actor.user
    require(user, "screening.risk.handle")
    try:
        report = RiskReport.objects.restrict(user).select_for_update().get(pk=report_id)
    except (RiskReport.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("未找到该线索，或不在您的管辖范围内"), code="risk_report_not_found") from None
    if report.handled_at is not None:
        raise ValidationFailed(_("该线索已核查"), code="risk_already_handled")
    if outcome not in RiskReport.Outcome.values:
        raise ValidationFailed(_("请选择核查结果"), code="outcome_required", errors={"outcome": _("取值无效")})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationFailed(_("说明不能超过200字"), code="note_too_long", errors={"note": _("内容过长")})
    report.handled_at, report.handled_by, report.outcome, report.outcome_note = timezone.now(), user, outcome, note
    report.save(update_fields=["handled_at", "handled_by", "outcome", "outcome_note"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=report, object_repr=mask_name(report.resident.name),
                 changes={"outcome": [None, outcome], "note": [None, note]})
    alert_resolve_for(kind=AlertKind.RISK_REPORT, object_type="screening.riskreport", object_id=report.pk)
    return report


def _declaration_alerts(*, declaration: SelfDeclaration, resident: Resident) -> None:
    title = f"居民自主申报发热/症状：{resident.name}"
    body = _lead_body(declaration.temperature, declaration.symptoms) + "（待工作人员核实）"
    link = reverse("people:resident_detail", args=[resident.pk])
    for kind, role in ((AlertKind.NEW_LEAD, Role.GRID_WORKER), (AlertKind.NEW_LEAD, Role.COMMUNITY_WORKER),
                       (AlertKind.FEVER, Role.CDC)):
        alert_raise(
            kind=kind, role=role, grid_code=resident.grid_code, title=title, body=body, link=link,
            object_type="people.resident", object_id=str(resident.pk),
            dedupe_key=f"screening:declaration:{declaration.pk}:{role}",
        )


def mask_name(name: str) -> str:
    """张*伟, 李*, 欧**锋: enough for a family to find themselves, not enough to identify them."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- Self-reported health monitoring, through the household's declaration link -------------------


@transaction.atomic
def health_report_self(
    *,
    link_token: str,
    resident_id: int,
    slot: str,
    temperature,
    symptoms: list[str] | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    now: dt.datetime | None = None,
) -> HealthReport:
    """A person under monitoring reports for themselves, today, through their household's
    declaration link (no login: the unguessable, revocable token is the credential).

    Same validation, same slot-update and same CDC alert as staff entry (``health.services.report_save``), but
    the person's status is never changed: nobody whose role answers for the change is behind the
    report, exactly as with a self-declaration; the CDC alert asks staff to confirm.  The audit
    entry is anonymous, channel "link", with the caller's IP address.
    """
    link = link_for_token(link_token, ip_address=ip_address)
    link_submission_count(link)
    try:
        resident = Resident.objects.select_related("household").get(pk=int(resident_id), household=link.household)
    except (Resident.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("未找到该成员，或不是本户成员")) from None
    actor = Actor(user=None, ip_address=ip_address, user_agent=(user_agent or "")[:300], channel="link")
    return _report_self(actor=actor, resident=resident, slot=slot, temperature=temperature, symptoms=symptoms,
                        now=now)


@transaction.atomic
def health_report_for_self(*, actor: Actor, resident: Resident, slot: str, temperature,
                           symptoms: list[str] | None = None, now: dt.datetime | None = None) -> HealthReport:
    """A resident's own account (居民端) reports for ``resident`` (resolved through
    ``people.selectors.acts_for``): the same rules as the household's link, status never changed."""
    if DECLARE_SUBMISSIONS.hit(f"household:{resident.household_id}") > DECLARE_SUBMISSIONS.limit:
        raise RateLimited(_("该户提交次数过多，请稍后再试"))
    return _report_self(actor=actor, resident=resident, slot=slot, temperature=temperature, symptoms=symptoms,
                        now=now)


def _report_self(*, actor: Actor, resident: Resident, slot: str, temperature, symptoms: list[str] | None,
                 now: dt.datetime | None) -> HealthReport:
    if not is_monitored(resident):
        raise NotFound(_("该成员目前不需要健康监测"))
    now = timezone.localtime(now or timezone.now())
    if slot == HealthReport.Slot.AFTERNOON and current_slot(now) == HealthReport.Slot.MORNING:
        raise ValidationFailed(
            _("还未到下午的填报时间（12:00 起）"),
            code="afternoon_slot_not_open",
            errors={"slot": _("未到时间")},
        )
    symptoms = list(symptoms or [])
    unknown = [s for s in symptoms if s not in SYMPTOMS]
    if unknown:
        names = "、".join(str(s) for s in unknown)[:50]
        raise ValidationFailed(
            _("未知的症状：%(names)s") % {"names": names},
            code="unknown_symptom",
            errors={"symptoms": _("取值无效")},
        )
    return health_services.report_save(
        actor=actor, resident=resident, date=now.date(), slot=slot, temperature=temperature,
        symptoms=[s for s in SYMPTOMS if s in symptoms], source=HealthReport.Source.SELF, reported_by=None,
        may_change_status=False,
    )
