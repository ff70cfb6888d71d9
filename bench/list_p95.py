"""p50/p95 of the resident list, searches and a grid's household pages on PostgreSQL.

Against a database built by ``bench/demo_build.py`` (1,000,000 residents), through Django's test
Client in-process (the real URLs, middleware, templates and session writes; no network), as a
street officer (command role, one street: ~40,000 residents) and as a grid worker (one grid):

- ``people:resident_list`` first page, and 50 consecutive deep pages following the next cursors
  from the middle of the user's reach;
- search by name prefix (surname + first character) and by the last four ID digits;
- ``grid:grid`` (the grid page with its buildings), ``grid:unit`` (a unit's household list) and
  ``grid:household`` (a household and its members);
- the selectors alone (``people.selectors.resident_page``, a grid's households through
  ``Household.objects.restrict(user)``), to separate query time from rendering.

Then ``EXPLAIN ANALYZE`` of the list queries, to show which indexes serve them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench .venv/bin/python bench/list_p95.py
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys

from _common import bench_env, database_url, percentile, reproduce, timed

GOAL_MS = 300
CURSOR_RE = re.compile(r'rel="next"[^>]*hx-get="[^"]*cursor=([A-Za-z0-9_.\-]+)')


def measure(label: str, user, n: int, rng: random.Random) -> tuple[list, list[str]]:
    """Time every case for one user; returns [(user label, case, samples ms)] and pages not timed."""
    from django.test import Client
    from django.urls import reverse

    from wangge.accounts.models import User
    from wangge.core.lists import encode_cursor
    from wangge.grid.models import Grid, Household, Unit
    from wangge.people.selectors import ResidentFilters, resident_page, resident_queryset

    results: list[tuple[str, str, list[float]]] = []
    fell_back: list[str] = []
    user = User.objects.get(pk=user.pk)  # fresh scope cache
    reach = resident_queryset(user=user)
    in_reach = reach.count()
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    list_url = reverse("people:resident_list")
    print(f"{label}: scope {user.scope_prefixes}, {in_reach:,} residents in reach")

    def get(url: str, params: dict | None = None):
        response = client.get(url, params or {})
        if response.status_code != 200:
            raise RuntimeError(f"{label}: GET {url} {params} -> {response.status_code}")
        return response

    sample = list(reach.order_by("?").values_list("name", "id_tail")[:200])
    prefixes = iter([name[:2] for name, _ in sample] * 2)
    tails = iter([tail for _, tail in sample] * 2)
    results.append((label, "resident list, first page", timed(lambda: get(list_url), n)))

    middle = reach.values_list("grid_code", "id")[in_reach // 2]
    cursor_state = {"cursor": encode_cursor("after", list(middle))}

    def next_page():
        html = get(list_url, {"cursor": cursor_state["cursor"]}).content.decode()
        found = CURSOR_RE.search(html)
        if found:
            cursor_state["cursor"] = found.group(1)

    results.append((label, "resident list, deep pages (next cursors)", timed(next_page, n)))
    results.append((label, "search: name prefix (2 chars)",
                    timed(lambda: get(list_url, {"q": next(prefixes)}), n)))
    results.append((label, "search: last 4 ID digits",
                    timed(lambda: get(list_url, {"q": next(tails)}), n)))
    results.append((label, "filter: tag elderly_alone",
                    timed(lambda: get(list_url, {"tag": "elderly_alone"}), n)))

    grids = list(Grid.objects.restrict(user).values_list("code", flat=True))
    units = list(Unit.objects.restrict(user).filter(grid_code__in=grids[:20]).values_list("pk", flat=True))
    households = list(
        Household.objects.restrict(user).filter(grid_code__in=grids[:20]).values_list("pk", flat=True)[:2000]
    )
    pages = [
        ("grid page (buildings)", lambda: get(reverse("grid:grid", args=[rng.choice(grids)]))),
        ("unit page (household list)", lambda: get(reverse("grid:unit", args=[rng.choice(units)]))),
        ("household page (members)", lambda: get(reverse("grid:household", args=[rng.choice(households)]))),
    ]
    for name, fn in pages:
        try:
            results.append((label, name, timed(fn, n)))
        except RuntimeError as exc:
            fell_back.append(f"{name}: {exc}")

    # The selectors alone: the query share of the page time.
    results.append((label, "selector: resident_page, first page",
                    timed(lambda: resident_page(user=user).items, n)))
    results.append((label, "selector: resident_page, ID tail search",
                    timed(lambda: resident_page(user=user, filters=ResidentFilters(q=next(tails))).items,
                          n)))
    results.append((label, "selector: a grid's households (restrict)",
                    timed(lambda: list(Household.objects.restrict(user).filter(
                        grid_code=rng.choice(grids)).order_by("code")), n)))

    return results, fell_back


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per case")
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
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'people_resident'")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    grid_worker = User.objects.filter(username="demo_grid").first()
    if grid_worker is None or total < 1000:
        sys.exit("先生成基准城市：.venv/bin/python bench/demo_build.py --residents 1000000")
    street_code = User.objects.get(username="demo_police").scope_grants.get().code
    street = User.objects.filter(username="bench_street").first() or user_create(
        username="bench_street", password="unused-Bench-2026", role=Role.COMMAND, scope_codes=[street_code],
        display_name="街道指挥部（基准）", check_password=False,
    )
    print(f"database: {database_url()} ({version}), about {total:,} residents")

    results: list[tuple[str, str, list[float]]] = []
    fell_back: list[str] = []
    city = User.objects.get(username="demo_cdc")
    for label, user in (("street officer", street), ("grid worker", grid_worker), ("city (CDC)", city)):
        found, missed = measure(label, User.objects.get(pk=user.pk), args.requests, rng)
        results += found
        fell_back += missed

    print()
    print(f"{'user':<15} {'case':<44} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for label, case, samples in results:
        p95 = percentile(samples, 95)
        worst = max(worst, p95)
        print(f"{label:<15} {case:<44} {len(samples):>4} {statistics.median(samples):>8.1f} {p95:>8.1f} "
              f"{max(samples):>8.1f}")
    for note in fell_back:
        print("page not timed (timed through the selectors above instead):", note)
    print(f"\nworst p95: {worst:.1f} ms (goal < {GOAL_MS} ms: {'met' if worst < GOAL_MS else 'NOT met'})")

    # Which indexes serve the list queries.
    for label, user in (("street officer", street), ("city (CDC)", city)):
        explain(label, User.objects.get(pk=user.pk))
    print("\nreproduce:", reproduce("list_p95.py", ["--requests", str(args.requests)]))


def explain(label: str, user) -> None:
    from django.db import connection

    from wangge.grid.models import Household
    from wangge.people.selectors import ResidentFilters, after_position, resident_queryset

    reach = resident_queryset(user=user)
    middle = reach.values_list("grid_code", "id")[reach.count() // 2]
    name = reach.values_list("name", flat=True)[7]
    tail = reach.values_list("id_tail", flat=True)[11]
    plans = {
        "list first page": reach.select_related("household")[:51],
        "list deep page": after_position(reach, *middle)[:51],
        "name prefix search": resident_queryset(user=user, filters=ResidentFilters(q=name[:2]))[:51],
        "ID tail search": resident_queryset(user=user, filters=ResidentFilters(q=tail))[:51],
        "grid household list": Household.objects.restrict(user).filter(grid_code=middle[0]).order_by("code"),
    }
    print()
    for title, qs in plans.items():
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
        scans = [ln.strip() for ln in lines if "Scan" in ln or "Sort" in ln]
        total_line = next((ln for ln in lines if ln.startswith("Execution Time")), "")
        print(f"EXPLAIN ANALYZE {label}, {title}: {total_line}")
        for line in scans:
            print("    " + line)


if __name__ == "__main__":
    main()
