"""p50/p95 of the household search (登记居民 and the person picker's inline registration) on PostgreSQL.

Against a database built by ``bench/demo_build.py`` (1,000,000 residents, ~390,000 households),
``people.selectors.household_search`` (address contains the text, door number or code starts with
it; the first 20 in reach in keyset order) as a grid worker (one grid), a street officer (one
street) and a city user (CDC, the whole city), for texts that hit many households (a compound
name), few (a full address) and none (a typo: the search reads every household in reach), plus the
picker's fragment through the real URL (``people:household_search``), then ``EXPLAIN ANALYZE`` of
the city user's miss.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench .venv/bin/python bench/household_search.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys

from _common import bench_env, database_url, percentile, reproduce, timed

GOAL_MS = 300
MISS = "不存在的小区名"


def cases(user, rng: random.Random) -> list[tuple[str, list[str]]]:
    """Search texts for ``user``, taken from households in reach."""
    from wangge.grid.models import Household

    addresses = list(Household.objects.restrict(user).order_by("?").values_list("address", flat=True)[:100])
    # "中华路141号柳园华庭2栋1单元1703": the compound is after the street number, before the building.
    compounds = []
    for a in addresses:
        head = a.split("号", 1)[-1]
        compounds.append(head.split("栋", 1)[0][:-1] if "栋" in head else head[:4])
    return [
        ("compound name (many hits)", compounds),
        ("full address (one hit)", addresses),
        ("address tail (building, unit, door)", [a[-9:] for a in addresses]),
        ("no such address (miss)", [MISS]),
    ]


def measure(label: str, user, n: int, rng: random.Random) -> list[tuple[str, str, list[float]]]:
    from django.test import Client
    from django.urls import reverse

    from wangge.accounts.models import User
    from wangge.grid.models import Household
    from wangge.people.selectors import household_search

    user = User.objects.get(pk=user.pk)  # fresh scope cache
    print(f"{label}: scope {user.scope_prefixes}, {Household.objects.restrict(user).count():,} households in reach")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("people:household_search")
    results = []
    for case, texts in cases(user, rng):
        repeat = n // len(texts) + 5
        selector_texts, page_texts = iter(texts * repeat), iter(texts * repeat)

        def search(pool=selector_texts):
            return household_search(user=user, q=next(pool))

        def page(pool=page_texts):
            response = client.get(url, {"hq": next(pool), "picker": "p", "field": "resident_ids"})
            if response.status_code != 200:
                raise RuntimeError(f"{label}: GET {url} -> {response.status_code}")

        results.append((label, f"selector: {case}", timed(search, n)))
        results.append((label, f"picker fragment: {case}", timed(page, n)))
    return results


def explain(user) -> None:
    from django.db import connection

    from wangge.grid.models import Household
    from wangge.people.selectors import household_search_queryset

    qs = household_search_queryset(user=user, text=MISS)
    if qs is None:
        return
    sql, params = qs[:21].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [Household._meta.db_table])
        indexes = sorted(row[0] for row in cursor.fetchall())
    print(f"\nindexes of {Household._meta.db_table}: {', '.join(indexes)}")
    print(f"EXPLAIN ANALYZE city user, miss {MISS!r}:")
    for line in lines:
        print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per case")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    os.environ.update(bench_env())
    hosts = os.environ.get("WANGGE_ALLOWED_HOSTS", "localhost,127.0.0.1")
    os.environ["WANGGE_ALLOWED_HOSTS"] = hosts + ",testserver"
    import django

    django.setup()
    from django.db import connection

    from wangge.accounts.models import Role, User
    from wangge.accounts.services import user_create

    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'grid_household'")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    grid_worker = User.objects.filter(username="demo_grid").first()
    if grid_worker is None or total < 1000:
        sys.exit("先生成基准城市：.venv/bin/python bench/demo_build.py --residents 1000000")
    street_code = User.objects.get(username="demo_police").scope_grants.get().code
    street = User.objects.filter(username="bench_street").first() or user_create(
        username="bench_street",
        password="unused-Bench-2026",
        role=Role.COMMAND,
        scope_codes=[street_code],
        display_name="街道指挥部（基准）",
        check_password=False,
    )
    city = User.objects.get(username="demo_cdc")
    print(f"database: {database_url()} ({version}), about {total:,} households")

    results = []
    for label, user in (("grid worker", grid_worker), ("street officer", street), ("city (CDC)", city)):
        results += measure(label, user, args.requests, rng)

    print()
    print(f"{'user':<15} {'case':<52} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for label, case, samples in results:
        p95 = percentile(samples, 95)
        worst = max(worst, p95)
        print(
            f"{label:<15} {case:<52} {len(samples):>4} {statistics.median(samples):>8.1f} {p95:>8.1f} "
            f"{max(samples):>8.1f}"
        )
    print(f"\nworst p95: {worst:.1f} ms (goal < {GOAL_MS} ms: {'met' if worst < GOAL_MS else 'NOT met'})")
    explain(User.objects.get(pk=city.pk))
    print("\nreproduce:", reproduce("household_search.py", ["--requests", str(args.requests)]))


if __name__ == "__main__":
    main()
