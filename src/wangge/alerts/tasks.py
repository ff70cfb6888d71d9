"""Periodic tasks: the worker runs each deadline job every five minutes.

``run_huey`` (started by ``wangge serve``) autodiscovers this module; its scheduler enqueues
periodic tasks by default (``-n``/``--no-periodic`` would turn that off, and nothing passes it).
A per-job lock in Huey's storage (the SQLite file, or Redis shared by every machine) means two
workers never run the same job at once; a worker that finds the lock taken skips that round.
The consumer flushes locks at start-up (``HUEY["consumer"]["flush_locks"]`` in settings), so a
worker killed mid-job does not leave its lock behind; the jobs are idempotent, so a second run
after a restart changes nothing.
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from wangge.alerts import jobs

EVERY_FIVE_MINUTES = crontab(minute="*/5")


@db_periodic_task(EVERY_FIVE_MINUTES, name="alerts.missed_reports")
@HUEY.lock_task("alerts.missed_reports")
def missed_reports_task() -> int:
    return jobs.raise_missed_report_alerts(now=timezone.now())


@db_periodic_task(EVERY_FIVE_MINUTES, name="alerts.release_due")
@HUEY.lock_task("alerts.release_due")
def release_due_task() -> int:
    return jobs.raise_release_due_alerts(today=timezone.localdate())


@db_periodic_task(EVERY_FIVE_MINUTES, name="alerts.overdue_tests")
@HUEY.lock_task("alerts.overdue_tests")
def overdue_tests_task() -> int:
    return jobs.raise_overdue_test_alerts(today=timezone.localdate())


@db_periodic_task(EVERY_FIVE_MINUTES, name="alerts.transfers")
@HUEY.lock_task("alerts.transfers")
def transfers_task() -> int:
    return jobs.raise_transfer_alerts(now=timezone.now())


@db_periodic_task(EVERY_FIVE_MINUTES, name="alerts.stale_gaps")
@HUEY.lock_task("alerts.stale_gaps")
def stale_gaps_task() -> int:
    return jobs.raise_stale_gap_alerts(now=timezone.now())


PERIODIC_TASKS = [missed_reports_task, release_due_task, overdue_tests_task, transfers_task, stale_gaps_task]
