"""Quarantine orders made through the service, so each has its regime's schedule of tests."""

import datetime as dt

from django.utils import timezone

from wangge.quarantine import services


def make_order(actor, user, resident, days_ago=0, **kw):
    """A "7+3" home order of ``resident`` by ``user``, started ``days_ago`` days ago (``actor`` is the fixture)."""
    kw.setdefault("place", "home")
    return services.quarantine_order_create(
        actor=actor(user), resident_id=resident.pk, regime_code="7+3", reason="密接",
        start_date=timezone.localdate() - dt.timedelta(days=days_ago), **kw)
