"""Demo investigations: two confirmed cases in the demo district, where they went, and the contacts
found, marked and quarantined (home or at a site), with the tests done so far.

Uses the health demo's confirmed cases when there are some; otherwise writes its own confirmed
cases (PersonStatus and StatusTransition rows).  Run after ``health.demo`` and ``quarantine.demo``.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count
from django.utils import timezone

from wangge.health.models import EpidemicStatus, PersonStatus, Severity, StatusTransition
from wangge.people.models import Resident
from wangge.quarantine.demo import OrderSpec, bulk_orders, demo_district
from wangge.quarantine.models import QuarantineOrder, Regime, Room, Site
from wangge.tracing.models import Contact, Investigation, TrajectoryEntry

CASES = 2
PLACES = [
    ("中百超市", "超市"), ("社区菜市场", "菜市场"), ("地铁2号线", "地铁"), ("社区卫生服务中心", "医疗机构"),
    ("老乡鸡餐厅", "餐馆"), ("小区快递驿站", "快递点"), ("公司写字楼", "工作单位"), ("健身房", "健身场所"),
]
CONTACT_REASON = "流调判定为密切接触者"


def _confirmed_cases(rng: random.Random, prefix: str, today: dt.date) -> list[Resident]:
    have = list(
        Resident.objects.within(prefix).filter(epidemic_status__status=EpidemicStatus.CONFIRMED)
        .exclude(investigations__isnull=False).select_related("household__unit__building")[:CASES]
    )
    if have:
        return have
    # No confirmed case yet: confirm two people of the district the way the health service would record it.
    candidates = list(
        Resident.objects.within(prefix).filter(epidemic_status__isnull=True)
        .annotate(n=Count("household__residents")).filter(n__gte=2)
        .select_related("household__unit__building").order_by("id")[:200]
    )
    cases = rng.sample(candidates, min(CASES, len(candidates)))
    since = timezone.now() - dt.timedelta(days=2)
    PersonStatus.objects.bulk_create([
        PersonStatus(resident=r, grid_code=r.grid_code, status=EpidemicStatus.CONFIRMED, severity=Severity.MILD,
                     since=since, isolated_at=since, admitted_at=since) for r in cases
    ])
    StatusTransition.objects.bulk_create([
        StatusTransition(resident=r, grid_code=r.grid_code, from_status=EpidemicStatus.NONE,
                         to_status=EpidemicStatus.CONFIRMED, severity=Severity.MILD, reason="核酸检测阳性",
                         evidence={"test_result": "核酸阳性"}) for r in cases
    ])
    return cases


def _contact_candidates(case: Resident, taken: set[int], n: int) -> list[Resident]:
    """Household members, then neighbours in the same unit and building: people without a status yet."""
    unit = case.household.unit
    qs = (Resident.objects.filter(household__unit__building=unit.building, epidemic_status__isnull=True)
          .exclude(pk__in=taken | {case.pk}).order_by("household__unit_id", "household_id", "id"))
    same_household = [r for r in qs.filter(household=case.household)]
    others = [r for r in qs.exclude(household=case.household)[: n * 2]]
    return (same_household + others)[:n]


def _free_beds(site: Site) -> list[Room]:
    taken: dict[int, int] = {}
    for room_id in QuarantineOrder.objects.filter(site=site, status="active", phase="central").values_list(
            "room_id", flat=True):
        taken[room_id] = taken.get(room_id, 0) + 1
    beds = []
    for room in site.rooms.filter(is_active=True).order_by("number"):
        beds += [room] * max(room.capacity - taken.get(room.pk, 0), 0)
    return beds


def seed_demo(*, rng: random.Random, today: dt.date) -> None:
    district = demo_district()
    if district is None or Investigation.objects.exists():
        return
    cases = _confirmed_cases(rng, district.grid_code, today)
    regime = Regime.objects.get(code="7+3")
    site = Site.objects.within(district.grid_code).order_by("name").first()
    beds = _free_beds(site) if site else []
    taken: set[int] = set(QuarantineOrder.objects.filter(status="active").values_list("resident_id", flat=True))
    for n, case in enumerate(cases):
        opened = timezone.now() - dt.timedelta(days=2 - n, hours=rng.randint(1, 6))
        investigation = Investigation.objects.create(case=case, grid_code=case.grid_code)
        Investigation.objects.filter(pk=investigation.pk).update(opened_at=opened)
        building = case.household.unit.building
        lat, lng = building.lat or 30.55, building.lng or 114.3
        entries = []
        for day in range(4, 0, -1):
            place, _kind = rng.choice(PLACES)
            start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=day),
                                                            dt.time(rng.randint(8, 19), rng.choice([0, 15, 30, 45]))))
            entries.append(TrajectoryEntry(
                investigation=investigation, grid_code=case.grid_code, place=place, address=f"{building.address}附近",
                lat=lat + rng.uniform(-0.01, 0.01), lng=lng + rng.uniform(-0.01, 0.01), start=start,
                end=start + dt.timedelta(minutes=rng.randint(20, 120)), note="病例自述，已核实",
            ))
        TrajectoryEntry.objects.bulk_create(entries)
        people = _contact_candidates(case, taken, rng.randint(5, 8))
        taken |= {p.pk for p in people}
        contacts = Contact.objects.bulk_create([
            Contact(investigation=investigation, resident=p, grid_code=p.grid_code,
                    kind=Contact.Kind.CLOSE if p.household_id == case.household_id or i < 4 else Contact.Kind.SECONDARY,
                    last_exposure=entries[-1].start, place="同住" if p.household_id == case.household_id else "同楼栋")
            for i, p in enumerate(people)
        ])
        since = opened + dt.timedelta(hours=6)
        statuses = {c.resident_id: (EpidemicStatus.CLOSE_CONTACT if c.kind == Contact.Kind.CLOSE
                                    else EpidemicStatus.SECONDARY_CONTACT) for c in contacts}
        PersonStatus.objects.bulk_create([
            PersonStatus(resident_id=c.resident_id, grid_code=c.grid_code, status=statuses[c.resident_id], since=since)
            for c in contacts
        ])
        StatusTransition.objects.bulk_create([
            StatusTransition(resident_id=c.resident_id, grid_code=c.grid_code, from_status=EpidemicStatus.NONE,
                             to_status=statuses[c.resident_id], reason=CONTACT_REASON,
                             evidence={"investigation_id": investigation.pk, "contact_id": c.pk})
            for c in contacts
        ])
        start = today - dt.timedelta(days=2 - n)
        specs = []
        # The last contact of each case is still waiting for a place: the loop shows its gap.
        for c in contacts[:-1]:
            room = beds.pop(0) if c.kind == Contact.Kind.CLOSE and beds else None
            specs.append(OrderSpec(
                resident_id=c.resident_id, grid_code=c.grid_code, regime=regime,
                place=QuarantineOrder.Place.CENTRAL if room else QuarantineOrder.Place.HOME, start_date=start,
                reason=f"{c.get_kind_display()}（流调 {investigation.pk}）", site=site if room else None, room=room,
                contact_id=c.pk,
            ))
        bulk_orders(specs, rng=rng, today=today)
