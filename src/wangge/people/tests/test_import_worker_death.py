"""A worker that dies mid-import: no orphan checker, no transaction left open, the job failed, not
``running`` for ever, and the same file imports again."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from wangge.core.testing import force_login
from wangge.core.testing.factories import valid_id_number
from wangge.people import imports, tasks
from wangge.people.imports import ABANDONED_MESSAGE, fail_abandoned_jobs
from wangge.people.models import ImportJob, Resident
from wangge.people.tests.import_helpers import resident_row, write_csv

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the checker process is PostgreSQL's")
RUNNING = ImportJob.Status.RUNNING
HOST = socket.gethostname()


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_job(user, **worker) -> ImportJob:
    return ImportJob.objects.create(kind=ImportJob.Kind.RESIDENTS, file_name="r.csv", file_path="/nonexistent.csv",
                                    grid_code="420106001001001", created_by=user, status=RUNNING, **worker)


def test_a_running_job_whose_process_has_ended_is_failed(city, grid_worker):
    job = running_job(grid_worker, worker_host=HOST, worker_pid=dead_pid(), heartbeat_at=timezone.now())
    assert fail_abandoned_jobs() == [job.pk]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.code == "import_worker_died"
    assert job.message == ABANDONED_MESSAGE
    assert job.finished_at is not None


def test_a_running_job_whose_process_lives_is_left_alone(city, grid_worker):
    job = running_job(grid_worker, worker_host=HOST, worker_pid=os.getpid(), heartbeat_at=timezone.now())
    assert fail_abandoned_jobs() == []
    job.refresh_from_db()
    assert job.status == RUNNING


def test_a_job_on_another_host_is_failed_only_after_its_heartbeat_goes_stale(city, grid_worker):
    now = timezone.now()
    fresh = running_job(grid_worker, worker_host="elsewhere", worker_pid=1, heartbeat_at=now - dt.timedelta(minutes=1))
    stale = running_job(grid_worker, worker_host="elsewhere", worker_pid=1, heartbeat_at=now - dt.timedelta(minutes=11))
    assert fail_abandoned_jobs() == [stale.pk]
    fresh.refresh_from_db()
    assert fresh.status == RUNNING


def test_a_worker_starting_up_fails_the_jobs_its_predecessor_left_running(city, grid_worker):
    job = running_job(grid_worker, worker_host=HOST, worker_pid=dead_pid(), heartbeat_at=timezone.now())
    tasks.fail_abandoned_imports()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


def test_the_job_page_shows_a_job_whose_worker_died_as_failed(client, city, grid_worker):
    job = running_job(grid_worker, worker_host=HOST, worker_pid=dead_pid(), heartbeat_at=timezone.now())
    force_login(client, grid_worker)
    page = client.get(reverse("people:import_progress", args=[job.pk])).content.decode()
    assert "导入进程已意外终止" in page
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


def test_a_job_that_ran_records_its_worker_and_heartbeat(tmp_path, city, grid_worker):
    from wangge.people.tests.import_helpers import run_job

    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(city["households"]["A"][1], valid_id_number())]))
    assert (job.worker_host, job.worker_pid) == (HOST, os.getpid())
    assert job.heartbeat_at is not None


# --- The checker process dies with the importer -------------------------------------------------

_SRC = str(Path(imports.__file__).resolve().parents[2])

_ORPHAN_SCRIPT = r"""
import sys, time, django
django.setup()
from pathlib import Path
from wangge.people.imports import ErrorReport, _CheckProgress, _in_process
import multiprocessing

def check(*, report, state, progress):
    time.sleep(600)
    yield

stream = _in_process(check, report=ErrorReport(), state=_CheckProgress(), progress=None)
import threading
def mark():
    while not multiprocessing.active_children():
        time.sleep(0.05)
    Path(sys.argv[1]).write_text(" ".join(str(p.pid) for p in multiprocessing.active_children()))
threading.Thread(target=mark, daemon=True).start()
next(stream)
"""


def gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(imports._process_is_gone(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def wait_for_file(path: Path, process: subprocess.Popen, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while not (path.exists() and path.read_text().strip()):
        if process.poll() is not None:
            raise AssertionError(f"the importer ended first: {process.stdout.read() if process.stdout else ''}")
        if time.monotonic() > deadline:
            raise AssertionError("the importer never got there")
        time.sleep(0.05)
    return path.read_text()


def subprocess_env(**extra) -> dict:
    return {**os.environ, "PYTHONPATH": _SRC, "DJANGO_SETTINGS_MODULE": "wangge.test_settings", **extra}


def test_the_checker_process_dies_when_its_importer_is_killed(tmp_path):
    marker = tmp_path / "pids"
    process = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT, str(marker)], env=subprocess_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        checkers = [int(pid) for pid in wait_for_file(marker, process).split()]
    finally:
        process.kill()
        process.wait()
    assert checkers
    assert gone_within(checkers, 5)


# --- Killed mid-import on PostgreSQL, then recovered and imported again ---------------------------

_IMPORT_SCRIPT = r"""
import sys, time, multiprocessing, django
django.setup()
from pathlib import Path
from wangge.people import imports

job_id, marker, stall = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "stall"
if stall:
    # Small batches through the checker process, which slows down after 200 rows; once two batches
    # are written (uncommitted) the pids of the checkers are published and the test kills us.
    imports.PROCESS_MIN_ROWS = 10
    imports.CHUNK_ROWS_POSTGRES = 50
    clean, drop, seen = imports.clean_resident_fields, imports._drop_registered_batch, [0, 0]

    def slow_clean(*args, **kwargs):
        seen[0] += 1
        if seen[0] > 200:
            time.sleep(0.05)
        return clean(*args, **kwargs)

    def drop_and_mark(*args):
        seen[1] += 1
        if seen[1] == 3:
            Path(marker).write_text(" ".join(str(p.pid) for p in multiprocessing.active_children()))
        return drop(*args)

    imports.clean_resident_fields = slow_clean
    imports._drop_registered_batch = drop_and_mark
print(imports.run_import_job(job_id).status)
"""


def other_transactions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")
        return cursor.fetchone()[0]


@postgres_only
def test_an_import_killed_midway_leaves_no_checker_no_transaction_and_can_run_again(transactional_db, tmp_path, city,
                                                                                   grid_worker):
    households = city["households"]["A"]
    # One birth date a row: valid_id_number repeats after 500 numbers for one date.
    rows = [resident_row(households[n % len(households)], valid_id_number(birth=dt.date(1970, 1, 1) +
                                                                           dt.timedelta(days=n)))
            for n in range(1000)]
    path = write_csv(tmp_path, rows)
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"
    env = subprocess_env(DATABASE_URL=url)

    def start(stall: bool) -> tuple[ImportJob, subprocess.Popen, Path]:
        job = ImportJob.objects.create(kind=ImportJob.Kind.RESIDENTS, file_name=path.name, file_path=str(path),
                                       grid_code="420106001001001", created_by=grid_worker)
        marker = tmp_path / f"pids-{job.pk}"
        process = subprocess.Popen(
            [sys.executable, "-c", _IMPORT_SCRIPT, str(job.pk), str(marker), "stall" if stall else "run"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        return job, process, marker

    job, process, marker = start(stall=True)
    try:
        checkers = [int(pid) for pid in wait_for_file(marker, process).split()]
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert checkers
    assert gone_within(checkers, 5)
    deadline = time.monotonic() + 10
    while other_transactions() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert other_transactions() == 0

    job.refresh_from_db()
    assert job.status == RUNNING
    assert fail_abandoned_jobs() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.code) == (ImportJob.Status.FAILED, "import_worker_died")
    assert not Resident.objects.filter(id_number=rows[0][4]).exists()

    again, process, _ = start(stall=False)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output
    again.refresh_from_db()
    assert again.status == ImportJob.Status.SUCCEEDED, again.message
    assert again.imported_rows == 1000
