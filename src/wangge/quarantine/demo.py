"""Demo quarantine: three centralised sites in the demo district and people in home and central
quarantine at every stage, with the test results that would have come in by today.

Run after ``health.demo`` if possible: close contacts it created are the first to be quarantined
(most of them, so the gap list "contacts not yet quarantined" still has a few); the rest of the
orders are arrivals from risk areas, who have no epidemic status.  Everything is bulk-written.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone

from wangge.grid.models import Division
from wangge.health.models import EpidemicStatus, PersonStatus
from wangge.people.models import Resident
from wangge.quarantine.models import QuarantineOrder, QuarantineTest, Regime, Room, Site, TestResultEntry
from wangge.quarantine.presets import regime_presets_ensure
from wangge.quarantine.services import certificate_number_for, planned_release_for, room_number, test_schedule

SITE_NAMES = ["锦江之星酒店集中隔离点", "江滩宾馆集中隔离点", "市体育中心方舱隔离点", "光谷希尔顿集中隔离点",
              "汉庭酒店集中隔离点", "职业技术学院隔离点"]
ARRIVAL_REASONS = ["中高风险地区来返", "入境人员", "同航班旅客", "同车厢旅客"]
CENTRAL_SHARE = 0.45
OCCUPANCY = (0.35, 0.7)
HOME_ORDERS = 60
RELEASED_ORDERS = 15
CONTACT_SHARE_QUARANTINED = 0.8


@dataclass
class OrderSpec:
    resident_id: int
    grid_code: str
    regime: Regime
    place: str
    start_date: dt.date
    reason: str
    site: Site | None = None
    room: Room | None = None
    contact_id: int | None = None
    released: bool = False


def demo_district() -> Division | None:
    return Division.objects.filter(level=Division.Kind.DISTRICT).order_by("code").first()


def sample_residents(rng: random.Random, n: int, *, within: str, exclude: set[int]) -> list[tuple[int, str]]:
    """``n`` residents (id, grid_code) of the subtree, drawn in random id windows (never the whole table)."""
    qs = Resident.objects.within(within)
    bounds = qs.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return []
    found: dict[int, str] = {}
    for _attempt in range(30):
        if len(found) >= n:
            break
        start = rng.randint(bounds["lo"], bounds["hi"])
        for pk, code in qs.filter(id__gte=start).order_by("id").values_list("id", "grid_code")[: (n - len(found)) * 3]:
            if pk not in exclude and pk not in found and rng.random() < 0.4:
                found[pk] = code
    return list(found.items())[:n]


def bulk_orders(specs: list[OrderSpec], *, rng: random.Random, today: dt.date) -> list[QuarantineOrder]:
    """Write orders and their tests as if their results had come in day by day up to yesterday."""
    now = timezone.now()
    orders = []
    for s in specs:
        release = planned_release_for(s.regime, s.start_date)
        central_over = s.start_date + dt.timedelta(days=s.regime.central_days) <= today
        phase = QuarantineOrder.Phase.CENTRAL
        if s.place == QuarantineOrder.Place.HOME or (central_over and s.regime.home_days):
            phase = QuarantineOrder.Phase.HOME
        orders.append(QuarantineOrder(
            resident_id=s.resident_id, grid_code=s.grid_code, regime=s.regime, place=s.place, phase=phase,
            site=s.site, room=s.room, start_date=s.start_date, planned_release=release,
            status=QuarantineOrder.Status.RELEASED if s.released else QuarantineOrder.Status.ACTIVE,
            reason=s.reason, contact_id=s.contact_id,
            released_at=timezone.make_aware(dt.datetime.combine(release, dt.time(10))) if s.released else None,
        ))
    orders = QuarantineOrder.objects.bulk_create(orders, batch_size=1000)
    tests = []
    for order, spec in zip(orders, specs, strict=True):
        for phase, day, due in test_schedule(spec.regime, spec.start_date, spec.place):
            result, at = QuarantineTest.Result.PENDING, None
            # Results come back the day after sampling; one in twelve is still missing (overdue).
            if spec.released or (due < today and rng.random() > 1 / 12):
                result = QuarantineTest.Result.NEGATIVE
                at = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9, 30)))
            tests.append(QuarantineTest(order=order, grid_code=order.grid_code, phase=phase, day=day, due_date=due,
                                        result=result, result_at=at, sampled_at=at and at - dt.timedelta(hours=20)))
    tests = QuarantineTest.objects.bulk_create(tests, batch_size=2000)
    # Each result that came in is its test's first entry (see TestResultEntry).
    TestResultEntry.objects.bulk_create([
        TestResultEntry(test=t, grid_code=t.grid_code, result=t.result, recorded_at=t.result_at)
        for t in tests if t.result != QuarantineTest.Result.PENDING
    ], batch_size=2000)
    released = [o for o in orders if o.status == QuarantineOrder.Status.RELEASED]
    for order in released:
        order.certificate_number = certificate_number_for(order, order.planned_release)
    QuarantineOrder.objects.bulk_update(released, ["certificate_number"], batch_size=1000)
    isolated = [s.resident_id for s in specs if not s.released]
    PersonStatus.objects.filter(resident_id__in=isolated, isolated_at__isnull=True).update(isolated_at=now)
    return orders


def seed_sites(*, rng: random.Random, district: Division) -> list[Site]:
    if Site.objects.exists():
        return list(Site.objects.all())
    names = rng.sample(SITE_NAMES, 3)
    lat, lng = district.center_lat or 30.55, district.center_lng or 114.3
    sites = []
    for name in names:
        site = Site.objects.create(
            name=name, grid_code=district.grid_code, address=f"{district.name}{rng.randint(1, 399)}号",
            lat=lat + rng.uniform(-0.03, 0.03), lng=lng + rng.uniform(-0.03, 0.03),
            phone=f"027-8{rng.randint(1000000, 9999999)}",
        )
        Room.objects.bulk_create([
            Room(site=site, grid_code=district.grid_code, number=room_number(i),
                 capacity=2 if rng.random() < 0.15 else 1)
            for i in range(rng.randint(40, 80))
        ])
        sites.append(site)
    return sites


def seed_demo(*, rng: random.Random, today: dt.date) -> None:
    """Three sites of 40-80 rooms in the demo district, and active and released orders at various days."""
    district = demo_district()
    if district is None or QuarantineOrder.objects.exists():
        return
    sites = seed_sites(rng=rng, district=district)
    regime_presets_ensure(Regime)
    regimes = {r.code: r for r in Regime.objects.all()}
    busy = set(QuarantineOrder.objects.filter(status="active").values_list("resident_id", flat=True))
    # The health demo's close contacts first (most, not all, are quarantined), then arrivals.
    contacts = list(
        PersonStatus.objects.within(district.grid_code)
        .filter(status__in=[EpidemicStatus.CLOSE_CONTACT, EpidemicStatus.SECONDARY_CONTACT])
        .exclude(resident_id__in=busy).values_list("resident_id", "grid_code")
    )
    contacts = [c for c in contacts if rng.random() < CONTACT_SHARE_QUARANTINED]
    in_loop = set(PersonStatus.objects.values_list("resident_id", flat=True)) | busy
    beds = [(site, room) for site in sites for room in site.rooms.order_by("number") for _ in range(room.capacity)]
    central_target = int(len(beds) * rng.uniform(*OCCUPANCY))
    arrivals = sample_residents(rng, central_target + HOME_ORDERS + RELEASED_ORDERS, within=district.grid_code,
                                exclude=in_loop)
    people = [(pk, code, "流调判定为密切接触者") for pk, code in contacts]
    people += [(pk, code, rng.choice(ARRIVAL_REASONS)) for pk, code in arrivals]
    rng.shuffle(beds)
    specs: list[OrderSpec] = []
    free_beds = iter(sorted(beds[:central_target], key=lambda b: (b[0].pk, b[1].number)))
    for index, (pk, code, reason) in enumerate(people):
        regime = regimes[rng.choice(["7+3", "7+3", "5+3", "14+7", "14"])]
        if index < RELEASED_ORDERS:
            start = today - dt.timedelta(days=regime.total_days + rng.randint(1, 6))
            specs.append(OrderSpec(pk, code, regime, QuarantineOrder.Place.HOME, start, reason, released=True))
            continue
        # Some orders fall due today or are already due: the release list has work in it.
        start = today - dt.timedelta(days=rng.randint(0, regime.total_days))
        in_central_phase = (today - start).days < regime.central_days
        bed = next(free_beds, None) if rng.random() < CENTRAL_SHARE * 2 and in_central_phase else None
        if bed is not None:
            specs.append(OrderSpec(pk, code, regime, QuarantineOrder.Place.CENTRAL, start, reason, site=bed[0],
                                   room=bed[1]))
        else:
            specs.append(OrderSpec(pk, code, regime, QuarantineOrder.Place.HOME, start, reason))
    bulk_orders(specs, rng=rng, today=today)
