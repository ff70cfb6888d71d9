"""p95 of today's screening coverage for a street and the first page of its missing households.

Against the bench database built by ``bench/demo_build.py`` (1,000,000 residents).  The script
creates (once) a daily campaign over the district of the demo police officer's street and, for
today, bulk-inserts "visited" visits for about 80% of that street's households with a member
check for every resident (present, 36.5 ℃) — one INSERT ... SELECT each, so a rerun on another
day just adds that day.  Then, as a command user whose reach is that street, it times

- ``screening.selectors.coverage`` (households and persons covered, by community) plus
- ``screening.selectors.missing_page`` (first keyset page of households still missing),

together, ``--repeat`` times after a warm-up, and prints p50/p95, the goal (< 200 ms) and
``EXPLAIN ANALYZE`` of the queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench .venv/bin/python bench/screening_coverage.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

from _common import bench_env, database_url, percentile, reproduce

GOAL_MS = 200
CAMPAIGN_NAME = "基准：全区拉网式排查"


def seed_visits(*, campaign, street_prefix: str, today, share: float, user) -> int:
    """Visits for ``share`` of the street's households today (skipped if today's are already in)."""
    from django.db import connection

    from wangge.screening.models import Visit

    if Visit.objects.filter(campaign=campaign, date=today).exists():
        return Visit.objects.filter(campaign=campaign, date=today).count()
    modulus = 100
    keep = int(share * modulus)
    upper = str(int(street_prefix) + 1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO screening_visit (campaign_id, household_id, grid_code, date, outcome, visited_by_id,
                                         visited_at, note)
            SELECT %s, h.id, h.grid_code, %s, 'visited', %s, now(), ''
            FROM grid_household h
            WHERE h.grid_code >= %s AND h.grid_code < %s AND (h.id * 7919) %% %s < %s
            """,
            [campaign.pk, today, user.pk, street_prefix, upper, modulus, keep],
        )
        inserted = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO screening_membercheck (visit_id, resident_id, grid_code, present, temperature, symptoms,
                                               answers)
            SELECT v.id, r.id, r.grid_code, true, 36.5, '[]'::jsonb, '{}'::jsonb
            FROM screening_visit v JOIN people_resident r ON r.household_id = v.household_id
            WHERE v.campaign_id = %s AND v.date = %s
            """,
            [campaign.pk, today],
        )
        cursor.execute("ANALYZE screening_visit")
        cursor.execute("ANALYZE screening_membercheck")
    return inserted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed runs")
    parser.add_argument("--share", type=float, default=0.8, help="share of the street's households visited today")
    args = parser.parse_args()

    os.environ.update(bench_env())
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from wangge.accounts.models import Role, User
    from wangge.accounts.services import user_create
    from wangge.audit.context import Actor
    from wangge.core.codes import significant_prefix
    from wangge.screening import selectors
    from wangge.screening.models import Campaign
    from wangge.screening.services import campaign_create

    police = User.objects.filter(username="demo_police").first()
    if police is None:
        sys.exit("先生成基准城市：.venv/bin/python bench/demo_build.py --residents 1000000")
    street_code = police.scope_grants.get().code
    street_prefix = significant_prefix(street_code)
    district_code = street_prefix[:6].ljust(12, "0")
    street_user = User.objects.filter(username="bench_street").first() or user_create(
        username="bench_street", password="unused-Bench-2026", role=Role.COMMAND, scope_codes=[street_code],
        display_name="街道指挥部（基准）", check_password=False,
    )
    district_user = User.objects.filter(username="bench_district").first() or user_create(
        username="bench_district", password="unused-Bench-2026", role=Role.COMMAND, scope_codes=[district_code],
        display_name="区指挥部（基准）", check_password=False,
    )
    today = timezone.localdate()
    campaign = Campaign.objects.filter(name=CAMPAIGN_NAME, grid_code=street_prefix[:6]).first()
    if campaign is None or not campaign.start_date <= today <= campaign.end_date:
        campaign = campaign_create(
            actor=Actor.cli(district_user), name=CAMPAIGN_NAME, area_code=district_code,
            start_date=today, end_date=today + dt.timedelta(days=13), frequency="daily",
        )
    started = time.perf_counter()
    visits = seed_visits(campaign=campaign, street_prefix=street_prefix, today=today, share=args.share,
                         user=street_user)
    seeded_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'people_resident'")
        residents = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    user = User.objects.get(pk=street_user.pk)

    def run():
        cov = selectors.coverage(user=user, campaign=campaign, prefix=street_prefix, date=today)
        page = selectors.missing_page(user=user, campaign=campaign, prefix=street_prefix, date=today)
        return cov, page

    for _ in range(3):
        cov, page = run()
    samples = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t) * 1000)

    area = cov.area
    print(f"database: {database_url()} ({version}), about {residents:,} residents")
    print(f"campaign {campaign.pk} over district {street_prefix[:6]}; street {street_prefix}: "
          f"{visits:,} visits today (seeded in {seeded_s:.1f} s)")
    print(f"street coverage today: households {area.households_covered:,}/{area.households_total:,} "
          f"({area.household_share:.1%}), persons {area.persons_covered:,}/{area.persons_total:,}, "
          f"{len(cov.children)} communities; first missing page: {len(page.items)} households")
    p95 = percentile(samples, 95)
    print(f"coverage + first missing page, n={len(samples)}: p50 {statistics.median(samples):.1f} ms, "
          f"p95 {p95:.1f} ms, max {max(samples):.1f} ms (goal < {GOAL_MS} ms: {'met' if p95 < GOAL_MS else 'NOT met'})")

    print("\nEXPLAIN ANALYZE, first page of missing households:")
    qs = selectors.missing_queryset(user=user, campaign=campaign, prefix=street_prefix, date=today)[:51]
    print(qs.explain(analyze=True))
    print("\nreproduce:", reproduce("screening_coverage.py", ["--repeat", str(args.repeat)]))


if __name__ == "__main__":
    main()
