"""Exports end to end on PostgreSQL: rows/s and time to first byte of the resident export (a street,
a district) and a campaign's missing-households export, through Django's test client (in process,
streaming) and through ``wangge serve`` (started here on a free port, with a session cookie).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench_exports .venv/bin/python bench/export_e2e.py

The database comes from bench/demo_build.py --residents 1000000.  The server is started with a
stream limit above the district, so the district's figure is the streamed export; an export above
the limit in production goes to the worker through the same reader and writer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from _common import ROOT, bench_env, reproduce  # noqa: E402

cpu_used = 0.0  # CPU seconds of the last in-process export: the figure a loaded machine cannot skew


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed_stream(chunks) -> tuple[float, float, int]:
    global cpu_used
    cpu = time.process_time()
    start = time.perf_counter()
    first = None
    size = 0
    for chunk in chunks:
        if first is None:
            first = time.perf_counter() - start
        size += len(chunk)
    cpu_used = time.process_time() - cpu
    return first or 0.0, time.perf_counter() - start, size


def http_chunks(url: str, cookie: str):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=600) as response:
        assert response.status == 200 and response.headers["Content-Type"].endswith("sheet"), (url, response.status)
        while chunk := response.read(65536):
            yield chunk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--street", default="420106008")
    parser.add_argument("--district", default="420106")
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args()
    env = bench_env()
    env["WANGGE_EXPORT_STREAM_ROWS"] = "2000000"
    # The server runs this checkout's code, not whatever the virtualenv's entry point was installed from.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from wangge.audit.context import Actor
    from wangge.people.models import Resident
    from wangge.screening.models import Campaign
    from wangge.screening.services import campaign_create

    user = get_user_model().objects.get(username="demo_command")
    today = dt.date.today()
    campaign = Campaign.objects.filter(grid_code=args.district, name="导出基准").first()
    if campaign is None:
        campaign = campaign_create(actor=Actor.cli(user), name="导出基准", area_code=args.district + "000000",
                                   start_date=today - dt.timedelta(days=1), end_date=today + dt.timedelta(days=30),
                                   frequency=Campaign.Frequency.DAILY)
    cases = [
        ("居民 街道", f"/people/residents/export.xlsx?within={args.street}",
         Resident.objects.filter(grid_code__startswith=args.street).count()),
        ("居民 区", f"/people/residents/export.xlsx?within={args.district}",
         Resident.objects.filter(grid_code__startswith=args.district).count()),
        ("未排查户 街道", f"/screening/{campaign.pk}/missing/?export=xlsx&within={args.street}"
                     f"&date={today.isoformat()}", None),
    ]
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def report(label, how, url, expected, first, total, size, cpu=None):
        print(f"{how:6} {label:10} first byte {first * 1000:7.0f} ms, {total:6.2f} s, {size / 1e6:6.1f} MB, "
              f"{expected:,} rows = {expected / total:,.0f} rows/s"
              + (f" ({expected / cpu:,.0f} rows per CPU second)" if cpu else ""))

    for label, url, expected in cases:
        response = client.get(url)
        assert response.status_code == 200 and response.streaming, (url, response.status_code)
        first, total, size = timed_stream(response.streaming_content)
        if expected is None:
            from wangge.audit.models import AuditEntry

            expected = AuditEntry.objects.filter(action="export").latest("pk").changes["rows"]
        report(label, "client", url, expected, first, total, size, cpu_used)

    if not args.no_server:
        session = SessionStore()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        port = free_port()
        server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "wangge"), "serve", "--port", str(port),
                                   "--no-worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            for label, url, expected in cases:
                first, total, size = timed_stream(http_chunks(f"http://127.0.0.1:{port}{url}", cookie))
                if expected is None:
                    from wangge.audit.models import AuditEntry

                    expected = AuditEntry.objects.filter(action="export").latest("pk").changes["rows"]
                report(label, "http", url, expected, first, total, size)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall-clock rates are shared with it)")
    print("reproduce: " + reproduce("export_e2e.py", [f"--street={args.street}", f"--district={args.district}"]))


if __name__ == "__main__":
    main()
