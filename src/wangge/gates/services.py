"""Writes of gates: setting up checkpoints, the roster and passes, and the scan itself.

``scan`` is the online decision in one round trip: the code is verified here (signature, key,
expiry), the person and their colour now come from one indexed query, a pass or quota from at
most one more, and the entry or exit is inserted with the decision; a retry with the same
``uuid`` gets the decision already taken.  ``scans_upload`` records what a gate decided offline:
each scan carries the uuid its device made, so a batch sent twice records once (PostgreSQL:
``COPY`` into a temporary table, then one ``INSERT … ON CONFLICT DO NOTHING``)."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid as uuidlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.accounts.permissions import can, require
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.codes.models import HealthCode
from wangge.codes.selectors import current_colour
from wangge.codes.services import verify_token
from wangge.core.errors import NotFound, ValidationFailed
from wangge.gates import rules, selectors
from wangge.gates.models import Checkpoint, ControlLevel, GateDuty, GatePass, GateScan, QuotaUse, Visitor
from wangge.gates.selectors import (
    DUTY_MARGIN,
    SCAN,
    Person,
    gate_for_guard,
    household_quota_key,
    mask_name,
    outing_period,
    pass_quota_key,
)
from wangge.grid.models import Building, Grid
from wangge.people.selectors import resident_in_reach

MAX_BATCH = 5000
# An offline scan may be this far in the device's future (clocks differ) and this old.
CLOCK_SKEW = dt.timedelta(minutes=5)
OLDEST_OFFLINE = dt.timedelta(days=30)
DIRECTIONS = {"in": GateScan.Direction.IN, "out": GateScan.Direction.OUT}
METHODS = {"token": GateScan.Method.TOKEN, "paper": GateScan.Method.PAPER, "id": GateScan.Method.ID_NUMBER}


def tenths(temperature: Decimal | None) -> int | None:
    return None if temperature is None else int(Decimal(temperature) * 10)


# --- Checkpoints, roster, passes ------------------------------------------------------------------

@transaction.atomic
def checkpoint_create(*, actor: Actor, grid_code: str, name: str, compound: str = "",
                      level: str = ControlLevel.OPEN) -> Checkpoint:
    """A gate of a compound in a grid in reach.  The compound is named as its buildings name it;
    a compound's gates share its level (a new gate takes the level its compound has)."""
    user = actor.user
    grid = Grid.objects.restrict(user, "view").filter(code=grid_code).first()
    if grid is None:
        raise NotFound(_("未找到该网格，或不在您的管辖范围内"))
    require(user, "gates.checkpoint.manage", grid)
    compound = (compound or "").strip()
    if compound and not Building.objects.filter(grid__community_id=grid.community_id, compound=compound).exists():
        raise ValidationFailed(_("该社区没有名为“%(name)s”的小区") % {"name": compound}, code="compound_unknown",
                               errors={"compound": _("小区不存在")})
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写卡口名称"), code="name_required", errors={"name": _("必填")})
    key = selectors.compound_key(grid.code, compound)
    sibling = Checkpoint.objects.filter(compound_key=key).order_by("id").first()
    if sibling is not None:
        level = sibling.level
    if level not in ControlLevel.values:
        raise ValidationFailed(_("管控级别无效"), code="level_invalid", errors={"level": _("取值无效")})
    checkpoint = Checkpoint.objects.create(grid_code=grid.code, compound=compound, compound_key=key,
                                           name=name[:100], level=level)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=checkpoint)
    return checkpoint


@transaction.atomic
def compound_level_set(*, actor: Actor, checkpoint_id: int, level: str, outing_days: int | None = None,
                       outing_people: int | None = None) -> int:
    """Set the control level of the checkpoint's compound, on every gate of it at once; returns
    how many gates changed.  Gates learn it on their next sync (at most a minute)."""
    user = actor.user
    checkpoint = selectors.checkpoint_in_reach(user=user, pk=checkpoint_id)
    require(user, "gates.checkpoint.manage", checkpoint)
    if level not in ControlLevel.values:
        raise ValidationFailed(_("管控级别无效"), code="level_invalid", errors={"level": _("取值无效")})
    changes = {"level": level}
    if outing_days is not None:
        if not 1 <= outing_days <= 30:
            raise ValidationFailed(_("外出周期应在 1 到 30 天之间"), code="outing_days_out_of_range",
                                   errors={"outing_days": _("超出范围")})
        changes["outing_days"] = outing_days
    if outing_people is not None:
        if not 1 <= outing_people <= 10:
            raise ValidationFailed(_("每户外出人数应在 1 到 10 之间"), code="outing_people_out_of_range",
                                   errors={"outing_people": _("超出范围")})
        changes["outing_people"] = outing_people
    before = checkpoint.level
    changed = Checkpoint.objects.filter(compound_key=checkpoint.compound_key).update(**changes)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=checkpoint,
                 changes={"level": [before, level], "gates": [None, changed]})
    selectors.forget_access()
    return changed


@transaction.atomic
def duty_add(*, actor: Actor, checkpoint_id: int, username: str, kind: str, starts_at: dt.datetime,
             ends_at: dt.datetime) -> GateDuty:
    """Put someone on a gate's roster for a shift.  The guard needs an account whose role may
    scan; a guard who is not staff of the area (a property guard, a resident taking a turn) gets
    nothing else from it: their account reaches no lists, only this gate during the shift."""
    user = actor.user
    checkpoint = selectors.checkpoint_in_reach(user=user, pk=checkpoint_id)
    require(user, "gates.checkpoint.manage", checkpoint)
    from wangge.gates.models import GuardKind

    if kind not in GuardKind.values:
        raise ValidationFailed(_("值守身份无效"), code="guard_kind_invalid", errors={"kind": _("取值无效")})
    if ends_at <= starts_at:
        raise ValidationFailed(_("结束时间应晚于开始时间"), code="end_before_start",
                               errors={"ends_at": _("早于开始时间")})
    if ends_at - starts_at > dt.timedelta(days=31):
        raise ValidationFailed(_("一个班次最长 31 天"), code="shift_too_long", errors={"ends_at": _("超出范围")})
    guard = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if guard is None or not guard.may(SCAN):
        raise ValidationFailed(_("未找到可以值守卡口的账号"), code="guard_unknown",
                               errors={"username": _("账号不存在或不能值守")})
    duty = GateDuty.objects.create(checkpoint=checkpoint, grid_code=checkpoint.grid_code, user=guard, kind=kind,
                                   starts_at=starts_at, ends_at=ends_at)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=duty,
                 changes={"guard": [None, guard.username], "kind": [None, kind]})
    selectors.forget_access()
    return duty


@transaction.atomic
def duty_end(*, actor: Actor, duty_id: int) -> GateDuty:
    """End a shift now (a guard relieved early): the gate refuses them within ``WANGGE_GATE_ACCESS_SECONDS``."""
    user = actor.user
    duty = GateDuty.objects.restrict(user, "gates.checkpoint.manage").filter(pk=duty_id).select_for_update().first()
    if duty is None:
        raise NotFound(_("未找到该排班，或不在您的管辖范围内"))
    now = timezone.now()
    if duty.ends_at > now:
        before = duty.ends_at
        duty.ends_at = max(now, duty.starts_at)
        duty.save(update_fields=["ends_at"])
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=duty, changes={"ends_at": [str(before), str(now)]})
    selectors.forget_access()
    return duty


@transaction.atomic
def pass_issue(*, actor: Actor, checkpoint_id: int, resident_id: int, kind: str, valid_until: dt.datetime,
               daily_quota: int | None = None, valid_from: dt.datetime | None = None) -> GatePass:
    """Issue a pass (出入证) for the compound of a gate to a resident in reach."""
    user = actor.user
    checkpoint = selectors.checkpoint_in_reach(user=user, pk=checkpoint_id)
    holder = resident_in_reach(user=user, pk=resident_id)
    require(user, "gates.pass.issue", checkpoint)
    if kind not in GatePass.Kind.values:
        raise ValidationFailed(_("出入证类别无效"), code="pass_kind_invalid", errors={"kind": _("取值无效")})
    now = timezone.now()
    valid_from = valid_from or now
    if valid_until <= valid_from:
        raise ValidationFailed(_("失效时间应晚于生效时间"), code="end_before_start",
                               errors={"valid_until": _("早于生效时间")})
    if valid_until - valid_from > dt.timedelta(days=92):
        raise ValidationFailed(_("出入证有效期最长 92 天"), code="pass_too_long", errors={"valid_until": _("超出范围")})
    if daily_quota is not None and not 1 <= daily_quota <= 50:
        raise ValidationFailed(_("每日外出次数应在 1 到 50 之间"), code="daily_quota_out_of_range",
                               errors={"daily_quota": _("超出范围")})
    for _attempt in range(5):
        try:
            with transaction.atomic():
                gate_pass = GatePass.objects.create(
                    holder=holder, grid_code=checkpoint.grid_code, compound_key=checkpoint.compound_key,
                    number="CRZ" + secrets.token_hex(6).upper(), kind=kind, valid_from=valid_from,
                    valid_until=valid_until, daily_quota=daily_quota, issued_by=user)
            break
        except IntegrityError:  # pragma: no cover - 48 random bits collided
            continue
    audit.record(actor=actor, action=AuditAction.CREATE, obj=gate_pass,
                 changes={"holder": [None, holder.pk], "kind": [None, kind], "valid_until": [None, str(valid_until)]})
    return gate_pass


@transaction.atomic
def pass_revoke(*, actor: Actor, pass_id: int) -> GatePass:
    user = actor.user
    gate_pass = GatePass.objects.restrict(user, "view").filter(pk=pass_id).select_for_update().first()
    if gate_pass is None:
        raise NotFound(_("未找到该出入证，或不在您的管辖范围内"))
    require(user, "gates.pass.issue", gate_pass)
    if gate_pass.revoked_at is None:
        gate_pass.revoked_at = timezone.now()
        gate_pass.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=gate_pass, changes={"revoked": [False, True]})
    return gate_pass


# --- The scan ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScanResult:
    uuid: str
    passed: bool
    reason: str
    colour: str
    name: str  # masked
    door: str
    direction: str
    at: dt.datetime
    pass_kind: str = ""
    recorded: bool = True  # False: this uuid was decided before; the stored decision is returned

    @property
    def reason_text(self) -> str:
        return str(rules.REASONS.get(self.reason, self.reason))


def _quota_take(key: str, limit: int, day: dt.date) -> bool:
    """Take one place of a quota, atomically: one upsert that only increments below the limit."""
    table = QuotaUse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, used, day) VALUES (%s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET used = {table}.used + 1 WHERE {table}.used < %s RETURNING used",
            [key, day, limit])
        return cursor.fetchone() is not None


def _quota_add(counts: dict[tuple[str, dt.date], int]) -> None:
    """Add what gates used offline (the decision was taken; nothing is refused here)."""
    table = QuotaUse._meta.db_table
    with connection.cursor() as cursor:
        for (key, day), n in counts.items():
            cursor.execute(f"INSERT INTO {table} (key, used, day) VALUES (%s, %s, %s) "
                           f"ON CONFLICT (key) DO UPDATE SET used = {table}.used + %s", [key, n, day, n])


_INSERT_SQL: list[str] = []


def _insert_one(row: tuple) -> None:
    """Insert one scan, a prepared statement on PostgreSQL (IntegrityError for a uuid already recorded).

    On PostgreSQL the transaction's COMMIT then returns before its WAL reaches the disk (``SET
    LOCAL synchronous_commit``).  A gate's decision is taken and shown
    whatever happens next; waiting for the disk's flush (about 7 ms on the bench machine, more than
    the rest of the decision) buys only that an acknowledged scan survives a crash of the database
    within the next few hundred milliseconds (``wal_writer_delay`` x 3); the database stays
    consistent either way.  Offline batches still wait (a device deletes its queue on the answer),
    and so does a scan found by ID number, whose audit entry shares its transaction."""
    if not _INSERT_SQL:
        names, values = ", ".join(COLUMNS), ", ".join(["%s"] * len(COLUMNS))
        _INSERT_SQL.append(f"INSERT INTO {GateScan._meta.db_table} ({names}) VALUES ({values})")
    u, checkpoint_id, grid_code, at, *rest = row
    audited = row[6] == GateScan.Method.ID_NUMBER and row[4] is not None
    if connection.vendor == "postgresql":
        if not audited:
            selectors.hot_query("SET LOCAL synchronous_commit TO OFF", [])
        selectors.hot_query(_INSERT_SQL[0], [u, checkpoint_id, grid_code, at, *rest])
    else:
        selectors.hot_query(_INSERT_SQL[0],
                            [u.hex, checkpoint_id, grid_code, connection.ops.adapt_datetimefield_value(at), *rest])


def _stored(scan_uuid: uuidlib.UUID) -> ScanResult:
    row = GateScan.objects.select_related("resident", "gate_pass").get(uuid=scan_uuid)
    return ScanResult(uuid=str(row.uuid), passed=row.passed, reason=row.reason or "ok", colour=row.colour,
                      name=mask_name(row.resident.name) if row.resident else "", door="",
                      direction=row.direction, at=row.at, pass_kind=row.gate_pass.kind if row.gate_pass else "",
                      recorded=False)


def _identify(*, token: str, paper_code: str, id_number: str, now: dt.datetime
              ) -> tuple[Person | None, str, str, str]:
    """(person, method, reason if refused before deciding, colour) of what was shown."""
    if token:
        try:
            verified = verify_token(token, now=now)
        except ValidationFailed as exc:
            return None, GateScan.Method.TOKEN, exc.code, ""
        person = selectors.person_by_ref(verified.ref)
        if person is None:
            return None, GateScan.Method.TOKEN, "code_unknown", verified.colour
        # The colour now, from the row every status change updates; the token's may be older.
        return person, GateScan.Method.TOKEN, "", person.colour or verified.colour
    if paper_code:
        person, reason = selectors.person_by_paper_code(paper_code)
        method = GateScan.Method.PAPER
    else:
        person = selectors.person_by_id_number(id_number)
        reason, method = ("" if person else "id_unknown"), GateScan.Method.ID_NUMBER
    if person is None:
        return None, method, reason, ""
    colour = person.colour or current_colour(person.resident_id)[0]
    return person, method, "", colour


def scan(*, actor: Actor, checkpoint_id: int, direction: str, temperature: Decimal | None, mask: bool | None,
         token: str = "", paper_code: str = "", id_number: str = "", scan_uuid: uuidlib.UUID | None = None
         ) -> ScanResult:
    """Decide at a gate, online, and record the entry or exit with the four musts."""
    user = actor.user
    require(user, SCAN)
    now = timezone.now()
    access = gate_for_guard(user=user, checkpoint_id=checkpoint_id, now=now)
    checkpoint = access.checkpoint
    shown = [bool(token), bool(paper_code), bool(id_number)]
    if sum(shown) != 1:
        raise ValidationFailed(_("请扫码，或输入纸质码或证件号码（三选一）"), code="code_required",
                               errors={"token": _("三选一")})
    if direction not in DIRECTIONS:
        raise ValidationFailed(_("方向应为进或出"), code="direction_invalid", errors={"direction": _("取值无效")})
    d = DIRECTIONS[direction]
    scan_uuid = scan_uuid or uuidlib.uuid4()
    person, method, refused, colour = _identify(token=token, paper_code=paper_code, id_number=id_number, now=now)
    gate_pass = None
    if person is None:
        outcome = rules.Outcome(False, refused)
    else:
        is_resident = person.compound_key == checkpoint.compound_key
        rule = rules.LEVEL_RULES[checkpoint.level]
        needs_pass = not is_resident or (d == GateScan.Direction.OUT and rule.resident_exit != "free")
        pass_state, gate_pass = (selectors.pass_for(holder_id=person.resident_id, compound=checkpoint.compound_key,
                                                    now=now) if needs_pass else ("none", None))
        outcome = rules.decide(rules.Facts(
            level=checkpoint.level, direction=d, colour=colour, under_order=person.under_order,
            is_resident=is_resident, pass_state=pass_state, temperature=tenths(temperature), mask=mask))
    # A person from elsewhere is not this gate's to place: their door stays unsaid.
    door = person.door if person is not None and person.compound_key == checkpoint.compound_key else ""
    today = timezone.localdate(now)
    audited = method == GateScan.Method.ID_NUMBER and person is not None
    try:
        with transaction.atomic():
            if outcome.uses_quota:
                period = outing_period(today, checkpoint.outing_days)
                if not _quota_take(household_quota_key(person.household_id, period), checkpoint.outing_people,
                                   period):
                    outcome = rules.Outcome(False, "quota_used")
            elif (outcome.uses_pass and gate_pass.daily_quota is not None
                  and not _quota_take(pass_quota_key(gate_pass.pk, today), gate_pass.daily_quota, today)):
                outcome = rules.Outcome(False, "pass_quota_used")
            _insert_one((scan_uuid, checkpoint.pk, checkpoint.grid_code, now,
                         person.resident_id if person else None, d, method, outcome.passed,
                         "" if outcome.passed else outcome.reason, colour or "", tenths(temperature), mask,
                         gate_pass.pk if gate_pass else None, user.pk, False))
            if audited:  # the audit log never loses an entry: this transaction waits for the disk
                audit.record(actor=actor, action=AuditAction.VIEW, object_type="people.resident",
                             object_id=str(person.resident_id), grid_code=checkpoint.grid_code,
                             field="id_number", note=_("卡口按证件号核验"))
    except (IntegrityError, connection.Database.IntegrityError):
        # The same scan sent again (a retry after a lost answer): the decision already taken.  (The
        # prepared INSERT runs on the raw connection, whose errors Django has not wrapped.)
        return _stored(scan_uuid)
    return ScanResult(uuid=str(scan_uuid), passed=outcome.passed, reason=outcome.reason, colour=colour or "",
                      name=mask_name(person.name) if person else "", door=door, direction=direction, at=now,
                      pass_kind=gate_pass.kind if gate_pass else "")


# --- Offline scans, uploaded in batches --------------------------------------------------------------

@dataclass(frozen=True)
class OfflineScan:
    uuid: uuidlib.UUID
    at: dt.datetime
    direction: str  # "in" / "out"
    method: str  # "token" / "paper" / "id"
    ref: str
    colour: str
    passed: bool
    reason: str
    temperature: Decimal | None
    mask: bool | None
    pass_id: int | None = None
    uses_quota: bool = False


@dataclass(frozen=True)
class UploadResult:
    received: int
    recorded: int
    duplicates: int
    refused: list[str]  # uuids outside the guard's shifts at this gate (not recorded)


def _windows(user, checkpoint: Checkpoint) -> list[tuple[dt.datetime, dt.datetime]] | None:
    """The times ``user`` may have scanned at the gate; None: any time (a manager of its area)."""
    if can(user, "gates.checkpoint.manage", checkpoint):
        return None
    return [(s - DUTY_MARGIN, e + DUTY_MARGIN) for s, e in
            GateDuty.objects.filter(user=user, checkpoint=checkpoint).values_list("starts_at", "ends_at")]


COLUMNS = ("uuid", "checkpoint_id", "grid_code", "at", "resident_id", "direction", "method", "passed", "reason",
           "colour", "temperature", "mask", "gate_pass_id", "guard_id", "offline")


def scans_upload(*, actor: Actor, checkpoint_id: int, scans: list[OfflineScan]) -> UploadResult:
    """Record what a gate decided while it could not reach the server.  Idempotent by each scan's
    uuid; the household outings and pass exits the gate used are added to the quotas (once)."""
    user = actor.user
    require(user, SCAN)
    checkpoint = Checkpoint.objects.filter(pk=checkpoint_id, is_active=True).first()
    windows = _windows(user, checkpoint) if checkpoint is not None else []
    if checkpoint is None or windows == []:
        raise selectors.gate_not_found()
    if len(scans) > MAX_BATCH:
        raise ValidationFailed(_("每批最多 %(max)s 条") % {"max": MAX_BATCH}, code="batch_too_large",
                               errors={"scans": _("超出范围")})
    now = timezone.now()
    refused, accepted = [], []
    for s in scans:
        in_shift = windows is None or any(a <= s.at <= b for a, b in windows)
        if not in_shift or s.at > now + CLOCK_SKEW or s.at < now - OLDEST_OFFLINE:
            refused.append(str(s.uuid))
        else:
            accepted.append(s)
    # Last one wins within a batch that names a uuid twice.
    accepted = list({s.uuid: s for s in accepted}.values())
    refs = {s.ref for s in accepted if s.ref}
    people: dict[str, tuple[int, int]] = {}
    ref_list = list(refs)
    for start in range(0, len(ref_list), selectors.CHUNK):
        for ref, rid, hid in (HealthCode.objects.filter(ref__in=ref_list[start:start + selectors.CHUNK])
                              .values_list("ref", "resident_id", "resident__household_id")):
            people[ref] = (rid, hid)
    pass_ids = {s.pass_id for s in accepted if s.pass_id}
    passes = dict(GatePass.objects.filter(pk__in=pass_ids, compound_key=checkpoint.compound_key)
                  .values_list("pk", "daily_quota")) if pass_ids else {}
    rows = []
    for s in accepted:
        person = people.get(s.ref)
        rows.append((s.uuid, checkpoint.pk, checkpoint.grid_code, s.at, person[0] if person else None,
                     DIRECTIONS[s.direction], METHODS[s.method], s.passed, "" if s.passed else s.reason[:24],
                     s.colour[:1], tenths(s.temperature), s.mask, s.pass_id if s.pass_id in passes else None,
                     user.pk, True))
    with transaction.atomic():
        new = _insert_new(rows)
        counts: dict[tuple[str, dt.date], int] = {}
        by_uuid = {s.uuid: s for s in accepted}
        for u in new:
            s = by_uuid[u]
            if not (s.passed and s.direction == "out"):
                continue
            day = timezone.localdate(s.at)
            person = people.get(s.ref)
            if s.uses_quota and person:
                period = outing_period(day, checkpoint.outing_days)
                key = (household_quota_key(person[1], period), period)
            elif s.pass_id in passes and passes[s.pass_id] is not None:
                key = (pass_quota_key(s.pass_id, day), day)
            else:
                continue
            counts[key] = counts.get(key, 0) + 1
        if counts:
            _quota_add(counts)
        if new:
            audit.record(actor=actor, action=AuditAction.CREATE, obj=checkpoint, field="scans",
                         note=_("离线扫码上传 %(n)s 条") % {"n": len(new)})
    return UploadResult(received=len(scans), recorded=len(new), duplicates=len(accepted) - len(new),
                        refused=refused)


def _insert_new(rows: list[tuple]) -> list[uuidlib.UUID]:
    """Insert the rows whose uuid is new; the uuids inserted."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _insert_new_postgresql(rows)
    uuids = [r[0] for r in rows]
    seen = set()
    for start in range(0, len(uuids), 500):
        seen.update(GateScan.objects.filter(uuid__in=uuids[start:start + 500]).values_list("uuid", flat=True))
    fresh = [r for r in rows if r[0] not in seen]
    GateScan.objects.bulk_create([GateScan(**dict(zip(COLUMNS, r, strict=True))) for r in fresh],
                                 batch_size=500, ignore_conflicts=True)
    return [r[0] for r in fresh]


_COPY_UNSAFE = str.maketrans({"\\": " ", "\t": " ", "\n": " ", "\r": " "})


def _copy_line(r: tuple) -> str:
    """One row in COPY's text format, written for these columns (the generic way costs more than
    the database's part of the ingest).  Only ``reason`` is free text; the rest are typed."""
    (u, checkpoint_id, grid_code, at, resident_id, direction, method, passed, reason, colour, temperature, mask,
     pass_id, guard_id, offline) = r
    n = "\\N"
    return (f"{u}\t{checkpoint_id}\t{grid_code}\t{at.isoformat()}\t{n if resident_id is None else resident_id}\t"
            f"{direction}\t{method}\t{'t' if passed else 'f'}\t{reason.translate(_COPY_UNSAFE)}\t{colour}\t"
            f"{n if temperature is None else temperature}\t{n if mask is None else ('t' if mask else 'f')}\t"
            f"{n if pass_id is None else pass_id}\t{guard_id}\t{'t' if offline else 'f'}\n")


def _insert_new_postgresql(rows: list[tuple]) -> list[uuidlib.UUID]:
    table = GateScan._meta.db_table
    names = ", ".join(COLUMNS)
    text = "".join(_copy_line(r) for r in rows)
    with connection.cursor() as cursor:
        # A temporary table of the columns only (no constraints, no indexes), kept by the connection.
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS gates_scan_in AS SELECT {names} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY gates_scan_in ({names}) FROM STDIN") as copy:
            copy.write(text)
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM gates_scan_in "
                       f"ON CONFLICT (uuid) DO NOTHING RETURNING uuid")
        inserted = [r[0] for r in cursor.fetchall()]
        cursor.execute("TRUNCATE gates_scan_in")
    return [u if isinstance(u, uuidlib.UUID) else uuidlib.UUID(str(u)) for u in inserted]


# --- Visitors --------------------------------------------------------------------------------------

@transaction.atomic
def visitor_register(*, actor: Actor, checkpoint_id: int, name: str, phone: str, visiting: str, purpose: str,
                     temperature: Decimal | None, mask: bool | None, token: str = "") -> tuple[Visitor, ScanResult]:
    """Register a visitor at a gate and let them in, if the level receives visitors and their
    code (when they show one) is green, their temperature normal and their mask on."""
    user = actor.user
    require(user, SCAN)
    now = timezone.now()
    checkpoint = gate_for_guard(user=user, checkpoint_id=checkpoint_id, now=now).checkpoint
    errors = {f: _("必填") for f, v in (("name", name), ("phone", phone), ("visiting", visiting),
                                       ("purpose", purpose)) if not (v or "").strip()}
    if errors:
        raise ValidationFailed(_("请填写访客姓名、电话、拜访住户和事由"), code="visitor_incomplete", errors=errors)
    colour, person = "", None
    if token:
        person, _method, refused, colour = _identify(token=token, paper_code="", id_number="", now=now)
        if refused:
            outcome = rules.Outcome(False, refused)
    if not token or not refused:
        if not rules.LEVEL_RULES[checkpoint.level].visitors:
            outcome = rules.Outcome(False, "visitors_closed")
        else:
            outcome = rules.decide(rules.Facts(
                level=checkpoint.level, direction="i", colour=colour or "g",
                under_order=bool(person and person.under_order), is_resident=True, pass_state="none",
                temperature=tenths(temperature), mask=mask))
    row = GateScan.objects.create(
        uuid=uuidlib.uuid4(), checkpoint=checkpoint, grid_code=checkpoint.grid_code, at=now,
        resident_id=person.resident_id if person else None, direction=GateScan.Direction.IN,
        method=GateScan.Method.VISITOR, passed=outcome.passed, reason="" if outcome.passed else outcome.reason,
        colour=colour, temperature=tenths(temperature), mask=mask, guard_id=user.pk)
    visitor = Visitor.objects.create(checkpoint=checkpoint, grid_code=checkpoint.grid_code, scan=row,
                                     name=name.strip()[:50], phone=phone.strip()[:20], visiting=visiting.strip()[:100],
                                     purpose=purpose.strip()[:200], at=now, registered_by=user)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=visitor, changes={"passed": [None, outcome.passed]})
    return visitor, ScanResult(uuid=str(row.uuid), passed=outcome.passed, reason=outcome.reason, colour=colour,
                               name=mask_name(visitor.name), door="", direction="in", at=now)
