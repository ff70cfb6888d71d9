"""What tracing asks of the apps above it (``core.hooks``).

Exposures (流调 from the records): tracing finds the people who shared a household, a unit or a
building with a case from the registry itself, and asks the apps above it for the rest (a gate's
scans at the same checkpoint around the case's passes, the same sampling point's queue, the same
tube pool), knowing none of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wangge.core.hooks import Hook


@dataclass(frozen=True)
class Exposure:
    """One reason to think ``resident_id`` was exposed to the case.

    ``reason`` is a stable code ("household", "unit", "building", "checkpoint", ...), ``label`` its
    words in the reader's language, ``at`` when it happened (None for sharing a home), ``where`` the
    place in words (typed by people: shown escaped), ``rank`` how close it is (lower is closer: the
    list is sorted by it) and ``suggested`` the contact kind it usually makes ("close" or "secondary").
    """

    resident_id: int
    reason: str
    label: str
    rank: int
    suggested: str
    at: dt.datetime | None = None
    where: str = ""


# Who else may have been exposed to ``resident`` between ``since`` and ``until``: each receiver
# answers with a list of ``Exposure`` for residents in ``user``'s reach (never ``resident``).
exposures = Hook("tracing.exposures", args=("user", "resident", "since", "until"))
