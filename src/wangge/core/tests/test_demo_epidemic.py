"""The demo city comes with an outbreak in progress; --city-only leaves it out; --reset clears it."""

from io import StringIO

import pytest
from django.core.management import call_command

from wangge.alerts.models import Alert
from wangge.health.models import EpidemicStatus, PersonStatus
from wangge.quarantine.models import QuarantineOrder, Site
from wangge.screening.models import Campaign, Visit
from wangge.tracing.models import Investigation
from wangge.transfer.models import Facility, TransferOrder


def build(*extra):
    call_command("demo", "--residents", "3000", *extra, stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_the_demo_city_has_every_part_of_the_closed_loop_under_way():
    build()
    statuses = set(PersonStatus.objects.values_list("status", flat=True))
    assert {EpidemicStatus.CONFIRMED, EpidemicStatus.CLOSE_CONTACT, EpidemicStatus.FEVER} <= statuses
    assert Investigation.objects.exists()
    assert Site.objects.exists() and QuarantineOrder.objects.filter(status="active").exists()
    assert Facility.objects.exists() and TransferOrder.objects.exists()
    assert Campaign.objects.exists() and Visit.objects.exists()


@pytest.mark.django_db
def test_city_only_builds_no_epidemic_work():
    build("--city-only")
    assert not PersonStatus.objects.exists()
    assert not Campaign.objects.exists()
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_reset_clears_the_epidemic_work_before_rebuilding():
    build()
    first_sites = set(Site.objects.values_list("pk", flat=True))
    build("--reset", "--city-only")
    assert not PersonStatus.objects.exists()
    assert not Site.objects.filter(pk__in=first_sites).exists()
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_the_seeded_outbreak_leaves_fresh_planner_statistics_on_postgresql():
    """A freshly filled table looks empty to PostgreSQL's planner until analysed (a campaign page
    took 21 s on a 1,000,000-resident city before), so the seed analyses what it filled."""
    from django.db import connection

    from wangge.demo.services import EPIDEMIC_APPS, analyze

    build()
    if connection.vendor != "postgresql":
        assert analyze(EPIDEMIC_APPS) == []
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Visit._meta.db_table])
        (estimate,) = cursor.fetchone()
    # -1 means "never analysed"; after the seed the estimate is the real row count.
    assert estimate == Visit.objects.count() > 0
    assert Visit._meta.db_table in analyze(["screening"])
