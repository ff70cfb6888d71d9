"""The health demo data: people in each status, transitions in the past, monitoring reports."""

import datetime as dt
import random

from django.db.models import Count
from django.utils import timezone

from wangge.core.testing.factories import add_resident, build_grid
from wangge.health import selectors
from wangge.health.demo import DEMO_COUNTS, seed_demo
from wangge.health.models import HealthReport, PersonStatus, StatusTransition


def small_city(n=400):
    grid = build_grid("420106001001001", buildings=2, units=2, households=5)
    households = list(grid.buildings.first().units.first().households.all())
    for i in range(n):
        add_resident(households[i % len(households)], name=f"居民{i}")


def test_the_demo_puts_people_in_every_status_with_past_transitions(db):
    small_city()
    today = timezone.localdate()
    seed_demo(rng=random.Random(7), today=today)
    counts = dict(PersonStatus.objects.values_list("status").annotate(n=Count("id")))
    assert counts == DEMO_COUNTS
    assert StatusTransition.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).exists()
    assert HealthReport.objects.filter(date=today, slot="am").exists()


def test_every_demo_transition_is_an_allowed_one(db):
    from wangge.health.transitions import is_allowed

    small_city()
    seed_demo(rng=random.Random(3), today=timezone.localdate())
    assert all(is_allowed(f, t) for f, t in StatusTransition.objects.values_list("from_status", "to_status"))


def test_the_demo_leaves_some_gaps_open(db, street_officer):
    small_city()
    seed_demo(rng=random.Random(5), today=timezone.localdate())
    assert sum(selectors.gap_counts(user=street_officer).values()) > 0


def test_seeding_twice_adds_nothing(db):
    small_city()
    seed_demo(rng=random.Random(1), today=timezone.localdate())
    n = StatusTransition.objects.count()
    seed_demo(rng=random.Random(2), today=timezone.localdate())
    assert StatusTransition.objects.count() == n


def test_the_demo_city_names_the_compound_of_every_building(db):
    from wangge.demo.builder import build_city
    from wangge.grid.models import Building

    build_city(residents=3000, seed=11)
    buildings = list(Building.objects.values_list("name", "compound"))
    assert buildings
    assert all(compound and name.startswith(compound) and name[len(compound):].endswith("栋")
               for name, compound in buildings)


def test_the_demo_city_seeds_statuses_and_has_epidemic_free_compounds(db):
    from wangge.accounts.models import Role
    from wangge.core.testing.factories import make_user
    from wangge.demo.builder import build_city

    build_city(residents=5000, seed=12)
    seed_demo(rng=random.Random(12), today=timezone.localdate())
    user = make_user("city_cmd", Role.COMMAND, ["420100000000"])
    total = selectors.epidemic_free_summary(user=user, prefix="").total
    assert 0 < total.compounds_free < total.compounds
