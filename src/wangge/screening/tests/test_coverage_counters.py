"""The per-grid-day counters (``CoverageDay``) behind coverage above a grid and the day-by-day
history agree with a count of the records themselves, whatever order visits, re-visits and
declarations come in; a new campaign counts the declarations already made in its area; a
declaration counts toward every campaign covering its grid."""

import datetime as dt
import random

import pytest

from wangge.core.testing.factories import add_resident, build_grid
from wangge.grid.models import Household
from wangge.screening.models import CoverageDay, Visit
from wangge.screening.selectors import coverage, history, missing_count, missing_queryset
from wangge.screening.services import (
    campaign_create,
    coverage_rebuild,
    declaration_link_for,
    declaration_submit,
    visit_record,
)

COMMUNITY = "420106001002"
GRIDS = [f"{COMMUNITY}{n:03d}" for n in (1, 2, 3)]


@pytest.fixture
def area(city):
    """Three more grids in a second community of street 1, with 1-3 residents a household."""
    rng = random.Random(7)
    for code in GRIDS:
        build_grid(code, buildings=2, units=2, households=3)
    households = list(Household.objects.filter(grid_code__in=GRIDS).order_by("code"))
    for household in households:
        for i in range(rng.randint(1, 3)):
            add_resident(household, name=f"居民{household.pk}-{i}", male=bool(i % 2))
    return households


def _live(user, campaign, date):
    """Each grid's coverage counted from its records (inside a grid, coverage reads no counters)."""
    out = {}
    for code in GRIDS:
        cov = coverage(user=user, campaign=campaign, prefix=code, date=date)
        if cov.area.households_covered or cov.area.persons_covered:
            out[code] = (cov.area.households_covered, cov.area.persons_covered)
    return out


def _counted(user, campaign, date):
    cov = coverage(user=user, campaign=campaign, prefix=COMMUNITY, date=date)
    return {c.prefix: (c.households_covered, c.persons_covered) for c in cov.children
            if c.households_covered or c.persons_covered}


def test_counters_agree_with_the_records_after_random_visits_revisits_and_declarations(
        area, street_officer, grid_worker, actor, today):
    campaign = campaign_create(actor=actor(street_officer), name="社区排查", area_code=COMMUNITY,
                               start_date=today - dt.timedelta(days=2), end_date=today)
    rng = random.Random(2020)
    days = [today - dt.timedelta(days=n) for n in (2, 1, 0)]
    for _ in range(120):
        household = rng.choice(area)
        members = list(household.residents.order_by("pk"))
        date = rng.choice(days)
        if rng.random() < 0.3:
            link = declaration_link_for(actor=actor(street_officer), household_id=household.pk)
            declaration_submit(actor=actor(None), token=link.token, resident_id=rng.choice(members).pk,
                               temperature="36.5", date=date)
            continue
        outcome = rng.choice(["visited", "visited", "visited", "nobody_home", "refused"])
        checks = [{"resident_id": r.pk, "present": rng.random() < 0.7, "temperature": "36.5"} for r in members]
        visit_record(actor=actor(street_officer), campaign_id=campaign.pk, household_id=household.pk,
                     outcome=outcome, members=checks if outcome == "visited" else [], date=date)

    for date in days:
        live = _live(street_officer, campaign, date)
        assert _counted(street_officer, campaign, date) == live
        assert missing_count(user=street_officer, campaign=campaign, prefix=COMMUNITY, date=date) == (
            missing_queryset(user=street_officer, campaign=campaign, prefix=COMMUNITY, date=date).count())
    assert all(_live(street_officer, campaign, date) for date in days)  # the walk covered something each day
    by_day = {d.date: (d.households_covered, d.persons_covered)
              for d in history(user=street_officer, campaign=campaign, prefix=COMMUNITY)}
    for date in days:
        live = _live(street_officer, campaign, date)
        assert by_day[date] == (sum(h for h, _ in live.values()), sum(p for _, p in live.values()))

    # A rebuild from the records writes the same counters the writes kept.
    kept = set(CoverageDay.objects.filter(campaign=campaign).exclude(households=0, persons=0)
               .values_list("grid_code", "date", "households", "persons"))
    coverage_rebuild(campaign=campaign)
    assert set(CoverageDay.objects.filter(campaign=campaign).values_list(
        "grid_code", "date", "households", "persons")) == kept


def test_a_revisit_that_changes_the_outcome_takes_the_household_off_the_count(
        area, street_officer, actor, today):
    campaign = campaign_create(actor=actor(street_officer), name="社区排查", area_code=COMMUNITY,
                               start_date=today, end_date=today)
    household = area[0]
    members = [{"resident_id": r.pk, "present": True, "temperature": "36.5"} for r in household.residents.all()]
    visit_record(actor=actor(street_officer), campaign_id=campaign.pk, household_id=household.pk,
                 outcome="visited", members=members)
    assert _counted(street_officer, campaign, today)[household.grid_code] == (1, len(members))
    visit_record(actor=actor(street_officer), campaign_id=campaign.pk, household_id=household.pk,
                 outcome=Visit.Outcome.NOBODY_HOME, members=[])
    assert household.grid_code not in _counted(street_officer, campaign, today)
    assert CoverageDay.objects.get(campaign=campaign, grid_code=household.grid_code, date=today).households == 0


def test_a_new_campaign_counts_the_declarations_already_made_and_a_declaration_counts_for_every_campaign(
        area, street_officer, actor, today):
    household = area[0]
    resident = household.residents.first()
    link = declaration_link_for(actor=actor(street_officer), household_id=household.pk)
    declaration_submit(actor=actor(None), token=link.token, resident_id=resident.pk, temperature="36.6")
    first = campaign_create(actor=actor(street_officer), name="社区排查", area_code=COMMUNITY,
                            start_date=today, end_date=today)
    assert _counted(street_officer, first, today) == {household.grid_code: (1, 1)}
    second = campaign_create(actor=actor(street_officer), name="网格排查", area_code=household.grid_code,
                             start_date=today, end_date=today)
    other = household.residents.exclude(pk=resident.pk).first() or add_resident(household, name="新成员")
    declaration_submit(actor=actor(None), token=link.token, resident_id=other.pk, temperature="36.6")
    assert _counted(street_officer, first, today) == {household.grid_code: (1, 2)}
    grid = coverage(user=street_officer, campaign=second, prefix=household.grid_code[:12], date=today)
    assert [(c.prefix, c.households_covered, c.persons_covered) for c in grid.children if c.households_covered] == [
        (household.grid_code, 1, 2)]


def test_counters_are_scoped_like_the_records(area, street_officer, grid_worker, outsider, actor, today):
    campaign = campaign_create(actor=actor(street_officer), name="街道排查", area_code="420106001000",
                               start_date=today, end_date=today)
    household = area[0]
    visit_record(actor=actor(street_officer), campaign_id=campaign.pk, household_id=household.pk,
                 outcome="visited", members=[])
    # The grid worker of grid A sees nothing of the second community's grids, the outsider nothing.
    assert coverage(user=grid_worker, campaign=campaign, prefix="420106001", date=today).area.households_covered == 0
    assert not CoverageDay.objects.restrict(outsider).exists()
    assert CoverageDay.objects.restrict(street_officer).count() == 1
