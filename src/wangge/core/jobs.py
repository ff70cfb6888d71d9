"""Deadline jobs: each app registers its own, the worker schedules them all.

A deadline job is a plain function in the app that owns the rule (``<app>/jobs.py``), taking
``now`` or ``today`` and reading only the database; it is idempotent (``alert_raise`` dedupes by
key), so running it twice, on two workers or again after a crash changes nothing, and it returns
how many alerts it newly raised.  The app registers it with ``periodic_job``::

    @periodic_job("quarantine.release_due", clock="today")
    def raise_release_due_alerts(*, today: dt.date) -> int: ...

``core.tasks`` turns every registered job into a Huey periodic task; tests call the functions
directly with a chosen ``now`` / ``today``.  Core imports no app: the registry fills when each
installed app's ``jobs`` module is imported (``periodic_jobs`` imports them all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Literal

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

Clock = Literal["now", "today"]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    module: str
    function: str
    clock: Clock

    def run(self) -> int:
        # Looked up at each run, so the function the module holds now is the one that runs.
        func = getattr(import_module(self.module), self.function)
        if self.clock == "today":
            return func(today=timezone.localdate())
        return func(now=timezone.now())


_registry: dict[str, PeriodicJob] = {}


def periodic_job(name: str, *, clock: Clock = "now") -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Register the decorated function as the deadline job ``name`` (``<app>.<what>``)."""
    if clock not in ("now", "today"):
        raise ValueError(f"clock must be 'now' or 'today', not {clock!r}")

    def register(func: Callable[..., int]) -> Callable[..., int]:
        job = PeriodicJob(name=name, module=func.__module__, function=func.__name__, clock=clock)
        if _registry.get(name, job) != job:
            raise ValueError(f"two deadline jobs are named {name!r}")
        _registry[name] = job
        return func

    return register


def periodic_jobs() -> list[PeriodicJob]:
    """Every installed app's deadline jobs, by name."""
    autodiscover_modules("jobs")
    return sorted(_registry.values(), key=lambda job: job.name)
