import datetime as dt
import random

from wangge.accounts.models import Role
from wangge.core.testing.factories import make_user
from wangge.health.models import EpidemicStatus, PersonStatus
from wangge.screening.demo import seed_demo
from wangge.screening.models import Visit
from wangge.screening.selectors import history


def test_the_demo_campaign_has_partial_coverage_a_visible_gap_and_leads(city, today):
    command = make_user("demo_command", Role.COMMAND, ["420106000000"])
    make_user("demo_grid", Role.GRID_WORKER, ["420106001001001"])
    campaign = seed_demo(rng=random.Random(3), today=today)
    assert campaign.grid_code == "420106" and campaign.start_date == today - dt.timedelta(days=3)
    days = history(user=command, campaign=campaign, prefix="420106")
    assert len(days) == 4
    assert Visit.objects.filter(campaign=campaign).count() > 0
    assert PersonStatus.objects.filter(status=EpidemicStatus.FEVER).exists()


def test_the_demo_runs_without_demo_accounts(city, today):
    campaign = seed_demo(rng=random.Random(1), today=today)
    assert campaign is not None and not PersonStatus.objects.exists()
