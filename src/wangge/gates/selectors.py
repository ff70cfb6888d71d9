"""Reads of gates: who may work which gate (the roster), the person behind a scanned code with
what the decision needs, what a gate keeps for deciding offline, and the lists.

The hot path (``gate_for_guard`` then ``person_by_ref``) is two indexed queries, the first of
them remembered by the process for ``WANGGE_GATE_ACCESS_SECONDS``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.permissions import can, role_may
from wangge.codes.models import HealthCode, PaperCode, Revocation
from wangge.core.codes import Level, prefix_at
from wangge.core.errors import NotFound
from wangge.gates.models import Checkpoint, GateDuty, GatePass, GateScan, QuotaUse, Visitor
from wangge.people.models import Resident

SCAN = "gates.scan"
# A shift's guard may open the gate this long before it starts and after it ends (handover, a
# batch uploaded after the shift).
DUTY_MARGIN = dt.timedelta(minutes=30)
UNDER_ORDER_REASONS = frozenset({"quarantine_home", "quarantine_central"})
CHUNK = 2000


def gate_not_found() -> NotFound:
    return NotFound(_("未找到该卡口，或您不在此卡口值守"), code="not_found")


def compound_key(grid_code: str, compound: str) -> str:
    """A compound's key: its community and name; its grid when its buildings name none."""
    compound = (compound or "").strip()
    if not compound:
        return f"{grid_code}:"
    return f"{prefix_at(grid_code, Level.COMMUNITY)}:{compound}"[:120]


def mask_name(name: str) -> str:
    """张*伟, 李*: what a guard needs to ask "are you …?", no more."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- Who may work a gate ---------------------------------------------------------------------------

@dataclass(frozen=True)
class GateAccess:
    checkpoint: Checkpoint
    duty_until: dt.datetime | None  # None: a manager of the gate's area, no shift needed


_access_lock = threading.Lock()
_access: dict[tuple[int, int], tuple[float, GateAccess | None]] = {}


def forget_access() -> None:
    with _access_lock:
        _access.clear()


def _read_access(user, checkpoint_id: int, now: dt.datetime) -> GateAccess | None:
    checkpoint = Checkpoint.objects.filter(pk=checkpoint_id, is_active=True).first()
    if checkpoint is None:
        return None
    if can(user, "gates.checkpoint.manage", checkpoint):
        return GateAccess(checkpoint, None)
    duty = (GateDuty.objects.filter(user=user, checkpoint=checkpoint, starts_at__lte=now + DUTY_MARGIN,
                                    ends_at__gte=now - DUTY_MARGIN)
            .order_by("-ends_at").values_list("ends_at", flat=True).first())
    return None if duty is None else GateAccess(checkpoint, duty + DUTY_MARGIN)


def gate_for_guard(*, user, checkpoint_id: int, now: dt.datetime | None = None) -> GateAccess:
    """The gate, if ``user`` may work it now: a shift there (with a margin), or the gate lies in
    the reach of a role that manages gates.  NotFound otherwise, whether or not the gate exists;
    a role that may not scan at all is refused first (Forbidden, from the caller's ``require``)."""
    now = now or timezone.now()
    if not role_may(user, SCAN) or not isinstance(checkpoint_id, int):
        raise gate_not_found()
    key = (user.pk, checkpoint_id)
    clock = time.monotonic()
    seconds = settings.WANGGE_GATE_ACCESS_SECONDS
    with _access_lock:
        cached = _access.get(key) if seconds > 0 else None
    if cached is not None and cached[0] > clock:
        access = cached[1]
    else:
        access = _read_access(user, checkpoint_id, now)
        with _access_lock:
            if len(_access) > 50_000:
                _access.clear()
            _access[key] = (clock + seconds, access)
    if access is None or (access.duty_until is not None and access.duty_until < now):
        raise gate_not_found()
    return access


def gates_of_guard(*, user, now: dt.datetime | None = None) -> QuerySet[Checkpoint]:
    """The gates ``user`` may work now: their shifts', and those in the reach of a manager."""
    now = now or timezone.now()
    if not role_may(user, SCAN):
        return Checkpoint.objects.none().order_by("grid_code", "id")
    on_duty = GateDuty.objects.filter(user=user, starts_at__lte=now + DUTY_MARGIN, ends_at__gte=now - DUTY_MARGIN)
    ids = Q(pk__in=on_duty.values("checkpoint_id"))
    managed = Checkpoint.objects.restrict(user, "gates.checkpoint.manage").values("pk")
    return Checkpoint.objects.filter(ids | Q(pk__in=managed), is_active=True).order_by("grid_code", "id")


# --- The person behind a code ------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    resident_id: int
    household_id: int
    name: str
    door: str
    compound_key: str
    colour: str | None  # the colour last computed (None: no code row yet)
    under_order: bool


def _person(resident: Resident, code: HealthCode | None) -> Person:
    household = resident.household
    building = household.unit.building
    reasons = set(code.reasons or []) if code is not None else set()
    return Person(
        resident_id=resident.pk, household_id=household.pk, name=resident.name,
        door=f"{building.name}{household.unit.name}{household.door_number}",
        compound_key=compound_key(building.grid_code, building.compound),
        colour=code.colour if code is not None else None, under_order=bool(reasons & UNDER_ORDER_REASONS))


_PERSON_PATH = "resident__household__unit__building"


def _person_sql() -> str:
    """The hot path's one query, written once from the models' tables (the ORM's compiling of a
    four-join select costs more than the database's answer)."""
    from wangge.grid.models import Building, Household, Unit

    code, resident = HealthCode._meta.db_table, Resident._meta.db_table
    household, unit, building = Household._meta.db_table, Unit._meta.db_table, Building._meta.db_table
    return (f"SELECT r.id, h.id, r.name, b.name, u.name, h.door_number, b.grid_code, b.compound, c.colour, c.reasons "
            f"FROM {code} c JOIN {resident} r ON r.id = c.resident_id JOIN {household} h ON h.id = r.household_id "
            f"JOIN {unit} u ON u.id = h.unit_id JOIN {building} b ON b.id = u.building_id WHERE c.ref = %s")


_PERSON_SQL: list[str] = []


def hot_query(sql: str, params: list, *, fetch: bool = False):
    """A statement of the hot path.  On PostgreSQL it is prepared once per connection and then
    only executed: planning the person's four joins costs ten times what running it does (3.1 ms
    against 0.23 ms on the bench machine), and Django binds parameters on the client, so nothing is
    ever prepared for it.  The raw connection is the one Django's transaction runs on."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone() if fetch else None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if fetch else None


def person_by_ref(ref: str) -> Person | None:
    """One indexed query: the code row by its reference, with the person, their door and compound."""
    if not isinstance(ref, str) or not 0 < len(ref) <= 32:
        return None
    if not _PERSON_SQL:
        _PERSON_SQL.append(_person_sql())
    row = hot_query(_PERSON_SQL[0], [ref], fetch=True)
    if row is None:
        return None
    rid, hid, name, building, unit, door, grid_code, compound, colour, reasons = row
    if isinstance(reasons, str):  # SQLite returns JSON as text
        reasons = json.loads(reasons)
    return Person(resident_id=rid, household_id=hid, name=name, door=f"{building}{unit}{door}",
                  compound_key=compound_key(grid_code, compound), colour=colour,
                  under_order=bool(set(reasons or []) & UNDER_ORDER_REASONS))


def person_by_paper_code(code: str) -> tuple[Person | None, str]:
    """The person of a paper code in force, or None with the reason code."""
    from wangge.codes.selectors import PAPER_ALPHABET, PAPER_LENGTH, normalise_paper_code

    text = normalise_paper_code(code)
    if len(text) != PAPER_LENGTH or any(c not in PAPER_ALPHABET for c in text):
        return None, "paper_code_unknown"
    paper = PaperCode.objects.select_related(_PERSON_PATH).filter(code=text).first()
    if paper is None:
        return None, "paper_code_unknown"
    if paper.revoked_at is not None:
        return None, "paper_code_revoked"
    code_row = HealthCode.objects.filter(resident_id=paper.resident_id).first()
    return _person(paper.resident, code_row), ""


def person_by_id_number(id_number: str) -> Person | None:
    """The person registered under a resident ID number (the gate's last resort)."""
    text = (id_number or "").strip().upper()
    if not 6 <= len(text) <= 30:
        return None
    resident = (Resident.objects.select_related("household__unit__building")
                .filter(id_number=text).order_by("id").first())
    if resident is None:
        return None
    return _person(resident, HealthCode.objects.filter(resident=resident).first())


def pass_for(*, holder_id: int, compound: str, now: dt.datetime) -> tuple[str, GatePass | None]:
    """The holder's best pass for a compound: ("valid", pass), ("expired", None) or ("none", None)."""
    passes = list(GatePass.objects.filter(holder_id=holder_id, compound_key=compound).order_by("-valid_until"))
    for p in passes:
        if p.revoked_at is None and p.valid_from <= now < p.valid_until:
            return "valid", p
    return ("expired" if passes else "none"), None


def outing_period(day: dt.date, days: int) -> dt.date:
    """The first day of the outing period ``day`` lies in (periods of ``days`` days from 2020-01-01)."""
    days = max(1, days)
    ordinal = day.toordinal() - dt.date(2020, 1, 1).toordinal()
    return day - dt.timedelta(days=ordinal % days)


def household_quota_key(household_id: int, period: dt.date) -> str:
    return f"h:{household_id}:{period.isoformat()}"


def pass_quota_key(pass_id: int, day: dt.date) -> str:
    return f"p:{pass_id}:{day.isoformat()}"


# --- What a gate keeps for deciding offline --------------------------------------------------------

def paper_hash(code: str) -> str:
    """A paper code as the gate page keeps it: SHA-256 of the stored form, so the cache cannot be
    printed back into cards.  The page hashes what it reads the same way."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def offline_bundle(checkpoint: Checkpoint, *, now: dt.datetime | None = None) -> dict:
    """What a gate needs to decide without the server, and nothing more: each resident of the
    compound who has a code as (reference, household number, masked name, door, colour now, under
    an order); the passes for the compound; hashed paper codes; and the outings and pass exits
    already used.  No ID numbers, no phones, no full names."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    key = checkpoint.compound_key
    if checkpoint.compound:
        community = key.split(":", 1)[0]
        buildings = Q(resident__household__unit__building__compound=checkpoint.compound,
                      resident__household__unit__building__grid_code__startswith=community)
    else:
        buildings = Q(resident__household__unit__building__grid_code=checkpoint.grid_code,
                      resident__household__unit__building__compound="")
    residents, households, by_resident = [], set(), {}
    rows = (HealthCode.objects.filter(buildings)
            .values_list("ref", "resident_id", "resident__household_id", "resident__name", "colour", "reasons",
                         "resident__household__unit__building__name", "resident__household__unit__name",
                         "resident__household__door_number")
            .order_by("id"))
    for ref, rid, hid, name, colour, reasons, building, unit, door in rows.iterator(chunk_size=CHUNK):
        under = bool(set(reasons or []) & UNDER_ORDER_REASONS)
        residents.append([ref, hid, mask_name(name), f"{building}{unit}{door}", colour, 1 if under else 0])
        households.add(hid)
        by_resident[rid] = ref
    passes = []
    pass_rows = (GatePass.objects.filter(compound_key=key, revoked_at__isnull=True, valid_until__gt=now)
                 .select_related("holder").order_by("id"))
    pass_refs = dict(HealthCode.objects.filter(resident_id__in=[p.holder_id for p in pass_rows])
                     .values_list("resident_id", "ref"))
    for p in pass_rows:
        ref = pass_refs.get(p.holder_id)
        if ref:
            passes.append([ref, p.pk, int(p.valid_from.timestamp()), int(p.valid_until.timestamp()),
                           p.daily_quota, p.kind, mask_name(p.holder.name)])
    paper = [[paper_hash(code), by_resident[rid]] for code, rid in
             PaperCode.objects.filter(resident_id__in=list(by_resident), revoked_at__isnull=True)
             .values_list("code", "resident_id") if rid in by_resident] if by_resident else []
    period = outing_period(today, checkpoint.outing_days)
    outing_keys = [household_quota_key(h, period) for h in households]
    used_outings = {}
    for start in range(0, len(outing_keys), CHUNK):
        for k, used in QuotaUse.objects.filter(key__in=outing_keys[start:start + CHUNK]).values_list("key", "used"):
            used_outings[int(k.split(":")[1])] = used
    pass_keys = [pass_quota_key(p[1], today) for p in passes]
    used_passes = {int(k.split(":")[1]): used for k, used in
                   QuotaUse.objects.filter(key__in=pass_keys).values_list("key", "used")} if pass_keys else {}
    # The worsened colours of the people this gate knows, for a guard whose role does not sync the
    # city's list (a resident taking a turn): what the gate needs of it, and nothing of anyone else.
    known = list(by_resident.values()) + [p[0] for p in passes]
    oldest = now - dt.timedelta(seconds=settings.WANGGE_CODE_TOKEN_SECONDS + 120)
    revocations = []
    for start in range(0, len(known), CHUNK):
        revocations += [[ref, colour, int(at.timestamp())] for ref, colour, at in
                        Revocation.objects.filter(ref__in=known[start:start + CHUNK], at__gte=oldest)
                        .values_list("ref", "colour", "at")]
    return {
        "revocations": revocations,
        "checkpoint": {"id": checkpoint.pk, "name": str(checkpoint), "level": checkpoint.level,
                       "level_name": str(checkpoint.get_level_display()),
                       "outing_days": checkpoint.outing_days, "outing_people": checkpoint.outing_people},
        "synced_at": int(now.timestamp()),
        "period": period.isoformat(),
        "today": today.isoformat(),
        "residents": residents,
        "passes": passes,
        "paper": paper,
        "outings": used_outings,
        "pass_exits": used_passes,
    }


# --- Lists --------------------------------------------------------------------------------------------

def checkpoint_queryset(*, user) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.restrict(user, "view").order_by("grid_code", "id")


def checkpoint_in_reach(*, user, pk: int, action: str = "view") -> Checkpoint:
    found = Checkpoint.objects.restrict(user, action).filter(pk=pk).first()
    if found is None:
        raise gate_not_found()
    return found


def duty_queryset(*, checkpoint: Checkpoint) -> QuerySet[GateDuty]:
    return GateDuty.objects.filter(checkpoint=checkpoint).select_related("user").order_by("starts_at", "id")


def pass_queryset(*, user, checkpoint: Checkpoint) -> QuerySet[GatePass]:
    return (GatePass.objects.restrict(user, "view").filter(compound_key=checkpoint.compound_key)
            .select_related("holder").order_by("grid_code", "id"))


def scan_queryset(*, checkpoint: Checkpoint) -> QuerySet[GateScan]:
    """A gate's entries and exits, newest first (walks the (checkpoint, at) index)."""
    return GateScan.objects.filter(checkpoint=checkpoint).order_by("-at", "-id")


def visitor_queryset(*, checkpoint: Checkpoint) -> QuerySet[Visitor]:
    return Visitor.objects.filter(checkpoint=checkpoint).order_by("-at", "-id")


# --- Exposures: who passed the same gate around the case ------------------------------------------

# Passing a gate this close in time to a case counts as a possible exposure (a queue at the gate).
EXPOSURE_WINDOW = dt.timedelta(minutes=10)
EXPOSURE_RANK = 60  # after sharing a household (0), a stairwell (30) or a building (50)


def checkpoint_exposures(*, user, resident, since, until) -> list:
    """The people in ``user``'s reach who passed a gate within ``EXPOSURE_WINDOW`` of one of the
    case's passes there, between ``since`` and ``until`` (the receiver of
    ``tracing.hooks.exposures``).  Walks the (resident, at) index for the case's passes, then the
    (checkpoint, at) index around each: two range scans per pass, whatever the table's size."""
    from wangge.tracing.hooks import Exposure
    from wangge.tracing.models import Contact

    passes = list(GateScan.objects.filter(resident_id=resident.pk, at__gte=since, at__lte=until, passed=True)
                  .values_list("checkpoint_id", "at").order_by("at"))
    if not passes:
        return []
    names = {c.pk: str(c) for c in Checkpoint.objects.filter(pk__in={cp for cp, _at in passes})}
    window = Q()
    for checkpoint_id, at in passes:
        window |= Q(checkpoint_id=checkpoint_id, at__gte=at - EXPOSURE_WINDOW, at__lte=at + EXPOSURE_WINDOW)
    nearest: dict[int, tuple[dt.timedelta, int, dt.datetime]] = {}
    rows = (GateScan.objects.filter(window, resident__isnull=False, passed=True).exclude(resident_id=resident.pk)
            .values_list("resident_id", "checkpoint_id", "at"))
    for rid, checkpoint_id, at in rows:
        gap = min(abs(at - p_at) for cp, p_at in passes if cp == checkpoint_id)
        if rid not in nearest or gap < nearest[rid][0]:
            nearest[rid] = (gap, checkpoint_id, at)
    in_reach = set(Resident.objects.restrict(user).filter(pk__in=list(nearest)).values_list("pk", flat=True))
    label = str(_("同一卡口前后通过"))
    return [Exposure(resident_id=rid, reason="checkpoint", label=label, rank=EXPOSURE_RANK,
                     suggested=Contact.Kind.SECONDARY, at=at, where=names.get(checkpoint_id, ""))
            for rid, (_gap, checkpoint_id, at) in nearest.items() if rid in in_reach]
