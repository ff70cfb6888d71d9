"""Pages of door-to-door screening.  Thin: parse the request, call a selector or a service, render.

The visit form is built for a phone at a door on a slow connection: one household per screen, no
chart or map library, and after saving it opens the next door in the same stairwell.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from wangge.accounts.permissions import can, require
from wangge.accounts.services import common_prefix
from wangge.audit.context import Actor, client_ip
from wangge.core import forms as core_forms
from wangge.core.codes import GRID_CODE_LENGTH, LENGTHS, is_grid_level_or_below
from wangge.core.errors import DomainError, NotFound, ValidationFailed
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import not_found_as_404, rate_limited_as_429, safe_next
from wangge.exports.audited import audited_export
from wangge.exports.views import export_or_job
from wangge.grid.selectors import area_in_reach, area_names, household_in_reach
from wangge.health import selectors as health_selectors
from wangge.health import services as health_services
from wangge.health.models import SYMPTOMS, HealthReport
from wangge.people.selectors import household_members
from wangge.screening import selectors, services
from wangge.screening.models import Campaign, DeclarationLink, SelfDeclaration, Visit

# --- Campaigns ---------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    today = timezone.localdate()
    filters, errors = selectors.CampaignFilters.from_query(request.GET)
    page = request_page(request, selectors.campaigns_for(user=request.user, filters=filters))
    campaigns = page.items
    names = area_names([c.grid_code for c in campaigns])
    for c in campaigns:
        c.running_today = selectors.is_active_on(c, today)
        c.area_name = names.get(c.grid_code, c.grid_code)
    return render(request, "screening/campaign_list.html", {
        "campaigns": campaigns, "filters": filters,
        "filter_errors": selectors.CampaignFilters.messages(errors),
        "export_query": urlencode(filters.audit_dump()),
        **pager_urls(request, page),
        "can_create": can(request.user, "screening.campaign.create"),
        "can_visit": can(request.user, "screening.visit.record"),
    })


@login_required
@not_found_as_404
def campaign_list_export(request):
    user = request.user
    if not user.scope_prefixes:
        raise NotFound(_("您没有管辖范围，无法导出排查任务"))
    today = timezone.localdate()
    filters, _errors = selectors.CampaignFilters.from_query(request.GET)
    return audited_export(
        actor=Actor.from_request(request), object_type="screening.campaign", grid_code=common_prefix(user),
        filters={"date": today.isoformat(), **filters.audit_dump()}, filename=f"排查任务_{today:%Y%m%d}.xlsx",
        headers=selectors.CAMPAIGN_EXPORT_HEADERS,
        rows=selectors.campaign_export_rows(user=user, filters=filters, today=today),
        sheet_title=_("排查任务"),
    )


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    area_code = forms.CharField(label=gettext_lazy("排查范围（12位区划代码或15位网格代码）"),
                                max_length=GRID_CODE_LENGTH)
    start_date = core_forms.DateField(label=gettext_lazy("开始日期"), widget=core_forms.DateInput())
    end_date = core_forms.DateField(label=gettext_lazy("结束日期"), widget=core_forms.DateInput())
    frequency = forms.ChoiceField(label=gettext_lazy("频次"), choices=Campaign.Frequency.choices)


@login_required
@not_found_as_404
def campaign_new(request):
    user = request.user
    require(user, "screening.campaign.create")
    today = timezone.localdate()
    grants = list(user.scope_grants.values_list("code", flat=True))
    form = CampaignForm(request.POST or None, initial={
        "start_date": today, "end_date": today + dt.timedelta(days=13), "frequency": Campaign.Frequency.DAILY,
        "area_code": grants[0] if grants else "", "name": f"{today:%m月%d日}起拉网式排查",
    })
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=Actor.from_request(request), **form.cleaned_data)
        except NotFound as exc:
            form.add_error("area_code", exc.message)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已发起排查任务“{campaign.name}”")
            return redirect("screening:campaign", campaign.pk)
    return render(request, "screening/campaign_form.html", {"form": form, "grants": grants})


def _dashboard_context(request, campaign_id: int) -> dict:
    user = request.user
    campaign = selectors.campaign_in_reach(user=user, pk=campaign_id)
    filters, errors = selectors.AreaFilters.from_query(request.GET)
    prefix = selectors.area_in_campaign(user=user, campaign=campaign, within=filters.within)
    return {"campaign": campaign, "prefix": prefix, "date": filters.day(),
            "filter_errors": selectors.AreaFilters.messages(errors)}


@login_required
@not_found_as_404
def campaign_detail(request, campaign_id: int):
    ctx = _dashboard_context(request, campaign_id)
    user, campaign, prefix, date = request.user, ctx["campaign"], ctx["prefix"], ctx["date"]
    cov = selectors.coverage(user=user, campaign=campaign, prefix=prefix, date=date)
    days = selectors.history(user=user, campaign=campaign, prefix=prefix)
    missing = _missing(request, ctx)
    trail = _trail(campaign.grid_code, prefix)
    return render(request, "screening/campaign_detail.html", {
        **ctx, **missing, "coverage": cov, "days": days, "trail": trail,
        "active_today": selectors.is_active_on(campaign, timezone.localdate()),
        "can_visit": can(user, "screening.visit.record"),
        "chart": {"dates": [d.date.isoformat() for d in days], "share": [round(d.share * 100, 1) for d in days]},
    })


def _trail(top: str, prefix: str) -> list[dict]:
    """The areas from the campaign's down to the one shown, for the drill-down breadcrumb."""
    lengths = [n for n in LENGTHS if len(top) <= n <= len(prefix)]
    prefixes = [prefix[:n] for n in lengths]
    names = {p: selectors.area_name(p) for p in prefixes}
    return [{"prefix": p, "name": names[p]} for p in prefixes]


def _missing(request, ctx: dict) -> dict:
    """One keyset page of the missing households and their whole count; the pager's links go to
    the missing-households page (an htmx swap of the table on the dashboard)."""
    qs = selectors.missing_queryset(user=request.user, campaign=ctx["campaign"], prefix=ctx["prefix"], date=ctx["date"])
    page = request_page(request, qs)
    query = request.GET.copy()
    query.setlist("within", [ctx["prefix"]])
    query.setlist("date", [ctx["date"].isoformat()])
    links_from = SimpleNamespace(GET=query, path=reverse("screening:missing", args=[ctx["campaign"].pk]))
    total = selectors.missing_count(user=request.user, campaign=ctx["campaign"], prefix=ctx["prefix"], date=ctx["date"])
    return {"page": page, "missing_total": total, **pager_urls(links_from, page)}


@login_required
@not_found_as_404
def campaign_missing(request, campaign_id: int):
    """The missing households: an htmx page of rows, or the whole list as an audited .xlsx."""
    ctx = _dashboard_context(request, campaign_id)
    user, campaign, prefix, date = request.user, ctx["campaign"], ctx["prefix"], ctx["date"]
    if request.GET.get("export") == "xlsx":
        params = {"campaign": str(campaign.pk), "within": prefix, "date": date.isoformat()}
        return export_or_job(request, kind="wangge.screening.exports.missing_households", params=params)
    template = "screening/_missing_table.html" if request.headers.get("HX-Request") else "screening/missing.html"
    return render(request, template, {**ctx, **_missing(request, ctx), "can_visit": can(user, "screening.visit.record"),
                                      "active_today": selectors.is_active_on(campaign, timezone.localdate())})


# --- A grid worker's day -----------------------------------------------------------------------


@login_required
def my_today(request):
    """Today's campaigns in the user's reach; with exactly one, straight to its list of stairwells."""
    today = selectors.CampaignFilters(on_date=timezone.localdate())
    campaigns = list(selectors.campaigns_for(user=request.user, filters=today))
    if len(campaigns) == 1:
        return redirect("screening:campaign_today", campaigns[0].pk)
    return render(request, "screening/my_today.html", {"campaigns": campaigns})


@login_required
@not_found_as_404
def campaign_today(request, campaign_id: int):
    user = request.user
    campaign = selectors.campaign_in_reach(user=user, pk=campaign_id)
    filters, _errors = selectors.AreaFilters.from_query(request.GET)
    prefix = selectors.area_in_campaign(user=user, campaign=campaign, within=filters.within)
    today = timezone.localdate()
    cov = selectors.coverage(user=user, campaign=campaign, prefix=prefix, date=today)
    units = selectors.units_progress(user=user, campaign=campaign, prefix=prefix, date=today) \
        if is_grid_level_or_below(prefix) else []
    return render(request, "screening/campaign_today.html", {
        "campaign": campaign, "prefix": prefix, "coverage": cov, "units": units, "today": today,
        "active_today": selectors.is_active_on(campaign, today),
    })


# --- The visit form ----------------------------------------------------------------------------


def _member_rows(members, campaign: Campaign, data=None, errors=None) -> list[dict]:
    errors = errors or {}
    rows = []
    for i, m in enumerate(members):
        row = {"resident": m, "present": True, "temperature": "", "symptoms": [], "answers": {}, "errors": []}
        if data is not None:
            row["present"] = data.get(f"present_{m.pk}") == "on"
            row["temperature"] = data.get(f"temp_{m.pk}", "")
            row["symptoms"] = data.getlist(f"symptoms_{m.pk}")
            row["answers"] = {q["key"]: data.get(f"q_{q['key']}_{m.pk}", "") for q in campaign.questions}
        row["errors"] = [v for k, v in errors.items() if k.startswith(f"members.{i}.")]
        row["questions"] = [
            {**q, "name": f"q_{q['key']}_{m.pk}", "value": row["answers"].get(q["key"], "")} for q in campaign.questions
        ]
        rows.append(row)
    return rows


def _members_from_post(data, members, campaign: Campaign) -> list[dict]:
    out = []
    for m in members:
        is_present = data.get(f"present_{m.pk}") == "on"
        entry = {"resident_id": m.pk, "present": is_present}
        if is_present:
            answers = {}
            for q in campaign.questions:
                raw = data.get(f"q_{q['key']}_{m.pk}", "")
                answers[q["key"]] = raw == "on" if q.get("type", "bool") == "bool" else raw
            entry.update(temperature=data.get(f"temp_{m.pk}", ""), symptoms=data.getlist(f"symptoms_{m.pk}"),
                         answers=answers)
        out.append(entry)
    return out


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def visit_form(request, campaign_id: int, household_id: int):
    user = request.user
    require(user, "screening.visit.record")
    campaign = selectors.campaign_in_reach(user=user, pk=campaign_id)
    household = services.household_in_campaign(user=user, campaign=campaign, household_id=household_id)
    members = household_members(user=user, household=household)
    today = timezone.localdate()
    existing = Visit.objects.restrict(user).filter(campaign=campaign, household=household, date=today).first()
    status, errors, data = 200, {}, None
    if request.method == "POST":
        data = request.POST
        try:
            visit = services.visit_record(
                actor=Actor.from_request(request), campaign_id=campaign.pk, household_id=household.pk,
                outcome=data.get("outcome", ""), members=_members_from_post(data, members, campaign),
                note=data.get("note", ""), household_temperature=data.get("household_temperature", ""),
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
            errors, status = exc.errors, 422
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            label = f"{household.address or household.door_number}：{visit.get_outcome_display()}"
            if visit.leads:
                label += f"，{len(visit.leads)}人发热/有症状，已列为线索"
            messages.success(request, f"已保存 {label}")
            following = selectors.next_household(user=user, campaign=campaign, household=household, date=today)
            if following is None:
                messages.info(request, "本网格今日已全部走访（无人在家、拒绝配合的户请择时再访）")
                return redirect(f"{reverse('screening:campaign_today', args=[campaign.pk])}"
                                f"?within={household.grid_code}")
            return redirect(f"{reverse('screening:visit', args=[campaign.pk, following.pk])}?next=1")
    elif existing is not None:
        checks = {c.resident_id: c for c in existing.members.all()}
        rows = _member_rows(members, campaign)
        for row in rows:
            c = checks.get(row["resident"].pk)
            if c is not None:
                row.update(present=c.present, temperature=str(c.temperature or ""), symptoms=c.symptoms)
                for q in row["questions"]:
                    q["value"] = c.answers.get(q["key"], "")
    building = household.unit.building
    rows = _member_rows(members, campaign, data, errors) if data is not None or existing is None else rows
    skip = selectors.next_household(user=user, campaign=campaign, household=household, date=today)
    return render(request, "screening/visit_form.html", {
        "campaign": campaign, "household": household, "building": building, "unit": household.unit,
        "grid": building.grid, "rows": rows, "symptoms": SYMPTOMS, "existing": existing, "skip": skip,
        "household_temperature": data.get("household_temperature", "") if data is not None else "",
        "is_next": request.GET.get("next") == "1", "outcomes": Visit.Outcome.choices,
        "active_today": selectors.is_active_on(campaign, today),
    }, status=status)


# --- Self-declaration --------------------------------------------------------------------------


def qr_svg(url: str, *, scalable: bool = False) -> str | None:
    """An inline SVG QR code of ``url`` (segno, pure Python); None if segno is not installed.
    ``scalable``: a viewBox and no size, so that CSS sizes it (the printed sticker)."""
    try:
        import segno
    except ImportError:
        return None
    if scalable:
        return segno.make(url, error="m").svg_inline(border=2, omitsize=True)
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def declaration_link(request, household_id: int):
    user = request.user
    require(user, "screening.link.create")
    household = household_in_reach(user=user, pk=household_id)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.declaration_link_revoke(actor=Actor.from_request(request), household_id=household.pk)
            messages.success(request, _("已停用该户的申报链接"))
        else:
            services.declaration_link_for(actor=Actor.from_request(request), household_id=household.pk)
        return redirect(request.get_full_path())
    link = DeclarationLink.objects.restrict(user).filter(household=household, revoked=False).first()
    url = request.build_absolute_uri(reverse("screening:declare", args=[link.token])) if link else ""
    return render(request, "screening/declaration_link.html", {
        "household": household, "link": link, "url": url, "qr": qr_svg(url) if url else None,
        "campaign_id": request.GET.get("campaign", ""),
    })


@login_required
@not_found_as_404
def declaration_sticker(request, household_id: int):
    """The household's link as a door sticker (门贴) to print: the QR, the address, what to do."""
    user = request.user
    require(user, "screening.link.create")
    household = household_in_reach(user=user, pk=household_id)
    link = DeclarationLink.objects.restrict(user).filter(household=household, revoked=False).first()
    if link is None:  # nothing to print yet: the link page makes one
        return redirect("screening:declaration_link", household_id=household.pk)
    url = request.build_absolute_uri(reverse("screening:declare", args=[link.token]))
    return render(request, "screening/declaration_sticker.html", {
        "household": household, "url": url, "qr": qr_svg(url, scalable=True),
    })


@rate_limited_as_429
@require_http_methods(["GET", "POST"])
def declare(request, token: str):
    """The public page behind a household's link or QR code: no login, names masked."""
    try:
        link = services.link_for_token(token, ip_address=client_ip(request))
    except NotFound:
        raise Http404("该申报链接无效或已停用") from None
    status, errors, posted = 200, {}, None
    if request.method == "POST":
        posted = request.POST
        if posted.get("whole_household"):
            return _declare_household(request, link, token)
        try:
            declaration = services.declaration_submit(
                actor=Actor.from_request(request, channel="link"), token=token,
                resident_id=posted.get("resident_id"), temperature=posted.get("temperature", ""),
                symptoms=posted.getlist("symptoms"), travel_history=posted.get("travel_history", ""),
                travel_risk_area=posted.get("travel_risk_area") == "on",
                contact_case=posted.get("contact_case") == "on",
                arrived_from=posted.get("arrived_from", ""),
            )
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
            messages.error(request, exc.message)
        else:
            text = _("已提交今日健康申报，谢谢！")
            if declaration.leads:
                text += _("您报告了发热或症状，社区工作人员将尽快与您联系，请居家等候、避免外出。")
            messages.success(request, text)
            return redirect("screening:declare", token)
    return _declare_page(request, link, status=status, errors=errors, posted=posted)


def _declare_household(request, link: DeclarationLink, token: str):
    """全家正常: one temperature for every member who has not declared today, one submission."""
    try:
        declarations = services.household_declaration_submit(
            actor=Actor.from_request(request, channel="link"), token=token,
            temperature=request.POST.get("temperature", ""),
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return _declare_page(request, link, status=422, household_posted=request.POST)
    text = ngettext("已为 %(n)s 位家庭成员提交今日健康申报，谢谢！", "已为 %(n)s 位家庭成员提交今日健康申报，谢谢！",
                    len(declarations)) % {"n": len(declarations)}
    if any(d.leads for d in declarations):
        text += _("您报告了发热或症状，社区工作人员将尽快与您联系，请居家等候、避免外出。")
    messages.success(request, text)
    return redirect("screening:declare", token)


def _declare_page(request, link: DeclarationLink, *, status=200, errors=None, posted=None, monitor_errors=None,
                  monitor_posted=None, household_posted=None):
    household = link.household
    today = timezone.localdate()
    members = list(household.residents.order_by("id"))
    declared = set(SelfDeclaration.objects.filter(household=household, date=today).values_list("resident_id",
                                                                                                flat=True))
    rows = [{"pk": m.pk, "name": services.mask_name(m.name), "declared": m.pk in declared,
             "open": posted is not None and posted.get("resident_id") == str(m.pk)} for m in members]
    slot = health_services.current_slot()
    monitoring = [
        {"pk": p.resident.pk, "name": services.mask_name(p.resident.name), "slots": p.slots,
         "open": monitor_posted is not None and monitor_posted.get("resident_id") == str(p.resident.pk),
         "done": (p.am if slot == "am" else p.pm) is not None}
        for p in health_selectors.household_monitoring(household=household, date=today)
    ]
    return render(request, "screening/declare.html", {
        "rows": rows, "symptoms": SYMPTOMS, "errors": errors or {}, "posted": posted, "today": today,
        "address": household.unit.building.name + household.unit.name + household.door_number,
        "token": link.token, "monitoring": monitoring, "slot": slot, "slot_label": HealthReport.Slot(slot).label,
        "monitor_symptoms": [s for s in SYMPTOMS if s != "发热"], "monitor_errors": monitor_errors or {},
        "monitor_posted": monitor_posted, "household_posted": household_posted,
        "undeclared": sum(1 for r in rows if not r["declared"]),
    }, status=status)


@rate_limited_as_429
@require_POST
def declare_monitoring(request, token: str):
    """A person under monitoring reports this slot's temperature on the household's public page."""
    try:
        link = services.link_for_token(token, ip_address=client_ip(request))
        services.health_report_self(
            link_token=token, resident_id=request.POST.get("resident_id"), slot=request.POST.get("slot", ""),
            temperature=request.POST.get("temperature", ""), symptoms=request.POST.getlist("symptoms"),
            ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except NotFound as exc:
        raise Http404(exc.message) from None
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return _declare_page(request, link, status=422, monitor_errors=exc.errors, monitor_posted=request.POST)
    messages.success(request, "已提交本时段的体温，谢谢！如有发热或不适，社区工作人员将与您联系。")
    return redirect("screening:declare", token)


# --- Risk reports and arrivals ---------------------------------------------------------------


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def risk_detail(request, pk: int):
    """One risk report: who, what they said, since when; the check's outcome is recorded here."""
    report = selectors.risk_detail(actor=Actor.from_request(request), pk=pk)
    back = safe_next(request, reverse("health:gaps") + "?kind=risks_unchecked")
    error, status = "", 200
    if request.method == "POST":
        try:
            services.risk_handle(actor=Actor.from_request(request), report_id=report.pk,
                                 outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""))
        except ValidationFailed as exc:
            error, status = exc.message, 422
        else:
            messages.success(request, _("已记录核查结果"))
            return redirect(back)
    return render(request, "screening/risk_detail.html", {
        "report": report, "error": error, "back": back, "outcomes": report.Outcome.choices,
        "can_handle": can(request.user, "screening.risk.handle") and report.handled_at is None,
        "posted": request.POST if request.method == "POST" else {},
    }, status=status)


@login_required
@not_found_as_404
def arrivals(request):
    """Who arrived from a risk area in the last days, counted by where they came from."""
    filters, errors = selectors.ArrivalFilters.from_query(request.GET)
    area = area_in_reach(user=request.user, code=filters.within)
    result = selectors.arrivals_by_origin(user=request.user, within=area.prefix, days=filters.days)
    return render(request, "screening/arrivals.html", {
        "area": area, "arrivals": result, "days": filters.days,
        "filter_errors": selectors.ArrivalFilters.messages(errors),
    })
