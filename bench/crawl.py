"""p50/p95 of every page reachable from the navigation, as a city-wide, a street and a grid user,
through the real server.

Against a bench database built by ``bench/demo_build.py``.  The script gives the three demo
accounts (``demo_cdc`` city-wide, ``demo_police`` street, ``demo_grid`` grid) a fresh password,
starts ``wangge serve`` (or uses ``--url``), logs each in, collects every same-origin GET link of
the home page's navigation plus the htmx fragments those pages load, then one level of drill-down
links from each of those pages (at most ``--per-shape`` links of each URL shape, so a list of 50
residents is three resident pages, not fifty), requests each page ``--requests`` times in turn
and prints the slowest twenty by p95 with the command that reproduces the figure.  Nothing fails:
it reports.  Logout, exports and downloads are never followed.

``--seed-work`` first seeds the demo's epidemic work (cases, quarantine, investigations,
transfers, a district screening campaign three days in) when the database has no campaign yet,
as ``wangge demo`` without ``--city-only`` does.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench .venv/bin/python bench/crawl.py --seed-work
"""

from __future__ import annotations

import argparse
import html
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import requests
from _common import ROOT, bench_env, percentile, reproduce

USERS = {"city": "demo_cdc", "street": "demo_police", "grid": "demo_grid"}
NEVER = re.compile(r"logout|export|download|/static/|/media/|\.xlsx|\.csv|/admin/|/api/|set_language|/i18n/")
LINK = re.compile(r'''(?:href|hx-get)\s*=\s*"([^"]+)"''')


def prepare(*, seed_work: bool) -> dict[str, str]:
    """A fresh password for each crawling account (the bench database only), and the epidemic work."""
    os.environ.update(bench_env())
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from wangge.demo.services import new_password
    from wangge.screening.models import Campaign

    if seed_work and not Campaign.objects.exists():
        from wangge.demo.services import epidemic_work_seed

        started = time.monotonic()
        epidemic_work_seed(seed=2020)
        print(f"seeded the demo's epidemic work in {time.monotonic() - started:.1f} s", flush=True)
    passwords = {}
    for username in USERS.values():
        user = get_user_model().objects.get(username=username)
        passwords[username] = new_password()
        user.set_password(passwords[username])
        user.save(update_fields=["password"])
    from django.db import connections

    connections.close_all()
    return passwords


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(serve_args: list[str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = bench_env()
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    process = subprocess.Popen(
        [sys.executable, "-m", "wangge.cli", "serve", "--port", str(port), "--no-worker", *serve_args],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=2).ok:
                return process, base
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit("wangge serve did not start")
        time.sleep(0.3)


def log_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(f"{base}/accounts/login/", data={
        "csrfmiddlewaretoken": token, "username": username, "password": password,
    }, headers={"Referer": f"{base}/accounts/login/"}, timeout=30, allow_redirects=False)
    if done.status_code != 302:
        sys.exit(f"{username} could not log in (HTTP {done.status_code})")
    return session


def links(base: str, page_url: str, text: str) -> list[str]:
    found = []
    for raw in LINK.findall(text):
        url = urldefrag(urljoin(page_url, html.unescape(raw)))[0]
        parts = urlsplit(url)
        if url.startswith(base) and not NEVER.search(parts.path + "?" + parts.query):
            found.append(url[len(base):] or "/")
    return list(dict.fromkeys(found))


def shape(path: str) -> str:
    """A URL with its numbers and query values blanked: /people/123/?within=3201 -> /people/N/?within="""
    path, _, query = path.partition("?")
    keys = sorted(k.split("=")[0] for k in query.split("&") if k)
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(keys) if keys else "")


@dataclass
class Timing:
    role: str
    path: str
    samples: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)


def crawl(base: str, role: str, session: requests.Session, *, per_shape: int) -> list[str]:
    home = session.get(f"{base}/", timeout=120)
    nav = ["/", *links(base, f"{base}/", home.text)]
    pages = list(nav)
    shapes: dict[str, int] = {}
    for path in pages:
        shapes[shape(path)] = shapes.get(shape(path), 0) + 1
    for path in nav:
        response = session.get(base + path, timeout=300)
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        for link in links(base, response.url, response.text):
            key = shape(link)
            if link in pages or shapes.get(key, 0) >= per_shape:
                continue
            shapes[key] = shapes.get(key, 0) + 1
            pages.append(link)
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (its database must be DATABASE_URL's); default: start one")
    parser.add_argument("--requests", type=int, default=5, help="requests per page")
    parser.add_argument("--per-shape", type=int, default=3, help="drill-down links kept of each URL shape")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--roles", default="city,street,grid")
    parser.add_argument("--seed-work", action="store_true", help="seed the demo's epidemic work if missing")
    parser.add_argument("--serve-args", default="", help="extra arguments for wangge serve, e.g. '--workers 2'")
    args = parser.parse_args()

    passwords = prepare(seed_work=args.seed_work)
    process = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        process, base = start_server(args.serve_args.split())
    try:
        timings: list[Timing] = []
        for role in args.roles.split(","):
            username = USERS[role]
            session = log_in(base, username, passwords[username])
            pages = crawl(base, role, session, per_shape=args.per_shape)
            print(f"{role} ({username}): {len(pages)} pages", flush=True)
            for path in pages:
                timing = Timing(role, path)
                for _ in range(args.requests):
                    started = time.perf_counter()
                    response = session.get(base + path, timeout=300, allow_redirects=False)
                    timing.samples.append((time.perf_counter() - started) * 1000)
                    timing.statuses.add(response.status_code)
                timings.append(timing)
    finally:
        if process is not None:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)

    timings.sort(key=lambda t: percentile(t.samples, 95), reverse=True)
    print()
    print(f"slowest {args.top} of {len(timings)} pages ({args.requests} requests each), ms:")
    print(f"{'p50':>8} {'p95':>8}  {'role':<6} {'status':<8} path")
    for t in timings[: args.top]:
        statuses = ",".join(str(s) for s in sorted(t.statuses))
        print(f"{percentile(t.samples, 50):8.0f} {percentile(t.samples, 95):8.0f}  {t.role:<6} {statuses:<8} {t.path}")
    over = [t for t in timings if percentile(t.samples, 95) >= 300]
    errors = [t for t in timings if any(s >= 500 for s in t.statuses)]
    print(f"pages at p95 >= 300 ms: {len(over)} of {len(timings)}; pages answering 5xx: {len(errors)}")
    argv = ["--requests", str(args.requests), "--per-shape", str(args.per_shape), "--roles", args.roles]
    if args.serve_args:
        argv += ["--serve-args", args.serve_args]
    if args.url:
        argv += ["--url", args.url]
    print("reproduce:", reproduce("crawl.py", argv))


if __name__ == "__main__":
    main()
