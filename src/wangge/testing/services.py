"""Writes of 全员核酸: one function a change, keyword-only, one transaction, audited.

The hot paths are built for a city's round (Shanghai took 4-8 million tubes a day): a device's batch
is a handful of queries however many tubes it carries (bulk inserts, people resolved in one query,
repeats found in one query), and a positive pool reaches its members, their homes and their grid
workers in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.permissions import require, role_may
from wangge.alerts.models import AlertKind
from wangge.alerts.services import alert_raise
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import Level
from wangge.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from wangge.core.exports import rows_by
from wangge.core.scoping import user_can_reach
from wangge.grid.models import Building
from wangge.grid.selectors import area_in_reach
from wangge.people.models import Resident
from wangge.people.selectors import resident_by_id_number, resident_in_reach
from wangge.testing import selectors
from wangge.testing.models import (
    Control,
    ControlLevel,
    DeviceBatch,
    Exemption,
    Round,
    Sample,
    SamplingPoint,
    SamplingTask,
    Tube,
)

ROUND_CREATE = "testing.round.create"
SAMPLE = "testing.sample"
RESULT = "testing.result.record"
EXEMPT = "testing.exempt"

BARCODE_RE = re.compile(r"^[0-9A-Za-z-]{4,40}$")
BATCH_ID_RE = re.compile(r"^[0-9A-Za-z_.:-]{1,64}$")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
ID_NUMBER_RE = re.compile(r"^[0-9]{15}$|^[0-9]{17}[0-9Xx]$")
MAX_BATCH_TUBES = 5000
MAX_RESULT_ROWS = 50_000


def _recolour(resident_ids, *, reason: str) -> None:
    """Tell codes a fact of ours changed (their codes turn yellow or back at once)."""
    from wangge.codes.services import recolour

    recolour(resident_ids, reason=reason)


# --- Rounds and points ---------------------------------------------------------------------------


@transaction.atomic
def round_create(*, actor: Actor, area_code: str, name: str, starts_on: dt.date, repeat: str = Round.Repeat.ONCE,
                 every_days: int = 1, ends_on: dt.date | None = None, control_level: str = ControlLevel.PRECAUTION,
                 pool_size: int | None = None) -> Round:
    user = actor.user
    require(user, "testing.round.create")
    area = area_in_reach(user=user, code=area_code, navigable=False, existing=True, deepest=Level.GRID)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写名称"), code="round_name_required", errors={"name": _("必填")})
    if repeat not in Round.Repeat.values:
        raise ValidationFailed(_("未知的频次"), code="round_repeat_invalid", errors={"repeat": _("未知的频次")})
    if control_level not in ControlLevel.values:
        raise ValidationFailed(_("未知的管控等级"), code="control_level_invalid",
                               errors={"control_level": _("未知的管控等级")})
    if ends_on and ends_on < starts_on:
        raise ValidationFailed(_("结束日期不能早于开始日期"), code="end_before_start",
                               errors={"ends_on": _("早于开始日期")})
    if not 1 <= int(every_days or 1) <= 30:
        raise ValidationFailed(_("间隔天数应在 1 到 30 之间"), code="every_days_out_of_range",
                               errors={"every_days": _("超出范围")})
    if pool_size is not None and pool_size not in (1, 5, 10, 20):
        raise ValidationFailed(_("混采人数只能是 1、5、10 或 20"), code="pool_size_invalid",
                               errors={"pool_size": _("只能是 1、5、10 或 20")})
    rnd = Round.objects.create(grid_code=area.prefix, name=name[:100], starts_on=starts_on, ends_on=ends_on,
                               repeat=repeat, every_days=int(every_days or 1), control_level=control_level,
                               pool_size=pool_size, created_by=user)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=rnd,
                 changes={"name": [None, rnd.name], "area": [None, rnd.grid_code], "pool_size": [None, pool_size]})
    return rnd


@transaction.atomic
def point_create(*, actor: Actor, round_id: int, name: str, building_id: int | None = None,
                 lat: float | None = None, lng: float | None = None, opens_at: dt.time | None = None,
                 closes_at: dt.time | None = None, samplers: int = 1, staff: str = "") -> SamplingPoint:
    """A sampling point of a round: at a building (its place and grid), or at a place on the map."""
    user = actor.user
    rnd = selectors.round_in_reach(user=user, pk=round_id)
    require(user, "testing.round.create")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写名称"), code="point_name_required", errors={"name": _("必填")})
    building = None
    if building_id:
        building = Building.objects.restrict(user, "grid.view").filter(pk=building_id).first()
        if building is None or not building.grid_code.startswith(rnd.grid_code):
            raise NotFound(_("未找到该楼栋，或不在您的管辖范围内"))
        lat = lat if lat is not None else building.lat
        lng = lng if lng is not None else building.lng
        grid_code = building.grid_code
    else:
        grid_code = rnd.grid_code
        from wangge.core.scoping import user_can_reach

        if not user_can_reach(user, grid_code):
            raise NotFound(_("未找到该区域，或不在您的管辖范围内"))
    if lat is not None and not (-90 <= lat <= 90) or lng is not None and not (-180 <= lng <= 180):
        raise ValidationFailed(_("坐标超出范围"), code="coordinates_invalid", errors={"lat": _("超出范围")})
    if not 1 <= int(samplers or 1) <= 200:
        raise ValidationFailed(_("采样人员数应在 1 到 200 之间"), code="samplers_out_of_range",
                               errors={"samplers": _("超出范围")})
    point = SamplingPoint.objects.create(round=rnd, grid_code=grid_code, name=name[:100], building=building, lat=lat,
                                         lng=lng, opens_at=opens_at, closes_at=closes_at, samplers=int(samplers or 1),
                                         staff=(staff or "").strip()[:300])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=point, changes={"name": [None, point.name]})
    return point


# --- At the point: a person, then the tube -------------------------------------------------------


def resolve_person(*, user, text: str) -> Resident:
    """The person behind what staff scanned or typed: a phone code's token (``WG1.``), a paper code
    (``WGP1.``), an ID number, or ``#<id>`` from the person picker; in reach, else NotFound."""
    text = (text or "").strip()
    if not text or len(text) > 2048:
        raise ValidationFailed(_("请扫码或输入证件号码"), code="person_required", errors={"person": _("必填")})
    if text.startswith("WG1."):
        from wangge.codes.selectors import resident_for_ref
        from wangge.codes.services import verify_token

        verified = verify_token(text)  # coded refusals: forged, expired, unknown key, malformed
        return resident_in_reach(user=user, pk=resident_for_ref(verified.ref).pk)
    if text.upper().startswith("WGP1."):
        from wangge.codes.selectors import resident_for_paper_code

        return resident_in_reach(user=user, pk=resident_for_paper_code(text).pk)
    if text.startswith("#") and text[1:].isdigit():
        return resident_in_reach(user=user, pk=int(text[1:]))
    if ID_NUMBER_RE.match(text):
        try:
            found = resident_by_id_number(user=user, id_type=Resident.IdType.RESIDENT_ID, id_number=text.upper())
        except DomainError:
            found = None
        if found is not None:
            return found
    raise NotFound(_("未找到该居民，或不在您的管辖范围内"))


def _check_barcode(barcode: str) -> str:
    barcode = (barcode or "").strip()
    if not BARCODE_RE.match(barcode):
        raise ValidationFailed(_("采样管条码应为 4 到 40 位字母或数字"), code="barcode_invalid",
                               errors={"barcode": _("格式错误")})
    return barcode


def _new_tube(*, point: SamplingPoint, barcode: str, capacity: int, user, now) -> Tube:
    try:
        with transaction.atomic():
            return Tube.objects.create(round=point.round, point=point, grid_code=point.grid_code, barcode=barcode,
                                       capacity=capacity, day=selectors.round_day(point.round, timezone.localdate(now)),
                                       opened_at=now, opened_by=user)
    except IntegrityError:
        raise Conflict(_("该条码已被使用：%(barcode)s") % {"barcode": barcode}, code="barcode_used",
                       errors={"barcode": _("已被使用")}) from None


@transaction.atomic
def tube_open(*, actor: Actor, point_id: int, barcode: str) -> Tube:
    """Start this sampler's pooled tube at the point (the one they were filling is closed first)."""
    user = actor.user
    point = selectors.point_in_reach(user=user, pk=point_id)
    require(user, "testing.sample", point)
    barcode = _check_barcode(barcode)
    now = timezone.now()
    current = selectors.open_tube(point=point, user=user)
    if current is not None:
        _close(current, now)
    size = selectors.pool_size(point.round)
    tube = _new_tube(point=point, barcode=barcode, capacity=size, user=user, now=now)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=tube, changes={"capacity": [None, size]})
    return tube


def _close(tube: Tube, now) -> None:
    Tube.objects.filter(pk=tube.pk, status=Tube.Status.OPEN).update(status=Tube.Status.CLOSED, closed_at=now)
    tube.status, tube.closed_at = Tube.Status.CLOSED, now


@transaction.atomic
def tube_close(*, actor: Actor, tube_id: int) -> Tube:
    """Seal a tube by hand before it is full (the end of a queue, the end of a shift)."""
    user = actor.user
    tube = selectors.tube_in_reach(user=user, pk=tube_id)
    require(user, "testing.sample", tube)
    tube = Tube.objects.select_for_update().get(pk=tube.pk)
    if tube.status != Tube.Status.OPEN:
        raise Conflict(_("该采样管已封管"), code="tube_not_open")
    _close(tube, timezone.now())
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=tube, changes={"status": ["open", "closed"]})
    return tube


@dataclass
class Registered:
    """What the point page says after a scan."""

    resident: Resident
    tube: Tube | None = None
    single: bool = False  # the person needs a single tube: scan one now
    repeat: bool = False  # already sampled today in this round: recorded, flagged, not counted
    closed: bool = False  # the pooled tube is full and sealed: scan the next one
    needs_tube: bool = False  # no pooled tube open: scan one first


@transaction.atomic
def sample_register(*, actor: Actor, point_id: int, person: str, single_barcode: str = "") -> Registered:
    """Register one person at a point: into this sampler's pooled tube, or, for those who always get
    one, into a single tube scanned for them (``single_barcode``).  The tube seals itself when full."""
    user = actor.user
    point = selectors.point_in_reach(user=user, pk=point_id)
    require(user, "testing.sample", point)
    resident = resolve_person(user=user, text=person)
    now = timezone.now()
    single = resident.pk in selectors.single_tube_ids([resident.pk]) or selectors.pool_size(point.round) == 1
    if single:
        if not single_barcode:
            return Registered(resident=resident, single=True)
        tube = _new_tube(point=point, barcode=_check_barcode(single_barcode), capacity=1, user=user, now=now)
    else:
        tube = selectors.open_tube(point=point, user=user)
        if tube is None:
            return Registered(resident=resident, needs_tube=True)
        tube = Tube.objects.select_for_update().get(pk=tube.pk)
    day = tube.day
    repeat = Sample.objects.filter(round=point.round, day=day, resident=resident, repeat=False).exists()
    try:
        with transaction.atomic():
            sample = Sample.objects.create(round=point.round, tube=tube, resident=resident,
                                           grid_code=resident.grid_code, day=day, sampled_at=now, repeat=repeat,
                                           by=user)
    except IntegrityError:  # sampled at that moment at another table
        repeat = True
        sample = Sample.objects.create(round=point.round, tube=tube, resident=resident, grid_code=resident.grid_code,
                                       day=day, sampled_at=now, repeat=True, by=user)
    tube.size += 1
    closed = tube.size >= tube.capacity
    Tube.objects.filter(pk=tube.pk).update(size=tube.size)
    if closed:
        _close(tube, now)
    SamplingTask.objects.filter(resident=resident, round=point.round, status=SamplingTask.Status.OPEN).update(
        status=SamplingTask.Status.DONE, done_at=now)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=sample, object_repr=resident.name,
                 grid_code=resident.grid_code, changes={"tube": [None, tube.barcode], "repeat": [None, repeat]})
    return Registered(resident=resident, tube=tube, single=single, repeat=repeat, closed=closed and tube.capacity > 1)


# --- Devices' batches ----------------------------------------------------------------------------


@dataclass
class BatchResult:
    batch_id: str
    created: bool
    tubes: int = 0
    samples: int = 0
    repeats: int = 0
    problems: list[dict] = field(default_factory=list)


def _person_keys(samples: list[dict]) -> tuple[set[int], set[str], set[str]]:
    ids, numbers, refs = set(), set(), set()
    for s in samples:
        if s.get("resident_id"):
            ids.add(int(s["resident_id"]))
        elif s.get("id_number"):
            number = str(s["id_number"]).strip().upper()
            if ID_NUMBER_RE.match(number):  # anything else names nobody (and never reaches a query)
                numbers.add(number)
        elif s.get("code"):
            refs.add(str(s["code"]))
    return ids, numbers, refs


def _resolve_batch_people(user, samples: list[dict], problems: list[dict]) -> dict[tuple[str, Any], tuple[int, str]]:
    """Every person of a batch in three queries at most: by id, by ID number, by code token."""
    ids, numbers, tokens = _person_keys(samples)
    reach = Resident.objects.restrict(user, "testing.view")
    out: dict[tuple[str, Any], tuple[int, str]] = {}
    if ids and role_may(user, "testing.view"):
        # One array parameter however many ids (``rows_by``); the reach is the same prefix test as
        # ``restrict``'s, made on the rows.
        for pk, grid_code in rows_by(Resident, "id", list(ids), ("grid_code",)):
            if user_can_reach(user, grid_code):
                out[("resident_id", pk)] = (pk, grid_code)
    if numbers:
        rows = reach.filter(id_type=Resident.IdType.RESIDENT_ID, id_number__in=numbers).values_list(
            "id_number", "pk", "grid_code")
        for number, pk, grid_code in rows.iterator(chunk_size=10000):
            out[("id_number", number)] = (pk, grid_code)
    if tokens:
        from wangge.codes.models import HealthCode
        from wangge.codes.services import verify_token

        refs = {}
        for token in tokens:
            try:
                refs[token] = verify_token(token).ref
            except DomainError as exc:
                problems.append({"code": exc.code, "person": token[:20], "message": exc.message})
        found = dict(HealthCode.objects.filter(ref__in=set(refs.values())).values_list("ref", "resident_id"))
        people = dict(reach.filter(pk__in=set(found.values())).values_list("pk", "grid_code"))
        for token, ref in refs.items():
            pk = found.get(ref)
            if pk in people:
                out[("code", token)] = (pk, people[pk])
    return out


def _sample_key(s: dict) -> tuple[str, Any]:
    if s.get("resident_id"):
        return ("resident_id", int(s["resident_id"]))
    if s.get("id_number"):
        return ("id_number", str(s["id_number"]).strip().upper())
    return ("code", str(s.get("code") or ""))


_TUBE_FIELDS = ("id", "round_id", "point_id", "grid_code", "barcode", "capacity", "size", "day", "status", "result",
                "lab", "opened_at", "closed_at", "batch_id", "opened_by_id")
_SAMPLE_FIELDS = ("round_id", "tube_id", "resident_id", "grid_code", "day", "sampled_at", "repeat", "by_id")


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy(model, fields: tuple[str, ...], rows) -> None:
    """PostgreSQL ``COPY`` of ``rows`` (tuples in ``fields`` order) into ``model``'s table."""
    columns = ", ".join(model._meta.get_field(f.removesuffix("_id") if f != "id" else f).column for f in fields)
    text = "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        copy.write(text)


def _used_barcodes(barcodes: list[str]) -> set[str]:
    if not barcodes:
        return set()
    if connection.vendor != "postgresql":
        return set(Tube.objects.filter(barcode__in=barcodes).values_list("barcode", flat=True))
    with connection.cursor() as cursor:  # one text parameter: barcodes are letters, digits and "-"
        cursor.execute(f"SELECT barcode FROM {Tube._meta.db_table} WHERE barcode = ANY(string_to_array(%s, ','))",
                       [",".join(barcodes)])
        return {row[0] for row in cursor.fetchall()}


def _counted(rnd: Round, days: set[dt.date], ids: set[int]) -> set[tuple[dt.date, int]]:
    """(day, resident) already counted in the round: the partial unique index answers it."""
    if not ids:
        return set()
    if connection.vendor != "postgresql":
        return set(Sample.objects.filter(round=rnd, day__in=days, resident_id__in=ids, repeat=False)
                   .values_list("day", "resident_id").iterator(chunk_size=20000))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT day, resident_id FROM {Sample._meta.db_table} WHERE round_id = %s AND NOT repeat "
            "AND day = ANY(string_to_array(%s, ',')::date[]) AND resident_id = ANY(string_to_array(%s, ',')::bigint[])",
            [rnd.pk, ",".join(d.isoformat() for d in days), ",".join(map(str, ids))])
        return set(cursor.fetchall())


def _insert_tubes(tubes: list[Tube]) -> None:
    """The batch's tubes with their ids: PostgreSQL takes ids from the sequence and COPYs the rows;
    elsewhere ``bulk_create`` (which gives the ids back)."""
    if not tubes:
        return
    if connection.vendor != "postgresql":
        Tube.objects.bulk_create(tubes, batch_size=2000)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [Tube._meta.db_table, len(tubes)])
        for tube, (pk,) in zip(tubes, cursor.fetchall(), strict=True):
            tube.pk = pk
    _copy(Tube, _TUBE_FIELDS, ((t.pk, t.round_id, t.point_id, t.grid_code, t.barcode, t.capacity, t.size, t.day,
                               t.status, t.result, t.lab, t.opened_at, t.closed_at, t.batch_id, t.opened_by_id)
                              for t in tubes))


def _insert_samples(rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        # The hot path: every value is a number, a grid code (digits), a date or a time: no escaping.
        columns = ", ".join(Sample._meta.get_field(f.removesuffix("_id")).column for f in _SAMPLE_FIELDS)
        null = "\\N"
        text = "".join(f"{r}\t{t}\t{p}\t{g}\t{d.isoformat()}\t{a.isoformat()}\t{'t' if rep else 'f'}\t"
                       f"{null if by is None else by}\n" for r, t, p, g, d, a, rep, by in rows)
        with connection.cursor() as cursor, cursor.copy(
                f"COPY {Sample._meta.db_table} ({columns}) FROM STDIN") as copy:
            copy.write(text)
        return
    Sample.objects.bulk_create([Sample(**dict(zip(_SAMPLE_FIELDS, row, strict=True))) for row in rows],
                               batch_size=5000)


@transaction.atomic
def batch_ingest(*, actor: Actor, batch_id: str, point_id: int, tubes: list[dict]) -> BatchResult:
    """A sampling device's batch of tubes with the people in each.  Idempotent by ``batch_id``: a
    batch sent again answers what was recorded the first time and records nothing.  A person already
    sampled that day of the round (before, or earlier in the batch) is recorded as a repeat.

    ``tubes``: ``[{"barcode", "capacity"?, "opened_at"?, "closed_at"?, "samples": [{"resident_id" |
    "id_number" | "code", "sampled_at"?}]}]``.  A tube whose barcode is already used, and a person not
    found in reach, are reported in ``problems`` and skipped; everything else is recorded."""
    user = actor.user
    point = selectors.point_in_reach(user=user, pk=point_id)
    require(user, "testing.sample", point)
    batch_id = (batch_id or "").strip()
    if not BATCH_ID_RE.match(batch_id):
        raise ValidationFailed(_("批次号应为 1 到 64 位字母、数字或 _.:-"), code="batch_id_invalid",
                               errors={"batch_id": _("格式错误")})
    if len(tubes) > MAX_BATCH_TUBES:
        raise ValidationFailed(_("一批最多 %(max)s 管") % {"max": MAX_BATCH_TUBES}, code="batch_too_large",
                               errors={"tubes": _("过多")})
    existing = DeviceBatch.objects.filter(batch_id=batch_id).first()
    if existing is not None:
        if existing.round_id != point.round_id or not selectors.point_queryset(user=user, rnd=point.round).exists():
            raise NotFound(_("未找到该采样点，或不在您的管辖范围内"))
        return BatchResult(batch_id, False, existing.tubes, existing.samples, existing.repeats, existing.problems)
    rnd = Round.objects.select_for_update().get(pk=point.round_id)  # one batch of a round at a time: repeats exact
    now = timezone.now()
    problems: list[dict] = []
    all_samples = [s for t in tubes for s in t.get("samples", [])]
    people = _resolve_batch_people(user, all_samples, problems)
    barcodes = [str(t.get("barcode", "")).strip() for t in tubes]
    used = _used_barcodes([b for b in barcodes if BARCODE_RE.match(b)])
    pool = selectors.pool_size(rnd)
    batch = DeviceBatch.objects.create(batch_id=batch_id, round=rnd, grid_code=point.grid_code, by=user)
    new_tubes, plans, seen_barcodes = [], [], set()
    for t, barcode in zip(tubes, barcodes, strict=True):
        if not BARCODE_RE.match(barcode) or barcode in used or barcode in seen_barcodes:
            problems.append({"code": "barcode_used" if barcode in used or barcode in seen_barcodes
                             else "barcode_invalid", "barcode": barcode[:40]})
            continue
        seen_barcodes.add(barcode)
        opened = t.get("opened_at") or now
        closed = t.get("closed_at") or now
        members = []
        for s in t.get("samples", []):
            key = _sample_key(s)
            if key not in people:
                if key[0] != "code":
                    problems.append({"code": "not_found", "barcode": barcode, "person": str(key[1])[-4:]})
                continue
            members.append((people[key], s.get("sampled_at") or opened))
        capacity = int(t.get("capacity") or (1 if len(members) == 1 and pool > 1 and t.get("single") else pool))
        capacity = max(capacity, len(members), 1)
        day = selectors.round_day(rnd, timezone.localdate(opened))
        new_tubes.append(Tube(round=rnd, point=point, grid_code=point.grid_code, barcode=barcode, capacity=capacity,
                              size=len(members), day=day, status=Tube.Status.CLOSED, opened_at=opened,
                              closed_at=closed, batch=batch, opened_by=user))
        plans.append(members)
    _insert_tubes(new_tubes)
    days = {tube.day for tube in new_tubes}
    ids = {pk for members in plans for (pk, _g), _at in members}
    counted = _counted(rnd, days, ids)
    rows, repeats = [], 0
    for tube, members in zip(new_tubes, plans, strict=True):
        for (pk, grid_code), at in members:
            key = (tube.day, pk)
            repeat = key in counted
            counted.add(key)
            repeats += repeat
            rows.append((rnd.pk, tube.pk, pk, grid_code, tube.day, at, repeat, user.pk))
    _insert_samples(rows)
    batch.tubes, batch.samples, batch.repeats = len(new_tubes), len(rows) - repeats, repeats
    batch.problems = problems[:200]
    batch.save(update_fields=["tubes", "samples", "repeats", "problems"])
    open_tasks = list(SamplingTask.objects.filter(round=rnd, status=SamplingTask.Status.OPEN)
                      .values_list("pk", "resident_id"))  # few: retests and door visits of the round
    done = [pk for pk, resident_id in open_tasks if resident_id in ids]
    if done:
        SamplingTask.objects.filter(pk__in=done).update(status=SamplingTask.Status.DONE, done_at=now)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=batch,
                 changes={"tubes": len(new_tubes), "samples": len(rows), "repeats": repeats, "problems": len(problems)})
    return BatchResult(batch_id, True, len(new_tubes), len(rows) - repeats, repeats, problems[:200])


# --- Lab results ---------------------------------------------------------------------------------

RESULT_WORDS = {
    "negative": Tube.Result.NEGATIVE, "阴性": Tube.Result.NEGATIVE, "-": Tube.Result.NEGATIVE,
    "positive": Tube.Result.POSITIVE, "阳性": Tube.Result.POSITIVE, "+": Tube.Result.POSITIVE,
    "invalid": Tube.Result.INVALID, "无效": Tube.Result.INVALID,
}


@dataclass
class ResultReport:
    recorded: int = 0
    unchanged: int = 0
    positive_pools: list[int] = field(default_factory=list)  # tube ids
    positive_singles: list[int] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"row", "barcode", "code", "message"}

    def add(self, row: int, barcode: str, code: str, message: str) -> None:
        self.errors.append({"row": row, "barcode": barcode[:40], "code": code, "message": str(message)})


def results_record(*, actor: Actor, lab: str, rows: list[dict]) -> ResultReport:
    """A lab's results, one row per tube barcode (``{"barcode", "result", "received_at"?,
    "resulted_at"?}``).  Every bad row is reported with its number and code; the good ones are
    recorded.  Each positive is its own transaction with all its consequences."""
    user = actor.user
    require(user, "testing.result.record")
    report = ResultReport()
    lab = CONTROL_CHARS.sub("", lab or "").strip()[:100]
    if len(rows) > MAX_RESULT_ROWS:
        raise ValidationFailed(_("一次最多 %(max)s 行") % {"max": MAX_RESULT_ROWS}, code="too_many_rows",
                               errors={"rows": _("过多")})
    now = timezone.now()
    parsed: dict[str, tuple[int, str, Any, Any]] = {}
    for number, row in enumerate(rows, start=1):
        number = int(row.get("row") or number)
        barcode = str(row.get("barcode") or "").strip()
        word = str(row.get("result") or "").strip().lower()
        if not BARCODE_RE.match(barcode):
            report.add(number, barcode, "barcode_invalid", _("采样管条码格式错误"))
            continue
        if word not in RESULT_WORDS:
            report.add(number, barcode, "result_invalid", _("检测结果应为阴性、阳性或无效"))
            continue
        if barcode in parsed:
            report.add(number, barcode, "barcode_repeated", _("同一采样管在文件中出现多次"))
            continue
        received, resulted = row.get("received_at") or now, row.get("resulted_at") or now
        if resulted < received or resulted > now + dt.timedelta(minutes=5):
            report.add(number, barcode, "result_time_invalid", _("出结果时间不能早于接收时间或晚于现在"))
            continue
        parsed[barcode] = (number, RESULT_WORDS[word], received, resulted)
    tubes = {t.barcode: t for t in Tube.objects.restrict(user, "testing.view").filter(barcode__in=list(parsed))}
    negatives: list[tuple[Tube, tuple]] = []
    for barcode, (number, result, received, resulted) in parsed.items():
        tube = tubes.get(barcode)
        if tube is None:
            report.add(number, barcode, "not_found", _("未找到该采样管，或不在您的管辖范围内"))
            continue
        if tube.result != Tube.Result.PENDING:
            if tube.result == result:
                report.unchanged += 1
            else:
                report.add(number, barcode, "result_already_recorded", _("该采样管已有不同的结果"))
            continue
        if tube.status == Tube.Status.OPEN:
            report.add(number, barcode, "tube_not_closed", _("该采样管尚未封管"))
            continue
        if result == Tube.Result.POSITIVE:
            try:
                _positive(actor=actor, tube=tube, lab=lab, received=received, resulted=resulted)
            except DomainError as exc:
                report.add(number, barcode, exc.code, exc.message)
                continue
            (report.positive_pools if tube.pooled else report.positive_singles).append(tube.pk)
            report.recorded += 1
        else:
            negatives.append((tube, (result, received, resulted)))
    if negatives:
        _record_negatives(actor=actor, lab=lab, negatives=negatives)
        report.recorded += len(negatives)
    return report


@transaction.atomic
def _record_negatives(*, actor: Actor, lab: str, negatives: list[tuple[Tube, tuple]]) -> None:
    for tube, (result, received, resulted) in negatives:
        tube.status, tube.result, tube.lab, tube.received_at, tube.resulted_at = (
            Tube.Status.RESULTED, result, lab, received, resulted)
    Tube.objects.bulk_update([t for t, _r in negatives], ["status", "result", "lab", "received_at", "resulted_at"],
                             batch_size=2000)
    # A negative single tube of someone under control (a positive pool's member) lifts the control.
    singles = [t.pk for t, (result, *_rest) in negatives if not t.pooled and result == Tube.Result.NEGATIVE]
    cleared = list(Control.objects.filter(
        ended_at__isnull=True, resident_id__in=Sample.objects.filter(tube_id__in=singles).values("resident_id"),
    ).values_list("resident_id", flat=True)) if singles else []
    if cleared:
        Control.objects.filter(resident_id__in=cleared, ended_at__isnull=True).update(ended_at=timezone.now())
        _recolour(cleared, reason="testing.retest_negative")
    audit.record(actor=actor, action=AuditAction.UPDATE, object_type="testing.tube", object_repr=lab or "lab",
                 grid_code=negatives[0][0].grid_code,
                 changes={"results": dict(Counter(r for _t, (r, *_x) in negatives)), "tubes": len(negatives),
                          "controls_lifted": len(cleared)})


@transaction.atomic
def _positive(*, actor: Actor, tube: Tube, lab: str, received, resulted) -> None:
    tube = Tube.objects.select_for_update().get(pk=tube.pk)
    if tube.result != Tube.Result.PENDING:
        raise Conflict(_("该采样管已有结果"), code="result_already_recorded")
    tube.status, tube.result, tube.lab, tube.received_at, tube.resulted_at = (
        Tube.Status.RESULTED, Tube.Result.POSITIVE, lab, received, resulted)
    tube.save(update_fields=["status", "result", "lab", "received_at", "resulted_at"])
    if tube.pooled:
        positive_pool(actor=actor, tube=tube)
    else:
        positive_single(actor=actor, tube=tube)


def positive_pool(*, actor: Actor, tube: Tube) -> list[int]:
    """A positive pool, inside the caller's transaction: its members under temporary control (codes
    yellow), a single-tube retest for each (at the door for those at home under an order), their
    grid workers alerted with the recall list.  Returns the members' ids."""
    now = timezone.now()
    members = dict(Sample.objects.filter(tube=tube).values_list("resident_id", "grid_code"))
    ids = list(members)
    Control.objects.bulk_create([Control(resident_id=pk, grid_code=g, tube=tube, since=now)
                                 for pk, g in members.items()], ignore_conflicts=True)
    at_door = selectors.at_home_under_control(ids)
    SamplingTask.objects.bulk_create([
        SamplingTask(round_id=tube.round_id, resident_id=pk, grid_code=g, kind=SamplingTask.Kind.RETEST,
                     at_door=pk in at_door, tube=tube, created_at=now) for pk, g in members.items()])
    by_grid = Counter(members.values())
    link = reverse("testing:recall", args=[tube.pk])
    for grid_code, count in sorted(by_grid.items()):
        alert_raise(kind=AlertKind.POSITIVE_TEST, role=Role.GRID_WORKER, grid_code=grid_code,
                    title=_("混管阳性：%(n)s 人待单管复检（管码 %(barcode)s）") % {"n": count, "barcode": tube.barcode},
                    body=_("请立即通知以下人员原地等待单管复检，居家隔离者上门采样"), link=link,
                    object_type="testing.tube", object_id=str(tube.pk),
                    dedupe_key=f"testing.pool:{tube.pk}:{grid_code}")
    _recolour(ids, reason="testing.positive_pool")
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=tube, field="result",
                 changes={"result": ["pending", "positive"], "members": sorted(ids), "at_door": sorted(at_door)})
    return ids


def positive_single(*, actor: Actor, tube: Tube) -> None:
    """A positive single tube: its person enters the four-category loop as a suspected case, with the
    tube as evidence (the CDC confirms or excludes from there)."""
    from wangge.health.models import EpidemicStatus
    from wangge.health.services import current_status
    from wangge.health.transitions import is_allowed

    sample = Sample.objects.filter(tube=tube).select_related("resident").order_by("id").first()
    if sample is None:
        return
    resident = sample.resident
    Control.objects.filter(resident=resident, ended_at__isnull=True).update(ended_at=timezone.now())
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=tube, field="result",
                 changes={"result": ["pending", "positive"], "members": [resident.pk]})
    if not is_allowed(current_status(resident), EpidemicStatus.SUSPECTED):
        return  # already a case (or suspected): the loop has them
    from wangge.health.services import status_change

    status_change(actor=actor, resident_id=resident.pk, to_status=EpidemicStatus.SUSPECTED,
                  reason=_("核酸检测单管阳性"),
                  evidence={"test_result": _("单管阳性（管码 %(barcode)s，%(lab)s）") % {
                      "barcode": tube.barcode, "lab": tube.lab or "-"}, "nat_tube_id": tube.pk})


# --- Lab results from a file ---------------------------------------------------------------------


def results_import(*, actor: Actor, lab: str, path) -> ResultReport:
    """A lab's Excel or CSV file (条码, 结果, 接收时间, 出结果时间), through the people import's reader:
    a file refused as a whole is one error (row 0); every bad row is reported."""
    from wangge.people.imports import Column, FileProblem, map_columns, read_table

    require(actor.user, "testing.result.record")
    columns = [Column("barcode", "条码", True, ("采样管条码", "管码", "样本编号")),
               Column("result", "结果", True, ("检测结果",)),
               Column("received_at", "接收时间", False, ()), Column("resulted_at", "出结果时间", False, ("报告时间",))]
    report = ResultReport()
    try:
        table = read_table(path)
        mapping = map_columns(table.headers, columns)
        rows = []
        for number, cells in table.rows:
            if not any(str(c).strip() for c in cells):
                continue
            cell = {k: (cells[i] if i < len(cells) else "") for k, i in mapping.items()}
            row: dict[str, Any] = {"row": number, "barcode": cell.get("barcode", ""), "result": cell.get("result", "")}
            bad = False
            for key in ("received_at", "resulted_at"):
                text = str(cell.get(key, "") or "").strip()
                if text:
                    try:
                        value = dt.datetime.fromisoformat(text)
                    except ValueError:
                        report.add(number, row["barcode"], "time_invalid", _("时间格式应为 2022-04-01 08:30"))
                        bad = True
                        break
                    row[key] = timezone.make_aware(value) if timezone.is_naive(value) else value
            if not bad:
                rows.append(row)
    except FileProblem as problem:
        report.add(0, "", problem.code, problem.message)
        return report
    found = results_record(actor=actor, lab=lab, rows=rows)
    found.errors = sorted(report.errors + found.errors, key=lambda e: e["row"])
    return found


# --- Coverage: exemptions ------------------------------------------------------------------------


@transaction.atomic
def exemption_add(*, actor: Actor, round_id: int, resident_id: int, kind: str, note: str = "") -> Exemption:
    """Bedridden: a door-to-door sampling task; away: a note, and off the untested list."""
    user = actor.user
    rnd = selectors.round_in_reach(user=user, pk=round_id)
    resident = resident_in_reach(user=user, pk=resident_id)
    require(user, "testing.exempt", resident)
    if not resident.grid_code.startswith(rnd.grid_code):
        raise NotFound(_("未找到该居民，或不在您的管辖范围内"))
    if kind not in Exemption.Kind.values:
        raise ValidationFailed(_("未知的类型"), code="exemption_kind_invalid", errors={"kind": _("未知的类型")})
    note = (note or "").strip()[:200]
    if kind == Exemption.Kind.AWAY and not note:
        raise ValidationFailed(_("请说明去向"), code="note_required", errors={"note": _("必填")})
    exemption, created = Exemption.objects.update_or_create(
        round=rnd, resident=resident,
        defaults={"kind": kind, "note": note, "grid_code": resident.grid_code, "by": user})
    if kind == Exemption.Kind.BEDRIDDEN and not SamplingTask.objects.filter(
            round=rnd, resident=resident, kind=SamplingTask.Kind.DOOR, status=SamplingTask.Status.OPEN).exists():
        SamplingTask.objects.create(round=rnd, resident=resident, grid_code=resident.grid_code,
                                    kind=SamplingTask.Kind.DOOR, at_door=True, created_at=timezone.now())
    audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=exemption,
                 object_repr=resident.name, changes={"kind": [None, kind], "note": [None, note]})
    return exemption
