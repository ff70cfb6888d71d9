"""p50/p95 of the daily four-category table (四类人员日报) on PostgreSQL, for a district and the city.

Against the bench database of 1,000,000 demo residents (``bench/demo_build.py``): migrates it,
seeds a bad fortnight with ``health.demo.seed_statuses`` (2,000 confirmed, 3,000 suspected, 5,000
fever, 20,000 close contacts, 5,000 secondary contacts, 2,000 excluded, 1,000 recovered, their
transitions spread over 14 days; every seeded reason starts with "[bench] "), then times

- ``health.selectors.four_category_table`` for the largest district and for the whole city,
- the ``health:daily`` page and its Excel export (``health:daily_export``) for the district,
- the board's extras (gap counts, epidemic-free compounds) for the district,

20 runs each after 3 warm-ups, as a command-role user whose reach is that area.  The seeded
rows are removed at the end (``--keep`` keeps them; a later run removes them before seeding).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench .venv/bin/python bench/four_category_table.py
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time

from _common import bench_env, database_url, percentile, reproduce, timed

GOAL_MS = 1000
MARK = "[bench] "
COUNTS = {
    "confirmed": 2000, "suspected": 3000, "fever": 5000, "close_contact": 20000, "secondary_contact": 5000,
    "excluded": 2000, "recovered": 1000,
}


def remove_seeded() -> int:
    from wangge.health.models import PersonStatus, StatusTransition

    marked = StatusTransition.objects.filter(reason__startswith=MARK)
    people = PersonStatus.objects.filter(resident_id__in=marked.values("resident_id")).delete()[0]
    marked.delete()
    return people


def bench_user(username: str, code: str):
    from wangge.accounts.models import Role, User
    from wangge.accounts.services import user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(username=username, password=secrets.token_urlsafe(16), role=Role.COMMAND, scope_codes=[code],
                           check_password=False, display_name="基准测试指挥部")
    return User.objects.get(pk=user.pk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the seeded statuses")
    args = parser.parse_args()
    os.environ.update(bench_env())
    hosts = os.environ.get("WANGGE_ALLOWED_HOSTS", "localhost,127.0.0.1")
    os.environ["WANGGE_ALLOWED_HOSTS"] = hosts + ",testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import Substr
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from wangge.health import selectors
    from wangge.health.demo import seed_statuses
    from wangge.people.models import Resident

    call_command("migrate", verbosity=0)
    # Buildings built before Building.compound existed: the compound is the name before the number.
    with connection.cursor() as cursor:
        cursor.execute(r"UPDATE grid_building SET compound = regexp_replace(name, '\d+栋$', '') WHERE compound = ''")
    removed = remove_seeded()
    if removed:
        print(f"removed {removed:,} people seeded by an earlier run")

    by_district = dict(
        Resident.objects.annotate(d=Substr("grid_code", 1, 6))
        .values_list("d").annotate(n=Count("id"))
    )
    district, district_n = max(by_district.items(), key=lambda kv: kv[1])
    city = district[:4]
    city_n = sum(n for d, n in by_district.items() if d.startswith(city))
    print(f"residents: {city_n:,} in city {city}; largest district {district}: {district_n:,}")

    today = timezone.localdate()
    started = time.perf_counter()
    people, transitions = seed_statuses(rng=random.Random(2020), today=today, counts=COUNTS, days=14,
                                        reason_prefix=MARK)
    print(f"seeded {people:,} people, {transitions:,} transitions in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE health_personstatus; ANALYZE health_statustransition")

    results = []
    try:
        for label, code, prefix in (("district", f"{district}000000", district), ("city", f"{city}00000000", city)):
            user = bench_user(f"bench_health_{label}", code)
            area = selectors.area_in_reach(user=user, prefix=prefix)
            table = selectors.four_category_table(user=user, area=area, date=today)
            total = table.total.figures
            print(f"{label} {prefix}: {len(table.rows)} child areas; confirmed now {total['confirmed'].current:,}, "
                  f"close contacts now {total['close_contact'].current:,}, new fevers today {total['fever'].new:,}")
            results.append((f"four_category_table selector, {label}", timed(
                lambda user=user, area=area: selectors.four_category_table(user=user, area=area, date=today),
                args.runs)))
            if label == "district":
                client = Client()
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                url = reverse("health:daily") + f"?area={prefix}"
                export = reverse("health:daily_export") + f"?area={prefix}"
                assert client.get(url).status_code == 200
                results.append(("health:daily page, district", timed(lambda c=client, u=url: c.get(u), args.runs)))
                results.append(("health:daily_export xlsx, district", timed(
                    lambda c=client, u=export: b"".join(c.get(u).streaming_content), args.runs)))
                results.append(("gap_counts (5 lists), district", timed(
                    lambda user=user, p=prefix: selectors.gap_counts(user=user, within=p), args.runs)))
                free = selectors.epidemic_free_summary(user=user, prefix=area)
                print(f"epidemic-free compounds in {prefix}: {free.total.compounds_free:,} of "
                      f"{free.total.compounds:,} ({free.total.compound_share:.1f}%)")
                results.append(("epidemic_free_summary, district", timed(
                    lambda user=user, area=area: selectors.epidemic_free_summary(user=user, prefix=area), args.runs)))
    finally:
        if not args.keep:
            print(f"removed {remove_seeded():,} seeded people")

    print()
    print(f"{'case':45} {'p50 ms':>8} {'p95 ms':>8}")
    for name, samples in results:
        print(f"{name:45} {statistics.median(samples):8.1f} {percentile(samples, 95):8.1f}")
    worst = max(percentile(s, 95) for n, s in results if n.startswith("four_category_table"))
    verdict = "meets" if worst < GOAL_MS else "MISSES"
    print(f"\nfour-category table p95 {worst:.1f} ms ({verdict} the {GOAL_MS} ms goal), {args.runs} runs, "
          f"database {database_url()}")
    print("reproduce: " + reproduce("four_category_table.py", sys.argv[1:]))


if __name__ == "__main__":
    main()
