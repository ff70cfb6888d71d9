"""Resident pages: list with search and filters, detail, reveal, export, and the edit forms.

Views only read the request, call a selector or a service, and render; every rule (reach,
roles, validation, audit) is in those functions.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.permissions import require
from wangge.audit.context import Actor
from wangge.audit.models import REVEAL_NOTE_MAX_LENGTH, RevealPurpose
from wangge.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import forbidden, not_found_as_404
from wangge.exports.views import export_or_job
from wangge.grid import selectors as grid_selectors
from wangge.people import selectors, services
from wangge.people.forms import (
    NEW_HOUSEHOLD,
    ResidentEditForm,
    ResidentForm,
    ResidentMoveForm,
    ResidentRegisterForm,
    ResidentSearchForm,
)
from wangge.people.models import Resident


def _query_without(request, *names: str) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in names and v])


def _with_query(base: str, query: str, **extra: str) -> str:
    parts = [query] if query else []
    parts += [urlencode(extra)] if extra else []
    return base + "?" + "&".join(parts)


@login_required
def resident_list(request):
    form = ResidentSearchForm.read(request.GET)
    qs = selectors.resident_queryset(user=request.user, filters=form.filters).select_related("household")
    page = request_page(request, qs)
    query = _query_without(request, "cursor")
    context = {
        "form": form,
        "page": page,
        "query": query,
        **pager_urls(request, page, path=reverse("people:resident_list")),
        "export_url": _with_query(reverse("people:resident_export"), query),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "people/_resident_results.html", context)
    return render(request, "people/resident_list.html", context)


@login_required
@not_found_as_404
def resident_export(request):
    """The list's residents as .xlsx: streamed, or written by the worker when there are too many."""
    return export_or_job(request, kind="wangge.people.exports.residents", params=request.GET.dict())


@login_required
@not_found_as_404
def household_detail(request, pk: int):
    """A household and its members: the last step of the grid's walk (``grid:household``)."""
    user = request.user
    household = grid_selectors.household_in_reach(user=user, pk=pk)
    return render(request, "people/household.html", {
        "household": household,
        "crumbs": grid_selectors.breadcrumb(user=user, code=household.code),
        "members": selectors.household_members(user=user, household=household),
    })


def _reveal_context() -> dict:
    """What the reveal picker and a revealed value need: the purposes, the note's bound, the time
    a plain value stays on the page."""
    return {
        "reveal_purposes": RevealPurpose.choices,
        "reveal_note_max": REVEAL_NOTE_MAX_LENGTH,
        "reveal_seconds": settings.WANGGE_REVEAL_SECONDS,
    }


def _detail_context(request, resident: Resident, *, revealed: dict | None = None,
                    reveal_errors: dict | None = None, reveal_posted: dict | None = None) -> dict:
    crumbs = grid_selectors.breadcrumb(user=request.user, code=resident.household.code)
    crumbs.append(grid_selectors.Crumb(resident.name, None))
    return {
        "resident": resident,
        "age": selectors.age_on(resident.birth_date, dt.date.today()),
        "crumbs": crumbs,
        "moves": selectors.resident_moves(user=request.user, resident=resident),
        "tags": list(resident.tags.all()),
        "revealed": revealed or {},
        "reveal_errors": reveal_errors or {},
        "reveal_posted": reveal_posted or {},
        **_reveal_context(),
    }


@login_required
@not_found_as_404
def resident_detail(request, pk: int):
    resident = selectors.resident_detail(actor=Actor.from_request(request), pk=pk)
    return render(request, "people/resident_detail.html", _detail_context(request, resident))


@login_required
@require_POST
@not_found_as_404
def resident_reveal(request, pk: int, field: str):
    """The plain value for the purpose chosen in the picker; a purpose missing or incomplete shows
    the picker again with the reason (422), and nothing is revealed."""
    posted = {"purpose": request.POST.get("purpose", ""), "note": request.POST.get("note", "")}
    value, error = "", ""
    try:
        value = services.resident_reveal(actor=Actor.from_request(request), resident_id=pk, field=field, **posted)
    except Forbidden as exc:
        return forbidden(request, exc.message)
    except ValidationFailed as exc:
        if exc.code == "invalid_reveal_field":
            return HttpResponseBadRequest(exc.message)
        error = exc.message
    status = 422 if error else 200
    resident = selectors.resident_in_reach(user=request.user, pk=pk)
    if getattr(request, "htmx", None):
        return render(request, "people/_masked_value.html", {
            "resident": resident, "field": field, "masked": getattr(resident, f"{field}_masked"),
            "revealed_value": value, "reveal_error": error,
            "reveal_purpose": posted["purpose"], "reveal_note": posted["note"], **_reveal_context(),
        }, status=status)
    # Without JavaScript the picker is a plain form: show the page again with the value (or the
    # reason) in place.
    return render(request, "people/resident_detail.html", _detail_context(
        request, resident, revealed={field: value} if value else None,
        reveal_errors={field: error} if error else None, reveal_posted={field: posted},
    ), status=status)


def _form_page(request, template: str, context: dict, *, error: str = "") -> HttpResponse:
    return render(request, template, {**context, "error": error}, status=422 if error else 200)


@login_required
@not_found_as_404
def resident_create(request, household_pk: int):
    household = grid_selectors.household_in_reach(user=request.user, pk=household_pk)
    require(request.user, "people.change")
    form = ResidentForm(request.POST or None, initial={"relation": "head", "residence_type": "registered"})
    context = {
        "form": form, "household": household, "title": _("登记居民"),
        "crumbs": grid_selectors.breadcrumb(user=request.user, code=household.code),
    }
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.resident_create(
                actor=Actor.from_request(request), household_id=household.pk, data=form.service_data()
            )
        except NotFound:
            raise
        except DomainError as exc:
            form.add_domain_errors(exc.errors)
            return _form_page(request, "people/resident_form.html", context, error=exc.message)
        messages.success(request, _("已登记居民 %(name)s") % {"name": resident.name})
        return redirect("people:resident_detail", pk=resident.pk)
    return _form_page(request, "people/resident_form.html", context, error=_form_error(form))


def _id_param(request, name: str) -> int | None:
    text = request.GET.get(name, "")
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise NotFound(_("未找到该记录，或不在您的管辖范围内"))
    return int(text)


@login_required
@not_found_as_404
def resident_register(request):
    """登记居民 without walking to the household first.

    ``?unit=`` (from the unit page): pick one of the unit's households or add a new one inline;
    ``?household=`` (after 新增住户): that household, preselected; neither (from the resident list):
    find the household by its code, door number or address.
    """
    user = request.user
    household_pk, unit_pk = _id_param(request, "household"), _id_param(request, "unit")
    require(user, "people.change")
    if household_pk is None and unit_pk is None:
        filters, errors = grid_selectors.HouseholdSearchFilters.from_query(request.GET)
        page = request_page(request, grid_selectors.household_search(user=user, filters=filters))
        return render(request, "people/resident_register_find.html", {
            "q": filters.q, "page": page, "filter_errors": grid_selectors.HouseholdSearchFilters.messages(errors),
            **pager_urls(request, page),
        })
    if household_pk is not None:
        household = grid_selectors.household_in_reach(user=user, pk=household_pk)
        unit = household.unit
    else:
        household, unit = None, grid_selectors.unit_in_reach(user=user, pk=unit_pk)
    households = list(grid_selectors.unit_households(user=user, unit=unit))
    initial = {"relation": "head", "residence_type": "registered",
               "household": str(household.pk) if household else (NEW_HOUSEHOLD if not households else "")}
    form = ResidentRegisterForm(request.POST or None, initial=initial, households=households)
    context = {"form": form, "unit": unit, "title": _("登记居民"),
               "crumbs": grid_selectors.breadcrumb(user=user, code=unit.code)}
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.resident_register(
                actor=Actor.from_request(request), data=form.service_data(), unit_id=unit.pk,
                **form.household_args(),
            )
        except NotFound:
            raise
        except DomainError as exc:
            form.add_domain_errors(exc.errors)
            return _form_page(request, "people/resident_register.html", context, error=exc.message)
        messages.success(request, _("已登记居民 %(name)s") % {"name": resident.name})
        return redirect("people:resident_detail", pk=resident.pk)
    return _form_page(request, "people/resident_register.html", context, error=_form_error(form))


def _form_error(form) -> str:
    return _("请检查表单中的错误") if form.is_bound and form.errors else ""


@login_required
@not_found_as_404
def resident_edit(request, pk: int):
    actor = Actor.from_request(request)
    if request.method == "POST":
        resident = selectors.resident_in_reach(user=request.user, pk=pk)
    else:
        # The edit page shows the person's details: opening it is a read like the detail page.
        resident = selectors.resident_detail(actor=actor, pk=pk)
    require(request.user, "people.change")
    form = ResidentEditForm(request.POST or None, initial=ResidentEditForm.initial_for(resident), resident=resident)
    context = {
        "form": form, "resident": resident, "household": resident.household, "title": _("修改居民信息"),
        "crumbs": grid_selectors.breadcrumb(user=request.user, code=resident.household.code),
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_update(actor=actor, resident_id=resident.pk, data=form.service_data())
        except NotFound:
            raise
        except DomainError as exc:
            form.add_domain_errors(exc.errors)
            return _form_page(request, "people/resident_form.html", context, error=exc.message)
        messages.success(request, _("已保存"))
        return redirect("people:resident_detail", pk=resident.pk)
    return _form_page(request, "people/resident_form.html", context, error=_form_error(form))


@login_required
@not_found_as_404
def resident_move(request, pk: int):
    actor = Actor.from_request(request)
    if request.method == "POST":
        resident = selectors.resident_in_reach(user=request.user, pk=pk)
    else:
        # The move page shows the person and their household: opening it is a read.
        resident = selectors.resident_detail(actor=actor, pk=pk)
    require(request.user, "people.change")
    form = ResidentMoveForm(request.POST or None)
    context = {
        "form": form, "resident": resident,
        "crumbs": grid_selectors.breadcrumb(user=request.user, code=resident.household.code)
        + [grid_selectors.Crumb(resident.name, reverse("people:resident_detail", args=[resident.pk]))],
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = grid_selectors.household_by_code(user=request.user, code=data["to_household_code"])
            services.resident_move(
                actor=actor, resident_id=resident.pk, to_household_id=target.pk,
                relation=data["relation"], reason=data["reason"],
            )
        except NotFound as exc:
            form.add_error("to_household_code", exc.message)
            return _form_page(request, "people/resident_move.html", context, error=exc.message)
        except DomainError as exc:
            form.add_domain_errors(exc.errors)
            return _form_page(request, "people/resident_move.html", context, error=exc.message)
        messages.success(request, _("已迁入新户"))
        return redirect("people:resident_detail", pk=resident.pk)
    return _form_page(request, "people/resident_move.html", context, error=_form_error(form))

