"""Pages of the four categories: a person's status, the board, the daily table, the gap lists and
the twice-daily monitoring list.  Views read the request, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.permissions import can
from wangge.audit.context import Actor
from wangge.core.codes import pad_division
from wangge.core.errors import DomainError, Forbidden, NotFound
from wangge.core.lists import pager_urls, request_page, walk
from wangge.core.views import flash_outcome, not_found_as_404, safe_next
from wangge.exports.audited import audited_export, audited_report
from wangge.grid.selectors import area_in_reach, breadcrumb
from wangge.health import selectors, services
from wangge.health.evidence import EVIDENCE_FIELDS
from wangge.health.models import SYMPTOMS, EpidemicStatus, HealthReport, Severity
from wangge.health.transitions import ALLOWED_TRANSITIONS, status_action
from wangge.people.selectors import resident_detail


def _filters(request, declaration):
    """The list's filters from the query, and its errors as the page shows them."""
    filters, errors = declaration.from_query(request.GET)
    return filters, declaration.messages(errors)


def _area_crumbs(user, area):
    if not area.prefix:
        return []
    return breadcrumb(user=user, code=pad_division(area.prefix))


def allowed_targets(user, from_status: str) -> list[tuple[str, str]]:
    """The statuses this user may move a person in ``from_status`` to (the form offers only these)."""
    return [
        (s, EpidemicStatus(s).label)
        for s in EpidemicStatus.values
        if s in ALLOWED_TRANSITIONS.get(from_status, set())
        and can(user, status_action(s))
    ]


STATUS_FORM_FIELDS = ("to_status", "severity", "reason", *(k for k, _label in EVIDENCE_FIELDS))


def _changed_message(transition, steps) -> str:
    """"状态已变更" and what the change set going (the investigation it opened), with a link to each."""
    done = [step for step in steps if step.note]
    if not done:
        return _("状态已变更")
    return format_html("{}{}", _("状态已变更。"), format_html_join(
        "；", '{} <a href="{}" data-step="{}">{}</a>', ((s.note, s.url, s.key, s.label) for s in done)))


@login_required
@not_found_as_404
def person(request, resident_id: int):
    user = request.user
    posted, refusal = {}, None
    if request.method == "POST":
        posted = {k: request.POST.get(k, "").strip() for k in STATUS_FORM_FIELDS}
        evidence = {k: posted[k] for k, _label in EVIDENCE_FIELDS if posted[k]}
        try:
            transition = services.status_change(
                actor=Actor.from_request(request), resident_id=resident_id, to_status=posted["to_status"],
                reason=posted["reason"], evidence=evidence, severity=posted["severity"],
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            refusal = exc  # the form comes back with what was typed and the coded error
        else:
            steps = selectors.next_steps(user=user, resident=transition.resident, status=transition.to_status)
            messages.success(request, _changed_message(transition, steps))
            return redirect("health:person", resident_id=resident_id)
    resident = resident_detail(actor=Actor.from_request(request), pk=resident_id)
    status = selectors.person_status(user=user, resident=resident)
    current = status.status if status else EpidemicStatus.NONE
    return render(request, "health/person.html", {
        "resident": resident,
        "status": status,
        "current": current,
        "current_label": EpidemicStatus(current).label,
        "transitions": selectors.person_transitions(user=user, resident=resident),
        "reports": selectors.person_reports(user=user, resident=resident),
        "targets": allowed_targets(user, current),
        "severities": Severity.choices,
        "evidence_fields": [(name, label, posted.get(name, "")) for name, label in EVIDENCE_FIELDS],
        "next_steps": selectors.next_steps(user=user, resident=resident, status=current),
        "posted": posted,
        "refusal": refusal,
    }, status=422 if refusal else 200)


@login_required
@not_found_as_404
def board(request):
    user = request.user
    filters, filter_errors = _filters(request, selectors.AreaFilters)
    area = area_in_reach(user=user, code=filters.within)
    data = selectors.board(user=user, area=area)
    free = selectors.epidemic_free_summary(user=user, prefix=area)
    chart = {
        "names": [c.name for c in data.children],
        "series": [{"name": EpidemicStatus(c).label, "data": [row.counts.get(c, 0) for row in data.children]}
                   for c in selectors.BOARD_CATEGORIES],
    }
    free_by_child = {p: f for p, _name, f in free.children}
    return render(request, "health/board.html", {
        "area": area, "filter_errors": filter_errors,
        "crumbs": _area_crumbs(user, area),
        "board": data,
        "categories": [EpidemicStatus(c).label for c in selectors.BOARD_CATEGORIES],
        "rows": [(row, free_by_child.get(row.prefix)) for row in data.children],
        "gaps": [(k, label, selectors.GAP_PRINCIPLES[k], data.gaps[k]) for k, label in selectors.GAP_KINDS.items()],
        "free": free,
        "chart": chart,
    })


@login_required
@not_found_as_404
def daily_table(request):
    user = request.user
    filters, filter_errors = _filters(request, selectors.AreaDayFilters)
    area = area_in_reach(user=user, code=filters.within)
    table = selectors.four_category_table(user=user, area=area, date=filters.day())
    return render(request, "health/daily.html", {
        "area": area, "filter_errors": filter_errors,
        "crumbs": _area_crumbs(user, area),
        "table": table,
        "categories": [EpidemicStatus(c).label for c in selectors.BOARD_CATEGORIES],
    })


@login_required
@not_found_as_404
def daily_table_export(request):
    user = request.user
    filters, _errors = selectors.AreaDayFilters.from_query(request.GET)
    area = area_in_reach(user=user, code=filters.within)
    table = selectors.four_category_table(user=user, area=area, date=filters.day())
    return audited_report(
        actor=Actor.from_request(request), object_type="health.four_category_table", grid_code=area.prefix,
        filters={"area": area.prefix, "date": table.date.isoformat()},
        filename=f"四类人员日报_{area.name}_{table.date:%Y%m%d}.xlsx",
        spec=selectors.four_category_report(table, user=user),
    )


@login_required
@not_found_as_404
def gaps(request):
    user = request.user
    filters, errors = selectors.GapFilters.from_query(request.GET)
    if "kind" in errors:  # which list, as a path would say: an unknown one is not there
        raise NotFound(_("未知的闭环事项类型"))
    filter_errors = selectors.GapFilters.messages(errors)
    area = area_in_reach(user=user, code=filters.within)
    counts = selectors.gap_counts(user=user, within=area.prefix)
    kind = filters.kind if request.GET.get("kind", "").strip() else selectors.gap_opening_kind(counts)
    page = request_page(request, selectors.gap_queryset(kind, user=user, within=area.prefix))
    entries = selectors.gap_entries_from(kind, page.items, timezone.now())
    act = selectors.gap_list(kind).action
    return render(request, "health/gaps.html", {
        "rows": [(e, act(e) if act else None) for e in entries], "has_actions": act is not None,
        "area": area, "filter_errors": filter_errors,
        "crumbs": _area_crumbs(user, area),
        "kind": kind,
        "kind_label": selectors.GAP_KINDS[kind],
        "tabs": [(k, label, selectors.GAP_PRINCIPLES[k], counts[k]) for k, label in selectors.GAP_KINDS.items()],
        "entries": entries,
        "count": counts[kind],
        **pager_urls(request, page, params={"kind": kind}),
    })


@login_required
@not_found_as_404
def gaps_export(request):
    user = request.user
    filters, errors = selectors.GapFilters.from_query(request.GET)
    if "kind" in errors:
        raise NotFound(_("未知的闭环事项类型"))
    area = area_in_reach(user=user, code=filters.within)
    kind = filters.kind
    now = timezone.now()
    entries = (e for row in walk(selectors.gap_queryset(kind, user=user, within=area.prefix))
               for e in selectors.gap_entries_from(kind, [row], now))
    label = selectors.GAP_KINDS[kind]
    return audited_export(
        actor=Actor.from_request(request), object_type="health.gap_list", grid_code=area.prefix,
        filters={"kind": kind, "area": area.prefix}, filename=f"{label}_{timezone.localdate():%Y%m%d}.xlsx",
        headers=selectors.GAP_EXPORT_HEADERS, rows=selectors.gap_export_rows(entries), sheet_title=label,
    )


@login_required
@require_POST
@not_found_as_404
def doctor_visit(request, resident_id: int):
    flash_outcome(request, lambda: services.record_doctor_visit(
        actor=Actor.from_request(request), resident_id=resident_id, note=request.POST.get("note", ""),
    ), success=_("已登记就诊"))
    return redirect(safe_next(request, reverse("health:gaps") + "?kind=fevers_unseen"))


@login_required
@not_found_as_404
def monitoring(request):
    user = request.user
    filters, filter_errors = _filters(request, selectors.MonitoringFilters)
    area = area_in_reach(user=user, code=filters.within)
    today = timezone.localdate()
    everyone = selectors.monitored_queryset(user=user, within=area.prefix)
    qs = selectors.monitored_queryset(user=user, within=area.prefix, show=filters.show)
    page = request_page(request, qs)
    missing = selectors.monitoring_missing_counts(everyone, date=today)
    return render(request, "health/monitoring.html", {
        "area": area, "filter_errors": filter_errors, "show": filters.show,
        "today": today,
        "people": selectors.monitored_rows(page.items, date=today),
        "total": everyone.count(),
        "shown": qs.count() if filters.show else None,
        "missing_am": missing["am"],
        "missing_pm": missing["pm"],
        "open_slot": selectors.open_slot(),
        "summary": selectors.monitoring_summary(user=user, area=area),
        **pager_urls(request, page),
        "sources": HealthReport.Source.choices,
        "symptoms": _symptom_choices(),
    })


@login_required
@not_found_as_404
def monitoring_export(request):
    user = request.user
    filters, _errors = selectors.AreaDayFilters.from_query(request.GET)
    area = area_in_reach(user=user, code=filters.within)
    date = filters.day()
    return audited_export(
        actor=Actor.from_request(request), object_type="health.healthreport", grid_code=area.prefix,
        filters={"area": area.prefix, "date": date.isoformat()}, filename=f"健康监测_{area.name}_{date:%Y%m%d}.xlsx",
        headers=selectors.MONITORING_EXPORT_HEADERS,
        rows=selectors.monitored_export_rows(user=user, date=date, within=area.prefix),
        sheet_title=_("健康监测"),
    )


def _symptom_choices() -> list[str]:
    return [s for s in SYMPTOMS if s != "发热"]


@login_required
@require_POST
@not_found_as_404
def monitoring_report(request, resident_id: int):
    error = ""
    try:
        services.health_report_record(
            actor=Actor.from_request(request), resident_id=resident_id, date=timezone.localdate(),
            slot=request.POST.get("slot", ""), temperature=request.POST.get("temperature", ""),
            symptoms=request.POST.getlist("symptoms"), source=request.POST.get("source", "staff"),
        )
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        error = exc.message
    row = selectors.monitored_in_reach(user=request.user, resident_id=resident_id)
    context = {"p": row, "error": error, "sources": HealthReport.Source.choices, "symptoms": _symptom_choices()}
    htmx = getattr(request, "htmx", None)
    if htmx:
        return render(request, "health/_monitoring_row.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已记录"))
    return redirect("health:monitoring")
