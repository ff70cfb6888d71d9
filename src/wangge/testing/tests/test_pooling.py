"""Pooling by the area's control level, who always gets a single tube, and tubes closing."""

import pytest

from wangge.core.errors import Conflict
from wangge.core.testing.factories import (
    add_resident,
    make_quarantine_order,
    make_round,
    make_tag,
    put_in,
    tag_resident,
)
from wangge.testing import selectors, services
from wangge.testing.models import Sample, Tube


@pytest.mark.parametrize(("level", "size"), [("sealed", 1), ("controlled", 5), ("precaution", 10), ("normal", 20)])
def test_the_pool_size_follows_the_control_level(city, level, size):
    assert selectors.pool_size(make_round(control_level=level)) == size


def test_a_round_may_choose_its_own_pool_size(city):
    assert selectors.pool_size(make_round(control_level="sealed", pool_size=20)) == 20


def test_the_pooling_by_level_is_configurable(city, settings):
    settings.WANGGE_TESTING_POOLING = {"precaution": 5}
    assert selectors.pool_size(make_round(control_level="precaution")) == 5


def test_key_groups_and_people_under_control_always_get_a_single_tube(city):
    a, a2, b = city["residents"]["A"], city["residents"]["A2"], city["residents"]["B"]
    tag_resident(a, make_tag())
    put_in(b, "close_contact")
    plain = add_resident(city["households"]["A"][1], name="赵六")
    ordered = add_resident(city["households"]["A"][1], name="钱七")
    import datetime as dt

    from django.utils import timezone
    make_quarantine_order(ordered, start=timezone.localdate(), planned_release=timezone.localdate() + dt.timedelta(7))
    assert selectors.single_tube_ids([a.pk, a2.pk, b.pk, plain.pk, ordered.pk]) == {a.pk, b.pk, ordered.pk}


def test_a_person_joins_the_samplers_open_pooled_tube(city, point, grid_worker, actor):
    services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0001")
    done = services.sample_register(actor=actor(grid_worker), point_id=point.pk,
                                    person=city["residents"]["A"].id_number)
    assert (done.tube.barcode, done.tube.size, done.single, done.closed) == ("P0001", 1, False, False)


def test_without_an_open_tube_the_page_asks_for_one_first(city, point, grid_worker, actor):
    done = services.sample_register(actor=actor(grid_worker), point_id=point.pk, person=f"#{city['residents']['A'].pk}")
    assert done.needs_tube and done.tube is None
    assert not Sample.objects.exists()


def test_a_pooled_tube_closes_itself_when_full(city, rnd, point, grid_worker, actor):
    rnd.pool_size = 5
    rnd.save()
    services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0005")
    household = city["households"]["A"][1]
    people = [add_resident(household, name=f"居民{i}") for i in range(5)]
    outcomes = [services.sample_register(actor=actor(grid_worker), point_id=point.pk, person=f"#{p.pk}")
                for p in people]
    assert [o.closed for o in outcomes] == [False, False, False, False, True]
    tube = Tube.objects.get(barcode="P0005")
    assert (tube.status, tube.size) == ("closed", 5) and tube.closed_at
    assert selectors.open_tube(point=point, user=grid_worker) is None


def test_a_tube_is_closed_by_hand_once(city, point, grid_worker, actor):
    tube = services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0009")
    services.tube_close(actor=actor(grid_worker), tube_id=tube.pk)
    assert Tube.objects.get(pk=tube.pk).status == "closed"
    with pytest.raises(Conflict) as refused:
        services.tube_close(actor=actor(grid_worker), tube_id=tube.pk)
    assert refused.value.code == "tube_not_open"


def test_opening_a_new_tube_seals_the_one_being_filled(city, point, grid_worker, actor):
    first = services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0010")
    services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0011")
    assert Tube.objects.get(pk=first.pk).status == "closed"


def test_a_barcode_is_used_once(city, point, grid_worker, actor):
    services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0012")
    with pytest.raises(Conflict) as refused:
        services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0012")
    assert refused.value.code == "barcode_used"


def test_a_key_group_member_is_asked_for_a_single_tube_then_sampled_into_it(city, point, grid_worker, actor):
    a = city["residents"]["A"]
    tag_resident(a, make_tag())
    services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0013")
    asked = services.sample_register(actor=actor(grid_worker), point_id=point.pk, person=a.id_number)
    assert asked.single and asked.tube is None
    done = services.sample_register(actor=actor(grid_worker), point_id=point.pk, person=a.id_number,
                                    single_barcode="S0001")
    assert (done.tube.capacity, done.tube.barcode) == (1, "S0001")
    assert Tube.objects.get(barcode="S0001").status == "closed"
    assert Tube.objects.get(barcode="P0013").size == 0


def test_a_person_sampled_twice_the_same_day_is_flagged_not_counted_twice(city, point, grid_worker, actor):
    a = city["residents"]["A"]
    services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0014")
    services.sample_register(actor=actor(grid_worker), point_id=point.pk, person=a.id_number)
    again = services.sample_register(actor=actor(grid_worker), point_id=point.pk, person=a.id_number)
    assert again.repeat
    assert Sample.objects.filter(resident=a, repeat=False).count() == 1
    assert Sample.objects.filter(resident=a, repeat=True).count() == 1


def test_a_person_outside_the_reach_is_not_found(city, point, grid_worker, actor):
    from wangge.core.errors import NotFound

    services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0015")
    with pytest.raises(NotFound):
        services.sample_register(actor=actor(grid_worker), point_id=point.pk, person=city["residents"]["C"].id_number)


def test_a_health_code_token_is_accepted_at_the_point(city, point, grid_worker, actor):
    from wangge.codes.services import issue_token

    a = city["residents"]["A"]
    services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0016")
    done = services.sample_register(actor=actor(grid_worker), point_id=point.pk, person=issue_token(a).token)
    assert done.resident == a and done.tube.size == 1


def test_a_forged_token_is_refused_with_its_code(city, point, grid_worker, actor):
    from wangge.codes.services import issue_token
    from wangge.core.errors import ValidationFailed

    token = issue_token(city["residents"]["A"]).token
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    services.tube_open(actor=actor(grid_worker), point_id=point.pk, barcode="P0017")
    with pytest.raises(ValidationFailed) as refused:
        services.sample_register(actor=actor(grid_worker), point_id=point.pk, person=forged)
    assert refused.value.code in {"code_forged", "code_malformed"}
