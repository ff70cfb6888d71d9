"""Investigations: opened when a case is confirmed; contacts found become close contacts under quarantine.

The closed loop of seed 000 runs through here: confirmed > trajectory investigation (places and
times) > close contacts identified > contacts quarantined > contacts tested.  ``contacts_add`` does
the middle three steps for a whole list of contacts in one transaction: if any one of them fails,
nothing is written and the error names the contact.

Roles: the CDC and command add trajectory entries and contacts and close investigations; community
workers may add trajectory entries (they know the places).  Registering a person who is not yet in
the registry goes through ``people.services.resident_create`` and its own role rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import require
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from wangge.health import services as health
from wangge.health.models import EpidemicStatus
from wangge.health.transitions import is_allowed
from wangge.people import services as people
from wangge.people.idcard import normalise_id_number
from wangge.people.models import Resident
from wangge.people.selectors import household_members, resident_by_id_number, resident_in_reach
from wangge.quarantine import services as quarantine
from wangge.quarantine.models import QuarantineOrder
from wangge.tracing.models import Contact, Investigation, TrajectoryEntry

CONTACT_REASON = "流调判定为密切接触者"
HOUSEHOLD_CONTACT_PLACE = "同住"
NEW_PERSON_FIELDS = ("name", "id_type", "id_number", "phone", "sex", "birth_date", "relation", "residence_type",
                     "note")


def _user_or_none(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


@transaction.atomic
def investigation_open(*, actor: Actor, case_resident_id: int, reason: str = "") -> Investigation:
    """The open investigation of a case, opened now if there is none (confirming twice opens one)."""
    case = Resident.objects.get(pk=case_resident_id)
    existing = Investigation.objects.filter(case=case, status=Investigation.Status.OPEN).first()
    if existing is not None:
        return existing
    investigation = Investigation.objects.create(
        case=case, grid_code=case.grid_code,
        opened_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=investigation, note=reason)
    return investigation


def open_investigation_on_confirmed(*, actor: Actor, resident, transition) -> None:
    """A confirmed case opens its investigation (connected to ``health.hooks.case_confirmed``)."""
    investigation_open(actor=actor, case_resident_id=resident.pk, reason=transition.reason)


def investigation_in_reach(*, user, pk: int, for_update: bool = False) -> Investigation:
    try:
        investigation = Investigation.objects.restrict(user).select_related("case").get(pk=pk)
    except (Investigation.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该流调，或不在您的管辖范围内")) from None
    if for_update:
        investigation = Investigation.objects.select_for_update().select_related("case").get(pk=investigation.pk)
    return investigation


def _open(investigation: Investigation) -> None:
    if investigation.status != Investigation.Status.OPEN:
        raise Conflict(_("该流调已完成，不能再修改"), code="investigation_closed")


@transaction.atomic
def trajectory_add(
    *,
    actor: Actor,
    investigation_id: int,
    place: str,
    start: dt.datetime,
    end: dt.datetime | None = None,
    address: str = "",
    note: str = "",
    lat: float | None = None,
    lng: float | None = None,
) -> TrajectoryEntry:
    """Add where the case was and when to an open investigation in reach."""
    investigation = investigation_in_reach(user=actor.user, pk=investigation_id)
    require(actor.user, "tracing.trajectory.add")
    _open(investigation)
    place = (place or "").strip()
    errors = {}
    if not place:
        errors["place"] = _("请填写地点")
    if start is None:
        errors["start"] = _("请填写开始时间")
    elif end is not None and end < start:
        errors["end"] = _("结束时间不能早于开始时间")
    if (lat is None) != (lng is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180)):
        errors["lat"] = _("经纬度应同时填写且在有效范围内")
    if errors:
        raise ValidationFailed(
            _("轨迹信息有误：%(details)s") % {"details": "；".join(errors.values())},
            code="trajectory_invalid",
            errors=errors,
        )
    entry = TrajectoryEntry.objects.create(
        investigation=investigation, grid_code=investigation.grid_code, place=place[:200], address=address[:200],
        lat=lat, lng=lng, start=start, end=end, note=note[:500],
    )
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=investigation, field="trajectory",
                 changes={"trajectory": [None, {"place": entry.place, "start": audit.plain(start),
                                                "end": audit.plain(end)}]})
    return entry


def _contact_person(*, actor: Actor, data: dict[str, Any]) -> tuple[Resident, bool]:
    """The resident a contact row names: (resident, matched) where matched means found by ID number."""
    if data.get("resident_id"):
        return resident_in_reach(user=actor.user, pk=int(data["resident_id"])), False
    number = normalise_id_number(str(data.get("id_number") or ""))
    if number:
        # Already registered (perhaps under another household): use that record, never a duplicate.
        # Registered outside the reach: refused without naming the holder (see people.validation).
        existing = resident_by_id_number(user=actor.user, id_type=data.get("id_type") or Resident.IdType.RESIDENT_ID,
                                         id_number=number)
        if existing is not None:
            return existing, True
    if not data.get("household_id"):
        raise ValidationFailed(
            _("新登记的接触者须指定所在户"),
            code="household_required",
            errors={"household_id": _("必填")},
        )
    fields = {k: data[k] for k in NEW_PERSON_FIELDS if data.get(k) not in (None, "")}
    return people.resident_create(actor=actor, household_id=int(data["household_id"]), data=fields), False


def _label(data: dict[str, Any], index: int) -> str:
    name = data.get("name") or (f"居民编号 {data['resident_id']}" if data.get("resident_id") else "")
    return f"第{index}位接触者{f'（{name}）' if name else ''}"


@transaction.atomic
def contacts_add(
    *,
    actor: Actor,
    investigation_id: int,
    contacts: list[dict[str, Any]],
    regime_code: str,
    place: str = QuarantineOrder.Place.HOME,
    site_id: int | None = None,
    start_date: dt.date | None = None,
) -> list[Contact]:
    """Record the contacts an investigation found, mark them, and put each under quarantine.

    Each item is ``{"resident_id": ...}`` or a new person ``{"name", "id_type", "id_number", "phone",
    "household_id"}`` (an ID number already registered is matched, not duplicated), plus optional
    ``kind`` (close / secondary), ``last_exposure`` and ``place``.  Central quarantine takes the
    site's free rooms in order.  Returned contacts carry ``matched_by_id_number`` and
    ``already_quarantined`` so the caller can tell the user.  All or nothing.
    """
    user = actor.user
    # Out of reach is 404 before any role question, so nothing about the record leaks.
    investigation = investigation_in_reach(user=user, pk=investigation_id, for_update=True)
    require(user, "tracing.contacts.add")
    _open(investigation)
    if not contacts:
        raise ValidationFailed(_("请至少填写一位接触者"), code="contacts_required", errors={"contacts": _("必填")})
    if place == QuarantineOrder.Place.CENTRAL and not site_id:
        raise ValidationFailed(_("集中隔离须指定隔离点"), code="site_required", errors={"site_id": _("必填")})
    quarantine.regime_by_code(regime_code)
    start_date = start_date or timezone.localdate()
    created: list[Contact] = []
    seen: set[int] = set()
    for index, data in enumerate(contacts, start=1):
        try:
            created.append(_add_one(actor=actor, investigation=investigation, data=data, regime_code=regime_code,
                                    place=place, site_id=site_id, start_date=start_date, seen=seen))
        except DomainError as exc:
            exc.message = f"{_label(data, index)}：{exc.message}"
            exc.args = (exc.message,)
            raise
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=investigation, field="contacts",
                 changes={"contacts": [None, [c.resident_id for c in created]]},
                 note=f"新增接触者 {len(created)} 人，{regime_code}，{place}")
    return created


@transaction.atomic
def household_contacts_add(
    *,
    actor: Actor,
    investigation_id: int,
    regime_code: str,
    place: str = QuarantineOrder.Place.HOME,
    site_id: int | None = None,
) -> list[Contact]:
    """Add the case's household members (those in reach, not the case, not yet contacts) as close
    contacts, through ``contacts_add``: the same checks, quarantine orders and audit entries."""
    user = actor.user
    investigation = investigation_in_reach(user=user, pk=investigation_id, for_update=True)
    require(user, "tracing.contacts.add")
    case = resident_in_reach(user=user, pk=investigation.case_id)
    already = set(Contact.objects.filter(investigation=investigation).values_list("resident_id", flat=True))
    members = [m for m in household_members(user=user, household=case.household)
               if m.pk != case.pk and m.pk not in already]
    if not members:
        raise ValidationFailed(_("病例同户没有可添加的成员"), code="no_household_members",
                               errors={"contacts": _("无可添加成员")})
    return contacts_add(
        actor=actor, investigation_id=investigation_id, regime_code=regime_code, place=place, site_id=site_id,
        contacts=[{"resident_id": m.pk, "kind": Contact.Kind.CLOSE, "place": HOUSEHOLD_CONTACT_PLACE}
                  for m in members],
    )


def _add_one(*, actor, investigation, data, regime_code, place, site_id, start_date, seen) -> Contact:
    kind = data.get("kind") or Contact.Kind.CLOSE
    if kind not in Contact.Kind.values:
        raise ValidationFailed(
            _("接触者类型应为密切接触者或次密切接触者"),
            code="invalid_contact_kind",
            errors={"kind": _("无效")},
        )
    resident, matched = _contact_person(actor=actor, data=data)
    if resident.pk == investigation.case_id:
        raise ValidationFailed(_("接触者不能是病例本人"), code="contact_is_case", errors={"resident_id": _("病例本人")})
    if resident.pk in seen or Contact.objects.filter(investigation=investigation, resident=resident).exists():
        raise Conflict(
            _("%(resident_name)s 已登记为本次流调的接触者") % {"resident_name": resident.name},
            code="duplicate_contact",
        )
    seen.add(resident.pk)
    contact = Contact.objects.create(
        investigation=investigation, resident=resident, grid_code=resident.grid_code, kind=kind,
        last_exposure=data.get("last_exposure"), place=(data.get("place") or "")[:200],
        created_by=_user_or_none(actor),
    )
    to_status = EpidemicStatus.CLOSE_CONTACT if kind == Contact.Kind.CLOSE else EpidemicStatus.SECONDARY_CONTACT
    current = health.current_status(resident)
    # Confirmed and suspected people keep their status; so does anyone for whom the state machine
    # has no way to the contact status (already a contact, a fever under investigation, deceased).
    if current not in (EpidemicStatus.CONFIRMED, EpidemicStatus.SUSPECTED) and is_allowed(current, to_status):
        health.status_change(actor=actor, resident_id=resident.pk, to_status=to_status, reason=CONTACT_REASON,
                             evidence={"investigation_id": investigation.pk, "contact_id": contact.pk})
    active = QuarantineOrder.objects.filter(resident=resident, status=QuarantineOrder.Status.ACTIVE).first()
    contact.matched_by_id_number = matched
    contact.already_quarantined = active is not None
    if active is None:
        room_id = None
        if place == QuarantineOrder.Place.CENTRAL:
            room_id = quarantine.first_free_room(user=actor.user, site_id=site_id).pk
        contact.order = quarantine.quarantine_order_create(
            actor=actor, resident_id=resident.pk, regime_code=regime_code, place=place,
            site_id=site_id if place == QuarantineOrder.Place.CENTRAL else None, room_id=room_id,
            start_date=start_date, reason=f"{contact.get_kind_display()}（流调 {investigation.pk}）", contact=contact,
        )
    else:
        contact.order = active
    audit.record(actor=actor, action=AuditAction.CREATE, obj=contact,
                 changes={"investigation_id": [None, investigation.pk], "kind": [None, kind],
                          "matched_by_id_number": [None, matched]})
    return contact


@transaction.atomic
def investigation_close(*, actor: Actor, investigation_id: int, summary: str) -> Investigation:
    investigation = investigation_in_reach(user=actor.user, pk=investigation_id, for_update=True)
    require(actor.user, "tracing.investigation.close")
    _open(investigation)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationFailed(_("请填写调查结论"), code="summary_required", errors={"summary": _("必填")})
    investigation.status = Investigation.Status.CLOSED
    investigation.closed_at = timezone.now()
    investigation.summary = summary
    investigation.save(update_fields=["status", "closed_at", "summary"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=investigation, field="status",
                 changes={"status": ["open", "closed"]}, note=summary[:500])
    return investigation


@transaction.atomic
def exposures_to_contacts(
    *,
    actor: Actor,
    investigation_id: int,
    resident_ids: list[int],
    kind: str,
    regime_code: str,
    place: str = QuarantineOrder.Place.HOME,
    site_id: int | None = None,
    via_resident_id: int | None = None,
    days: int = 14,
) -> list[Contact]:
    """Turn a chosen set of a case's exposures (or a second hop's, ``via_resident_id``) into close or
    secondary contacts with their quarantine orders, through ``contacts_add``: the same checks,
    status changes, orders and audit.  Each contact's place and last exposure come from the
    exposure's closest reason.  People already contacts of the investigation are left as they are;
    anyone not among the exposures found is refused (``not_exposed``), and nothing is written."""
    from wangge.tracing import selectors  # reads of this app; selectors import this module at load

    user = actor.user
    investigation = investigation_in_reach(user=user, pk=investigation_id, for_update=True)
    require(user, "tracing.contacts.add")
    _open(investigation)
    ids = list(dict.fromkeys(int(i) for i in resident_ids))
    if not ids:
        raise ValidationFailed(
            _("请至少选择一位可能暴露人员"), code="contacts_required", errors={"resident_ids": _("必填")}
        )
    subject_id = via_resident_id or investigation.case_id
    subject = resident_in_reach(user=user, pk=subject_id)
    since, until = selectors.exposure_window(days)
    found = selectors.gather_exposures(user=user, resident=subject, since=since, until=until)
    already = set(
        Contact.objects.filter(investigation=investigation, resident_id__in=ids).values_list("resident_id", flat=True)
    )
    contacts = []
    for pk in ids:
        if pk in already:
            continue
        reasons = sorted(found.get(pk, ()), key=lambda e: e.rank)
        if not reasons or pk == investigation.case_id:
            raise ValidationFailed(
                _("所选人员不在可能暴露人员之中"), code="not_exposed", errors={"resident_ids": _("无效")}
            )
        times = [e.at for e in reasons if e.at is not None]
        where = reasons[0].label + (f"·{reasons[0].where}" if reasons[0].where else "")
        contacts.append(
            {"resident_id": pk, "kind": kind, "place": where[:200], "last_exposure": max(times) if times else None}
        )
    if not contacts:
        return []
    return contacts_add(
        actor=actor,
        investigation_id=investigation_id,
        contacts=contacts,
        regime_code=regime_code,
        place=place,
        site_id=site_id,
    )
