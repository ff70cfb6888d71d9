"""Pages per second of one page through the real server, many clients at once: by default the grid
worker's resident list, the page every grid worker opens most.

Against a bench database built by ``bench/demo_build.py``.  Starts ``wangge serve`` (arguments
from ``--serve-args``, e.g. ``--workers 2``; or uses ``--url``), logs the demo user in, then
``--clients`` threads request the page back to back, each on its own keep-alive connection, for
``--seconds`` after a warm-up, and prints pages/s, p50/p95 and the command that reproduces it.
The clients run on the same machine and take some of its CPU: the figure is a floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench .venv/bin/python bench/page_rate.py \\
        --serve-args '--workers 2'
"""

from __future__ import annotations

import argparse
import os
import threading
import time

from _common import percentile, reproduce
from crawl import USERS, log_in, prepare, start_server


def server_cpu_seconds(session_id: int) -> float:
    """User plus system CPU of every live process in the server's session (master, web processes)."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline") as cmdline:
                worker = "run_huey" in cmdline.read()
        except OSError:
            continue
        if int(fields[3]) == session_id and not worker:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/people/residents/")
    parser.add_argument("--role", default="grid", choices=sorted(USERS))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--url", help="a running server (its database must be DATABASE_URL's); default: start one")
    parser.add_argument("--serve-args", default="", help="extra arguments for wangge serve, e.g. '--workers 2'")
    args = parser.parse_args()

    passwords = prepare(seed_work=False)
    process = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        process, base = start_server(args.serve_args.split())
    username = USERS[args.role]
    try:
        sessions = [log_in(base, username, passwords[username]) for _ in range(args.clients)]
        for session in sessions:  # warm-up: connections open, caches warm
            for _ in range(3):
                session.get(base + args.path, timeout=60).raise_for_status()
        samples: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def client(session):
            mine = []
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                response = session.get(base + args.path, timeout=60)
                mine.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    with lock:
                        errors[0] += 1
            with lock:
                samples.extend(mine)

        cpu_before = server_cpu_seconds(process.pid) if process else None
        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        cpu = server_cpu_seconds(process.pid) - cpu_before if process else None
    finally:
        if process is not None:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)

    print()
    print(f"{args.path} as {args.role} ({username}), {args.clients} clients, {elapsed:.1f} s: "
          f"{len(samples) / elapsed:,.1f} pages/s; p50 {percentile(samples, 50):.0f} ms, "
          f"p95 {percentile(samples, 95):.0f} ms; {errors[0]} answers other than 200; "
          + (f"server CPU {cpu * 1000 / len(samples):.1f} ms/page; " if cpu is not None else "")
          + f"server: {args.url or 'wangge serve ' + args.serve_args}; cores: {os.cpu_count()}")
    argv = ["--path", args.path, "--role", args.role, "--clients", str(args.clients), "--seconds", str(args.seconds)]
    argv += ["--serve-args", args.serve_args] if args.serve_args else []
    argv += ["--url", args.url] if args.url else []
    print("reproduce:", reproduce("page_rate.py", argv))


if __name__ == "__main__":
    main()
