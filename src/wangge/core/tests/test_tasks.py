"""The periodic tasks: every app's registered deadline job is a Huey periodic task calling it,
locked per job, and the Redis queue chosen by REDIS_URL."""

import datetime as dt
import os
import socket
import subprocess
import sys

import pytest
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from wangge.codes import jobs as codes_jobs
from wangge.core import tasks
from wangge.core.jobs import periodic_job, periodic_jobs
from wangge.health import jobs as health_jobs
from wangge.quarantine import jobs as quarantine_jobs
from wangge.transfer import jobs as transfer_jobs

# Task name → the module that owns the rule and the job function in it.
JOBS = {
    "health.missed_reports": (health_jobs, "raise_missed_report_alerts"),
    "health.stale_gaps": (health_jobs, "raise_stale_gap_alerts"),
    "quarantine.release_due": (quarantine_jobs, "raise_release_due_alerts"),
    "quarantine.overdue_tests": (quarantine_jobs, "raise_overdue_test_alerts"),
    "transfer.transfers": (transfer_jobs, "raise_transfer_alerts"),
    "codes.overdue_tests": (codes_jobs, "recolour_overdue_tests"),
    "codes.prune_revocations": (codes_jobs, "prune_revocations"),
}


def test_every_app_job_is_registered_and_scheduled():
    assert {job.name for job in periodic_jobs()} == set(JOBS)
    assert set(tasks.PERIODIC_TASKS) == set(JOBS)


def test_two_jobs_may_not_share_a_name():
    with pytest.raises(ValueError):
        periodic_job("health.missed_reports")(lambda *, now: 0)


def test_every_job_is_a_periodic_task_the_scheduler_enqueues_every_five_minutes():
    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {t.name for t in tasks.PERIODIC_TASKS.values()} <= names
    on_the_five = {t.name for t in HUEY.read_periodic(dt.datetime(2026, 3, 10, 4, 5))}
    off_the_five = {t.name for t in HUEY.read_periodic(dt.datetime(2026, 3, 10, 4, 6))}
    assert set(JOBS) <= on_the_five
    assert not set(JOBS) & off_the_five


@pytest.mark.parametrize("task_name,job", JOBS.items())
def test_each_task_calls_its_job(monkeypatch, task_name, job):
    module, job_name = job
    calls = []
    monkeypatch.setattr(module, job_name, lambda **kw: calls.append(kw) or 7)
    assert tasks.PERIODIC_TASKS[task_name].call_local() == 7
    [kwargs] = calls
    assert set(kwargs) <= {"now", "today"}


def test_a_job_whose_lock_is_held_by_another_worker_does_not_run(monkeypatch):
    calls = []
    monkeypatch.setattr(transfer_jobs, "raise_transfer_alerts", lambda **kw: calls.append(kw) or 0)
    lock = HUEY.lock_task("transfer.transfers")
    with lock, pytest.raises(TaskLockedException):
        tasks.PERIODIC_TASKS["transfer.transfers"].call_local()
    assert calls == []
    tasks.PERIODIC_TASKS["transfer.transfers"].call_local()
    assert len(calls) == 1


def test_the_consumer_runs_periodic_tasks_and_flushes_stale_locks_at_start():
    from django.conf import settings
    from huey.consumer_options import ConsumerConfig

    config = ConsumerConfig(**settings.HUEY["consumer"])
    assert config.periodic is True
    assert config.flush_locks is True


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis 未运行（127.0.0.1:6379）")
def test_with_redis_url_the_queue_is_redis_and_the_tasks_register_there(tmp_path):
    code = (
        "import django; django.setup();"
        "from huey.contrib.djhuey import HUEY; import wangge.core.tasks as t;"
        "HUEY.storage.conn.ping();"
        "print(type(HUEY).__name__, len([p for p in HUEY._registry.periodic_tasks if p.name in t.PERIODIC_TASKS]))"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/15", "DJANGO_SETTINGS_MODULE": "wangge.settings",
           "WANGGE_VAR_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RedisHuey", str(len(JOBS))]
