"""The worker's schedule: every registered deadline job (``core.jobs``) runs every five minutes.

``run_huey`` (started by ``wangge serve``) autodiscovers this module; its scheduler enqueues
periodic tasks by default (``-n``/``--no-periodic`` would turn that off, and nothing passes it).
A per-job lock in Huey's storage (the SQLite file, or Redis shared by every machine) means two
workers never run the same job at once; a worker that finds the lock taken skips that round.
The consumer flushes locks at start-up (``HUEY["consumer"]["flush_locks"]`` in settings), so a
worker killed mid-job does not leave its lock behind; the jobs are idempotent, so a second run
after a restart changes nothing.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from wangge.core.jobs import PeriodicJob, periodic_jobs

EVERY_FIVE_MINUTES = crontab(minute="*/5")


def _schedule(job: PeriodicJob):
    @db_periodic_task(EVERY_FIVE_MINUTES, name=job.name)
    @HUEY.lock_task(job.name)
    def task() -> int:
        return job.run()

    return task


# Task name (the job's name) → the Huey periodic task that runs it.
PERIODIC_TASKS = {job.name: _schedule(job) for job in periodic_jobs()}
