"""Trajectory entries and closing an investigation."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wangge.tracing import selectors, services


def at(hour):
    return timezone.make_aware(dt.datetime(2022, 3, 1, hour, 0))


def test_a_trajectory_entry_is_added_and_audited(cdc, investigation, actor):
    entry = services.trajectory_add(actor=actor(cdc), investigation_id=investigation.pk, place="中百超市",
                                    start=at(9), end=at(10), lat=30.55, lng=114.31)
    assert entry.grid_code == investigation.grid_code
    assert AuditEntry.objects.filter(field="trajectory", object_id=str(investigation.pk)).exists()


def test_a_trajectory_entry_cannot_end_before_it_starts(cdc, investigation, actor):
    with pytest.raises(ValidationFailed):
        services.trajectory_add(actor=actor(cdc), investigation_id=investigation.pk, place="超市", start=at(10),
                                end=at(9))


def test_a_trajectory_entry_needs_a_place(cdc, investigation, actor):
    with pytest.raises(ValidationFailed):
        services.trajectory_add(actor=actor(cdc), investigation_id=investigation.pk, place=" ", start=at(10))


def test_a_grid_worker_may_not_add_trajectory(street_grid_worker, investigation, actor):
    with pytest.raises(Forbidden):
        services.trajectory_add(actor=actor(street_grid_worker), investigation_id=investigation.pk, place="超市",
                                start=at(9))


def test_trajectory_out_of_reach_is_not_found(outsider, investigation, actor):
    with pytest.raises(NotFound):
        services.trajectory_add(actor=actor(outsider), investigation_id=investigation.pk, place="超市", start=at(9))


def test_closing_needs_a_summary_and_then_freezes_the_investigation(cdc, investigation, actor):
    with pytest.raises(ValidationFailed):
        services.investigation_close(actor=actor(cdc), investigation_id=investigation.pk, summary="")
    closed = services.investigation_close(actor=actor(cdc), investigation_id=investigation.pk, summary="判定密接3人")
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(Conflict):
        services.trajectory_add(actor=actor(cdc), investigation_id=investigation.pk, place="超市", start=at(9))


def test_open_investigations_are_listed_first(city, cdc, investigation, actor):
    from wangge.tracing.models import Investigation

    older_open = investigation
    closed = Investigation.objects.create(case=city["residents"]["A"], grid_code=city["residents"]["A"].grid_code,
                                          status="closed", summary="完成")
    assert list(selectors.investigation_queryset(user=cdc)) == [older_open, closed]


def test_the_contact_rows_show_the_loop_from_quarantine_to_tests(city, cdc, investigation, actor):
    from wangge.quarantine import services as quarantine

    services.contacts_add(actor=actor(cdc), investigation_id=investigation.pk, regime_code="7+3",
                          contacts=[{"resident_id": city["residents"]["A"].pk}],
                          start_date=timezone.localdate() - dt.timedelta(days=2))
    [row] = selectors.contact_rows(user=cdc, investigation=investigation)
    assert row.status == "close_contact" and row.quarantined
    assert (row.tests_done, row.tests_due, row.tests_total) == (0, 3, 6)
    first = row.order.tests.order_by("due_date").first()
    quarantine.test_result_record(actor=actor(cdc), test_id=first.pk, result="negative")
    [row] = selectors.contact_rows(user=cdc, investigation=investigation)
    assert row.tests_done == 1 and row.tests_behind == 2
    assert selectors.loop_summary([row]) == {"contacts": 1, "quarantined": 1, "tested": 0}
