"""p50/p99 of a health code's hot paths on PostgreSQL: one person's colour, a code issued (colour,
lock, signature), a token verified (signature only, as a gate's server check does), and the bulk
colour of 10,000 people.

Against the bench database of demo residents (``bench/demo_build.py``): seeds 38,000 people into
statuses (``health.demo.seed_statuses``, as four_category_table.py does) if nobody is in the loop,
then times each path ``--runs`` times on random residents (a fifth of them people in the loop).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench .venv/bin/python bench/code_colour.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics

from _common import bench_env, percentile, reproduce, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--bulk", type=int, default=10000)
    args = parser.parse_args()
    os.environ.update(bench_env())
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from wangge.codes import selectors, services
    from wangge.health.models import PersonStatus
    from wangge.people.models import Resident

    total = Resident.objects.count()
    max_id = Resident.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if not total:
        raise SystemExit("先用 bench/demo_build.py 建好演示城市")
    if not PersonStatus.objects.exists():
        from django.utils import timezone

        from wangge.health.demo import seed_statuses

        seed_statuses(rng=random.Random(2020), today=timezone.localdate(), reason_prefix="[bench] ",
                      counts={"confirmed": 2000, "suspected": 3000, "fever": 5000, "close_contact": 20000,
                              "secondary_contact": 5000, "excluded": 2000, "recovered": 1000})
    in_loop = list(PersonStatus.objects.order_by("resident_id").values_list("resident_id", flat=True)[:2000])
    rng = random.Random(9)

    def some_id() -> int:
        if in_loop and rng.random() < 0.2:
            return rng.choice(in_loop)
        while True:
            pk = rng.randint(1, max_id)
            if Resident.objects.filter(pk=pk).exists():
                return pk

    ids = [some_id() for _ in range(args.runs + 10)]
    people = {r.pk: r for r in Resident.objects.filter(pk__in=ids)}
    it = iter(ids * 3)
    colour = timed(lambda: selectors.current_colour(people[next(it)]), args.runs)
    issue = timed(lambda: services.issue_token(people[next(it)]), args.runs)
    tokens = [services.issue_token(people[i]).token for i in ids[:50]]
    tok = iter(tokens * (args.runs // 50 + 2))
    verify = timed(lambda: services.verify_token(next(tok)), args.runs)
    bulk_ids = [rng.randint(1, max_id) for _ in range(args.bulk)]
    bulk = timed(lambda: selectors.colours(bulk_ids), 5, warmup=1)
    print(f"residents: {total:,}; people in the loop: {PersonStatus.objects.count():,}")
    for name, samples in (("current_colour", colour), ("issue_token", issue), ("verify_token", verify),
                          (f"colours({args.bulk:,} ids)", bulk)):
        print(f"{name:>24}: p50 {statistics.median(samples):7.2f} ms  p99 {percentile(samples, 99):7.2f} ms")
    print("reproduce:", reproduce("code_colour.py", [f"--runs={args.runs}", f"--bulk={args.bulk}"]))


if __name__ == "__main__":
    main()
