"""Demo data: today's 全员核酸 round over the demo grid worker's community (10-in-1), two sampling
points at its buildings, most people sampled through the devices' batch service, most tubes back from
the lab negative and one positive pool with its recall list."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from wangge.accounts.models import Role, User
from wangge.audit.context import Actor
from wangge.grid.models import Building, Grid
from wangge.people.models import Resident
from wangge.testing import services
from wangge.testing.models import Round, Tube

SAMPLED_SHARE = 0.82
RESULTED_SHARE = 0.7
BATCH_TUBES = 2000


def seed_demo(*, rng: random.Random, today: dt.date) -> Round | None:
    command = User.objects.filter(username="demo_command", role=Role.COMMAND, is_active=True).first()
    worker = User.objects.filter(username="demo_grid", role=Role.GRID_WORKER, is_active=True).first()
    if command is None or worker is None:
        return None
    grant = worker.scope_grants.first()
    grid = Grid.objects.filter(code=grant.prefix).select_related("community").first() if grant else None
    if grid is None:
        return None
    actor = Actor(user=command, channel="cli")
    community = grid.community
    rnd = services.round_create(actor=actor, area_code=community.code, name=f"{community.name}全员核酸",
                                starts_on=today, repeat=Round.Repeat.DAILY, control_level="precaution")
    buildings = list(Building.objects.within(community.grid_code).order_by("code")[:2])
    points = [services.point_create(actor=actor, round_id=rnd.pk, name=f"{b.name}楼下采样点", building_id=b.pk,
                                    samplers=4, staff="社区医生、志愿者", opens_at=dt.time(7), closes_at=dt.time(19))
              for b in buildings]
    if not points:
        return rnd
    people = [pk for pk in Resident.objects.within(community.grid_code).order_by("id").values_list("id", flat=True)
              if rng.random() < SAMPLED_SHARE]
    size = 10
    tubes = [{"barcode": f"DEMO{rnd.pk:04d}{i:07d}", "capacity": size,
              "samples": [{"resident_id": pk} for pk in people[start:start + size]]}
             for i, start in enumerate(range(0, len(people), size))]
    now = timezone.now()
    for n, start in enumerate(range(0, len(tubes), BATCH_TUBES)):
        chunk = tubes[start:start + BATCH_TUBES]
        for t in chunk:
            t["opened_at"] = t["closed_at"] = now - dt.timedelta(hours=rng.randint(2, 6))
        services.batch_ingest(actor=actor, batch_id=f"demo-{uuid.uuid4().hex}", point_id=points[n % len(points)].pk,
                              tubes=chunk)
    barcodes = list(Tube.objects.filter(round=rnd).order_by("id").values_list("barcode", flat=True))
    resulted = [b for b in barcodes if rng.random() < RESULTED_SHARE]
    if resulted:
        received = now - dt.timedelta(hours=1)
        rows = [{"barcode": b, "result": "negative", "received_at": received, "resulted_at": now}
                for b in resulted[1:]]
        rows.append({"barcode": resulted[0], "result": "positive", "received_at": received, "resulted_at": now})
        services.results_record(actor=actor, lab="金域医学检验所", rows=rows)
    return rnd
