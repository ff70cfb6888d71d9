"""Schemathesis against /api/v1/openapi.json: no input makes a server error, and every answer is one
the document declares (status code, content type, body shape).

Each operation is tried with a grid worker's token and a city commander's token on a small city
with one of everything (a campaign, an investigation, a quarantine order with its tests, a
transfer, an admission, an alert, a declaration link).  Generated identifiers are mapped onto those
records, so the cases reach real objects and not only 404s.  The run is bounded (a few examples per
operation, no deadline) and derandomized, so CI sees the same cases every time.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from wangge.accounts.models import Role
from wangge.accounts.services import api_token_issue
from wangge.alerts.models import Alert
from wangge.core.testing import GRID_A, actor_for
from wangge.core.testing.factories import (
    make_facility,
    make_quarantine_order,
    make_quarantine_test,
    make_transfer,
    make_user,
)
from wangge.screening.services import campaign_create, declaration_link_for
from wangge.tracing.services import investigation_open
from wangge.transfer.models import Admission
from wangge.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Cases call the WSGI application directly, whose request signals would close the database
    connection the test's transaction lives on (PostgreSQL); Django's test client holds the same
    handler back."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def keep_connection():
    """Schemathesis calls the WSGI application itself, whose request signals would close the database
    connection and so end the test's transaction (PostgreSQL); Django's test client unhooks them too."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(city, grid_worker, keep_connection):
    """One record of each kind in grid A, and the identifiers a generated case is mapped onto."""
    commander = make_user("cmd_city", Role.COMMAND, ["420100000000"], display_name="市指挥部")
    residents = city["residents"]
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    campaign = campaign_create(actor=actor_for(commander), name="全员排查", area_code=GRID_A[:12],
                               start_date=today, end_date=today + dt.timedelta(days=3))
    investigation = investigation_open(actor=actor_for(commander), case_resident_id=residents["A"].pk)
    order = make_quarantine_order(residents["A2"], start=today, planned_release=today + dt.timedelta(days=7))
    test = make_quarantine_test(order, due=today)
    fangcang = make_facility()
    trip = make_transfer([residents["A"]], destination=fangcang, departure=now, arrival=now + dt.timedelta(hours=1))
    admission = Admission.objects.create(resident=residents["A"], facility=fangcang, grid_code=GRID_A,
                                         admitted_at=now)
    alert = Alert.objects.create(kind="fever", role=Role.COMMAND, grid_code=GRID_A, title="发热", dedupe_key="t1")
    link = declaration_link_for(actor=actor_for(grid_worker), household_id=city["households"]["A"][0].pk)
    return {
        "tokens": [api_token_issue(user=grid_worker), api_token_issue(user=commander)],
        "ids": {
            "resident_id": [r.pk for r in residents.values()],
            "household_id": [h.pk for hs in city["households"].values() for h in hs],
            "building_id": [g.buildings.first().pk for g in city["grids"].values()],
            "campaign_id": [campaign.pk], "investigation_id": [investigation.pk], "order_id": [order.pk],
            "test_id": [test.pk], "transfer_id": [trip.pk], "admission_id": [admission.pk], "alert_id": [alert.pk],
            "code": [GRID_A, GRID_A[:12], "420106001000", "420100000000"], "token": [link.token],
        },
    }


def aim_at_records(case, ids: dict) -> None:
    """Map a generated identifier onto a real one; leave malformed ones (negative cases) as they are."""
    for name, value in list((case.path_parameters or {}).items()):
        known = ids.get(name)
        if not known:
            continue
        if isinstance(value, int) and value >= 0:
            case.path_parameters[name] = known[value % len(known)]
        elif name in ("code", "token") and isinstance(value, str) and value.isalnum():
            case.path_parameters[name] = known[len(value) % len(known)]


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_input_as_documented(case, world):
    aim_at_records(case, world["ids"])
    for token in world["tokens"]:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
