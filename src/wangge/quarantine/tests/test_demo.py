"""The quarantine demo: three sites of 40-80 rooms, active home and central orders, released ones."""

import random

from django.db.models import F
from django.utils import timezone

from wangge.core.testing.factories import add_resident, build_grid
from wangge.quarantine import selectors, services
from wangge.quarantine.demo import seed_demo
from wangge.quarantine.models import QuarantineOrder, QuarantineTest, Site, TestResultEntry


def small_city(n=400):
    grid = build_grid("420106001001001", buildings=2, units=2, households=10)
    households = [h for b in grid.buildings.all() for u in b.units.all() for h in u.households.all()]
    for i in range(n):
        add_resident(households[i % len(households)], name=f"居民{i}")


def test_the_demo_builds_three_sites_and_orders_at_every_stage(db):
    small_city()
    today = timezone.localdate()
    seed_demo(rng=random.Random(3), today=today)
    assert Site.objects.count() == 3
    assert all(40 <= s.rooms.count() <= 80 for s in Site.objects.all())
    active = QuarantineOrder.objects.filter(status="active")
    assert active.filter(place="home").exists() and active.filter(place="central").exists()
    assert QuarantineOrder.objects.filter(status="released").exclude(certificate_number=None).count() == 15
    assert QuarantineTest.objects.filter(result="negative").exists()
    assert services.releases_due(on_date=today).exists()


def test_the_demo_never_overfills_a_room(db):
    from wangge.core.testing.factories import make_user

    district_command = make_user("district", "command", ["420106000000"])
    small_city()
    seed_demo(rng=random.Random(5), today=timezone.localdate())
    for site in Site.objects.all():
        _site, rooms = selectors.site_rooms(user=district_command, site_id=site.pk)
        assert all(r.occupied <= r.room.capacity for r in rooms)


def test_the_demo_runs_once(db):
    small_city(50)
    seed_demo(rng=random.Random(1), today=timezone.localdate())
    count = QuarantineOrder.objects.count()
    seed_demo(rng=random.Random(2), today=timezone.localdate())
    assert QuarantineOrder.objects.count() == count


def test_the_demo_puts_back_regime_presets_that_were_deleted(db):
    from wangge.quarantine.models import Regime

    Regime.objects.all().delete()  # what a flushed test database or an over-eager admin leaves
    small_city()
    seed_demo(rng=random.Random(3), today=timezone.localdate())
    assert {"14", "14+7", "7+3", "5+3"} <= set(Regime.objects.values_list("code", flat=True))
    assert QuarantineOrder.objects.exists()



def test_every_demo_result_is_its_tests_first_entry(db):
    small_city()
    seed_demo(rng=random.Random(3), today=timezone.localdate())
    recorded = QuarantineTest.objects.exclude(result="pending")
    assert recorded.exists()
    assert TestResultEntry.objects.count() == recorded.count()
    assert not recorded.exclude(entries__result=F("result")).exists()
