"""The periodic tasks: registered with Huey's scheduler, each calling its job, locked per job,
and the Redis queue chosen by REDIS_URL."""

import datetime as dt
import os
import socket
import subprocess
import sys

import pytest
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from wangge.alerts import tasks

JOBS = {
    "missed_reports_task": "raise_missed_report_alerts",
    "release_due_task": "raise_release_due_alerts",
    "overdue_tests_task": "raise_overdue_test_alerts",
    "transfers_task": "raise_transfer_alerts",
    "stale_gaps_task": "raise_stale_gap_alerts",
}


def test_every_job_is_a_periodic_task_the_scheduler_enqueues_every_five_minutes():
    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {t.name for t in tasks.PERIODIC_TASKS} <= names
    on_the_five = {t.name for t in HUEY.read_periodic(dt.datetime(2026, 3, 10, 4, 5))}
    off_the_five = {t.name for t in HUEY.read_periodic(dt.datetime(2026, 3, 10, 4, 6))}
    assert {t.name for t in tasks.PERIODIC_TASKS} <= on_the_five
    assert not {t.name for t in tasks.PERIODIC_TASKS} & off_the_five


@pytest.mark.parametrize("task_name,job_name", JOBS.items())
def test_each_task_calls_its_job(monkeypatch, task_name, job_name):
    calls = []
    monkeypatch.setattr(tasks.jobs, job_name, lambda **kw: calls.append(kw) or 7)
    assert getattr(tasks, task_name).call_local() == 7
    [kwargs] = calls
    assert set(kwargs) <= {"now", "today"}


def test_a_job_whose_lock_is_held_by_another_worker_does_not_run(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.jobs, "raise_transfer_alerts", lambda **kw: calls.append(kw) or 0)
    lock = HUEY.lock_task("alerts.transfers")
    with lock, pytest.raises(TaskLockedException):
        tasks.transfers_task.call_local()
    assert calls == []
    tasks.transfers_task.call_local()
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
        "from huey.contrib.djhuey import HUEY; import wangge.alerts.tasks as t;"
        "HUEY.storage.conn.ping();"
        "print(type(HUEY).__name__, len([p for p in HUEY._registry.periodic_tasks if p.name.startswith('alerts.')]))"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/15", "DJANGO_SETTINGS_MODULE": "wangge.settings",
           "WANGGE_VAR_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RedisHuey", "5"]
