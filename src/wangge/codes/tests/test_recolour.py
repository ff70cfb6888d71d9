"""A change of status changes the colour at once, and a worsening is recorded in the revocation
list in the same transaction; an improvement is not; apps above call ``recolour``."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.codes import jobs, selectors, services
from wangge.codes.models import HealthCode, Revocation
from wangge.core.errors import ValidationFailed
from wangge.core.testing.factories import make_quarantine_order, make_quarantine_test, put_in
from wangge.health import services as health


def _contact(actor, user, resident):
    health.status_change(actor=actor(user), resident_id=resident.pk, to_status="close_contact", reason="同住")


def test_a_status_change_turns_the_code_yellow_at_once_and_revokes_the_green_token(resident, cdc, actor):
    shown = services.issue_token(resident)
    _contact(actor, cdc, resident)
    code = HealthCode.objects.get(resident=resident)
    assert (code.colour, code.reasons) == ("y", ["close_contact"])
    [revocation] = Revocation.objects.all()
    assert (revocation.ref, revocation.colour) == (shown.ref, "y")
    assert revocation.at >= shown.issued
    assert services.issue_token(resident).colour == "y"


def test_a_status_change_rolled_back_leaves_no_revocation(resident, cdc, actor):
    from django.db import transaction

    services.issue_token(resident)
    with pytest.raises(RuntimeError), transaction.atomic():
        _contact(actor, cdc, resident)
        assert Revocation.objects.count() == 1
        raise RuntimeError
    assert not Revocation.objects.exists()
    assert HealthCode.objects.get(resident=resident).colour == "g"


def test_a_worsening_from_yellow_to_red_is_recorded_again(resident, cdc, actor):
    services.issue_token(resident)
    _contact(actor, cdc, resident)
    health.status_change(actor=actor(cdc), resident_id=resident.pk, to_status="confirmed", reason="阳性",
                         evidence={"test": "PCR"}, severity="mild")
    assert list(Revocation.objects.values_list("colour", flat=True)) == ["y", "r"]


def test_an_improvement_changes_the_colour_but_revokes_nothing(resident, cdc, actor):
    put_in(resident, "close_contact")
    services.issue_token(resident)
    health.status_change(actor=actor(cdc), resident_id=resident.pk, to_status="excluded", reason="阴性",
                         evidence={"test": "PCR"})
    assert HealthCode.objects.get(resident=resident).colour == "g"
    assert not Revocation.objects.exists()


def test_someone_never_shown_a_code_has_nothing_to_revoke(resident, cdc, actor):
    _contact(actor, cdc, resident)
    assert not HealthCode.objects.exists() and not Revocation.objects.exists()
    assert services.issue_token(resident).colour == "y"


def test_a_worsening_found_when_a_code_is_issued_is_recorded_too(resident):
    services.issue_token(resident)
    put_in(resident, "fever")  # written behind the services' back
    assert services.issue_token(resident).colour == "y"
    assert list(Revocation.objects.values_list("colour", flat=True)) == ["y"]


def test_recolour_by_an_app_above_records_the_worsening(resident, city):
    from wangge.codes import hooks

    services.issue_token(resident)
    services.issue_token(city["residents"]["B"])

    def positive_pool(*, resident_ids):
        return {resident.pk: [("y", "positive_pool", "混管阳性")]}

    hooks.colour_facts.connect(positive_pool)
    try:
        changed = services.recolour([resident.pk, city["residents"]["B"].pk], reason="testing.positive_pool")
    finally:
        hooks.colour_facts.disconnect(positive_pool)
    assert [(c.resident_id, c.before, c.after) for c in changed] == [(resident.pk, "g", "y")]
    assert Revocation.objects.get().ref == HealthCode.objects.get(resident=resident).ref
    improved = services.recolour([resident.pk], reason="testing.pool_cleared")
    assert [(c.resident_id, c.before, c.after) for c in improved] == [(resident.pk, "y", "g")]
    assert Revocation.objects.count() == 1


def test_a_gate_refuses_a_green_token_older_than_the_revocation(resident, cdc, actor):
    """The rule the gates apply, written once here with the data they get."""
    old = services.verify_token(services.issue_token(resident).token)
    _contact(actor, cdc, resident)
    listed = {r.ref: r for r in selectors.revocations(timezone.now() - dt.timedelta(minutes=5))}
    entry = listed[old.ref]
    assert int(entry.at.timestamp()) >= int(old.issued.timestamp()) and selectors.is_worse(entry.colour, old.colour)
    new = services.verify_token(services.issue_token(resident).token)
    assert not selectors.is_worse(entry.colour, new.colour)


def test_the_overdue_test_job_records_the_worsening_once(resident):
    today = timezone.localdate()
    order = make_quarantine_order(resident, start=today - dt.timedelta(days=2), planned_release=today)
    make_quarantine_test(order, due=today - dt.timedelta(days=1))
    HealthCode.objects.create(resident=resident, grid_code=resident.grid_code, ref="r1", colour="y",
                              reasons=["quarantine_home"], coloured_at=timezone.now())
    assert jobs.recolour_overdue_tests(today=today) == 0  # still yellow: the reasons change, not the colour
    assert HealthCode.objects.get(resident=resident).reasons == ["quarantine_home", "test_overdue"]
    assert jobs.recolour_overdue_tests(today=today) == 0


def test_the_revocation_list_holds_only_references_colours_and_times(resident, cdc, actor):
    services.issue_token(resident)
    _contact(actor, cdc, resident)
    fields = {f.name for f in Revocation._meta.fields}
    assert fields == {"id", "ref", "colour", "at"}


def test_verify_raises_coded_errors_only(db):
    with pytest.raises(ValidationFailed):
        services.verify_token(None)


def test_an_order_placed_on_a_green_person_revokes_their_green_token(resident, grid_worker, actor):
    from wangge.quarantine import services as quarantine

    shown = services.issue_token(resident)
    quarantine.quarantine_order_create(actor=actor(grid_worker), resident_id=resident.pk, regime_code="7+3",
                                       place="home", reason="入境")
    assert HealthCode.objects.get(resident=resident).colour == "y"
    assert Revocation.objects.get().ref == shown.ref
