"""p50/p95 of a case's exposures over 14 days with 14 million gate scans on record (issue 9: < 500 ms).

Against a bench database of 1,000,000 demo residents (``bench/demo_build.py``): migrates it, makes
``--checkpoints`` gates in the largest district and fills ``gates_gatescan`` with ``--scans`` passes
of random residents at random gates over the last 14 days, generated inside PostgreSQL
(``generate_series``; a later run reuses them when the table already holds that many).  The case
passes a gate about twice a day.  It then times ``tracing.selectors.exposures_of`` for the case as a
city-wide CDC user: every receiver of ``tracing.hooks.exposures`` (household, stairwell and
building from the registry, the same gate within ten minutes, the same sampling queue or tube),
the audit entry and the read of the people found, ``--runs`` times after 3 warm-ups.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench_gates .venv/bin/python bench/exposures_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import statistics
import time

from _common import bench_env, percentile, reproduce, timed

GOAL_MS = 500
MARK = "基准卡口"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=14_000_000)
    parser.add_argument("--checkpoints", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.update(bench_env())
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import Substr
    from django.utils import timezone

    from wangge.accounts.models import Role, User
    from wangge.accounts.services import user_create
    from wangge.audit.context import Actor
    from wangge.gates.models import Checkpoint, GateScan
    from wangge.gates.selectors import compound_key
    from wangge.people.models import Resident
    from wangge.tracing import selectors

    call_command("migrate", verbosity=0)
    by_district = dict(Resident.objects.annotate(d=Substr("grid_code", 1, 6)).values_list("d")
                       .annotate(n=Count("id")))
    district = max(by_district, key=by_district.get)
    grid = Resident.objects.filter(grid_code__startswith=district).values_list("grid_code", flat=True).first()
    have = Checkpoint.objects.filter(name__startswith=MARK).count()
    if have < args.checkpoints:
        Checkpoint.objects.bulk_create([
            Checkpoint(grid_code=grid, compound=f"{MARK}{i}", compound_key=compound_key(grid, f"{MARK}{i}"),
                       name=f"{MARK}{i}号门") for i in range(have, args.checkpoints)])
    gates = list(Checkpoint.objects.filter(name__startswith=MARK).values_list("pk", flat=True))
    ids = Resident.objects.filter(grid_code__startswith=district).order_by("pk").values_list("pk", flat=True)
    low, high = ids.first(), ids.last()
    case = Resident.objects.filter(grid_code__startswith=district).order_by("pk")[1000]
    now = timezone.now()
    existing = GateScan.objects.count()
    if existing < args.scans:
        missing = args.scans - existing
        started = time.perf_counter()
        step = 1_000_000
        with connection.cursor() as cursor:
            for offset in range(0, missing, step):
                n = min(step, missing - offset)
                cursor.execute(
                    """INSERT INTO gates_gatescan (uuid, checkpoint_id, grid_code, at, resident_id, direction, method,
                                                   passed, reason, colour, temperature, mask, offline)
                       SELECT gen_random_uuid(), (%s::int[])[1 + floor(random() * %s)::int], %s,
                              %s - random() * interval '14 days', %s + floor(random() * %s)::int,
                              CASE WHEN random() < 0.5 THEN 'i' ELSE 'o' END, 't', true, '', 'g', 365, true, false
                       FROM generate_series(1, %s)""",
                    [gates, len(gates), grid, now, low, high - low + 1, n])
                print(f"  {existing + offset + n:,} scans", flush=True)
            cursor.execute("ANALYZE gates_gatescan")
        print(f"seeded {missing:,} scans in {time.perf_counter() - started:.0f} s")
    # The case passes a gate about twice a day for 14 days (its own rows, replaced on each run).
    GateScan.objects.filter(resident=case).delete()
    import random
    import uuid

    rng = random.Random(2020)
    GateScan.objects.bulk_create([
        GateScan(uuid=uuid.uuid4(), checkpoint_id=rng.choice(gates), grid_code=grid,
                 at=now - dt.timedelta(hours=rng.uniform(1, 14 * 24)), resident=case, direction="o", method="t",
                 passed=True, colour="g", temperature=365, mask=True) for _ in range(28)])
    total = GateScan.objects.count()
    username = "bench_exposures_cdc"
    user = User.objects.filter(username=username).first() or user_create(
        username=username, password=secrets.token_urlsafe(16), role=Role.CDC, scope_codes=[f"{district[:4]}00000000"],
        check_password=False, display_name="基准疾控")
    user = User.objects.get(pk=user.pk)
    actor = Actor(user=user, ip_address="127.0.0.1", user_agent="bench", channel="web")
    report = selectors.exposures_of(actor=actor, resident_id=case.pk, days=14)
    reasons = {}
    for person in report.people:
        for label in {e.label for e in person.reasons}:
            reasons[label] = reasons.get(label, 0) + 1
    print(f"{total:,} gate scans on record; case {case.pk} with 28 passes; {len(report.people):,} people exposed: "
          + ", ".join(f"{k} {v:,}" for k, v in reasons.items()))
    samples = timed(lambda: selectors.exposures_of(actor=actor, resident_id=case.pk, days=14), args.runs)
    p50, p95 = statistics.median(samples), percentile(samples, 95)
    print(f"exposures of one case over 14 days: p50 {p50:.0f} ms, p95 {p95:.0f} ms (goal < {GOAL_MS} ms)"
          f" {'OK' if p95 < GOAL_MS else 'SLOW'}")
    print("reproduce:", reproduce("exposures_bench.py", [f"--scans={args.scans}", f"--runs={args.runs}"]))


if __name__ == "__main__":
    main()
