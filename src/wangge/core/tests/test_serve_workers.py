"""How many web processes ``wangge serve`` starts when not told."""

import os

from django.test import override_settings

from wangge.core.management.commands.serve import default_workers


@override_settings(DB_IS_POSTGRES=False)
def test_the_embedded_sqlite_start_serves_from_one_process():
    assert default_workers() == 1


@override_settings(DB_IS_POSTGRES=True)
def test_production_on_postgresql_serves_from_one_process_per_usable_core(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 5})
    assert default_workers() == 4
