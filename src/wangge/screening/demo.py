"""Demo data: a daily door-to-door campaign over the demo district, three days in.

Coverage is partial every day and one day shows a clear gap (不断一天 is the goal, not a given);
today is in progress.  A few fevers found today go through ``visit_record`` itself, so they are
real leads with their status change, transition and CDC alert.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from wangge.accounts.models import Role, User
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import Level, level_of
from wangge.grid.models import Division, Household
from wangge.people.models import Resident
from wangge.screening.models import DEFAULT_QUESTIONS, Campaign, MemberCheck, Visit
from wangge.screening.services import coverage_rebuild, visit_record

# Share of households covered on each day, counting back from today (-3 .. 0); day -2 is the gap.
DAY_SHARES = (0.93, 0.34, 0.88, 0.46)
LEADS = 3
BATCH = 2000


def _demo_user(role: str, username: str):
    return User.objects.filter(username=username, role=role, is_active=True).first()


def _district() -> Division | None:
    command = _demo_user(Role.COMMAND, "demo_command")
    if command is not None:
        grant = command.scope_grants.first()
        if grant is not None and level_of(grant.prefix) == Level.DISTRICT:
            return Division.objects.filter(grid_code=grant.prefix).first()
    return Division.objects.filter(level=Division.Kind.DISTRICT).order_by("code").first()


@transaction.atomic
def seed_demo(*, rng: random.Random, today: dt.date) -> Campaign | None:
    district = _district()
    if district is None:
        return None
    prefix = district.grid_code
    command = _demo_user(Role.COMMAND, "demo_command")
    worker = _demo_user(Role.GRID_WORKER, "demo_grid")
    start = today - dt.timedelta(days=len(DAY_SHARES) - 1)
    campaign = Campaign.objects.create(
        name=f"{district.name}拉网式排查（每日）", grid_code=prefix, start_date=start,
        end_date=start + dt.timedelta(days=13), frequency=Campaign.Frequency.DAILY,
        questions=[dict(q) for q in DEFAULT_QUESTIONS], created_by=command,
    )
    households = list(Household.objects.within(prefix).order_by("id").values_list("id", "grid_code"))
    members: dict[int, list[tuple[int, str]]] = {}
    for rid, hid, grid_code in Resident.objects.within(prefix).values_list("id", "household_id", "grid_code"):
        members.setdefault(hid, []).append((rid, grid_code))

    visits = 0
    for offset, share in enumerate(DAY_SHARES):
        day = start + dt.timedelta(days=offset)
        rows = []
        for hid, grid_code in households:
            if rng.random() >= share:
                continue
            roll = rng.random()
            outcome = (Visit.Outcome.VISITED if roll < 0.93 else
                       Visit.Outcome.NOBODY_HOME if roll < 0.98 else Visit.Outcome.REFUSED)
            rows.append(Visit(campaign=campaign, household_id=hid, grid_code=grid_code, date=day, outcome=outcome,
                              visited_by=worker))
        created = Visit.objects.bulk_create(rows, batch_size=BATCH)
        visits += len(created)
        checks = [
            MemberCheck(
                visit_id=v.pk, resident_id=rid, grid_code=grid_code, present=present,
                temperature=Decimal(rng.randint(360, 371)) / 10 if present else None,
                answers={"travel_risk_area": False, "contact_case": False} if present else {},
            )
            for v in created if v.outcome == Visit.Outcome.VISITED
            for rid, grid_code in members.get(v.household_id, [])
            for present in [rng.random() < 0.9]
        ]
        MemberCheck.objects.bulk_create(checks, batch_size=BATCH)

    coverage_rebuild(campaign=campaign)
    if worker is not None:
        _seed_leads(rng=rng, campaign=campaign, worker=worker, today=today)
    audit.record(
        actor=Actor(user=None, channel="cli"), action=AuditAction.IMPORT, obj=campaign,
        note=f"示范数据：{visits} 次入户排查（{start.isoformat()} 起，每日部分覆盖）",
    )
    return campaign


def _seed_leads(*, rng: random.Random, campaign: Campaign, worker, today: dt.date) -> None:
    """A few fevers at the door today, in the demo grid worker's grid, through the real service."""
    reach = Household.objects.restrict(worker).within(campaign.grid_code).filter(resident_count__gt=0)
    candidates = list(reach.order_by("code").values_list("id", flat=True)[:200])
    for household_id in rng.sample(candidates, min(LEADS, len(candidates))):
        people = list(Resident.objects.filter(household_id=household_id).order_by("id").values_list("id", flat=True))
        fever = rng.choice(people)
        visit_record(
            actor=Actor(user=worker, channel="cli"), campaign_id=campaign.pk, household_id=household_id,
            outcome=Visit.Outcome.VISITED, date=today,
            members=[{"resident_id": rid, "present": True,
                      "temperature": f"{rng.randint(375, 392) / 10:.1f}" if rid == fever else "36.6",
                      "symptoms": ["发热", "干咳"] if rid == fever else []} for rid in people],
        )
