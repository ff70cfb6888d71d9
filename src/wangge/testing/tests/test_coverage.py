"""Coverage (应检尽检): who has not been sampled on the round's day, by building and unit, with
exemptions; the untested API and the export; the plan, the schedule and the saving."""

import datetime as dt

import pytest

from wangge.core.errors import ValidationFailed
from wangge.core.testing import Api, login, rows_of
from wangge.core.testing.factories import make_round, make_sample, make_tube
from wangge.testing import selectors, services
from wangge.testing.models import Round, SamplingTask


def test_the_untested_are_the_areas_people_not_sampled_on_the_day(city, rnd, point, cdc):
    make_sample(make_tube(point), city["residents"]["A"])
    names = {r.name for r in selectors.untested_queryset(user=cdc, rnd=rnd)}
    assert names == {"李娜", "王芳"}  # 刘洋 lives in street 2, outside the round's area


def test_the_untested_are_narrowed_to_the_readers_reach(city, rnd, grid_worker):
    assert {r.name for r in selectors.untested_queryset(user=grid_worker, rnd=rnd)} == {"张伟", "李娜"}


def test_a_person_away_is_off_the_list_with_a_note(city, rnd, cdc, community_worker, actor):
    services.exemption_add(actor=actor(community_worker), round_id=rnd.pk, resident_id=city["residents"]["B"].pk,
                           kind="away",
                           note="在外地务工")
    assert "王芳" not in {r.name for r in selectors.untested_queryset(user=cdc, rnd=rnd)}
    assert selectors.coverage(user=cdc, rnd=rnd).away == 1


def test_away_needs_a_note(city, rnd, community_worker, actor):
    with pytest.raises(ValidationFailed) as refused:
        services.exemption_add(actor=actor(community_worker), round_id=rnd.pk,
                               resident_id=city["residents"]["B"].pk, kind="away")
    assert refused.value.code == "note_required"


def test_a_bedridden_person_gets_a_door_to_door_task_and_stays_untested(city, rnd, grid_worker, actor):
    a = city["residents"]["A"]
    services.exemption_add(actor=actor(grid_worker), round_id=rnd.pk, resident_id=a.pk, kind="bedridden")
    task = SamplingTask.objects.get(resident=a)
    assert (task.kind, task.at_door, task.status) == ("door", True, "open")
    assert a in selectors.untested_queryset(user=grid_worker, rnd=rnd)


def test_coverage_counts_by_building_and_unit(city, rnd, point, cdc):
    make_sample(make_tube(point), city["residents"]["A"])
    cov = selectors.coverage(user=cdc, rnd=rnd)
    assert (cov.population, cov.sampled, cov.untested) == (3, 1, 2)
    assert [(g.building, g.unit, g.untested) for g in cov.by_unit] == [("1栋", "1单元", 1), ("1栋", "1单元", 1)]


def test_a_sample_on_another_day_of_a_daily_round_does_not_count_today(city, point, cdc):
    rnd = point.round
    Round.objects.filter(pk=rnd.pk).update(repeat="daily", starts_on=rnd.starts_on - dt.timedelta(days=1))
    rnd.refresh_from_db()
    make_sample(make_tube(point, day=rnd.starts_on), city["residents"]["A"])
    assert city["residents"]["A"] in selectors.untested_queryset(user=cdc, rnd=rnd)


@pytest.mark.parametrize(("repeat", "every", "offset", "expected"), [
    ("once", 1, 5, 0), ("daily", 1, 5, 5), ("every_other", 1, 5, 4), ("every_n", 3, 5, 3), ("every_n", 3, -2, 0)])
def test_the_day_of_a_scheduled_round(city, repeat, every, offset, expected):
    start = dt.date(2022, 4, 1)
    rnd = make_round(repeat=repeat, every_days=every, starts_on=start)
    assert selectors.round_day(rnd, start + dt.timedelta(days=offset)) == start + dt.timedelta(days=expected)


def test_the_untested_api_is_paginated_masked_and_scoped(city, rnd, cdc, outsider):
    page = Api(cdc).get(f"/testing/rounds/{rnd.pk}/untested", limit=1).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    assert "*" in page["items"][0]["id_number"]
    second = Api(cdc).get(f"/testing/rounds/{rnd.pk}/untested", limit=1, cursor=page["next_cursor"]).json()
    assert second["items"][0]["resident_id"] != page["items"][0]["resident_id"]
    response = Api(outsider).get(f"/testing/rounds/{rnd.pk}/untested")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_untested_list_is_exported_to_excel(city, rnd, cdc):
    response = login(cdc).get(f"/testing/{rnd.pk}/untested.xlsx")
    rows = rows_of(response)
    assert rows[0][1] == "姓名" and {r[1] for r in rows[1:]} == {"张伟", "李娜", "王芳"}
    assert all("*" in r[2] for r in rows[1:])


def test_the_plan_follows_the_guidance(city, rnd, point, cdc, settings):
    from wangge.grid.models import Grid

    Grid.objects.filter(code__startswith="420106001").update(resident_count=5000)  # two grids: 10,000 people
    plan = selectors.round_plan(user=cdc, rnd=rnd)
    assert (plan.population, plan.points_min, plan.points_max, plan.samplers) == (10000, 4, 5, 28)
    assert plan.hours == round(10000 / (settings.WANGGE_TESTING_SWABS_PER_HOUR * 2), 1)  # the point's 2 samplers


def test_pooling_saved_is_shown_against_single_tubes(city, rnd, point, cdc):
    from wangge.core.testing.factories import add_resident

    household = city["households"]["A"][1]
    tube = make_tube(point, result="negative", status="resulted")
    for i in range(10):
        make_sample(tube, add_resident(household, name=f"居民{i}"))
    saving = selectors.pooling_saving(user=cdc, rnd=rnd)
    assert (saving.people, saving.tubes, saving.saved, saving.prevalence) == (10, 1, 9, 0.0)
    assert saving.expected_tests == 1.0


def test_test_history_lists_a_persons_samples_newest_first(city, point):
    a = city["residents"]["A"]
    first = make_sample(make_tube(point, result="negative"), a)
    second = make_sample(make_tube(point), a)
    assert list(selectors.test_history(a)) == [second, first]


def test_exemption_outside_the_reach_is_not_found(city, rnd, grid_worker, actor):
    from wangge.core.errors import NotFound

    with pytest.raises(NotFound):
        services.exemption_add(actor=actor(grid_worker), round_id=rnd.pk, resident_id=city["residents"]["B"].pk,
                               kind="away", note="x")


def test_a_cases_tube_pool_and_sampling_queue_are_exposures(city, point, cdc):
    import datetime as dt

    from django.utils import timezone

    from wangge.core.testing.factories import add_resident
    from wangge.tracing.hooks import exposures

    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    later = add_resident(city["households"]["A"][1], name="排队者")
    far = add_resident(city["households"]["A"][1], name="远者")
    now = timezone.now()
    tube = make_tube(point)
    make_sample(tube, a, sampled_at=now)
    make_sample(tube, a2, sampled_at=now)
    make_sample(make_tube(point), later, sampled_at=now + dt.timedelta(minutes=5))
    make_sample(make_tube(point), far, sampled_at=now + dt.timedelta(hours=2))
    found = [e for answer in exposures.ask(user=cdc, resident=a, since=now - dt.timedelta(days=14), until=now)
             for e in answer]
    by = {(e.resident_id, e.reason, e.rank, e.suggested) for e in found if e.reason in ("tube_pool", "sampling_queue")}
    assert by == {(a2.pk, "tube_pool", 10, "close"), (later.pk, "sampling_queue", 25, "secondary")}
