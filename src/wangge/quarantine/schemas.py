"""Shapes of quarantine orders, tests and sites in the API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from wangge.core.inputs import Day, Id, Timestamp
from wangge.quarantine.services import MAX_BATCH_TESTS, MAX_EXTENSION_DAYS


class ResultEntryOut(Schema):
    """One result recorded for a test: the first (``corrects_id`` empty) or a correction of another."""

    id: int
    result: str  # negative / positive
    corrects_id: int | None = None
    reason: str = ""  # why a correction was made
    recorded_by_id: int | None = None
    recorded_at: dt.datetime


class TestOut(Schema):
    __test__ = False  # not a pytest class

    id: int
    phase: str  # central / home (the regime's phase; a home order serves the central phase at home)
    day: int
    due_date: dt.date
    result: str  # pending / negative / positive: the current result (the latest entry's)
    sampled_at: dt.datetime | None = None
    result_at: dt.datetime | None = None
    entries: list[ResultEntryOut] = []  # oldest first; corrections never replace an entry


class OrderOut(Schema):
    id: int
    resident_id: int
    resident_name: str
    id_number_masked: str
    grid_code: str
    regime: str
    place: str
    phase: str
    site_id: int | None = None
    site_name: str | None = None
    room_number: str | None = None
    start_date: dt.date
    planned_release: dt.date
    status: str
    extension_days: int
    certificate_number: str | None = None


class OrderDetailOut(OrderOut):
    reason: str
    extension_reason: str
    released_at: dt.datetime | None = None
    tests: list[TestOut]
    release_problems: list[str]  # why it cannot be released today; empty when it can


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None = None


class OrderCreateIn(Schema):
    resident_id: Id
    regime_code: str  # 14, 14+7, 7+3, 5+3 or any active regime
    place: Literal["home", "central"]
    site_id: Id | None = None
    room_id: Id | None = None  # central: leave empty to take the site's first room with a free bed
    start_date: Day | None = None
    reason: str


class ExtendIn(Schema):
    days: int = Field(..., ge=1, le=MAX_EXTENSION_DAYS, description=f"延长天数，1–{MAX_EXTENSION_DAYS}")
    reason: str


class ResultIn(Schema):
    result: Literal["negative", "positive"]
    sampled_at: Timestamp | None = None


class CorrectionIn(Schema):
    result: Literal["negative", "positive"]
    reason: str = Field(..., max_length=300, description="更正原因（必填）")


class NegativeBatchIn(Schema):
    test_ids: list[Id] = Field(..., min_length=1, max_length=MAX_BATCH_TESTS)


class SiteOut(Schema):
    id: int
    name: str
    grid_code: str
    address: str
    rooms: int
    beds: int
    occupied: int  # staying: by an active central-phase order, or admitted by a transfer (guests)
    guests: int  # of those, admitted by a transfer with no order at the site yet
    incoming: int  # on a transfer bound for the site
    free: int  # beds less occupied and incoming
