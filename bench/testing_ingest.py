"""全员核酸 on PostgreSQL with the demo city: a sampling device's tube batches ingested (tubes/s, goal
≥ 20,000) and a positive pool reaching its members, their homes and their grid workers (goal < 100 ms).

Against a bench database of the demo city (``bench/demo_build.py``, 1,000,000 residents): makes a
round over the city's largest district and one point, then

- ingests ``--batches`` device batches of ``--tubes`` tubes of ``--pool`` people each through
  ``testing.services.batch_ingest`` (what ``POST /api/v1/testing/batches`` calls after parsing), the
  people named by resident id as a device that scanned codes sends them; tubes/s and people/s over
  the whole run, each batch its own transaction;
- records a positive result for ``--positives`` pooled tubes one at a time through
  ``testing.services.results_record`` (what ``POST /api/v1/testing/results`` calls): temporary control
  of every member, a retest task each (at the door for those at home under an order), an alert per
  grid, recolouring, audit; p50/p95/max ms.

Everything the run made is removed at the end (the round cascades).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_testing_bench .venv/bin/python bench/testing_ingest.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid

from _common import bench_env, percentile, reproduce

TUBES_GOAL = 20_000
POOL_GOAL_MS = 100


def _remove(rnd) -> None:
    """Everything of the bench round, table by table (a point's tubes protect it from a cascade)."""
    from django.db import transaction

    from wangge.codes.models import HealthCode
    from wangge.testing.models import Control, DeviceBatch, Round, Sample, SamplingPoint, SamplingTask, Tube

    with transaction.atomic():
        members = Control.objects.filter(tube__round=rnd).values("resident_id")
        HealthCode.objects.filter(resident_id__in=members).exists()  # codes only exist for those shown one
        for model in (Sample, Control, SamplingTask, Tube, DeviceBatch, SamplingPoint):
            qs = model.objects.filter(**({"tube__round": rnd} if model is Control else {"round": rnd}))
            qs._raw_delete(qs.db)
        Round.objects.filter(pk=rnd.pk)._raw_delete(Round.objects.db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--tubes", type=int, default=5000)
    parser.add_argument("--pool", type=int, default=10)
    parser.add_argument("--positives", type=int, default=30)
    args = parser.parse_args()

    os.environ.update(bench_env())
    sys.path.insert(0, str(os.path.join(os.path.dirname(__file__), "..", "src")))
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from wangge.accounts.models import Role, User
    from wangge.accounts.services import user_create
    from wangge.audit.context import Actor
    from wangge.people.models import Resident
    from wangge.testing import services
    from wangge.testing.models import Round, SamplingPoint, Tube

    counts = (Resident.objects.extra(select={"d": "substr(grid_code, 1, 6)"}).values("d").annotate(n=Count("id"))
              .order_by("-n"))
    top = counts[0]
    prefix, population = top["d"], top["n"]
    username = "bench_testing_cmd"
    user = User.objects.filter(username=username).first() or user_create(
        username=username, password=uuid.uuid4().hex + "Aa1!", role=Role.COMMAND,
        scope_codes=[prefix + "000000"], check_password=False)
    actor = Actor(user=user, channel="cli")
    rnd = Round.objects.create(grid_code=prefix, name="[bench] 全员核酸", starts_on=timezone.localdate(),
                               control_level="precaution", pool_size=args.pool)
    point = SamplingPoint.objects.create(round=rnd, grid_code=prefix, name="[bench] 采样点", samplers=10)
    try:
        need = args.batches * args.tubes * args.pool
        ids = list(Resident.objects.filter(grid_code__startswith=prefix).order_by("id").values_list("id", flat=True)
                   [:need])
        print(f"district {prefix}: {population:,} residents; ingesting {args.batches} batches x {args.tubes} tubes "
              f"x {args.pool} people ({len(ids):,} distinct people, repeats beyond that)")
        cursor, tubes_done, people_done = 0, 0, 0
        started = time.perf_counter()
        per_batch = []
        for b in range(args.batches):
            tubes = []
            for t in range(args.tubes):
                samples = []
                for _ in range(args.pool):
                    samples.append({"resident_id": ids[cursor % len(ids)]})
                    cursor += 1
                tubes.append({"barcode": f"BN{b:03d}{t:05d}{uuid.uuid4().hex[:6]}", "capacity": args.pool,
                              "samples": samples})
            t0 = time.perf_counter()
            result = services.batch_ingest(actor=actor, batch_id=f"bench-{uuid.uuid4().hex}", point_id=point.pk,
                                           tubes=tubes)
            per_batch.append(time.perf_counter() - t0)
            tubes_done += result.tubes
            people_done += result.samples + result.repeats
        elapsed = time.perf_counter() - started
        ingest_time = sum(per_batch)
        tubes_rate = tubes_done / ingest_time
        print(f"ingest: {tubes_done:,} tubes, {people_done:,} people in {ingest_time:.2f} s "
              f"(wall {elapsed:.2f} s with payload building): {tubes_rate:,.0f} tubes/s, "
              f"{people_done / ingest_time:,.0f} people/s; batch p50 {statistics.median(per_batch) * 1000:.0f} ms "
              f"(goal ≥ {TUBES_GOAL:,} tubes/s: {'met' if tubes_rate >= TUBES_GOAL else 'NOT met'})")

        pools = list(Tube.objects.filter(round=rnd).order_by("id").values_list("barcode", flat=True)
                     [:args.positives + 3])
        for barcode in pools[:3]:  # warm-up
            services.results_record(actor=actor, lab="[bench]", rows=[{"barcode": barcode, "result": "positive"}])
        timings = []
        for barcode in pools[3:]:
            t0 = time.perf_counter()
            report = services.results_record(actor=actor, lab="[bench]",
                                             rows=[{"barcode": barcode, "result": "positive"}])
            timings.append((time.perf_counter() - t0) * 1000)
            assert report.positive_pools or report.positive_singles, report.errors
        p95 = percentile(timings, 95)
        print(f"positive pool of {args.pool} to members, homes and alerts: p50 {statistics.median(timings):.1f} ms, "
              f"p95 {p95:.1f} ms, max {max(timings):.1f} ms over {len(timings)} pools "
              f"(goal < {POOL_GOAL_MS} ms: {'met' if p95 < POOL_GOAL_MS else 'NOT met'})")
    finally:
        from wangge.alerts.models import Alert

        Alert.objects.filter(object_type="testing.tube", dedupe_key__startswith="testing.pool:").filter(
            object_id__in=[str(pk) for pk in Tube.objects.filter(round=rnd).values_list("pk", flat=True)]).delete()
        _remove(rnd)
    print("reproduce:", reproduce("testing_ingest.py", sys.argv[1:]))


if __name__ == "__main__":
    main()
