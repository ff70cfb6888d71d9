"""Gate decisions per second and p99 through the real server, beside an empty view on the same
server in the same run; and the ingest rate of the offline scans gates upload in batches.

Against a bench database built by ``bench/demo_build.py`` (PostgreSQL).  The script migrates it,
sets up one gate of a demo compound with a guard on shift (an account with no reach, as a
property company's guard has), issues the codes of ``--people`` residents of the compound (and a
tenth as many from elsewhere, refused as not residents), then starts ``wangge serve`` (or uses
``--url``) and runs, in the same run and with the same ``--clients`` threads on keep-alive
connections:

1. the empty view (``GET /healthz``: a view that runs ``SELECT 1``) for ``--seconds``;
2. the gate decision (``POST /api/v1/gates/scan`` with a bearer token: verify the code's
   signature, the person, colour, order, residence, pass or quota, and the scan inserted with
   the four musts) for ``--seconds``;

and prints each one's rate and p50/p99, and their ratio (goals: p99 < 50 ms and a rate at least
0.6 of the empty view's).  Then ``--batches`` batches of ``--batch`` offline scans are uploaded
to ``POST /api/v1/gates/scans`` one after another (goal: at least 20,000 scans/s), and one batch is
sent again to show it records nothing.  The clients run on the same machine and take some of its
CPU: the figures are floors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench_gates .venv/bin/python bench/gate_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import threading
import time
import uuid

import requests
from _common import ROOT, bench_env, percentile, reproduce
from crawl import start_server

GUARD = "bench_gate_guard"


def prepare(people: int) -> tuple[int, str, list[str], list[str]]:
    """The gate, the guard's bearer token, tokens of residents and of outsiders, and their refs."""
    env = bench_env()
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "wangge.cli", "migrate", "--no-input", "-v", "0"],
                   env=env, check=True, cwd=ROOT)
    os.environ.update(bench_env())
    import django

    django.setup()
    from django.db import connections
    from django.db.models import Count
    from django.utils import timezone

    from wangge.accounts.models import Role, User
    from wangge.accounts.services import api_token_issue, user_create
    from wangge.codes.services import issue_token
    from wangge.core.codes import Level, prefix_at
    from wangge.gates.models import Checkpoint, GateDuty
    from wangge.gates.selectors import compound_key
    from wangge.grid.models import Building
    from wangge.people.models import Resident

    building = (Building.objects.exclude(compound="").annotate(n=Count("units__households__residents"))
                .filter(n__gt=50).order_by("code").first())
    community = prefix_at(building.grid_code, Level.COMMUNITY)
    key = compound_key(building.grid_code, building.compound)
    gate = Checkpoint.objects.filter(compound_key=key, name="基准东门").first() or Checkpoint.objects.create(
        grid_code=building.grid_code, compound=building.compound, compound_key=key, name="基准东门")
    guard = User.objects.filter(username=GUARD).first() or user_create(
        username=GUARD, password=uuid.uuid4().hex, role=Role.VOLUNTEER, scope_codes=[], check_password=False)
    now = timezone.now()
    GateDuty.objects.filter(user=guard).delete()
    GateDuty.objects.create(checkpoint=gate, grid_code=gate.grid_code, user=guard, kind="property_guard",
                            starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=12))
    bearer = api_token_issue(user=guard, name="gate bench")
    residents = list(Resident.objects.filter(household__unit__building__compound=building.compound,
                                             household__unit__building__grid_code__startswith=community)
                     .order_by("id")[:people])
    outsiders = list(Resident.objects.exclude(grid_code__startswith=community).order_by("id")[:max(1, people // 10)])
    started = time.monotonic()
    tokens = [issue_token(r).token for r in residents]
    others = [issue_token(r).token for r in outsiders]
    refs = [t.split(".")[1] for t in tokens]
    import base64
    import json

    refs = [json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["r"] for p in refs]
    print(f"gate {gate.pk} of compound {building.compound!r} ({len(residents)} residents' codes, "
          f"{len(outsiders)} outsiders'), issued in {time.monotonic() - started:.1f} s", flush=True)
    connections.close_all()
    return gate.pk, bearer, tokens + others, refs


def run_phase(clients: int, seconds: float, call) -> tuple[list[float], int, float]:
    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n):
        session = requests.Session()
        rng = random.Random(n)
        for _ in range(3):  # warm-up: the connection open
            call(session, rng)
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            ok = call(session, rng)
            mine.append((time.perf_counter() - t0) * 1000)
            bad += 0 if ok else 1
        with lock:
            samples.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, errors[0], time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--url", help="a running server (its database must be DATABASE_URL's); default: start one")
    parser.add_argument("--serve-args", default="", help="extra arguments for wangge serve, e.g. '--workers 2'")
    args = parser.parse_args()

    gate_id, bearer, tokens, refs = prepare(args.people)
    process = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        process, base = start_server(args.serve_args.split())
    headers = {"Authorization": f"Bearer {bearer}"}
    decisions: dict[str, int] = {}

    def empty(session, rng):
        return session.get(f"{base}/healthz", timeout=60).status_code == 200

    def scan(session, rng):
        body = {"checkpoint_id": gate_id, "direction": rng.choice(("in", "out")), "token": rng.choice(tokens),
                "temperature": "36.5", "mask": True}
        response = session.post(f"{base}/api/v1/gates/scan", json=body, headers=headers, timeout=60)
        if response.status_code != 200:
            return False
        reason = response.json()["reason"]
        decisions[reason] = decisions.get(reason, 0) + 1
        return True

    try:
        empty_ms, empty_errors, empty_s = run_phase(args.clients, args.seconds, empty)
        gate_ms, gate_errors, gate_s = run_phase(args.clients, args.seconds, scan)

        session = requests.Session()
        now = dt.datetime.now(dt.UTC)

        def batch_of(n):
            return {"checkpoint_id": gate_id, "scans": [
                {"uuid": str(uuid.uuid4()), "at": (now - dt.timedelta(seconds=i % 600)).isoformat(),
                 "direction": "in" if i % 2 else "out", "method": "token", "ref": refs[i % len(refs)],
                 "colour": "g", "passed": True, "temperature": 36.5, "mask": True} for i in range(n)]}

        session.post(f"{base}/api/v1/gates/scans", json=batch_of(100), headers=headers, timeout=120).raise_for_status()
        bodies = [batch_of(args.batch) for _ in range(args.batches)]
        recorded = 0
        started = time.monotonic()
        for body in bodies:
            response = session.post(f"{base}/api/v1/gates/scans", json=body, headers=headers, timeout=300)
            response.raise_for_status()
            recorded += response.json()["recorded"]
        ingest_s = time.monotonic() - started
        again = session.post(f"{base}/api/v1/gates/scans", json=bodies[0], headers=headers, timeout=300).json()
    finally:
        if process is not None:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)

    empty_rate, gate_rate = len(empty_ms) / empty_s, len(gate_ms) / gate_s
    print()
    print(f"empty view (GET /healthz): {empty_rate:,.0f} req/s, p50 {percentile(empty_ms, 50):.1f} ms, "
          f"p99 {percentile(empty_ms, 99):.1f} ms; {empty_errors} errors")
    print(f"gate decision (POST /api/v1/gates/scan): {gate_rate:,.0f} decisions/s, "
          f"p50 {percentile(gate_ms, 50):.1f} ms, p99 {percentile(gate_ms, 99):.1f} ms; {gate_errors} errors; "
          f"decisions {dict(sorted(decisions.items()))}")
    print(f"ratio to the empty view: {gate_rate / empty_rate:.2f} (goal >= 0.6); p99 goal < 50 ms")
    print(f"batch ingest (POST /api/v1/gates/scans, {args.batches} x {args.batch}): {recorded:,} recorded in "
          f"{ingest_s:.2f} s = {recorded / ingest_s:,.0f} scans/s (goal >= 20,000); the first batch again: "
          f"recorded {again['recorded']}, duplicates {again['duplicates']}")
    server = args.url or "wangge serve " + args.serve_args
    print(f"{args.clients} clients, {args.seconds:.0f} s a phase; server: {server}; cores: {os.cpu_count()}; "
          f"load average before: {os.getloadavg()[0]:.1f}")
    argv = ["--clients", str(args.clients), "--seconds", str(args.seconds), "--people", str(args.people),
            "--batch", str(args.batch), "--batches", str(args.batches)]
    argv += ["--serve-args", args.serve_args] if args.serve_args else []
    argv += ["--url", args.url] if args.url else []
    print("reproduce:", reproduce("gate_bench.py", argv))


if __name__ == "__main__":
    main()
