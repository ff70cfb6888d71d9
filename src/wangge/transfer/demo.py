"""Demo data of tiered transfer for the demo district (武昌区, the first district of the demo
city): 2 方舱, 2 定点医院, 1 非定点医院 and 隔离点 facilities (linked to the district's quarantine
sites when there are any), its transfer fleet (negative-pressure ambulances, a minibus, buses and a
guide car), a closed road, and three transfers: one en route with the crew's check-ins, one running
late and silent, one handed over."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Max, Min
from django.utils import timezone

from wangge.grid.models import Division
from wangge.health import services as health
from wangge.health.models import PersonStatus
from wangge.people.models import Resident
from wangge.transfer.models import (
    Admission,
    CheckIn,
    ClosedRoad,
    Facility,
    TransferEscort,
    TransferOrder,
    TransferPatient,
    TransferVehicle,
    Vehicle,
)
from wangge.transfer.services import ADMITTING_TIERS, scope_code_for

T = Facility.Tier
FACILITIES = [
    ("洪山体育馆方舱医院", T.FANGCANG, 780),
    ("武昌体育中心方舱医院", T.FANGCANG, 600),
    ("武汉市武昌医院", T.DESIGNATED_HOSPITAL, 400),
    ("武汉大学中南医院", T.DESIGNATED_HOSPITAL, 500),
    ("武昌区第三人民医院", T.GENERAL_HOSPITAL, 120),
]
STANDALONE_SITES = [("武昌区集中隔离点（江滩酒店）", 200), ("武昌区集中隔离点（首义宾馆）", 150)]
V = Vehicle.Kind
FLEET = [  # plate, kind, patient seats
    ("鄂A·J0921", V.NEGATIVE_PRESSURE_AMBULANCE, 4), ("鄂A·J0922", V.NEGATIVE_PRESSURE_AMBULANCE, 4),
    ("鄂A·C3376", V.MINIBUS, 16), ("鄂A·G5518", V.BUS, 45), ("鄂A·G5519", V.BUS, 45),
    ("鄂A·Y0110", V.GUIDE_CAR, 0),
]
# Each transfer's convoy: (plate, driver, [(escort, phone), ...]).
CONVOYS = [
    [("鄂A·J0921", "张师傅", [("王医生", "13907141234")])],
    [("鄂A·C3376", "李师傅", [("陈护士", "13871025566")])],
    [("鄂A·Y0110", "周师傅", []),
     ("鄂A·G5518", "赵师傅", [("刘医生", "13667128890"), ("孙护士", "13545107788")])],
]
# Closed at night for works (seed 000's road nobody knew about); the demo routes avoid it.
CLOSED_ROAD = ("解放路", "彭刘杨路至复兴路段夜间封闭施工，转运车辆绕行武珞路")


def _patients(rng: random.Random, prefix: str, n: int, taken: set[int]) -> list[Resident]:
    """Confirmed or suspected people of the district if the health demo made some, else anyone."""
    ids = list(
        PersonStatus.objects.within(prefix).filter(status__in=["confirmed", "suspected"])
        .exclude(resident_id__in=taken).values_list("resident_id", flat=True)[:50]
    )
    rng.shuffle(ids)
    chosen = ids[:n]
    if len(chosen) < n:
        bounds = Resident.objects.within(prefix).aggregate(lo=Min("id"), hi=Max("id"))
        if bounds["lo"] is not None:
            start = rng.randint(bounds["lo"], bounds["hi"])
            more = Resident.objects.within(prefix).filter(id__gte=start).exclude(id__in=[*taken, *chosen])
            chosen += list(more.order_by("id").values_list("id", flat=True)[: n - len(chosen)])
    taken.update(chosen)
    return list(Resident.objects.filter(id__in=chosen))


def seed_demo(*, rng: random.Random, today) -> None:
    if Facility.objects.exists():
        return
    district = Division.objects.filter(level=Division.Kind.DISTRICT).order_by("code").first()
    if district is None:
        return
    prefix = district.grid_code
    lat, lng = district.center_lat or 30.553, district.center_lng or 114.316

    def near() -> tuple[float, float]:
        return lat + rng.uniform(-0.03, 0.03), lng + rng.uniform(-0.03, 0.03)

    rows = []
    for name, tier, capacity in FACILITIES:
        f_lat, f_lng = near()
        rows.append(Facility(name=name, tier=tier, capacity=capacity, grid_code=prefix, lat=f_lat, lng=f_lng,
                             phone=f"027-8{rng.randint(1000000, 9999999)}"))
    try:
        from wangge.quarantine.models import Site

        sites = list(Site.objects.within(prefix).filter(facility__isnull=True, is_active=True)[:20])
    except Exception:  # noqa: BLE001 - the quarantine app's demo may not have run
        sites = []
    for site in sites:
        beds = sum(r.capacity for r in site.rooms.filter(is_active=True))
        rows.append(Facility(name=site.name, tier=T.ISOLATION_SITE, capacity=beds, grid_code=site.grid_code,
                             address=site.address, lat=site.lat, lng=site.lng, phone=site.phone,
                             quarantine_site=site))
    if not sites:
        for name, capacity in STANDALONE_SITES:
            f_lat, f_lng = near()
            rows.append(Facility(name=name, tier=T.ISOLATION_SITE, capacity=capacity, grid_code=prefix,
                                 lat=f_lat, lng=f_lng))
    Facility.objects.bulk_create(rows)
    facilities = {f.name: f for f in Facility.objects.filter(grid_code__startswith=prefix)}
    Vehicle.objects.bulk_create([
        Vehicle(plate=plate, kind=kind, seats=seats, grid_code=prefix, phone=f"1{rng.randint(3000000000, 9999999999)}")
        for plate, kind, seats in FLEET
    ])
    fleet = {v.plate: v for v in Vehicle.objects.filter(grid_code=prefix)}

    now = timezone.now()
    local_noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12, 0)))
    # Anchor on the demo day; if that is today, keep the "en route" one really en route now.
    anchor = now if today == timezone.localdate() else local_noon
    ClosedRoad.objects.create(name=CLOSED_ROAD[0], note=CLOSED_ROAD[1], grid_code=prefix,
                              starts_at=anchor - dt.timedelta(days=1))
    taken: set[int] = set()
    plans = [
        # (status, destination, patients, departure offset, arrival offset)
        ("handed_over", "武汉市武昌医院", 3, -dt.timedelta(hours=26), -dt.timedelta(hours=25)),
        ("en_route", "洪山体育馆方舱医院", 6, -dt.timedelta(minutes=20), dt.timedelta(minutes=25)),
        ("en_route", "武昌体育中心方舱医院", 12, -dt.timedelta(hours=2), -dt.timedelta(minutes=50)),
    ]
    for i, (status, destination_name, n, dep, arr) in enumerate(plans):
        patients = _patients(rng, prefix, n, taken)
        if not patients:
            return
        destination = facilities[destination_name]
        departure, arrival = anchor + dep, anchor + arr
        convoy = CONVOYS[i]
        transfer = TransferOrder.objects.create(
            grid_code=scope_code_for([p.grid_code for p in patients]),
            origin=f"{patients[0].household.address or '社区'}（小区门口集合）", destination=destination,
            vehicle="、".join(plate for plate, _driver, _escorts in convoy),
            route_note="中山路—武珞路—民主路，避开封闭路段" if i == 2 else "",
            planned_departure=departure, planned_arrival=arrival, departed_at=departure + dt.timedelta(minutes=5),
            acknowledged_at=departure - dt.timedelta(minutes=20), acknowledged_name="接收科室值班护士",
            status=status,
        )
        for position, (plate, driver, escorts) in enumerate(convoy, start=1):
            cv = TransferVehicle.objects.create(transfer=transfer, vehicle=fleet[plate], position=position,
                                                driver=driver)
            TransferEscort.objects.bulk_create([TransferEscort(convoy_vehicle=cv, name=n, phone=p) for n, p in escorts])
        TransferPatient.objects.bulk_create(
            [TransferPatient(transfer=transfer, resident=p, grid_code=p.grid_code) for p in patients]
        )
        if status == "en_route":
            # The one on time reported 10 minutes after leaving; the late one last reported long ago.
            for minutes in ((15,) if i == 1 else (10, 25)):
                c_lat, c_lng = near()
                CheckIn.objects.create(transfer=transfer, at=departure + dt.timedelta(minutes=minutes), lat=c_lat,
                                       lng=c_lng, accuracy=30, place_note="武珞路" if minutes == 25 else "")
        if status == "handed_over":
            done = arrival + dt.timedelta(minutes=10)
            TransferOrder.objects.filter(pk=transfer.pk).update(arrived_at=arrival, handed_over_at=done,
                                                                received_by="李护士长")
            Admission.objects.bulk_create([
                Admission(resident=p, grid_code=p.grid_code, facility=destination, transfer=transfer,
                          admitted_at=done) for p in patients
            ])
            for p in patients:
                if destination.tier in ADMITTING_TIERS:
                    health.mark_admitted(resident=p, at=done)
