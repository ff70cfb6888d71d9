"""The test kit's factories: one for every model, each row valid and where the city's staff find it."""

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from wangge.accounts.models import Role
from wangge.core.scoping import ScopedQuerySet
from wangge.core.testing import GRID_A, STREET_1, STREET_2, factories


@pytest.fixture
def one_of_each(city, grid_worker, street_officer):
    """A row of every model of every app, made by its factory, in grid A (street 1 for sites)."""
    a, household = city["residents"]["A"], city["households"]["A"][1]
    today, now = timezone.localdate(), timezone.now()
    order = factories.make_quarantine_order(a, start=today, planned_release=today + dt.timedelta(days=7))
    investigation = factories.make_investigation(city["residents"]["B"])
    campaign = factories.make_campaign(user=street_officer)
    visit = factories.make_visit(campaign, household, user=grid_worker)
    facility = factories.make_facility()
    alert = factories.make_alert(role="grid_worker", grid_code=GRID_A)
    factories.make_api_token(grid_worker)
    return [
        factories.make_audit_entry(grid_worker, grid_code=GRID_A, object_id=str(a.pk)),
        factories.make_grid_assignment(city["grids"]["A"], user=grid_worker),
        factories.tag_resident(a, factories.make_tag()),
        factories.make_household_move(a, household),
        factories.make_import_job(grid_worker, grid_code=GRID_A),
        factories.put_in(a, "fever"),
        factories.make_health_report(a),
        factories.make_quarantine_test(order, due=today),
        factories.make_test_result_entry(factories.make_quarantine_test(order, due=today, day=2, result="negative")),
        factories.make_room(factories.make_site(STREET_1[:9]), "201"),
        factories.make_member_check(visit, a),
        factories.make_declaration_link(household),
        factories.make_self_declaration(a),
        factories.make_risk_report(a),
        factories.make_trajectory_entry(investigation),
        factories.make_contact(investigation, a),
        factories.make_check_in(
            factories.make_transfer(
                [a], destination=facility, departure=now, arrival=now + dt.timedelta(hours=1), status="en_route"
            )
        ),
        factories.make_closed_road(grid_code=GRID_A),
        factories.make_admission(a, facility),
        factories.make_alert_read(alert, grid_worker),
        factories.make_export_job(grid_worker),
        factories.make_regime(),
        order,
        investigation,
        campaign,
        visit,
        facility,
        alert,
        factories.make_one_time_code(),
        factories.make_outbox_message(),
        factories.make_health_code(a),
        factories.make_paper_code(a),
        factories.make_revocation("ref-any"),
        factories.make_signing_key(),
        *_gate_rows(city, grid_worker),
        *_testing_rows(a),
        *_city_rows(city),
    ]


def _gate_rows(city, guard):
    gate = factories.make_checkpoint(GRID_A)
    return [gate, factories.make_gate_duty(gate, guard), factories.make_gate_pass(city["residents"]["A"], gate),
            factories.make_quota_use(), factories.make_gate_scan(gate, city["residents"]["A"]),
            factories.make_visitor(gate)]


def _testing_rows(a):
    rnd = factories.make_round()
    point = factories.make_sampling_point(rnd)
    tube = factories.make_tube(point)
    return [rnd, point, tube, factories.make_sample(tube, a), factories.make_device_batch(rnd),
            factories.make_control(tube, a), factories.make_sampling_task(rnd, a), factories.make_exemption(rnd, a)]


def _city_rows(city):
    grid = city["grids"]["A"]
    building = grid.buildings.first()
    return [grid.community, grid, building, building.units.first(), city["households"]["A"][0], city["residents"]["A"]]


def wangge_models():
    return {m for m in apps.get_models() if m.__module__.startswith("wangge.")}


def test_every_model_of_every_app_has_a_row_made_by_a_factory(one_of_each):
    empty = sorted(m._meta.label for m in wangge_models() if not m._default_manager.exists())
    assert empty == [], f"no factory made these (add one to wangge.core.testing.factories): {empty}"


def test_every_row_a_factory_makes_is_valid(one_of_each):
    for row in one_of_each:
        # Nullable fields are left out: their blank=False only speaks to forms (created_by of a job's row).
        nullable = [field.name for field in row._meta.fields if field.null]
        row.full_clean(exclude=nullable, validate_unique=False, validate_constraints=False)


def test_the_rows_in_grid_a_are_in_street_1s_reach_and_not_street_2s(one_of_each, street_officer):
    # Command staff may read every kind of record, so only the reach tells the two apart.
    other_street = factories.make_user("cmd_2", Role.COMMAND, [STREET_2])
    checked = 0
    for row in one_of_each:
        objects = type(row)._default_manager
        if isinstance(objects.all(), ScopedQuerySet) and row.grid_code.startswith(GRID_A):
            assert objects.restrict(street_officer).filter(pk=row.pk).exists(), row._meta.label
            assert not objects.restrict(other_street).filter(pk=row.pk).exists(), row._meta.label
            checked += 1
    assert checked >= 10  # the loop saw the scoped rows, not none of them
