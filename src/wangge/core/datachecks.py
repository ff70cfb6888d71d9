"""Data checks (数据检查): validation rules over the data in a user's reach, in the spirit of DHIS2's.

Each check is a question about data quality ("households with more than one head", "health reports
dated in the future") answered by a selector of the app that owns the data: a function of the acting
user, the list's ``DataCheckFilters`` and today's date, returning the problem rows as a scoped
queryset (``Model.objects.restrict(user)``) in a keyset order ending in ``id``.  The app registers it
in its ``datachecks.py``::

    register(DataCheck(
        key="people.household_without_head", title=gettext_lazy("没有户主的户"), order=20,
        rows=selectors.households_without_head, describe=describe_household,
    ))

``describe`` turns one row into a ``Problem``: what it is, a detail and the link to the record.
The page (``core:data_checks``) counts every check over its whole queryset and lists one check's
problems a keyset page at a time.  Core imports no app: the registry fills when each installed
app's ``datachecks`` module is imported (``data_checks()`` imports them all), so a later app adds
its checks without touching this file or the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from wangge.core.errors import NotFound
from wangge.core.filters import Filters, Within


class DataCheckFilters(Filters):
    """The filters of every check's list: a subtree of the reach."""

    within: Within = ""


@dataclass(frozen=True)
class Problem:
    label: str  # the record, as a person recognises it (a name, an address)
    detail: str  # what is wrong with it, in a few words
    url: str  # the record's page
    grid_code: str = ""


@dataclass(frozen=True)
class DataCheck:
    key: str  # "<app>.<what>", stable: it is in the page's URL
    title: Promise  # gettext_lazy: shown in the user's language
    rows: Callable[..., QuerySet]  # (user=, filters=, today=) -> scoped queryset of problem rows
    describe: Callable[[Any], Problem]
    description: Promise | str = ""
    order: int = 100

    def queryset(self, *, user, filters: DataCheckFilters | None = None, today: dt.date | None = None) -> QuerySet:
        return self.rows(user=user, filters=filters or DataCheckFilters(), today=today or timezone.localdate())


_registry: dict[str, DataCheck] = {}


def register(check: DataCheck) -> DataCheck:
    """Add ``check`` to the table of data checks (registering the same key twice is a mistake)."""
    if _registry.get(check.key, check) != check:
        raise ValueError(f"two data checks are named {check.key!r}")
    _registry[check.key] = check
    return check


def data_checks() -> list[DataCheck]:
    """Every installed app's data checks, in their order."""
    autodiscover_modules("datachecks")
    return sorted(_registry.values(), key=lambda c: (c.order, c.key))


def data_check(key: str) -> DataCheck:
    """The check named ``key``, or NotFound."""
    autodiscover_modules("datachecks")
    try:
        return _registry[key]
    except KeyError:
        raise NotFound(_("没有这项数据检查")) from None


def start_of_day_after(today: dt.date) -> dt.datetime:
    """Midnight after ``today``, local time: a timestamp at or past it lies in the future."""
    return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
